"""Exports of a scope's records in the formats the Comisión de Límites opens.

:data:`FORMATS` names each format once (suffix, media type, Spanish name, writer); the CLI
(``limites export``) and the download buttons (:mod:`geo_app.exports.routes`) both call
:func:`write_export` on the same :class:`~cases.sharing.tables.ExportData`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from cases.sharing.scope import Scope
from cases.sharing.tables import ExportData, add_photos, export_data
from geo_app.exports import files, kml, pdf, standalone
from geo_app.files import attachment_store

__all__ = ["ExportFormat", "FORMATS", "read_export", "write_export", "file_name"]


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
    # Whether the file carries the findings' photos (the KMZ).
    photos: bool = False


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("gpkg", ".gpkg", "application/geopackage+sqlite3", "GeoPackage (QGIS)",
                     files.gpkg),
        ExportFormat("kml", ".kml", "application/vnd.google-earth.kml+xml",
                     "KML (Google Earth)", kml.write_kml),
        ExportFormat("kmz", ".kmz", "application/vnd.google-earth.kmz",
                     "KMZ (Google Earth, con fotos)", kml.write_kmz, photos=True),
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


def read_export(
    session: Session,
    scope: Scope,
    fmt: str,
    layers: tuple[str, ...] | None,
    *,
    progress: Callable[[str], None] | None = None,
) -> ExportData:
    """The records of ``scope`` in ``layers`` for ``fmt``, with the findings' photos.

    The photos come when the format carries them and the scope includes attachments (a
    share link without them does not: :func:`cases.sharing.tables.add_photos`).
    """
    data = export_data(session, scope, layers, progress=progress)
    if FORMATS[fmt].photos:
        add_photos(data, attachment_store())
    return data


def write_export(data: ExportData, fmt: str, out: str | Path) -> Path:
    """Write ``data`` as ``fmt`` to ``out`` (a file path) and return the path."""
    return FORMATS[fmt].write(data, Path(out))
