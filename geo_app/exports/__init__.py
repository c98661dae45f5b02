"""Exports of a scope's records in the formats the Comisión de Límites opens.

:data:`FORMATS` names each format once (suffix, media type, Spanish name, writer); the CLI
(``limites export``) and the download buttons (:mod:`geo_app.blueprints.exports`) both call
:func:`write_export` on the same :class:`~cases.exports.ExportData`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cases.exports import ExportData
from geo_app.exports import files, kml, pdf, standalone

__all__ = ["ExportFormat", "FORMATS", "write_export", "file_name"]


@dataclass(frozen=True)
class ExportFormat:
    """A file format of the exports."""

    key: str
    suffix: str
    media_type: str
    label: str
    write: Callable[[ExportData, Path], Path]
    # Layers the format needs (None: all); the PDF and HTML map need no attribute tables.
    layers: tuple[str, ...] | None = None


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("gpkg", ".gpkg", "application/geopackage+sqlite3", "GeoPackage (QGIS)",
                     files.gpkg),
        ExportFormat("kml", ".kml", "application/vnd.google-earth.kml+xml",
                     "KML (Google Earth)", kml.write_kml),
        ExportFormat("kmz", ".kmz", "application/vnd.google-earth.kmz",
                     "KMZ (Google Earth, con fotos)", kml.write_kmz),
        ExportFormat("geojson", ".geojson.zip", "application/zip", "GeoJSON (zip)",
                     files.geojson),
        ExportFormat("csv", ".csv.zip", "application/zip", "CSV para Excel (zip)", files.csv,
                     files.CSV_LAYERS),
        ExportFormat("shp", ".shp.zip", "application/zip", "Shapefile (zip)", files.shapefile),
        ExportFormat("html", ".html", "text/html; charset=utf-8",
                     "Mapa HTML sin conexión", standalone.write_html),
        ExportFormat("pdf", ".pdf", "application/pdf", "Ficha PDF", pdf.write_pdf),
    )
}


def file_name(data: ExportData, fmt: str) -> str:
    """A download name such as ``limites-zona-3-20250515.gpkg``."""
    stamp = data.generated_at.strftime("%Y%m%d")
    return f"limites-{data.scope.slug}-{stamp}{FORMATS[fmt].suffix}"


def write_export(data: ExportData, fmt: str, out: str | Path) -> Path:
    """Write ``data`` as ``fmt`` to ``out`` (a file path) and return the path."""
    return FORMATS[fmt].write(data, Path(out))
