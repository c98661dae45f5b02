"""Inspection routes as :class:`Track`: a MultiLineString in lon/lat, its times and its points.

A route has one part per GPX segment, GPX route, KML line or layer line (never joined across
a gap), the start and end times when the source has them, and how many points were read and
kept. Optional filtering — jitter (:func:`drop_jitter`) and the phone's accuracy
(:func:`track_from_points`) — is visible, never silent, in ``points_read`` and
``points_kept``. Files are read by :mod:`boundaries.trackfiles`.

Examples
--------
>>> track = track_from_points([[(-96.72, 17.05), (-96.71, 17.06)]])
>>> track.geometry.geom_type, track.points_read, track.started_at is None
('MultiLineString', 2, True)
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely import MultiLineString
from shapely.geometry.base import BaseGeometry

from boundaries.crs import MEASURE_CRS, STORAGE_CRS
from boundaries.errors import (
    EmptyTrackError,
    GeometryTypeError,
    InvalidParameterError,
    OutsideAreaError,
    TooManyPointsError,
    TrackCoordinateError,
    TrackReadError,
)

__all__ = [
    "MAX_TRACK_POINTS",
    "Track",
    "check_point_count",
    "checked_coordinates",
    "build_track",
    "track_from_layer",
    "track_from_points",
    "drop_jitter",
    "track_length_m",
    "require_in_measure_area",
]

log = logging.getLogger(__name__)

#: Most points one route may have, from a file or a phone: a whole day logged at one point
#: per second is 43,200 (12 hours), so this is no limit for real work; reading stops as soon
#: as a file holds more, before its geometry is built.
MAX_TRACK_POINTS = 100_000


@dataclass(frozen=True)
class Track:
    """A route from the field, in EPSG:4326.

    Attributes
    ----------
    geometry : MultiLineString
        One part per GPX segment, GPX route, KML line or layer line, in lon/lat.
    started_at, ended_at : datetime or None
        Earliest and latest time of the points (timezone-aware, UTC when the file says
        nothing), ``None`` when the file has no times.
    points_read : int
        Points in the file.
    points_kept : int
        Points in ``geometry`` (fewer than ``points_read`` after :func:`drop_jitter`).
    source : str
        The format read: "gpx", "kml", "kmz", "capa" (GeoJSON/GeoPackage) or "puntos".
    """

    geometry: MultiLineString
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    points_read: int
    points_kept: int
    source: str

    @property
    def points_dropped(self) -> int:
        """Points removed by filtering."""
        return self.points_read - self.points_kept

    def to_series(self) -> gpd.GeoSeries:
        """The route as a one-row GeoSeries in EPSG:4326 (what :mod:`boundaries.routes` takes).

        Examples
        --------
        >>> track_from_points([[(-96.72, 17.05), (-96.71, 17.06)]]).to_series().crs.to_epsg()
        4326
        """
        return gpd.GeoSeries([self.geometry], crs=STORAGE_CRS)


def track_from_layer(frame: gpd.GeoDataFrame, name: str = "la capa") -> Track:
    """Make a route of the lines of a GeoJSON or GeoPackage layer, reprojected to lon/lat.

    Examples
    --------
    >>> from shapely import LineString
    >>> layer = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs=6372)
    >>> track_from_layer(layer).points_read
    2
    """
    if frame.crs is None:
        raise TrackReadError(f"{name}: la capa no declara sistema de coordenadas (CRS)")
    geoms = frame.geometry.to_crs(STORAGE_CRS).dropna()
    geoms = geoms[~geoms.is_empty]
    if not len(geoms):
        raise EmptyTrackError(f"{name}: la capa no tiene geometrías")
    kinds = set(geoms.geom_type)
    if not kinds <= {"LineString", "MultiLineString"}:
        raise GeometryTypeError(
            f"{name}: una ruta debe ser de líneas (LineString o MultiLineString); "
            f"la capa tiene {', '.join(sorted(kinds))}"
        )
    lines = shapely.get_parts(np.asarray(geoms.values, dtype=object))
    parts = [shapely.get_coordinates(line) for line in lines]
    return build_track(parts, [], "capa", name)


def track_from_points(
    parts: Sequence[Sequence[tuple[float, float]]],
    times: Iterable[dt.datetime] = (),
    accuracy_m: Sequence[Sequence[float | None]] | None = None,
    max_accuracy_m: float | None = None,
) -> Track:
    """Make a route of lon/lat points captured by a phone, one sequence per part.

    Parameters
    ----------
    parts : sequence of sequences of (lon, lat)
        The points of each part, in order.
    times : iterable of datetime
        The points' times (any order); they give the start and end.
    accuracy_m : sequence of sequences of float, optional
        The reported accuracy radius of each point, in metres (``None`` when unknown).
    max_accuracy_m : float, optional
        Drop the points whose accuracy is worse (larger) than this; unknown accuracies are
        kept.

    Examples
    --------
    >>> track = track_from_points([[(-96.72, 17.05), (-96.715, 17.055), (-96.71, 17.06)]],
    ...                           accuracy_m=[[5, 80, 6]], max_accuracy_m=30)
    >>> track.points_read, track.points_kept
    (3, 2)
    """
    if max_accuracy_m is not None:
        _require_positive(max_accuracy_m, "la precisión máxima")
    read = sum(len(part) for part in parts)
    check_point_count(read, "los puntos capturados")
    kept_parts = []
    for index, part in enumerate(parts):
        xy = checked_coordinates([(x, y) for x, y in part], "los puntos capturados")
        if max_accuracy_m is not None and accuracy_m is not None:
            accuracy = np.array(
                [np.nan if a is None else float(a) for a in accuracy_m[index]], dtype=float
            )
            xy = xy[~(accuracy > max_accuracy_m)]
        kept_parts.append(xy)
    moments = [t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in times]
    track = build_track(kept_parts, moments, "puntos", "los puntos capturados")
    return replace(track, points_read=read)


def drop_jitter(track: Track, min_step_m: float) -> Track:
    """Drop the points closer than ``min_step_m`` to the previous kept point of their part.

    The last point of each part is always kept, so the route still ends where it ended.
    Distances are measured in :data:`~boundaries.crs.MEASURE_CRS`.

    Examples
    --------
    >>> track = track_from_points([[(-96.72, 17.05), (-96.72001, 17.05), (-96.71, 17.05)]])
    >>> filtered = drop_jitter(track, 5)
    >>> filtered.points_read, filtered.points_kept
    (3, 2)
    """
    _require_positive(min_step_m, "la distancia mínima entre puntos")
    parts = []
    for line in track.geometry.geoms:
        lonlat = shapely.get_coordinates(line)
        x, y = _to_measure.transform(lonlat[:, 0], lonlat[:, 1])
        keep = _steps_to_keep(np.asarray(x), np.asarray(y), min_step_m)
        parts.append(lonlat[keep])
    filtered = build_track(parts, [], track.source, "la ruta")
    return replace(
        filtered,
        started_at=track.started_at,
        ended_at=track.ended_at,
        points_read=track.points_read,
    )


def track_length_m(track: Track) -> float:
    """Length of the route in metres, measured in :data:`~boundaries.crs.MEASURE_CRS`.

    Examples
    --------
    >>> round(track_length_m(track_from_points([[(-96.72, 17.05), (-96.71, 17.05)]])))
    1065
    """
    return float(track.to_series().to_crs(MEASURE_CRS).length.sum())


def require_in_measure_area(geometry: BaseGeometry, what: str = "el lugar") -> None:
    """Raise :class:`OutsideAreaError` unless ``geometry`` (lon/lat) lies in Mexico.

    "Mexico" is the area of use of :data:`~boundaries.crs.MEASURE_CRS`, where lengths and
    distances are measured; a point elsewhere is almost always swapped or mistyped
    coordinates.

    Examples
    --------
    >>> from shapely import Point
    >>> require_in_measure_area(Point(-96.72, 17.06))
    >>> require_in_measure_area(Point(17.06, -96.72), "el hallazgo")
    Traceback (most recent call last):
    ...
    boundaries.errors.OutsideAreaError: el hallazgo está fuera de México (17.06, -96.72)...
    """
    west, south, east, north = MEASURE_CRS.area_of_use.bounds
    min_x, min_y, max_x, max_y = geometry.bounds
    if not (west <= min_x and max_x <= east and south <= min_y and max_y <= north):
        raise OutsideAreaError(
            f"{what} está fuera de México ({_place(min_x, min_y)}"
            + ("" if (min_x, min_y) == (max_x, max_y) else f" a {_place(max_x, max_y)}")
            + "); revise que las coordenadas sean longitud, latitud en grados (WGS 84)"
        )



_to_measure = pyproj.Transformer.from_crs(STORAGE_CRS, MEASURE_CRS, always_xy=True)



def _place(x: float, y: float) -> str:
    return f"{x:.6g}, {y:.6g}"



def _require_positive(value: float, what: str) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise InvalidParameterError(f"{what} debe ser un número positivo; se recibió {value!r}")



def _steps_to_keep(x: np.ndarray, y: np.ndarray, min_step_m: float) -> np.ndarray:
    # Depends on the previous *kept* point, so it cannot be one vectorised diff; a plain
    # loop over floats is ~10 ms for 20,000 points.
    keep = np.zeros(len(x), dtype=bool)
    if not len(x):
        return keep
    keep[0] = True
    last_x, last_y = float(x[0]), float(y[0])
    limit = min_step_m * min_step_m
    xs, ys = x.tolist(), y.tolist()
    for i in range(1, len(xs)):
        dx, dy = xs[i] - last_x, ys[i] - last_y
        if dx * dx + dy * dy >= limit:
            keep[i] = True
            last_x, last_y = xs[i], ys[i]
    keep[-1] = True
    return keep



def _is_number_pair(point: tuple) -> bool:
    try:
        float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError):
        return False
    return True


def checked_coordinates(points: Sequence[tuple], name: str) -> np.ndarray:
    """Lon/lat strings or numbers as an ``(n, 2)`` float array, checked.

    Raises
    ------
    TrackCoordinateError
        A point without two numbers, or a coordinate not finite or out of range.

    Examples
    --------
    >>> checked_coordinates([("-96.72", "17.05"), (-96.71, 17.06)], "la ruta").tolist()
    [[-96.72, 17.05], [-96.71, 17.06]]
    """
    try:
        xy = np.array(points, dtype=float).reshape(-1, 2)
    except (TypeError, ValueError) as exc:
        bad = next(
            (i for i, p in enumerate(points) if not _is_number_pair(p)), None
        )
        where = f"el punto {bad + 1}" if bad is not None else "un punto"
        raise TrackCoordinateError(
            f"{name}: {where} no tiene longitud y latitud numéricas"
        ) from exc
    lon, lat = xy[:, 0], xy[:, 1]
    bad = ~(np.isfinite(xy).all(axis=1) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TrackCoordinateError(
            f"{name}: el punto {i + 1} tiene coordenadas imposibles "
            f"(longitud {lon[i]}, latitud {lat[i]})"
        )
    return xy


def check_point_count(count: int, name: str, limit: int = MAX_TRACK_POINTS) -> None:
    """Raise :class:`TooManyPointsError` if a route of ``count`` points exceeds ``limit``.

    Examples
    --------
    >>> check_point_count(100_000, "ruta.gpx")
    >>> check_point_count(100_001, "ruta.gpx")
    Traceback (most recent call last):
    ...
    boundaries.errors.TooManyPointsError: ruta.gpx: la ruta tiene más de 100,000 puntos; ...
    """
    if count > limit:
        raise TooManyPointsError(
            f"{name}: la ruta tiene más de {limit:,} puntos; el máximo es {limit:,} (un día "
            "entero a un punto por segundo son 43,200). Divídala en varias o aplique un "
            "filtro de ruido antes de subirla"
        )


def build_track(
    parts: list[np.ndarray], times: Sequence[dt.datetime], source: str, name: str
) -> Track:
    """A :class:`Track` of checked lon/lat parts; parts of fewer than two points are left out.

    Raises
    ------
    EmptyTrackError
        No part has two points.

    Examples
    --------
    >>> build_track([np.array([[-96.72, 17.05], [-96.71, 17.06]]), np.array([[-96.7, 17.0]])],
    ...             [], "puntos", "la ruta").points_read
    3
    """
    read = sum(len(part) for part in parts)
    check_point_count(read, name)
    lines = [part for part in parts if len(part) >= 2]
    if not lines:
        raise EmptyTrackError(
            f"{name}: ningún tramo tiene dos puntos o más ({read} punto(s) en total); "
            "una ruta necesita al menos dos"
        )
    xy = np.concatenate(lines)
    index = np.repeat(np.arange(len(lines)), [len(part) for part in lines])
    geometry = MultiLineString(list(shapely.linestrings(xy, indices=index)))
    utc = [t.astimezone(dt.UTC) for t in times]
    return Track(
        geometry=geometry,
        started_at=min(utc) if utc else None,
        ended_at=max(utc) if utc else None,
        points_read=read,
        points_kept=len(xy),
        source=source,
    )
