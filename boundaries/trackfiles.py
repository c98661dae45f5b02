"""Reading routes from field files: GPX, KML/KMZ, GeoJSON and GeoPackage.

XML (GPX, KML) is parsed with :mod:`defusedxml` in streaming mode: a file with a DTD,
entities or external references is refused and nothing is fetched from the network. GPX is
read by a streaming reader of its own rather than through gpxpy's object model, which takes
over a second for a 20,000-point track (``benchmarks/bench_tracks.py``); the tests check the
coordinates and times against gpxpy's. GeoJSON and GeoPackage go through
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
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET
import numpy as np

from boundaries.errors import (
    EmptyTrackError,
    FileFormatError,
    TrackCoordinateError,
    TrackReadError,
)
from boundaries.formats import ROUTE_FILES, TRACK_FILES
from boundaries.io import check_zip_sizes, read_layer
from boundaries.tracks import (
    MAX_TRACK_POINTS,
    Track,
    build_track,
    check_point_count,
    checked_coordinates,
    drop_jitter,
    track_from_layer,
)

__all__ = [
    "MAX_TRACK_BYTES",
    "read_track",
    "parse_gpx",
    "parse_kml",
    "parse_kmz",
    "kmz_document",
    "kml_elements",
    "gpx_elements",
    "coordinate_pairs",
]

log = logging.getLogger(__name__)

# A day of 1 Hz logging is ~90,000 points (~15 MB of GPX); anything far bigger is refused
# before parsing, and a KMZ may not inflate beyond it.
MAX_TRACK_BYTES = 64 * 1024 * 1024


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
    if suffix in TRACK_FILES:
        if path.stat().st_size > MAX_TRACK_BYTES:
            raise TrackReadError(
                f"{path.name}: el archivo pesa más de {MAX_TRACK_BYTES // 2**20} MB"
            )
        if suffix == ".kmz":
            track = parse_kmz(path.read_bytes(), path.name)
        else:
            reader = parse_gpx if suffix == ".gpx" else parse_kml
            track = reader(path.read_bytes(), path.name)
    elif suffix in ROUTE_FILES:
        track = track_from_layer(read_layer(path, layer=layer, crs=crs), path.name)
    else:
        raise TrackReadError(
            f"{path.name}: formato de ruta no reconocido; use {ROUTE_FILES.names}")
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
    boundaries.errors.EmptyTrackError: el archivo GPX: ningún tramo tiene dos puntos o más...
    """
    segments: list[list[tuple[str | None, str | None]]] = []
    times: list[str] = []
    current: list[tuple[str | None, str | None]] = []
    pending_time: str | None = None
    count = 0
    for tag, element in gpx_elements(data, name):
        if tag == "time":
            pending_time = (element.text or "").strip() or None
        elif tag in ("trkpt", "rtept"):
            count += 1
            if count > MAX_TRACK_POINTS:
                check_point_count(count, name)
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
    parts = [checked_coordinates(segment, name) for segment in segments]
    return build_track(parts, _parse_times(times, name), "gpx", name)



def gpx_elements(data: bytes, name: str) -> Iterator[tuple[str, Any]]:
    """Each element of a GPX document as it closes, with its tag; the root must be ``gpx``.

    Examples
    --------
    >>> gpx = b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><wpt lat="1" lon="2"/></gpx>'
    >>> [(tag, element.get("lon")) for tag, element in gpx_elements(gpx, "x")]
    [('wpt', '2'), ('gpx', None)]
    >>> list(gpx_elements(b"<kml/>", "x"))
    Traceback (most recent call last):
    ...
    boundaries.errors.TrackReadError: x: no es un archivo GPX (raíz «kml»)
    """
    checked = False
    for event, element in _iterparse(data, name):
        if event == "start":
            if not checked:
                root = _local(element.tag)
                if root != "gpx":
                    raise TrackReadError(f"{name}: no es un archivo GPX (raíz «{root}»)")
                checked = True
            continue
        yield _local(element.tag), element


