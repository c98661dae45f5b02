"""QGIS layer styles (QML and SLD) for the layers written to a GeoPackage.

A style is data: colours, widths, dash patterns, category values and labels all come from the
caller (the app's theme), so this module knows nothing of the app.
:func:`boundaries.export_io.write_gpkg` stores each layer's style in the ``layer_styles`` table,
the convention by which QGIS opens a GeoPackage layer already coloured and labelled.

QML is written for QGIS 3 (symbol layer properties both as ``Option`` maps and as the older
``prop`` elements, so QGIS 3.10 reads them too); SLD is Symbology Encoding 1.1, as QGIS
exports it. Colours are ``#rrggbb``; widths, dashes and marker sizes are in screen pixels,
as in the web maps.

Examples
--------
>>> style = LayerStyle("Recorridos", (Symbol("#123456", width=3, dash="6 4"),))
>>> 'value="18,52,86,255"' in qml(style, "MultiLineString", ["titulo"])
True
>>> ">#123456</se:SvgParameter>" in sld(style, "recorridos", "MultiLineString")
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from boundaries.errors import InvalidParameterError

__all__ = ["Symbol", "LayerStyle", "qml", "sld", "QGIS_VERSION"]

# The QGIS version the QML says it was written by; every QGIS 3 reads it.
QGIS_VERSION = "3.28.0-Firenze"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"
_SLD = "http://www.opengis.net/sld"
_KINDS = {
    "Point": ("marker", 0), "MultiPoint": ("marker", 0),
    "LineString": ("line", 1), "MultiLineString": ("line", 1),
    "Polygon": ("fill", 2), "MultiPolygon": ("fill", 2),
}
_NO_GEOMETRY = 4


@dataclass(frozen=True)
class Symbol:
    """How the features whose category field equals ``value`` are drawn (all when None).

    ``width`` is the stroke of lines and outlines, or the diameter of a point's marker;
    ``dash`` an SVG dash array (``"10 6"``), ``fill_opacity`` the alpha of polygon fills,
    ``outline`` the ring around a point's marker (none when None).
    """

    colour: str
    label: str = ""
    value: str | None = None
    width: float = 2.0
    dash: str | None = None
    fill_opacity: float = 0.0
    outline: str | None = None

    def __post_init__(self) -> None:
        _require_colour(self.colour)
        _require_colour(self.outline)


@dataclass(frozen=True)
class LayerStyle:
    """A layer's style: one symbol, or one per value of ``field``; labels and field aliases.

    ``label_field`` names the field whose value is written beside each feature, in
    ``label_colour`` with a ``label_halo`` around the letters (none when None); ``aliases``
    gives each field the name people read.
    """

    title: str
    symbols: tuple[Symbol, ...] = ()
    field: str | None = None
    label_field: str | None = None
    label_colour: str | None = None
    label_halo: str | None = None
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        _require_colour(self.label_colour)
        _require_colour(self.label_halo)
        if self.label_field and not self.label_colour:
            raise InvalidParameterError("las etiquetas necesitan un color")


def qml(style: LayerStyle, geometry_type: str | None, fields: Sequence[str]) -> str:
    """The style as a QGIS QML document, for a layer of ``geometry_type`` with ``fields``."""
    kind = _KINDS.get(geometry_type or "")
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Labeling|Fields",
                      labelsEnabled="1" if kind and style.label_field else "0")
    if kind and style.symbols:
        root.append(_renderer(style, kind[0]))
    if kind and style.label_field:
        root.append(_labeling(style))
    aliases = ET.SubElement(root, "aliases")
    for index, name in enumerate(fields, start=1):
        if name in style.aliases:
            ET.SubElement(aliases, "alias", field=name, index=str(index), name=style.aliases[name])
    ET.SubElement(root, "layerGeometryType").text = str(kind[1] if kind else _NO_GEOMETRY)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        root, encoding="unicode"
    )


def sld(style: LayerStyle, layer: str, geometry_type: str | None) -> str:
    """The style as an SLD 1.1 document (empty for a table, which nothing draws)."""
    kind = _KINDS.get(geometry_type or "")
    if not kind:
        return ""
    root = ET.Element("StyledLayerDescriptor", {"version": "1.1.0", "xmlns": _SLD,
                                                "xmlns:se": _SE, "xmlns:ogc": _OGC})
    named = ET.SubElement(root, "NamedLayer")
    ET.SubElement(named, "se:Name").text = layer
    user = ET.SubElement(named, "UserStyle")
    ET.SubElement(user, "se:Name").text = style.title
    types = ET.SubElement(user, "se:FeatureTypeStyle")
    for symbol in style.symbols:
        rule = ET.SubElement(types, "se:Rule")
        ET.SubElement(rule, "se:Name").text = symbol.label or style.title
        description = ET.SubElement(rule, "se:Description")
        ET.SubElement(description, "se:Title").text = symbol.label or style.title
        if style.field and symbol.value is not None:
            rule.append(_equals(style.field, symbol.value))
        rule.append(_symbolizer(symbol, kind[0]))
    if style.label_field:
        rule = ET.SubElement(types, "se:Rule")
        text = ET.SubElement(rule, "se:TextSymbolizer")
        label = ET.SubElement(text, "se:Label")
        ET.SubElement(label, "ogc:PropertyName").text = style.label_field
        if style.label_halo:
            halo = ET.SubElement(ET.SubElement(text, "se:Halo"), "se:Fill")
            _parameter(halo, "fill", style.label_halo)
        _parameter(ET.SubElement(text, "se:Fill"), "fill", str(style.label_colour))
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _require_colour(colour: str | None) -> None:
    if colour is not None and (len(colour) != 7 or not colour.startswith("#")):
        raise InvalidParameterError(f"color inválido «{colour}»; use #rrggbb")


def _rgba(colour: str, alpha: float = 1.0) -> str:
    red, green, blue = bytes.fromhex(colour.removeprefix("#"))
    return f"{red},{green},{blue},{round(alpha * 255)}"


def _renderer(style: LayerStyle, kind: str) -> ET.Element:
    categorized = style.field is not None and any(s.value is not None for s in style.symbols)
    renderer = ET.Element("renderer-v2", type="categorizedSymbol" if categorized else
                          "singleSymbol", symbollevels="0", forceraster="0", enableorderby="0")
    symbols = ET.Element("symbols")
    if categorized:
        renderer.set("attr", str(style.field))
        categories = ET.SubElement(renderer, "categories")
        for number, symbol in enumerate(style.symbols):
            ET.SubElement(categories, "category", symbol=str(number), render="true",
                          value="" if symbol.value is None else symbol.value, label=symbol.label)
    for number, symbol in enumerate(style.symbols if categorized else style.symbols[:1]):
        symbols.append(_symbol(symbol, kind, str(number)))
    renderer.append(symbols)
    return renderer


def _symbol(symbol: Symbol, kind: str, name: str) -> ET.Element:
    element = ET.Element("symbol", type=kind, name=name, alpha="1", clip_to_extent="1",
                         force_rhr="0")
    dash = ";".join((symbol.dash or "").split())
    line = {
        "line_color": _rgba(symbol.colour), "line_width": f"{symbol.width:g}",
        "line_width_unit": "Pixel", "line_style": "solid", "capstyle": "round",
        "joinstyle": "round", "use_custom_dash": "1" if dash else "0",
        "customdash": dash or "5;2", "customdash_unit": "Pixel",
    }
    if kind == "marker":
        _symbol_layer(element, "SimpleMarker", {
            "name": "circle", "color": _rgba(symbol.colour), "size": f"{symbol.width:g}",
            "size_unit": "Pixel", "outline_color": _rgba(symbol.outline or symbol.colour),
            "outline_width": "1", "outline_width_unit": "Pixel",
            "outline_style": "solid" if symbol.outline else "no",
        })
    elif kind == "line":
        _symbol_layer(element, "SimpleLine", line)
    else:
        # The fill, then its outline as a line layer: a fill's own outline has no custom dash.
        _symbol_layer(element, "SimpleFill", {
            "color": _rgba(symbol.colour, symbol.fill_opacity),
            "style": "solid" if symbol.fill_opacity else "no", "outline_style": "no",
        })
        _symbol_layer(element, "SimpleLine", line)
    return element


def _symbol_layer(symbol: ET.Element, kind: str, properties: dict[str, str]) -> None:
    layer = ET.SubElement(symbol, "layer", {"class": kind, "enabled": "1", "pass": "0",
                                            "locked": "0"})
    options = ET.SubElement(layer, "Option", type="Map")
    for key, value in properties.items():
        ET.SubElement(options, "Option", name=key, value=value, type="QString")
    for key, value in properties.items():
        ET.SubElement(layer, "prop", k=key, v=value)


def _labeling(style: LayerStyle) -> ET.Element:
    labeling = ET.Element("labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    ET.SubElement(settings, "text-style", fieldName=str(style.label_field), isExpression="0",
                  fontSize="9", fontSizeUnit="Point", textColor=_rgba(str(style.label_colour)),
                  textOpacity="1", fontWeight="50", namedStyle="Regular")
    halo = style.label_halo
    ET.SubElement(settings, "text-buffer", bufferDraw="1" if halo else "0", bufferSize="1",
                  bufferSizeUnits="MM", bufferColor=_rgba(halo or str(style.label_colour)),
                  bufferOpacity="1")
    ET.SubElement(settings, "rendering", obstacle="1", scaleVisibility="0")
    return labeling


def _equals(name: str, value: str) -> ET.Element:
    where = ET.Element("ogc:Filter")
    equal = ET.SubElement(where, "ogc:PropertyIsEqualTo")
    ET.SubElement(equal, "ogc:PropertyName").text = name
    ET.SubElement(equal, "ogc:Literal").text = value
    return where


def _symbolizer(symbol: Symbol, kind: str) -> ET.Element:
    if kind == "marker":
        element = ET.Element("se:PointSymbolizer")
        graphic = ET.SubElement(element, "se:Graphic")
        mark = ET.SubElement(graphic, "se:Mark")
        ET.SubElement(mark, "se:WellKnownName").text = "circle"
        _parameter(ET.SubElement(mark, "se:Fill"), "fill", symbol.colour)
        if symbol.outline:
            _stroke(mark, symbol.outline, 1, None)
        ET.SubElement(graphic, "se:Size").text = f"{symbol.width:g}"
        return element
    if kind == "line":
        element = ET.Element("se:LineSymbolizer")
    else:
        element = ET.Element("se:PolygonSymbolizer")
        fill = ET.SubElement(element, "se:Fill")
        _parameter(fill, "fill", symbol.colour)
        _parameter(fill, "fill-opacity", f"{symbol.fill_opacity:g}")
    _stroke(element, symbol.colour, symbol.width, symbol.dash)
    return element


def _stroke(parent: ET.Element, colour: str, width: float, dash: str | None) -> None:
    stroke = ET.SubElement(parent, "se:Stroke")
    _parameter(stroke, "stroke", colour)
    _parameter(stroke, "stroke-width", f"{width:g}")
    if dash:
        _parameter(stroke, "stroke-dasharray", dash)


def _parameter(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, "se:SvgParameter", name=name).text = value
