"""GeoPackage, GeoJSON, Shapefile and CSV exports of an :class:`~cases.sharing.tables.ExportData`.

The layers go through :mod:`boundaries.export_io`; archives carry a ``LEEME.txt`` and the
GeoPackage an ``acerca_de`` table stating contents, CRS, date and source, and each layer's
QGIS style (:mod:`geo_app.exports.qgis`) in its ``layer_styles`` table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from boundaries.export_io import (
    OutLayer,
    shapefile_names,
    write_csv_zip,
    write_geojson_zip,
    write_gpkg,
    write_shapefile_zip,
)
from cases.sharing.tables import ExportData, layer_spec
from geo_app.exports.qgis import layer_style

__all__ = ["CSV_LAYERS", "out_layers", "readme", "gpkg", "geojson", "shapefile", "csv"]

# The tables people open in a spreadsheet.
CSV_LAYERS = ("reuniones", "acuerdos", "hallazgos")
ABOUT_LAYER = "acerca_de"


def out_layers(data: ExportData, names=None) -> list[OutLayer]:
    """The export's layers (all, or those ``names``) as writable layers."""
    chosen = names or list(data.layers)
    return [
        OutLayer(
            name,
            data.layers[name].frame,
            data.layers[name].fields,
            layer_spec(name).geometry_type,
            f"{layer_spec(name).title}. {data.about()['Contenido']}. "
            f"{data.crs}. Exportado el {data.about()['Fecha de exportación']}. "
            f"Fuente: {data.source}",
            layer_style(name, data.layers[name].fields, layer_spec(name).title),
        )
        for name in chosen
        if name in data.layers
    ]


def readme(data: ExportData, extra: str = "") -> str:
    """The ``LEEME.txt`` of an archive: what it holds and where it comes from."""
    lines = [data.about_text(), "", "Capas y tablas:"]
    lines += [
        f"  {layer.name}: {layer.spec.title} ({len(layer.frame)} registros)"
        for layer in data.layers.values()
    ]
    return "\n".join(lines) + ("\n\n" + extra if extra else "") + "\n"


def _about_layer(data: ExportData) -> OutLayer:
    about = data.about()
    frame = pd.DataFrame({"clave": list(about), "valor": list(about.values())})
    fields = {"clave": "str", "valor": "str"}
    title = "Contenido, sistema de referencia, fecha y fuente de esta exportación"
    return OutLayer(ABOUT_LAYER, frame, fields, None, title,
                    layer_style(ABOUT_LAYER, fields, "Acerca de esta exportación"))


def gpkg(data: ExportData, out: Path) -> Path:
    """One GeoPackage: a layer per spatial layer, a table per table, and ``acerca_de``."""
    return write_gpkg(out, [*out_layers(data), _about_layer(data)])


def geojson(data: ExportData, out: Path) -> Path:
    """A zip of one RFC 7946 FeatureCollection per spatial layer."""
    return write_geojson_zip(out, out_layers(data), readme(data), data.about())


def shapefile(data: ExportData, out: Path) -> Path:
    """A zip of one Shapefile per spatial layer; ``LEEME.txt`` lists the shortened names."""
    layers = out_layers(data)
    lines = ["Nombres de campo acortados a 10 caracteres (límite del formato DBF):"]
    for layer in layers:
        if layer.geometry_type:
            for field, short in shapefile_names(layer.fields).items():
                if field != short:
                    lines.append(f"  {layer.name}.{field} → {short}")
    lines.append("Los textos de más de 254 caracteres se recortan; los valores sí/no son texto.")
    lines.append("Las tablas sin geometría (reuniones, acuerdos, participantes) van en el CSV "
                 "o el GeoPackage.")
    path, _ = write_shapefile_zip(out, layers, readme(data, "\n".join(lines)))
    return path


def csv(data: ExportData, out: Path) -> Path:
    """A zip of CSV files (UTF-8 with BOM) of meetings, agreements and findings."""
    return write_csv_zip(out, out_layers(data, CSV_LAYERS), readme(data))
