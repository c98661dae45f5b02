"""Refusing absurd geometry before it is stored: bad coordinates and monstrous polygons.

A hostile or broken file can hold NaN or infinite coordinates, longitudes of 10³⁰, or one
polygon with millions of vertices that would make every map page slow. These checks run on
the layer as read, before repair and reprojection, and raise with a Spanish message that
names the offending feature.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from boundaries.errors import CoordinateError, TooManyVerticesError

__all__ = [
    "MAX_VERTICES",
    "MEXICO_BOUNDS",
    "check_vertex_count",
    "check_coordinates",
    "outside_bounds",
]

#: Most vertices one polygon may have. The most detailed of INEGI's 570 municipal areas of
#: Oaxaca has about 5,600; twenty times that is no real limit and would slow every map.
MAX_VERTICES = 100_000

#: Mexico's extent in longitude/latitude (west, south, east, north), with a small margin.
MEXICO_BOUNDS = (-118.7, 14.3, -86.4, 32.8)


def _name(codes: list[str] | None, position: int) -> str:
    return codes[position] if codes is not None else f"#{position + 1}"


def check_vertex_count(
    frame: gpd.GeoDataFrame, codes: list[str] | None = None, limit: int = MAX_VERTICES
) -> None:
    """Raise :class:`~boundaries.errors.TooManyVerticesError` if a polygon exceeds ``limit``.

    Parameters
    ----------
    frame : GeoDataFrame
        The layer.
    codes : list of str, optional
        How to name each feature in the message; positions otherwise.
    limit : int
        Most vertices per feature, :data:`MAX_VERTICES` by default.

    Examples
    --------
    >>> from shapely import Point
    >>> circle = gpd.GeoDataFrame(geometry=[Point(0, 0).buffer(1, quad_segs=64)])
    >>> check_vertex_count(circle)
    >>> check_vertex_count(circle, ["20067"], limit=100)
    Traceback (most recent call last):
    ...
    boundaries.errors.TooManyVerticesError: el polígono 20067 tiene 257 vértices; ...
    """
    counts = shapely.get_num_coordinates(frame.geometry.array)
    over = np.flatnonzero(counts > limit)
    if len(over):
        first = int(over[0])
        raise TooManyVerticesError(
            f"el polígono {_name(codes, first)} tiene {int(counts[first]):,} vértices; el "
            f"máximo es {limit:,} ({len(over)} polígono(s) lo exceden). Simplifíquelo antes "
            "de importarlo (por ejemplo con «limites simplify»)",
            code=_name(codes, first),
        )


def check_coordinates(frame: gpd.GeoDataFrame, codes: list[str] | None = None) -> None:
    """Raise :class:`~boundaries.errors.CoordinateError` on NaN, infinite or impossible values.

    Every coordinate must be finite; in a geographic CRS longitudes must lie within ±180 and
    latitudes within ±90, in a projected one near the CRS's area of use.

    Examples
    --------
    >>> from shapely import box
    >>> ok = gpd.GeoDataFrame(geometry=[box(-96.8, 17.0, -96.7, 17.1)], crs=4326)
    >>> check_coordinates(ok)
    >>> check_coordinates(ok.set_geometry([box(-96.8, 17.0, 500, 17.1)], crs=4326), ["20067"])
    Traceback (most recent call last):
    ...
    boundaries.errors.CoordinateError: el polígono 20067 tiene coordenadas fuera del rango ...
    """
    xy, index = shapely.get_coordinates(frame.geometry.array, return_index=True)
    bad = ~np.isfinite(xy).all(axis=1)
    if bad.any():
        first = int(index[np.argmax(bad)])
        raise CoordinateError(
            f"el polígono {_name(codes, first)} tiene coordenadas no finitas (NaN o infinito); "
            "corrija el archivo",
            code=_name(codes, first),
        )
    if frame.crs is None:
        return
    west, south, east, north = _valid_area(pyproj.CRS.from_user_input(frame.crs))
    out = (xy[:, 0] < west) | (xy[:, 0] > east) | (xy[:, 1] < south) | (xy[:, 1] > north)
    if out.any():
        first_row = int(np.argmax(out))
        first = int(index[first_row])
        x, y = xy[first_row]
        where = (
            "longitud ±180, latitud ±90" if frame.crs.is_geographic
            else f"el área de uso de {frame.crs.to_string()}"
        )
        raise CoordinateError(
            f"el polígono {_name(codes, first)} tiene coordenadas fuera del rango válido "
            f"({where}): {x:.6g}, {y:.6g}; revise el CRS del archivo",
            code=_name(codes, first),
        )


def _valid_area(crs: pyproj.CRS) -> tuple[float, float, float, float]:
    """Return the (x, y) box a coordinate of ``crs`` may lie in.

    Geographic: the whole globe. Projected: the CRS's area of use, widened by its own size on
    every side (a zone's users stray beyond it, a value of 10³⁰ is no mistake to forgive).
    """
    if crs.is_geographic or crs.area_of_use is None:
        return (-180.0, -90.0, 180.0, 90.0) if crs.is_geographic else (-np.inf,) * 2 + (np.inf,) * 2
    to_crs = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    xmin, ymin, xmax, ymax = to_crs.transform_bounds(*crs.area_of_use.bounds, densify_pts=21)
    if not np.isfinite([xmin, ymin, xmax, ymax]).all():
        return (-np.inf,) * 2 + (np.inf,) * 2
    width, height = xmax - xmin, ymax - ymin
    return xmin - width, ymin - height, xmax + width, ymax + height


def outside_bounds(
    frame: gpd.GeoDataFrame, bounds: tuple[float, float, float, float] = MEXICO_BOUNDS
) -> np.ndarray:
    """Return a boolean mask of the features not wholly inside ``bounds`` (lon/lat).

    Examples
    --------
    >>> from shapely import box
    >>> layer = gpd.GeoDataFrame(geometry=[box(-96.8, 17, -96.7, 17.1), box(2, 41, 3, 42)])
    >>> outside_bounds(layer).tolist()
    [False, True]
    """
    extent = frame.geometry.bounds.to_numpy()
    west, south, east, north = bounds
    return (
        (extent[:, 0] < west) | (extent[:, 1] < south)
        | (extent[:, 2] > east) | (extent[:, 3] > north)
    )
