"""Comparison of two versions of one municipality's limit.

What a new version adds and takes away (as polygons, with their areas) and how far apart the
two limit lines get: the Hausdorff distance between the boundaries, the largest distance from a
point of either limit to the other. Everything is measured in
:data:`~boundaries.crs.MEASURE_CRS`; polygons are returned in EPSG:4326.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import box
>>> old = gpd.GeoSeries([box(0, 0, 100, 100)], crs=6372)
>>> new = gpd.GeoSeries([box(0, 0, 120, 90)], crs=6372)
>>> result = compare_versions(old, new)
>>> result.gained_m2, result.lost_m2, result.net_m2, round(result.hausdorff_m, 3)
(1800.0, 1000.0, 800.0, 20.0)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from boundaries.crs import MEASURE_CRS, require_same_crs
from boundaries.errors import InvalidParameterError
from boundaries.layers import Layer, boundary_segments, polygon_geometries, storage_frame

__all__ = ["VersionComparison", "compare_versions", "comparison_to_dict", "hausdorff_distance"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VersionComparison:
    """What changed between two versions of a limit.

    Attributes
    ----------
    gained, lost : GeoDataFrame
        The areas inside only the new version (``gained``) or only the old one (``lost``), one
        row per connected polygon of at least ``min_area_m2``: ``area_m2``, ``area_ha``,
        polygon in EPSG:4326. Largest first.
    old_area_m2, new_area_m2 : float
        Area of each version.
    gained_m2, lost_m2 : float
        Total area gained and lost, slivers included, so that
        ``new_area_m2 - old_area_m2 == gained_m2 - lost_m2``.
    hausdorff_m : float
        Largest distance between the two limit lines, in metres.
    slivers : int
        Gained or lost polygons left out of the frames for being under ``min_area_m2``.
    min_area_m2 : float
        The threshold used.
    measure_crs : str
        The CRS in which everything was measured.
    """

    gained: gpd.GeoDataFrame
    lost: gpd.GeoDataFrame
    old_area_m2: float
    new_area_m2: float
    gained_m2: float
    lost_m2: float
    hausdorff_m: float
    slivers: int
    min_area_m2: float
    measure_crs: str = MEASURE_CRS.to_string()

    @property
    def net_m2(self) -> float:
        """Area of the new version minus that of the old one."""
        return self.gained_m2 - self.lost_m2


def compare_versions(
    old: Layer, new: Layer, *, min_area_m2: float = 1.0, precision_m: float = 1.0
) -> VersionComparison:
    """Compare two versions of one municipality's polygon.

    Parameters
    ----------
    old, new : GeoDataFrame or GeoSeries
        The two versions, in the same CRS; when a version has several rows their union is the
        municipality.
    min_area_m2 : float
        Gained or lost polygons smaller than this are counted as slivers and not listed.
    precision_m : float
        The limit lines are sampled every ``precision_m`` metres to measure the Hausdorff
        distance, which is then exact to within ``precision_m / 2``.

    Returns
    -------
    VersionComparison

    Raises
    ------
    CRSMismatchError, MissingCRSError, EmptyLayerError, GeometryTypeError, InvalidGeometryError

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> same = gpd.GeoSeries([box(0, 0, 10, 10)], crs=6372)
    >>> compare_versions(same, same).hausdorff_m
    0.0
    """
    require_same_crs(old, new)
    before = shapely.union_all(polygon_geometries(old, "la versión anterior"))
    after = shapely.union_all(polygon_geometries(new, "la versión nueva"))
    gained, gained_m2, gained_slivers = _difference(after, before, min_area_m2)
    lost, lost_m2, lost_slivers = _difference(before, after, min_area_m2)
    distance = hausdorff_distance(before.boundary, after.boundary, precision_m)
    logger.debug("versiones: +%.1f m², -%.1f m², Hausdorff %.2f m", gained_m2, lost_m2, distance)
    return VersionComparison(
        gained=gained,
        lost=lost,
        old_area_m2=before.area,
        new_area_m2=after.area,
        gained_m2=gained_m2,
        lost_m2=lost_m2,
        hausdorff_m=distance,
        slivers=gained_slivers + lost_slivers,
        min_area_m2=min_area_m2,
    )


def hausdorff_distance(a: BaseGeometry, b: BaseGeometry, precision_m: float = 1.0) -> float:
    """Hausdorff distance between two lines in a metric CRS, exact to ``precision_m / 2``.

    GEOS' own :func:`shapely.hausdorff_distance` only looks at vertices and misses the largest
    gap when it falls mid-segment; here ``a`` and ``b`` are sampled every ``precision_m`` and
    each sample's distance to the other line's segments is found through an STRtree.

    Examples
    --------
    >>> from shapely import LineString
    >>> a = LineString([(0, 0), (100, 0)])
    >>> b = LineString([(0, 0), (50, 5), (100, 0)])
    >>> hausdorff_distance(a, b)
    5.0
    >>> round(hausdorff_distance(b, a), 6) == round(hausdorff_distance(a, b), 6)
    True
    """
    if not precision_m > 0:
        raise InvalidParameterError(
            f"la precisión debe ser un número de metros > 0, no {precision_m!r}"
        )
    return max(_directed(a, b, precision_m), _directed(b, a, precision_m))


def comparison_to_dict(result: VersionComparison) -> dict[str, Any]:
    """Return ``result`` as a JSON-ready dict.

    Keys: ``measure_crs``, ``old_area_m2``, ``new_area_m2``, ``gained_m2``, ``lost_m2``,
    ``net_m2``, ``hausdorff_m``, ``slivers``, ``min_area_m2``, and ``gained`` / ``lost`` as
    lists of ``{"area_m2", "area_ha", "geometry"}`` (GeoJSON mappings in EPSG:4326). Areas are
    rounded to 0.01 m², distances to 0.01 m.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> old = gpd.GeoSeries([box(0, 0, 100, 100)], crs=6372)
    >>> doc = comparison_to_dict(compare_versions(old, old.scale(1.1, 1, origin=(0, 0))))
    >>> doc["gained_m2"], doc["lost"], doc["hausdorff_m"]
    (1000.0, [], 10.0)
    """
    return {
        "measure_crs": result.measure_crs,
        "old_area_m2": round(result.old_area_m2, 2),
        "new_area_m2": round(result.new_area_m2, 2),
        "gained_m2": round(result.gained_m2, 2),
        "lost_m2": round(result.lost_m2, 2),
        "net_m2": round(result.net_m2, 2),
        "hausdorff_m": round(result.hausdorff_m, 2),
        "slivers": result.slivers,
        "min_area_m2": result.min_area_m2,
        "gained": _areas(result.gained),
        "lost": _areas(result.lost),
    }


def _areas(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    return [
        {
            "area_m2": round(row.area_m2, 2),
            "area_ha": round(row.area_ha, 4),
            "geometry": shapely.geometry.mapping(row.geometry),
        }
        for row in frame.itertuples()
    ]


def _difference(
    a: BaseGeometry, b: BaseGeometry, min_area_m2: float
) -> tuple[gpd.GeoDataFrame, float, int]:
    parts = shapely.get_parts(shapely.difference(a, b))
    parts = parts[shapely.get_type_id(parts) == 3]
    area = shapely.area(parts)
    kept = np.flatnonzero(area >= min_area_m2)
    kept = kept[np.argsort(-area[kept], kind="stable")]
    frame = storage_frame({"area_m2": area[kept], "area_ha": area[kept] / 10_000}, parts[kept])
    return frame, float(area.sum()), int(((area > 0) & (area < min_area_m2)).sum())


def _directed(a: BaseGeometry, b: BaseGeometry, precision_m: float) -> float:
    samples = shapely.points(shapely.get_coordinates(shapely.segmentize(a, precision_m)))
    start, end, _ = boundary_segments(np.array([b], dtype=object))
    if len(samples) == 0 or len(start) == 0:
        return 0.0 if len(samples) == len(start) == 0 else float("inf")
    tree = STRtree(shapely.linestrings(np.stack([start, end], axis=1)))
    _, distance = tree.query_nearest(samples, return_distance=True, all_matches=False)
    return float(distance.max())
