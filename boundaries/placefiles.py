"""Reading places (polygons and points) from KML, KMZ and GPX files.

The shapes a desk form takes from a file someone drew in Google Earth or marked with a GPS:
KML ``Polygon`` and ``Point`` placemarks, GPX waypoints (``wpt``). XML goes through the same
hardened streaming parser as the routes (:mod:`boundaries.trackfiles`: no DTD, no entities,
nothing fetched), and a KMZ through the same size-checked extraction.

Examples
--------
>>> kml = b'''<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Polygon>
... <outerBoundaryIs><LinearRing><coordinates>-96.72,17.05 -96.71,17.05 -96.71,17.06
... -96.72,17.05</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
... <Placemark><Point><coordinates>-96.715,17.052,0</coordinates></Point></Placemark></kml>'''
>>> [g.geom_type for g in parse_kml_places(kml)]
['Polygon', 'Point']
"""

from __future__ import annotations

import logging
from pathlib import Path

from shapely import Point, Polygon
from shapely.geometry.base import BaseGeometry

from boundaries.errors import EmptyLayerError, TooManyVerticesError, TrackReadError
from boundaries.formats import PLACE_FILES
from boundaries.sanity import MAX_VERTICES

# The hardened XML reader and KMZ extraction are shared with the route reader on purpose:
# one place decides how hostile XML is refused.
from boundaries.trackfiles import MAX_TRACK_BYTES, gpx_elements, kml_elements, kmz_document
from boundaries.tracks import checked_coordinates

__all__ = ["read_places", "parse_kml_places", "parse_gpx_places"]

log = logging.getLogger(__name__)


def read_places(path: str | Path) -> list[BaseGeometry]:
    """The polygons and points of a KML or KMZ, or the waypoints of a GPX, in lon/lat.

    Raises
    ------
    TrackReadError
        The file is missing, too big, damaged, hostile or of another format.
    EmptyLayerError
        The file holds no polygon or point.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "puntos.gpx"
    >>> _ = p.write_text('<gpx version="1.1"><wpt lat="17.06" lon="-96.72"/></gpx>')
    >>> read_places(p)[0].wkt
    'POINT (-96.72 17.06)'
    """
    path = Path(path)
    if not path.exists():
        raise TrackReadError(f"no existe el archivo {path.name}")
    suffix = path.suffix.lower()
    if suffix not in PLACE_FILES:
        raise TrackReadError(f"{path.name}: se esperaba un archivo {PLACE_FILES.names}")
    if path.stat().st_size > MAX_TRACK_BYTES:
        raise TrackReadError(f"{path.name}: el archivo pesa más de {MAX_TRACK_BYTES // 2**20} MB")
    data = path.read_bytes()
    if suffix == ".gpx":
        return parse_gpx_places(data, path.name)
    if suffix == ".kmz":
        data = kmz_document(data, path.name)
    return parse_kml_places(data, path.name)


def _too_many(name: str) -> TooManyVerticesError:
    return TooManyVerticesError(
        f"{name}: el archivo tiene más de {MAX_VERTICES:,} vértices; el máximo es "
        f"{MAX_VERTICES:,}. Simplifique la geometría antes de subirla"
    )


def _pairs(text: str | None, name: str, room: int) -> list[tuple[str | None, str | None]]:
    """The (lon, lat) strings of a ``coordinates`` text; more than ``room`` is refused."""
    text = text or ""
    # At least one comma per vertex: the count is bounded before the text is split.
    if text.count(",") > 2 * room + 2:
        raise _too_many(name)
    tokens = text.split()
    if len(tokens) > room:
        raise _too_many(name)
    return [tuple((token.split(",") + [None])[:2]) for token in tokens]


def parse_kml_places(data: bytes, name: str = "el archivo KML") -> list[BaseGeometry]:
    """The ``Polygon`` (with holes) and ``Point`` placemarks of a KML document.

    Lines are ignored (a route is read by :func:`boundaries.trackfiles.parse_kml`).
    """
    shapes: list[BaseGeometry] = []
    shell = None
    holes: list = []
    count = 0
    for tag, element, open_tags in kml_elements(data, name):
        if tag == "coordinates" and len(open_tags) >= 2 and open_tags[-1] == "LinearRing":
            pairs = _pairs(element.text, name, MAX_VERTICES - count)
            count += len(pairs)
            ring = checked_coordinates(pairs, name)
            if open_tags[-2] == "outerBoundaryIs":
                shell = ring
            elif open_tags[-2] == "innerBoundaryIs":
                holes.append(ring)
        elif tag == "coordinates" and open_tags and open_tags[-1] == "Point":
            count += 1
            if count > MAX_VERTICES:
                raise _too_many(name)
            room = MAX_VERTICES - count + 1
            xy = checked_coordinates(_pairs(element.text, name, room)[:1], name)
            if len(xy):
                shapes.append(Point(xy[0]))
        elif tag == "Polygon":
            if shell is not None and len(shell) >= 3:
                shapes.append(Polygon(shell, [h for h in holes if len(h) >= 3]))
            shell, holes = None, []
        if tag in ("Placemark", "Polygon"):
            element.clear()
    if not shapes:
        raise EmptyLayerError(f"{name}: el archivo no tiene polígonos ni puntos")
    log.info("%s: %d places read", name, len(shapes))
    return shapes


def parse_gpx_places(data: bytes, name: str = "el archivo GPX") -> list[BaseGeometry]:
    """The waypoints (``wpt``) of a GPX document, as points."""
    points: list[tuple[str | None, str | None]] = []
    for tag, element in gpx_elements(data, name):
        if tag == "wpt":
            if len(points) >= MAX_VERTICES:
                raise _too_many(name)
            points.append((element.get("lon"), element.get("lat")))
            element.clear()
    if not points:
        raise EmptyLayerError(f"{name}: el GPX no tiene puntos de paso (wpt)")
    return [Point(xy) for xy in checked_coordinates(points, name)]
