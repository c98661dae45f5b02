"""The files each reader and writer accepts, by suffix: the one list everything else reads.

Forms (their ``accept=`` attribute), upload validators, CLI options and the messages that
name the accepted formats all take them from here, so a format added to a reader shows up
everywhere at once.

Examples
--------
>>> ROUTE_FILES.accept
'.gpx,.kml,.kmz,.geojson,.json,.gpkg'
>>> ".KMZ".lower() in ROUTE_FILES, ".zip" in ROUTE_FILES
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

from boundaries.io import FORMAT_NAMES, FORMATS, WRITE_DRIVERS

__all__ = [
    "FileKinds",
    "LAYER_FILES",
    "WRITABLE_LAYER_FILES",
    "TRACK_FILES",
    "ROUTE_FILES",
    "PLACE_FILES",
    "SHAPE_FILES",
    "ZONE_FILES",
]


@dataclass(frozen=True)
class FileKinds:
    """Suffixes a reader accepts, and how a message names them to a person (in Spanish)."""

    suffixes: tuple[str, ...]
    names: str

    def __contains__(self, suffix: object) -> bool:
        return suffix in self.suffixes

    def __iter__(self):
        return iter(self.suffixes)

    @property
    def accept(self) -> str:
        """The value of an HTML file input's ``accept`` attribute."""
        return ",".join(self.suffixes)


#: Vector layers read by :func:`boundaries.io.read_layer` (a ``.zip`` holds one Shapefile).
LAYER_FILES = FileKinds(tuple(FORMATS), FORMAT_NAMES)
#: Vector layers written by :func:`boundaries.io.write_layer`.
WRITABLE_LAYER_FILES = FileKinds(tuple(WRITE_DRIVERS), ".geojson, .gpkg o .shp")
#: Formats that only make sense for routes, read by :mod:`boundaries.trackfiles` itself.
TRACK_FILES = FileKinds((".gpx", ".kml", ".kmz"), "GPX, KML o KMZ")
#: Every file a route may come from: the route formats, then layers read through
#: :func:`boundaries.io.read_layer`.
ROUTE_FILES = FileKinds(
    TRACK_FILES.suffixes + (".geojson", ".json", ".gpkg"),
    "GPX, KML, KMZ, GeoJSON o GeoPackage (.gpkg)")
#: Polygons and points drawn in Google Earth or marked on a GPS (:mod:`boundaries.placefiles`).
PLACE_FILES = FileKinds((".kml", ".kmz", ".gpx"), "KML, KMZ o GPX")
#: One uploaded file holding a zone's or a site's shape: a single-file layer or a place file.
SHAPE_FILES = FileKinds(
    (".geojson", ".json", ".gpkg", ".zip", ".kml", ".kmz", ".gpx"),
    "un GeoJSON, un GeoPackage, un Shapefile comprimido (.zip), un KML/KMZ o (para un sitio) "
    "un GPX con puntos de paso")
#: The shape files of a zone: a GPX holds points, never a zone's polygon.
ZONE_FILES = FileKinds(
    tuple(s for s in SHAPE_FILES if s != ".gpx"),
    "GeoJSON, GeoPackage, Shapefile en .zip, KML/KMZ")
