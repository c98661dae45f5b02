"""Writing typed layers to GeoPackage, GeoJSON, Shapefile and CSV files for other programs.

Every writer takes :class:`OutLayer` objects: a (Geo)DataFrame with an explicit field schema
(``int``, ``float``, ``str``, ``date``, ``bool``), so dates are written as dates and booleans
as booleans whatever pandas inferred. Fiona writes through GDAL with the schema as given;
this module and :mod:`boundaries.io` are the only ones of the package that touch files. A
GeoPackage also carries each layer's :class:`~boundaries.layer_styles.LayerStyle` in the
``layer_styles`` table, so QGIS opens the layer styled.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import fiona
import pandas as pd
import shapely
from shapely.geometry import mapping

from boundaries.crs import STORAGE_CRS
from boundaries.errors import InvalidParameterError
from boundaries.layer_styles import LayerStyle, qml, sld

__all__ = [
    "OutLayer",
    "GPKG_VERSION",
    "LAYER_STYLES",
    "SHAPEFILE_NAME_LENGTH",
    "write_gpkg",
    "write_geojson_zip",
    "write_shapefile_zip",
    "write_csv_zip",
    "csv_text",
    "shapefile_names",
    "spreadsheet_text",
]

log = logging.getLogger(__name__)

# GeoPackage 1.2: read without warnings by every GDAL since 2.2 and every QGIS 3.
GPKG_VERSION = "1.2"
SHAPEFILE_NAME_LENGTH = 10
# The table QGIS reads a GeoPackage layer's default style from (and saves styles to).
LAYER_STYLES = "layer_styles"
_STYLE_FIELDS = {
    "f_table_catalog": "str:256", "f_table_schema": "str:256", "f_table_name": "str:256",
    "f_geometry_column": "str:256", "styleName": "str:30", "styleQML": "str",
    "styleSLD": "str", "useAsDefault": "bool", "description": "str", "owner": "str:30",
    "ui": "str:30", "update_time": "datetime",
}
_FIONA_TYPES = {"int": "int", "float": "float", "str": "str", "date": "date", "bool": "bool"}


@dataclass(frozen=True)
class OutLayer:
    """A layer to write: ``frame`` holds ``fields`` (and a geometry when ``geometry_type``).

    ``style`` is how QGIS draws and labels it (GeoPackage only).
    """

    name: str
    frame: pd.DataFrame
    fields: dict[str, str]
    geometry_type: str | None = None
    description: str = ""
    style: LayerStyle | None = None

    def __post_init__(self) -> None:
        unknown = {t for t in self.fields.values() if t not in _FIONA_TYPES}
        if unknown:
            raise InvalidParameterError(f"tipos de campo desconocidos: {sorted(unknown)}")


def _value(value, kind: str):
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    if kind == "date":
        # A date object, never its text: fiona picks a field writer by the value's Python
        # type, so date strings would make it parse the layer's text fields as dates.
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def _records(layer: OutLayer, fields: dict[str, str] | None = None) -> Iterator[dict]:
    names = fields or {name: name for name in layer.fields}
    geometries = (
        layer.frame.geometry if layer.geometry_type else [None] * len(layer.frame)
    )
    columns = {name: layer.frame[name].tolist() for name in layer.fields}
    for index, geometry in enumerate(geometries):
        properties = {
            names[name]: _value(columns[name][index], kind) for name, kind in layer.fields.items()
        }
        shape = None if geometry is None or geometry.is_empty else mapping(geometry)
        yield {"geometry": shape, "properties": properties}


def _schema(layer: OutLayer, fields: dict[str, str] | None = None, types=None) -> dict:
    names = fields or {name: name for name in layer.fields}
    kinds = types or _FIONA_TYPES
    return {
        "geometry": layer.geometry_type or "None",
        "properties": {names[n]: kinds[t] for n, t in layer.fields.items()},
    }


def write_gpkg(path: str | Path, layers: Sequence[OutLayer]) -> Path:
    """Write ``layers`` into one GeoPackage (version :data:`GPKG_VERSION`).

    Spatial layers are in :data:`~boundaries.crs.STORAGE_CRS`; a layer without geometry is
    an attribute table. Each layer's ``description`` goes into ``gpkg_contents``, and each
    ``style`` into a :data:`LAYER_STYLES` row (QML and SLD) that QGIS uses by default.

    Examples
    --------
    >>> import tempfile, geopandas as gpd, shapely, datetime as dt
    >>> frame = gpd.GeoDataFrame({"fecha": [dt.date(2025, 5, 15)]},
    ...                          geometry=[shapely.Point(-96.7, 17.0)], crs=4326)
    >>> out = Path(tempfile.mkdtemp()) / "a.gpkg"
    >>> _ = write_gpkg(out, [OutLayer("sitios", frame, {"fecha": "date"}, "Point")])
    >>> fiona.open(out).schema["properties"]
    {'fecha': 'date'}
    """
    path = Path(path)
    if path.exists():
        path.unlink()
    for layer in layers:
        options = {"DESCRIPTION": layer.description} if layer.description else {}
        with fiona.open(
            path, "w", driver="GPKG", layer=layer.name, schema=_schema(layer),
            crs=STORAGE_CRS.to_string() if layer.geometry_type else None,
            VERSION=GPKG_VERSION, **options,
        ) as sink:
            sink.writerecords(_records(layer))
    if any(layer.style is not None for layer in layers):
        _write_styles(path, layers)
    return path


def _write_styles(path: Path, layers: Sequence[OutLayer]) -> None:
    # The table as QGIS creates it (an attribute table with its key named "id"), one default
    # style per layer, matched by table name and geometry column; the time in UTC, as
    # SQLite's CURRENT_TIMESTAMP that QGIS uses.
    with closing(sqlite3.connect(path)) as db:
        columns = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    rows = [
        {
            "geometry": None,
            "properties": {
                "f_table_catalog": "", "f_table_schema": "", "f_table_name": layer.name,
                "f_geometry_column": columns.get(layer.name, ""),
                "styleName": layer.name[:30],
                "styleQML": qml(layer.style, layer.geometry_type, list(layer.fields)),
                "styleSLD": sld(layer.style, layer.name, layer.geometry_type),
                "useAsDefault": True, "description": layer.style.title, "owner": "",
                "ui": None, "update_time": now,
            },
        }
        for layer in layers
        if layer.style is not None
    ]
    with fiona.open(
        path, "w", driver="GPKG", layer=LAYER_STYLES, FID="id",
        schema={"geometry": "None", "properties": _STYLE_FIELDS}, VERSION=GPKG_VERSION,
    ) as sink:
        sink.writerecords(rows)


def _zip(path: Path, files: Iterable[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return path


def _iso(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _rfc7946(geometry):
    # RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise; §11.2: 7 decimals
    # (about 1 cm) are enough, rounded before orienting since rounding may reorder rings.
    if geometry is None:
        return None
    return shapely.orient_polygons(shapely.set_precision(geometry, 1e-7))


def write_geojson_zip(
    path: str | Path, layers: Sequence[OutLayer], readme: str = "", about: dict | None = None
) -> Path:
    """Write each spatial layer as an RFC 7946 FeatureCollection ``<name>.geojson`` in a zip.

    ``about`` is added to each collection as the foreign member ``metadatos`` (RFC 7946
    §6.1), ``readme`` as ``LEEME.txt``.
    """
    import json

    files = []
    for layer in layers:
        if not layer.geometry_type:
            continue
        features = []
        for record, geometry in zip(_records(layer), layer.frame.geometry, strict=True):
            oriented = _rfc7946(geometry)
            record["geometry"] = None if oriented is None else json.loads(
                shapely.to_geojson(oriented)
            )
            features.append({"type": "Feature", **record})
        collection = {
            "type": "FeatureCollection",
            "name": layer.name,
            "metadatos": {"descripcion": layer.description, **(about or {})},
            "features": features,
        }
        text = json.dumps(collection, ensure_ascii=False, default=_iso)
        files.append((f"{layer.name}.geojson", text.encode("utf-8")))
    if readme:
        files.append(("LEEME.txt", readme.encode("utf-8")))
    return _zip(Path(path), files)


def shapefile_names(fields: Iterable[str]) -> dict[str, str]:
    """DBF field names of at most 10 characters for ``fields``, unique within the layer.

    Examples
    --------
    >>> shapefile_names(["distancia_limite_m", "distancia_rio_m", "id"])
    {'distancia_limite_m': 'distancia_', 'distancia_rio_m': 'distanci_2', 'id': 'id'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in fields:
        short = name[:SHAPEFILE_NAME_LENGTH]
        n = 2
        while short in used:
            suffix = f"_{n}"
            short = name[: SHAPEFILE_NAME_LENGTH - len(suffix)] + suffix
            n += 1
        used.add(short)
        out[name] = short
    return out


def write_shapefile_zip(
    path: str | Path, layers: Sequence[OutLayer], readme: str = ""
) -> tuple[Path, dict[str, dict[str, str]]]:
    """Write each spatial layer as a Shapefile in one zip; return the zip and the name changes.

    DBF limits: names of 10 characters (:func:`shapefile_names`), texts of 254 bytes and no
    boolean type (written as ``"sí"``/``"no"``). The returned mapping, per layer, is
    ``{field: short name}`` for every field whose name changed.
    """
    types = {**_FIONA_TYPES, "bool": "str:3", "str": "str:254"}
    renamed: dict[str, dict[str, str]] = {}
    with TemporaryDirectory() as tmp:
        for layer in layers:
            if not layer.geometry_type:
                continue
            names = shapefile_names(layer.fields)
            renamed[layer.name] = {k: v for k, v in names.items() if k != v}
            records = list(_records(layer, names))
            for record in records:
                for field, kind in layer.fields.items():
                    value = record["properties"][names[field]]
                    if kind == "bool" and value is not None:
                        record["properties"][names[field]] = "sí" if value else "no"
            with fiona.open(
                Path(tmp) / f"{layer.name}.shp", "w", driver="ESRI Shapefile",
                schema=_schema(layer, names, types), crs=STORAGE_CRS.to_string(),
                ENCODING="UTF-8",
            ) as sink:
                sink.writerecords(records)
        files = [(p.name, p.read_bytes()) for p in sorted(Path(tmp).iterdir())]
    if readme:
        files.append(("LEEME.txt", readme.encode("utf-8")))
    return _zip(Path(path), files), renamed


# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP, "CSV
# injection"): ``=HYPERLINK(...)`` in a name would send data off when clicked.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """Return ``text`` as a spreadsheet shows it typed: a leading formula sign gets a ``'``.

    Parameters
    ----------
    text : str
        A text cell of a CSV file meant for Excel.

    Returns
    -------
    str
        ``text``, prefixed with an apostrophe if it starts with ``=``, ``+``, ``-``, ``@``,
        a tab or a carriage return.

    Examples
    --------
    >>> print(spreadsheet_text('=HYPERLINK("http://x.example")'))
    '=HYPERLINK("http://x.example")
    >>> spreadsheet_text("Zona norte")
    'Zona norte'
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(layer: OutLayer) -> str:
    """The layer's fields as CSV text (dates ISO 8601, booleans ``sí``/``no``), no geometry.

    Text fields pass through :func:`spreadsheet_text`, so no name becomes a formula.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(layer.fields))
    for record in _records(layer):
        writer.writerow([_csv_cell(value, layer.fields[k])
                         for k, value in record["properties"].items()])
    return buffer.getvalue()


def _csv_cell(value, kind: str):
    if value is None:
        return ""
    if kind == "bool":
        return "sí" if value else "no"
    return spreadsheet_text(value) if kind == "str" else value


def write_csv_zip(path: str | Path, layers: Sequence[OutLayer], readme: str = "") -> Path:
    """Write each layer as ``<name>.csv`` in UTF-8 with BOM (Excel in Spanish reads accents)."""
    files = [(f"{layer.name}.csv", csv_text(layer).encode("utf-8-sig")) for layer in layers]
    if readme:
        files.append(("LEEME.txt", readme.encode("utf-8")))
    return _zip(Path(path), files)
