"""Checking and repairing polygon layers, with every repair reported."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from boundaries.errors import EmptyLayerError, GeometryTypeError

__all__ = [
    "Repair",
    "require_polygons",
    "to_multipolygon",
    "repair_polygons",
]

log = logging.getLogger(__name__)

_SPANISH_TYPES = {
    "Point": "puntos",
    "MultiPoint": "puntos",
    "LineString": "líneas",
    "MultiLineString": "líneas",
    "LinearRing": "líneas",
    "GeometryCollection": "colecciones de geometrías",
}


@dataclass(frozen=True)
class Repair:
    """A record of one repaired feature: its position, its code and what was wrong."""

    position: int
    code: str
    reason: str

    def describe(self) -> str:
        """Return a Spanish sentence describing the repair."""
        return f"polígono {self.code} reparado: {self.reason}"


def require_polygons(frame: gpd.GeoDataFrame, name: str = "la capa") -> None:
    """Raise unless every geometry of ``frame`` is a non-empty (Multi)Polygon.

    Raises :class:`GeometryTypeError` or :class:`EmptyLayerError` with a Spanish message.

    Examples
    --------
    >>> from shapely import box, LineString
    >>> require_polygons(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]))
    >>> require_polygons(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])]))
    Traceback (most recent call last):
    ...
    boundaries.errors.GeometryTypeError: la capa contiene líneas donde se esperan ...
    """
    if len(frame) == 0:
        raise EmptyLayerError(f"{name} no tiene elementos")
    geoms = frame.geometry.array
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.all():
        raise EmptyLayerError(f"{name} solo tiene geometrías vacías")
    types = frame.geometry.geom_type
    wrong = ~types.isin(["Polygon", "MultiPolygon"]) & ~missing
    if wrong.any():
        first = types[wrong].iloc[0]
        raise GeometryTypeError(
            f"{name} contiene {_SPANISH_TYPES.get(first, first)} donde se esperan polígonos "
            f"({int(wrong.sum())} de {len(frame)} elementos)"
        )
    if missing.any():
        raise EmptyLayerError(f"{name} tiene {int(missing.sum())} elementos sin geometría")


def to_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    """Return the polygonal part of ``geometry`` as a MultiPolygon.

    Examples
    --------
    >>> from shapely import box
    >>> to_multipolygon(box(0, 0, 1, 1)).geom_type
    'MultiPolygon'
    """
    if isinstance(geometry, MultiPolygon):
        return geometry
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry])
    parts = [
        part
        for part in shapely.get_parts(geometry)
        if isinstance(part, Polygon | MultiPolygon) and not part.is_empty
    ]
    polygons: list[Polygon] = []
    for part in parts:
        polygons.extend(shapely.get_parts(part))
    return MultiPolygon(polygons)


def repair_polygons(
    frame: gpd.GeoDataFrame, codes: list[str] | None = None
) -> tuple[gpd.GeoDataFrame, list[Repair]]:
    """Repair invalid polygons with ``make_valid`` and report each repair.

    Every geometry comes back as a MultiPolygon; a repair that leaves no area raises.

    Parameters
    ----------
    frame : GeoDataFrame
        A polygon layer (checked with :func:`require_polygons`).
    codes : list of str, optional
        How to name each feature in the report (its code); positions are used otherwise.

    Returns
    -------
    (GeoDataFrame, list of Repair)

    Examples
    --------
    >>> from shapely import Polygon
    >>> bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> fixed, repairs = repair_polygons(gpd.GeoDataFrame(geometry=[bowtie]), ["A"])
    >>> repairs[0].code, fixed.geometry[0].is_valid, fixed.geometry[0].area
    ('A', True, 0.5)
    """
    require_polygons(frame)
    codes = codes if codes is not None else [str(i) for i in range(len(frame))]
    geoms = frame.geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms)
    repairs: list[Repair] = []
    fixed = geoms.copy()
    for position in invalid.nonzero()[0]:
        reason = shapely.is_valid_reason(geoms[position])
        repaired = to_multipolygon(shapely.make_valid(geoms[position]))
        if repaired.is_empty:
            raise GeometryTypeError(
                f"el polígono {codes[position]} es inválido ({reason}) y no se puede reparar"
            )
        fixed[position] = repaired
        repairs.append(Repair(int(position), codes[position], reason))
        log.warning("repaired polygon %s: %s", codes[position], reason)
    fixed = [to_multipolygon(g) for g in fixed]
    return frame.set_geometry(gpd.GeoSeries(fixed, index=frame.index, crs=frame.crs)), repairs
