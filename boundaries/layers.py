"""Checked access to the layers handed to the analysis functions.

Every analysis in :mod:`boundaries` takes GeoDataFrames (or GeoSeries) in any CRS, checks them
here — same CRS everywhere, right geometry type, no empty layer, no invalid polygon — and gets
back plain shapely arrays in :data:`~boundaries.crs.MEASURE_CRS` metres. Results go back to
:data:`~boundaries.crs.STORAGE_CRS` through :func:`storage_frame`.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import box
>>> frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 10, 10)], crs=6372)
>>> [(layer.key, list(layer.codes)) for layer in polygon_layers(frame)]
[('official', ['A'])]
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from boundaries.crs import MEASURE_CRS, STORAGE_CRS, require_crs, require_same_crs
from boundaries.errors import (
    EmptyLayerError,
    GeometryTypeError,
    InvalidGeometryError,
    MissingColumnError,
)
from boundaries.validation import require_polygons

__all__ = [
    "Layer",
    "PolygonLayer",
    "OFFICIAL",
    "polygon_layers",
    "polygon_geometries",
    "line_geometries",
    "point_geometries",
    "point_coordinates",
    "project",
    "storage_frame",
    "boundary_segments",
    "atomic_parts",
]

Layer = gpd.GeoDataFrame | gpd.GeoSeries

OFFICIAL = "official"
"""Key of the official frame among the layers (claims keep the names they are given)."""

_POLYGONAL = {3: "Polygon", 6: "MultiPolygon"}
_LINEAR = {1: "LineString", 5: "MultiLineString"}
_PUNCTUAL = {0: "Point"}
_TYPE_NAMES = {
    -1: "sin geometría",
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


@dataclass(frozen=True)
class PolygonLayer:
    """One checked polygon layer.

    Attributes
    ----------
    key : str
        :data:`OFFICIAL` for the frame, the claim's name otherwise.
    label : str
        How the layer is named in messages (Spanish).
    codes : numpy.ndarray
        The party code of each feature (Python objects).
    geoms : numpy.ndarray
        The polygons in :data:`~boundaries.crs.MEASURE_CRS`.
    """

    key: str
    label: str
    codes: np.ndarray
    geoms: np.ndarray


def polygon_layers(
    frame: gpd.GeoDataFrame,
    claims: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    code_col: str = "code",
) -> list[PolygonLayer]:
    """Check the official frame and the claims; return them projected to metres.

    Parameters
    ----------
    frame : GeoDataFrame
        The official frame: one row per municipality, its code in ``code_col``.
    claims : mapping of str to GeoDataFrame, optional
        Each claim layer by name (e.g. ``{"convenio 1998": gdf}``), same CRS as ``frame``.
    code_col : str
        Column with the party code.

    Returns
    -------
    list of PolygonLayer
        The frame first, then the claims in the mapping's order.

    Raises
    ------
    CRSMismatchError, MissingCRSError, EmptyLayerError, MissingColumnError,
    GeometryTypeError, InvalidGeometryError

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> lines = gpd.GeoDataFrame({"code": ["A"]}, geometry=[LineString([(0, 0), (1, 1)])],
    ...                          crs=6372)
    >>> polygon_layers(lines)
    Traceback (most recent call last):
    ...
    boundaries.errors.GeometryTypeError: el marco oficial contiene líneas donde se \