def kml_elements(data: bytes, name: str) -> Iterator[tuple[str, Any, list[str]]]:
    """Each element of a KML document as it closes: its tag, itself and the tags around it.

    ElementTree has no parent pointers: the open elements (outermost first) tell a line's
    coordinates from those of a point or a polygon ring. The root must be ``kml``. The list of
    open tags is the walker's own: read it before the next element.

    Examples
    --------
    >>> kml = b"<kml><Placemark><Point><coordinates>1,2</coordinates></Point></Placemark></kml>"
    >>> tag, _, around = next(kml_elements(kml, "x"))
    >>> tag, around
    ('coordinates', ['kml', 'Placemark', 'Point'])
    """
    open_tags: list[str] = []
    for event, element in _iterparse(data, name):
        tag = _local(element.tag)
        if event == "start":
            if not open_tags and tag != "kml":
                raise TrackReadError(f"{name}: no es un archivo KML (raíz «{tag}»)")
            open_tags.append(tag)
            continue
        open_tags.pop()
        yield tag, element, open_tags


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
    count = 0
    for tag, element, open_tags in kml_elements(data, name):
        parent = open_tags[-1] if open_tags else None
        if tag == "coordinates" and parent == "LineString":
            pairs = coordinate_pairs(element.text, name, MAX_TRACK_POINTS - count)
            count += len(pairs)
            parts.append(checked_coordinates(pairs, name))
        elif tag == "coord":
            count += 1
            if count > MAX_TRACK_POINTS:
                check_point_count(count, name)
            values = (element.text or "").split()
            gx_coords.append(tuple((values + [None, None])[:2]))
        elif tag == "Track":
            parts.append(checked_coordinates(gx_coords, name))
            gx_coords = []
        elif tag in ("when", "begin", "end"):
            text = (element.text or "").strip()
            if text:
                times.append(text)
        if tag in ("Placemark", "Track", "LineString"):
            element.clear()
    if not parts:
        raise EmptyTrackError(f"{name}: el archivo no tiene líneas (LineString ni gx:Track)")
    return build_track(parts, _parse_times(times, name), source, name)



def coordinate_pairs(
    text: str | None, name: str, limit: int = MAX_TRACK_POINTS
) -> list[tuple[str | None, str | None]]:
    """The (lon, lat) strings of a KML ``coordinates`` text, refused beyond ``limit`` pairs.

    The count is bounded before the text is split, so a single element holding millions of
    points costs no more memory than its text.

    Examples
    --------
    >>> coordinate_pairs("-96.72,17.05,0 -96.71,17.06", "ruta.kml")
    [('-96.72', '17.05'), ('-96.71', '17.06')]
    >>> coordinate_pairs("1,2 3,4 5,6", "ruta.kml", limit=2)
    Traceback (most recent call last):
    ...
    boundaries.errors.TooManyPointsError: ruta.kml: la ruta tiene más de 100,000 puntos; ...
    """
    text = text or ""
    # Each point is "lon,lat" or "lon,lat,alt": at least one comma per point.
    if text.count(",") > 2 * max(limit, 0) + 2:
        check_point_count(MAX_TRACK_POINTS + 1, name)
    tokens = text.split()
    if len(tokens) > limit:
        check_point_count(MAX_TRACK_POINTS + 1, name)
    return [tuple((token.split(",") + [None])[:2]) for token in tokens]


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
    return parse_kml(kmz_document(data, name), name, source="kmz")



def kmz_document(data: bytes, name: str = "el archivo KMZ") -> bytes:
    """The main KML of a KMZ (``doc.kml``, or its only ``.kml``), read with a byte limit.

    The archive's declared sizes are checked before anything is inflated, so a zip bomb
    is refused.

    Raises
    ------
    TrackReadError
        Not a ZIP, no single main KML, or a KML too big.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                check_zip_sizes(archive, name)
            except FileFormatError as exc:
                raise TrackReadError(exc.args[0]) from exc
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
    return kml


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



def _parse_times(texts: list[str], name: str) -> list[dt.datetime]:
    moments = []
    for text in texts:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise TrackCoordinateError(f"{name}: hora ilegible «{text[:40]}»") from exc
        moments.append(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
    return moments
