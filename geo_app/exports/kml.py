"""KML and KMZ for Google Earth: one folder per layer, styled by kind and status.

Limits are styled by kind, zones by status, findings by category, with the colours of the
app's maps (:mod:`geo_app.maps.styles`); each placemark's description is a Spanish table of
its attributes, and ``ExtendedData`` keeps every attribute for other programs. A KMZ also
carries the photos of the records (``files/``) when the export has attachments.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from markupsafe import Markup, escape
from shapely.geometry.base import BaseGeometry

from cases.sharing.tables import ATTACHMENTS, ExportData, ExportLayer
from cases.storage.statuses import BoundaryKind, FindingCategory, ZoneStatus
from geo_app import theme
from geo_app.exports.labels import display_value, field_label
from geo_app.maps.styles import (
    BOUNDARY_STYLES,
    FINDING_MARKERS,
    ILLUSTRATIVE_NOTICE,
    ROUTE_STYLE,
    SITE_MARKER,
    LayerNames,
)

__all__ = ["ATTACHMENTS", "kml_colour", "kml_document", "write_kml", "write_kmz"]

KML_NS = "http://www.opengis.net/kml/2.2"
_LAYER_TITLES = {
    "limites": LayerNames.BOUNDARIES,
    "zonas": LayerNames.ZONES,
    "recorridos": LayerNames.ROUTES,
    "hallazgos": LayerNames.FINDINGS,
    "sedes": LayerNames.SITES,
}
_NAME_FIELDS = {
    "limites": ("municipio", "tipo"),
    "zonas": ("nombre",),
    "recorridos": ("titulo",),
    "hallazgos": ("categoria",),
    "sedes": ("nombre",),
}
_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"


def kml_colour(css: str, opacity: float = 1.0) -> str:
    """A CSS ``#rrggbb`` colour as KML's ``aabbggrr``.

    Examples
    --------
    >>> kml_colour("#d62728", 0.5)
    '7f2827d6'
    """
    r, g, b = css[1:3], css[3:5], css[5:7]
    return f"{int(opacity * 255):02x}{b}{g}{r}".lower()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _line_poly_style(doc, style_id: str, colour: str, width: float, fill: float) -> None:
    style = _sub(doc, "Style", id=style_id)
    line = _sub(style, "LineStyle")
    _sub(line, "color", kml_colour(colour))
    _sub(line, "width", f"{width:g}")
    poly = _sub(style, "PolyStyle")
    _sub(poly, "color", kml_colour(colour, fill))
    _sub(poly, "fill", "1" if fill else "0")


def _point_style(doc, style_id: str, colour: str) -> None:
    style = _sub(doc, "Style", id=style_id)
    icon_style = _sub(style, "IconStyle")
    _sub(icon_style, "color", kml_colour(colour))
    _sub(_sub(icon_style, "Icon"), "href", _ICON)


def _styles(doc: ET.Element) -> None:
    for kind in BoundaryKind:
        style = BOUNDARY_STYLES[kind]
        _line_poly_style(doc, f"limite-{kind.value}", style.colour, style.weight, 0.0)
    for status in ZoneStatus:
        _line_poly_style(doc, f"zona-{status.value}", theme.ZONE_STATUS_COLOURS[status], 2, 0.35)
    _line_poly_style(doc, "recorrido", ROUTE_STYLE.colour, ROUTE_STYLE.weight, 0.0)
    for category in FindingCategory:
        _point_style(doc, f"hallazgo-{category.value}", FINDING_MARKERS[category].swatch)
    _point_style(doc, "sede", SITE_MARKER.swatch)


_BY_LABEL = {
    "limites": ("tipo", {k.label: f"limite-{k.value}" for k in BoundaryKind}),
    "zonas": ("estado", {s.label: f"zona-{s.value}" for s in ZoneStatus}),
    "hallazgos": ("categoria", {c.label: f"hallazgo-{c.value}" for c in FindingCategory}),
}


def _style_url(layer: str, row: Mapping) -> str:
    if layer in _BY_LABEL:
        column, styles = _BY_LABEL[layer]
        return "#" + styles.get(row[column], next(iter(styles.values())))
    return "#recorrido" if layer == "recorridos" else "#sede"


def _coordinates(coords) -> str:
    return " ".join(f"{x:.7f},{y:.7f}" for x, y, *_ in coords)


def _geometry(parent: ET.Element, geometry: BaseGeometry) -> None:
    kind = geometry.geom_type
    if kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coordinates(geometry.coords))
    elif kind == "LineString":
        line = _sub(parent, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coordinates(geometry.coords))
    elif kind == "Polygon":
        polygon = _sub(parent, "Polygon")
        ring = _sub(_sub(polygon, "outerBoundaryIs"), "LinearRing")
        _sub(ring, "coordinates", _coordinates(geometry.exterior.coords))
        for hole in geometry.interiors:
            inner = _sub(_sub(polygon, "innerBoundaryIs"), "LinearRing")
            _sub(inner, "coordinates", _coordinates(hole.coords))
    else:
        multi = _sub(parent, "MultiGeometry")
        for part in geometry.geoms:
            _geometry(multi, part)


def _description(row: Mapping, photos: Sequence[str]) -> str:
    cells = Markup("").join(
        Markup("<tr><th align='left'>{}</th><td>{}</td></tr>").format(
            field_label(k), display_value(v)
        )
        for k, v in row.items()
        if display_value(v)
    )
    html = Markup("<table>{}</table>").format(cells)
    if row.get("ilustrativa"):
        html += Markup("<p><i>{}</i></p>").format(ILLUSTRATIVE_NOTICE)
    for photo in photos:
        html += Markup("<p><img src='{}' width='300'></p>").format(photo)
    return str(html)


def _folder(doc: ET.Element, layer: ExportLayer, photos: Mapping) -> None:
    folder = _sub(doc, "Folder")
    _sub(folder, "name", _LAYER_TITLES.get(layer.name, layer.spec.title))
    frame = layer.frame
    columns = list(layer.fields)
    for index in range(len(frame)):
        row = {c: frame[c].iloc[index] for c in columns}
        geometry = frame.geometry.iloc[index]
        placemark = _sub(folder, "Placemark", id=f"{layer.name}-{row.get('id')}")
        _sub(placemark, "name", " — ".join(
            str(row[c]) for c in _NAME_FIELDS[layer.name] if row.get(c)
        ) or layer.spec.title)
        _sub(placemark, "description", _description(row, photos.get((layer.name, row["id"]), ())))
        _sub(placemark, "styleUrl", _style_url(layer.name, row))
        extended = _sub(placemark, "ExtendedData")
        for column in columns:
            data = _sub(extended, "Data", name=column)
            _sub(data, "value", display_value(row[column]))
        if geometry is not None and not geometry.is_empty:
            _geometry(placemark, geometry)


def kml_document(data: ExportData, photos: Mapping | None = None) -> bytes:
    """The KML of the export's spatial layers; ``photos`` maps (layer, id) to image paths."""
    root = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(root, "Document")
    _sub(doc, "name", f"Límites — {data.about()['Contenido']}")
    _sub(doc, "description", str(escape(data.about_text())))
    _styles(doc)
    for name in _LAYER_TITLES:
        if name in data.layers:
            _folder(doc, data.layers[name], photos or {})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_kml(data: ExportData, out: Path) -> Path:
    """Write the export as a KML file."""
    out.write_bytes(kml_document(data))
    return out


def write_kmz(data: ExportData, out: Path) -> Path:
    """Write the export as a KMZ: ``doc.kml`` and the records' photos under ``files/``."""
    attachments = data.extra.get(ATTACHMENTS, {})
    photos: dict = {}
    files: list[tuple[str, bytes]] = []
    for (layer, record_id), items in attachments.items():
        for name, content in items:
            path = f"files/{layer}-{record_id}-{Path(name).name}"
            photos.setdefault((layer, record_id), []).append(path)
            files.append((path, content))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Google Earth opens the first .kml entry of the archive.
        archive.writestr("doc.kml", kml_document(data, photos))
        for path, content in files:
            archive.writestr(path, content)
    return out