esperan polígonos (1 de 1 elementos)
    """
    named = [(OFFICIAL, "el marco oficial", frame)]
    named += [(str(name), f"la reclamación «{name}»", gdf) for name, gdf in (claims or {}).items()]
    for _, label, gdf in named:
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise TypeError(f"{label} debe ser un GeoDataFrame, no {type(gdf).__name__}")
        _require_frame(gdf, label)
    crs = require_same_crs(*(gdf for _, _, gdf in named))
    layers = []
    for key, label, gdf in named:
        if code_col not in gdf.columns:
            raise MissingColumnError(f"{label} no tiene la columna de claves «{code_col}»")
        codes = gdf[code_col]
        if codes.isna().any():
            where = codes.index[codes.isna()][0]
            raise MissingColumnError(f"{label}: la fila {where!r} no tiene clave en «{code_col}»")
        names = np.asarray(codes.tolist(), dtype=object)
        geoms = _polygons(gdf.geometry, label, names)
        layers.append(PolygonLayer(key, label, names, project(geoms, crs, MEASURE_CRS)))
    return layers


def polygon_geometries(frame: Layer, label: str) -> np.ndarray:
    """Check a polygon layer without party codes; return its polygons in metres.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> polygon_geometries(gpd.GeoSeries([box(0, 0, 2, 2)], crs=6372), "la versión")[0].area
    4.0
    """
    crs, series = _require_frame(frame, label)
    names = np.asarray(series.index.tolist(), dtype=object)
    return project(_polygons(series, label, names), crs, MEASURE_CRS)


def line_geometries(frame: Layer, label: str) -> np.ndarray:
    """Check a line layer (routes, rivers); return its lines in metres.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> route = gpd.GeoSeries([LineString([(0, 0), (3, 4)])], crs=6372)
    >>> line_geometries(route, "la ruta")[0].length
    5.0
    """
    crs, series = _require_frame(frame, label)
    names = np.asarray(series.index.tolist(), dtype=object)
    return project(_checked(series, label, names, _LINEAR, "líneas"), crs, MEASURE_CRS)


def point_geometries(frame: Layer, label: str, crs: pyproj.CRS | None = None) -> np.ndarray:
    """Check a point layer (findings, sites); return its points in metres.

    Parameters
    ----------
    frame : GeoDataFrame or GeoSeries
        The points.
    label : str
        How the layer is named in messages.
    crs : pyproj.CRS, optional
        The CRS the points must share (that of the layers they are compared with).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> point_geometries(gpd.GeoSeries([Point(1, 2)], crs=6372), "los hallazgos")[0].x
    1.0
    """
    return shapely.points(point_coordinates(frame, label, crs))


def point_coordinates(frame: Layer, label: str, crs: pyproj.CRS | None = None) -> np.ndarray:
    """Check a point layer like :func:`point_geometries`; return ``(n, 2)`` x, y in metres.

    Cheaper than building Point objects when only the coordinates are needed.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> point_coordinates(gpd.GeoSeries([Point(1, 2)], crs=6372), "los hallazgos").tolist()
    [[1.0, 2.0]]
    """
    own, series = _require_frame(frame, label)
    if crs is not None:
        require_same_crs(gpd.GeoSeries([], crs=crs), series)
    xy = shapely.get_coordinates(_checked(series, label, series.index, _PUNCTUAL, "puntos"))
    if own.equals(MEASURE_CRS):
        return xy
    x, y = _transformer(own, MEASURE_CRS).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def project(geoms: np.ndarray, source: pyproj.CRS, target: pyproj.CRS) -> np.ndarray:
    """Reproject an array of shapely geometries (a no-op when the CRS already match).

    Examples
    --------
    >>> from shapely import Point
    >>> pt = project(np.array([Point(-96.72, 17.06)]), STORAGE_CRS, MEASURE_CRS)[0]
    >>> round(pt.x), round(pt.y)
    (3062399, 574116)
    """
    if source.equals(target):
        return geoms
    transformer = _transformer(source, target)
    return shapely.transform(geoms, transformer.transform, interleaved=False)


def storage_frame(
    data: Mapping[str, object] | pd.DataFrame, geoms_m: np.ndarray
) -> gpd.GeoDataFrame:
    """Build a result GeoDataFrame in EPSG:4326 from columns and geometries in metres.

    Examples
    --------
    >>> from shapely import Point
    >>> storage_frame({"n": [1]}, np.array([Point(3062399, 574116)])).crs.to_epsg()
    4326
    """
    geoms = project(np.asarray(geoms_m, dtype=object), MEASURE_CRS, STORAGE_CRS)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=STORAGE_CRS).values)


def boundary_segments(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split the rings (or lines) of ``geoms`` into straight segments.

    Returns
    -------
    start, end : numpy.ndarray
        ``(n, 2)`` coordinates of each segment's ends.
    owner : numpy.ndarray
        Index in ``geoms`` of the geometry each segment belongs to.

    Examples
    --------
    >>> from shapely import box
    >>> start, end, owner = boundary_segments(np.array([box(0, 0, 1, 1)]))
    >>> len(start), owner.tolist()
    (4, [0, 0, 0, 0])
    """
    polygonal = np.isin(shapely.get_type_id(geoms), list(_POLYGONAL))
    lines, line_owner = _rings_or_lines(geoms, polygonal)
    coords, index = shapely.get_coordinates(lines, return_index=True)
    same = index[:-1] == index[1:]
    return coords[:-1][same], coords[1:][same], line_owner[index[:-1][same]]


