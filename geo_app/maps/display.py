"""Screen copies of stored geometries: simplified, rounded, as plain GeoJSON dicts.

Maps never draw the stored geometry: a municipal limit digitized at centimetre detail
would make a phone page megabytes heavy. :func:`for_display` returns a lighter copy,
simplified in metres in :data:`boundaries.crs.MEASURE_CRS` and rounded to about 0.1 m.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from boundaries.crs import MEASURE_CRS, STORAGE_CRS, require_crs
from boundaries.errors import CRSMismatchError

__all__ = [
    "DEFAULT_TOLERANCE_M",
    "DEFAULT_PRECISION",
    "for_display",
    "thin_lines",
    "feature_collection",
    "require_storage_crs",
]

# 2 m is below a screen pixel up to zoom 16 at Oaxaca's latitude and still removes most
# vertices of a surveyed limit; 6 decimals of a degree are about 0.1 m.
DEFAULT_TOLERANCE_M = 2.0
DEFAULT_PRECISION = 6


def require_storage_crs(gdf: gpd.GeoDataFrame, name: str = "la capa") -> None:
    """Raise :class:`~boundaries.errors.CRSMismatchError` unless ``gdf`` is in EPSG:4326.

    Examples
    --------
    >>> from shapely import Point
    >>> require_storage_crs(gpd.GeoDataFrame(geometry=[Point(-96.72, 17.06)], crs=4326))
    """
    crs = require_crs(gdf, name)
    if not crs.equals(STORAGE_CRS):
        raise CRSMismatchError(
            f"{name} debe estar en EPSG:4326 (longitud/latitud) para el mapa; "
            f"está en {crs.to_string()}"
        )


def for_display(
    gdf: gpd.GeoDataFrame,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    precision: int = DEFAULT_PRECISION,
) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` simplified and rounded for drawing on a web map.

    Parameters
    ----------
    gdf : GeoDataFrame
        Layer in EPSG:4326; it is not modified.
    tolerance_m : float
        Douglas-Peucker tolerance in metres (``0`` keeps every vertex). Topology of each
        geometry is preserved: polygons do not collapse or self-intersect.
    precision : int
        Decimal places kept in longitude and latitude.

    Returns
    -------
    GeoDataFrame
        Same rows, index and columns, in EPSG:4326.

    Examples
    --------
    >>> from shapely import LineString
    >>> line = LineString([(-96.72, 17.06), (-96.7150000001, 17.0600000004), (-96.71, 17.06)])
    >>> out = for_display(gpd.GeoDataFrame(geometry=[line], crs=4326))
    >>> int(shapely.get_num_coordinates(out.geometry.iloc[0]))
    2
    """
    require_storage_crs(gdf)
    out = gdf.copy()
    geometries = out.geometry
    if tolerance_m > 0:
        measured = geometries.to_crs(MEASURE_CRS)
        simplified = measured.simplify(tolerance_m, preserve_topology=True)
        # Points cannot be simplified; keep them as stored rather than round-trip them.
        geometries = simplified.to_crs(STORAGE_CRS).where(
            ~geometries.geom_type.isin(["Point", "MultiPoint"]), geometries
        )
    rounded = shapely.transform(
        np.asarray(geometries.values, dtype=object), lambda xy: np.round(xy, precision)
    )
    return out.set_geometry(gpd.GeoSeries(rounded, index=out.index, crs=STORAGE_CRS))


# Metres in a degree of latitude; a degree of longitude is shorter (cos of the latitude), so a
# tolerance converted with this number never moves a vertex by more than the metres asked.
METRES_PER_DEGREE = 111_320.0


def thin_lines(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` whose lines keep only the vertices a map at ``tolerance_m`` needs.

    A fast first pass before :func:`for_display` for long field tracks (20,000 points a
    day): Douglas-Peucker straight in degrees, without projecting or topology checks (a
    line cannot become invalid), with the tolerance taken along a meridian so that no
    vertex moves by more than ``tolerance_m``. Other geometries are returned as they are.

    Examples
    --------
    >>> from shapely import LineString
    >>> line = LineString([(-96.72, 17.06), (-96.71999, 17.0600001), (-96.70, 17.06)])
    >>> out = thin_lines(gpd.GeoDataFrame(geometry=[line], crs=4326), 5)
    >>> int(shapely.get_num_coordinates(out.geometry.iloc[0]))
    2
    """
    require_storage_crs(gdf)
    geometries = np.asarray(gdf.geometry.values, dtype=object)
    lines = np.isin(shapely.get_type_id(geometries), (1, 5))  # LineString, MultiLineString
    if tolerance_m <= 0 or not lines.any():
        return gdf.copy()
    thinned = geometries.copy()
    thinned[lines] = shapely.simplify(
        geometries[lines], tolerance_m / METRES_PER_DEGREE, preserve_topology=False
    )
    return gdf.set_geometry(gpd.GeoSeries(thinned, index=gdf.index, crs=STORAGE_CRS))


def feature_collection(
    gdf: gpd.GeoDataFrame, properties: Callable[[Mapping[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """Build a GeoJSON FeatureCollection with only the properties the map needs.

    Rows without a drawable geometry (``None`` or empty) are left out.

    Parameters
    ----------
    gdf : GeoDataFrame
        Layer in EPSG:4326, usually the output of :func:`for_display`.
    properties : callable
        Maps a row (a mapping of column to value) to the feature's properties.

    Returns
    -------
    dict
        A plain, JSON-serializable GeoJSON dict.

    Examples
    --------
    >>> from shapely import Point
    >>> gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(-96.72, 17.06)], crs=4326)
    >>> feature_collection(gdf, lambda row: {"n": row["name"]})["features"][0]["properties"]
    {'n': 'a'}
    """
    require_storage_crs(gdf)
    features = []
    for row in gdf.to_dict("records"):
        geometry = row[gdf.geometry.name]
        if geometry is None or geometry.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(geometry),
                "properties": properties(row),
            }
        )
    return {"type": "FeatureCollection", "features": features}
