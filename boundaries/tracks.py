"""Inspection routes read from field files: GPX, KML/KMZ, GeoJSON and GeoPackage.

A route is one :class:`Track`: a MultiLineString in EPSG:4326 (several GPX segments or
KML lines stay separate parts, never joined across a gap), the start and end times when the
file has them, and how many points were read and kept. Optional jitter filtering drops the
points a standing GPS scatters around one place; it is visible, never silent, in
``points_read`` and ``points_kept``.

XML (GPX, KML) is parsed with :mod:`defusedxml` in streaming mode: a file with a DTD,
entities or external references is refused, nothing is fetched from the network. GPX is
read with a streaming reader of its own rather than through gpxpy's object model, which
takes over a second for a 20,000-point track (``benchmarks/bench_tracks.py``); the tests
check the coordinates and times against gpxpy's. GeoJSON and GeoPackage go through
:func:`boundaries.io.read_layer`.

Examples
--------
>>> gpx = b'''<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1"><trk><trkseg>
... <trkpt lat="17.05" lon="-96.72"><time>2025-05-15T15:00:00Z</time></trkpt>
... <trkpt lat="17.06" lon="-96.71"><time>2025-05-15T16:30:00Z</time></trkpt>
... </trkseg></trk></gpx>'''
>>> track = parse_gpx(gpx)
>>> track.geometry.geom_type, track.points_read, track.ended_at.isoformat()
('MultiLineString', 2, '2025-05-15T16:30:00+00:00')
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET
import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely import MultiLineString
from shapely.geometry.base import BaseGeometry

from boundaries.crs import MEASURE_CRS, STORAGE_CRS
from boundaries.errors import (
    BoundaryError,
    EmptyLayerError,
    GeometryTypeError,
    InvalidParameterError,
    LayerReadError,
)
from boundaries.io import read_layer

__all__ = [
    "TRACK_SUFFIXES",
    "LAYER_TRACK_SUFFIXES",
    "MAX_TRACK_BYTES",
    "TrackReadError",
    "EmptyTrackError",
    "TrackCoordinateError",
    "OutsideAreaError",
    "Track",
    "read_track",
    "parse_gpx",
    "parse_kml",
    "parse_kmz",
    "track_from_layer",
    "track_from_points",
    "drop_jitter",
    "track_length_m",
    "require_in_measure_area",
]

log = logging.getLogger(__name__)

# Read here, not by boundaries.io: formats that only make sense for routes.
TRACK_SUFFIXES = {".gpx", ".kml", ".kmz"}
# Read through boundaries.io.read_layer.
LAYER_TRACK_SUFFIXES = {".geojson", ".json", ".gpkg"}
# A day of 1 Hz logging is ~90,000 points (~15 MB of GPX); anything far bigger is refused
# before parsing, and a KMZ may not inflate beyond it.
MAX_TRACK_BYTES = 64 * 1024 * 1024


class TrackReadError(LayerReadError):
    """A route file cannot be read: damaged XML, a DTD or entities, an unknown format."""


class EmptyTrackError(EmptyLayerError):
    """A route file has no line to follow (no points, or a single point)."""


class TrackCoordinateError(BoundaryError):
    """A coordinate or a time of a route is not a number, is infinite or out of range."""


class OutsideAreaError(TrackCoordinateError):
    """A place lies outside the area of use of :data:`~boundaries.crs.MEASURE_CRS` (Mexico)."""


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


def read_track(
    path: str | Path,
    *,
    layer: str | None = None,
    crs: str | int | None = None,
    min_step_m: float | None = None,
) -> Track:
    """Read a route from a GPX, KML, KMZ, GeoJSON or GeoPackage file.

    Parameters
    ----------
    path : str or Path
        The file; its suffix chooses the reader.
    layer : str, optional
        The layer of a GeoPackage with several.
    crs : str or int, optional
        The CRS to assume when a GeoJSON or GeoPackage layer declares none (GPX and KML are
        always lon/lat WGS 84).
    min_step_m : float, optional
        When given, drop the points closer than this to the previous kept point
        (:func:`drop_jitter`).

    Returns
    -------
    Track

    Raises
    ------
    TrackReadError, EmptyTrackError, TrackCoordinateError, GeometryTypeError, LayerReadError

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "ruta.kml"
    >>> _ = p.write_text('<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString>'
    ...                  '<coordinates>-96.72,17.05,0 -96.71,17.06,0</coordinates>'
    ...                  '</LineString></Placemark></kml>')
    >>> read_track(p).geometry.wkt
    'MULTILINESTRING ((-96.72 17.05, -96.71 17.06))'
    """
    path = Path(path)
    if not path.exists():
        raise TrackReadError(f"no existe el archivo {path.name}")
    suffix = path.suffix.lower()
    if suffix in TRACK_SUFFIXES:
        if path.stat().st_size > MAX_TRACK_BYTES:
            raise TrackReadError(
                f"{path.name}: el archivo pesa más de {MAX_TRACK_BYTES // 2**20} MB"
            )
        if suffix == ".kmz":
            track = parse_kmz(path.read_bytes(), path.name)
        else:
            reader = parse_gpx if suffix == ".gpx" else parse_kml
            track = reader(path.read_bytes(), path.name)
    elif suffix in LAYER_TRACK_SUFFIXES:
        track = track_from_layer(read_layer(path, layer=layer, crs=crs), path.name)
    else:
        raise TrackReadError(
            f"{path.name}: formato de ruta no reconocido; use GPX, KML, KMZ, GeoJSON "
            "o GeoPackage (.gpkg)"
        )
    if min_step_m is not None:
        track = drop_jitter(track, min_step_m)
    log.info("route %s: %d points read, %d kept", path.name, track.points_read,
             track.points_kept)
    return track


def parse_gpx(data: bytes, name: str = "el archivo GPX") -> Track:
    """Read the tracks (``trk``/``trkseg``/``trkpt``) and routes (``rte``/``rtept``) of a GPX.

    Every track segment and every route becomes one part of the MultiLineString; the
    earliest and latest ``time`` of their points give the start and end.

    Parameters
    ----------
    data : bytes
        The GPX document (1.0 or 1.1).
    name : str
        How the file is named in messages.

    Returns
    -------
    Track

    Raises
    ------
    TrackReadError
        The XML is damaged, declares a DTD or entities, or is not a GPX.
    EmptyTrackError
        No segment has two points.
    TrackCoordinateError
        A latitude or longitude is missing, not a number or out of range; a time is
        unreadable.

    Examples
    --------
    >>> parse_gpx(b'<gpx version="1.0"><trk><trkseg><trkpt lat="0" lon="0"/></trkseg></trk></gpx>')
    Traceback (most recent call last):
    ...
    boundaries.tracks.EmptyTrackError: el archivo GPX: ningún tramo tiene dos puntos o más...
    """
    segments: list[list[tuple[str | None, str | None]]] = []
    times: list[str] = []
    current: list[tuple[str | None, str | None]] = []
    pending_time: str | None = None
    root_tag = None
    for event, element in _iterparse(data, name):
        if event == "start":
            if root_tag is None:
                root_tag = _local(element.tag)
                if root_tag != "gpx":
                    raise TrackReadError(f"{name}: no es un archivo GPX (raíz «{root_tag}»)")
            continue
        tag = _local(element.tag)
        if tag == "time":
            pending_time = (element.text or "").strip() or None
        elif tag in ("trkpt", "rtept"):
            current.append((element.get("lon"), element.get("lat")))
            if pending_time is not None:
                times.append(pending_time)
            pending_time = None
            element.clear()
        elif tag in ("trkseg", "rte"):
            segments.append(current)
            current = []
            element.clear()
        elif tag in ("trk", "metadata", "wpt"):
            # A time outside a point (metadata, waypoint) is not the route's time.
            pending_time = None
            element.clear()
    if not any(segments):
        raise EmptyTrackError(
            f"{name}: el archivo GPX no tiene puntos de recorrido (trkpt) ni de ruta (rtept)"
        )
    parts = [_coordinates(segment, name) for segment in segments]
    return _track(parts, _parse_times(times, name), "gpx", name)


def parse_kml(data: bytes, name: str = "el archivo KML", source: str = "kml") -> Track:
    """Read the lines of a KML: ``LineString`` coordinates and ``gx:Track`` coordinates.

    Times come from ``gx:Track``'s ``when`` elements and from ``TimeSpan``/``TimeStamp``.
    Points and polygons are ignored; network links are never followed.

    Examples
    --------
    >>> kml = b'''<kml xmlns="http://www.opengis.net/kml/2.2"
    ...   xmlns:gx="http://www.google.com/kml/ext/2.2"><Placemark><gx:Track>
    ...   <when>2025-05-15T10:00:00-06:00</when><when>2025-05-15T11:00:00-06:00</when>
    ...   <gx:coord>-96.72 17.05 1500</gx:coord><gx:coord>-96.71 17.06 1500</gx:coord>
    ... </gx:Track></Placemark></kml>'''
    >>> track = parse_kml(kml)
    >>> track.started_at.isoformat(), len(track.geometry.geoms)
    ('2025-05-15T16:00:00+00:00', 1)
    """
    parts: list[np.ndarray] = []
    times: list[str] = []
    gx_coords: list[tuple[str | None, str | None]] = []
    # ElementTree has no parent pointers: the open elements tell a line's coordinates
    # from those of a point or a polygon ring.
    open_tags: list[str] = []
    for event, element in _iterparse(data, name):
        tag = _local(element.tag)
        if event == "start":
            if not open_tags and tag != "kml":
                raise TrackReadError(f"{name}: no es un archivo KML (raíz «{tag}»)")
            open_tags.append(tag)
            continue
        open_tags.pop()
        parent = open_tags[-1] if open_tags else None
        if tag == "coordinates" and parent == "LineString":
            tokens = (element.text or "").split()
            parts.append(
                _coordinates([tuple((token.split(",") + [None])[:2]) for token in tokens], name)
            )
        elif tag == "coord":
            values = (element.text or "").split()
            gx_coords.append(tuple((values + [None, None])[:2]))
        elif tag == "Track":
            parts.append(_coordinates(gx_coords, name))
            gx_coords = []
        elif tag in ("when", "begin", "end"):
            text = (element.text or "").strip()
            if text:
                times.append(text)
        if tag in ("Placemark", "Track", "LineString"):
            element.clear()
    if not parts:
        raise EmptyTrackError(f"{name}: el archivo no tiene líneas (LineString ni gx:Track)")
    return _track(parts, _parse_times(times, name), source, name)


def parse_kmz(data: bytes, name: str = "el archivo KMZ") -> Track:
    """Read the main KML of a KMZ (``doc.kml``, or its only ``.kml``) like :func:`parse_kml`.

    The archive's declared sizes are checked before anything is inflated, and the KML is
    read with a byte limit, so a zip bomb is refused.

    Examples
    --------
    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as kmz:
    ...     kmz.writestr("doc.kml", '<kml><Placemark><LineString><coordinates>'
    ...                  '-96.72,17.05 -96.71,17.06</coordinates></LineString></Placemark></kml>')
    >>> parse_kmz(buffer.getvalue()).source
    'kmz'
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            kmls = [i for i in archive.infolist() if i.filename.lower().endswith(".kml")]
            main = [i for i in kmls if i.filename.lower() == "doc.kml"] or kmls
            if len(main) != 1:
                raise TrackReadError(
                    f"{name}: el KMZ debe contener un doc.kml o un solo archivo .kml; "
                    f"contiene {len(kmls)}"
                )
            info = main[0]
            if info.file_size > MAX_TRACK_BYTES:
                raise TrackReadError(f"{name}: el KML dentro del KMZ es demasiado grande")
            with archive.open(info) as member:
                kml = member.read(MAX_TRACK_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise TrackReadError(f"{name}: el archivo KMZ está dañado o no es un ZIP") from exc
    if len(kml) > MAX_TRACK_BYTES:
        raise TrackReadError(f"{name}: el KML dentro del KMZ es demasiado grande")
    return parse_kml(kml, name, source="kmz")


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
    return _track(parts, [], "capa", name)


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
    kept_parts = []
    for index, part in enumerate(parts):
        xy = _coordinates([(x, y) for x, y in part], "los puntos capturados")
        if max_accuracy_m is not None and accuracy_m is not None:
            accuracy = np.array(
                [np.nan if a is None else float(a) for a in accuracy_m[index]], dtype=float
            )
            xy = xy[~(accuracy > max_accuracy_m)]
        kept_parts.append(xy)
    moments = [t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in times]
    track = _track(kept_parts, moments, "puntos", "los puntos capturados")
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
    filtered = _track(parts, [], track.source, "la ruta")
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
    boundaries.tracks.OutsideAreaError: el hallazgo está fuera de México (17.06, -96.72)...
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


def _iterparse(data: bytes, name: str):
    try:
        yield from SafeET.iterparse(
            io.BytesIO(data), events=("start", "end"), forbid_dtd=True,
            forbid_entities=True, forbid_external=True,
        )
    except defusedxml.DefusedXmlException as exc:
        raise TrackReadError(
            f"{name}: el archivo declara un DTD, entidades o referencias externas; "
            "por seguridad no se lee"
        ) from exc
    except SafeET.ParseError as exc:
        raise TrackReadError(f"{name}: el XML está dañado ({exc})") from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _coordinates(points: Sequence[tuple], name: str) -> np.ndarray:
    """Lon/lat strings or numbers as an ``(n, 2)`` float array, checked."""
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


def _is_number_pair(point: tuple) -> bool:
    try:
        float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError):
        return False
    return True


def _parse_times(texts: list[str], name: str) -> list[dt.datetime]:
    moments = []
    for text in texts:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise TrackCoordinateError(f"{name}: hora ilegible «{text[:40]}»") from exc
        moments.append(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
    return moments


def _track(
    parts: list[np.ndarray], times: Sequence[dt.datetime], source: str, name: str
) -> Track:
    read = sum(len(part) for part in parts)
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