def atomic_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Explode multi-part geometries and collections down to single parts.

    Returns
    -------
    parts : numpy.ndarray
        Points, LineStrings and Polygons.
    index : numpy.ndarray
        Index in ``geoms`` each part comes from (sorted).

    Examples
    --------
    >>> from shapely import GeometryCollection, MultiPoint, Point
    >>> parts, index = atomic_parts(np.array([GeometryCollection([MultiPoint([(0, 0), (1, 1)]),
    ...                                                           Point(2, 2)])]))
    >>> len(parts), index.tolist()
    (3, [0, 0, 0])
    """
    parts, index = shapely.get_parts(geoms, return_index=True)
    nested = shapely.get_type_id(parts) >= 4
    if nested.any():
        inner, inner_index = atomic_parts(parts[nested])
        parts = np.concatenate([parts[~nested], inner])
        index = np.concatenate([index[~nested], index[nested][inner_index]])
        order = np.argsort(index, kind="stable")
        parts, index = parts[order], index[order]
    return parts, index


def _rings_or_lines(geoms: np.ndarray, polygonal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    polygons, polygon_owner = atomic_parts(geoms[polygonal])
    rings, ring_owner = shapely.get_rings(polygons, return_index=True)
    ring_owner = polygon_owner[ring_owner]
    if polygonal.all():
        return rings, ring_owner
    lines, line_owner = atomic_parts(geoms[~polygonal])
    owner = np.concatenate(
        [np.flatnonzero(polygonal)[ring_owner], np.flatnonzero(~polygonal)[line_owner]]
    )
    return np.concatenate([rings, lines]), owner


@functools.lru_cache(maxsize=16)
def _transformer(source: pyproj.CRS, target: pyproj.CRS) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def _require_frame(frame: object, label: str) -> tuple[pyproj.CRS, gpd.GeoSeries]:
    if isinstance(frame, gpd.GeoDataFrame):
        series = frame.geometry
    elif isinstance(frame, gpd.GeoSeries):
        series = frame
    else:
        raise TypeError(f"{label} debe ser un GeoDataFrame o GeoSeries, no {type(frame).__name__}")
    if len(series) == 0:
        raise EmptyLayerError(f"{label} no tiene elementos")
    return require_crs(series, label), series


def _checked(
    series: gpd.GeoSeries,
    label: str,
    names: np.ndarray | pd.Index,
    allowed: dict[int, str],
    noun: str,
) -> np.ndarray:
    geoms = np.asarray(series.array, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise EmptyLayerError(f"{label}: el elemento {names[missing][0]} no tiene geometría")
    types = shapely.get_type_id(geoms)
    wrong = ~np.isin(types, list(allowed))
    if wrong.any():
        first = int(np.flatnonzero(wrong)[0])
        raise GeometryTypeError(
            f"{label} debe contener {noun} ({' o '.join(allowed.values())}); "
            f"el elemento {names[first]} es {_TYPE_NAMES.get(int(types[first]), '?')}"
        )
    return geoms


def _polygons(series: gpd.GeoSeries, label: str, names: np.ndarray) -> np.ndarray:
    require_polygons(gpd.GeoDataFrame(geometry=series), label)
    geoms = np.asarray(series.array, dtype=object)
    _require_valid(geoms, label, names)
    return geoms


def _require_valid(geoms: np.ndarray, label: str, names: np.ndarray) -> None:
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if len(invalid):
        first = int(invalid[0])
        reason = shapely.is_valid_reason(geoms[first])
        others = f" (y {len(invalid) - 1} más)" if len(invalid) > 1 else ""
        raise InvalidGeometryError(
            f"{label}: el polígono {names[first]} no es válido: {reason}{others}; "
            "repárelo al importar",
            code=names[first],
            reason=reason,
        )
