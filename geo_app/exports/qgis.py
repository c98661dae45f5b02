"""The QGIS styles of the exported layers: the web map's colours, dashes and labels.

Each GeoPackage layer carries one (:func:`layer_style`), written by
:func:`boundaries.export_io.write_gpkg` into the ``layer_styles`` table; QGIS opens the layer
coloured like the app, labelled with its name field, and shows every field by its Spanish
label. Colours come from :mod:`geo_app.theme` through the map styles
(:mod:`geo_app.maps.styles`), so a colour changed there changes the export too.
"""

from __future__ import annotations

from collections.abc import Iterable

from boundaries.layer_styles import LayerStyle, Symbol
from cases.storage.statuses import BoundaryKind, FindingCategory, ZoneStatus
from geo_app import theme
from geo_app.exports.labels import field_label
from geo_app.maps.styles import (
    BOUNDARY_STYLES,
    FINDING_MARKERS,
    ROUTE_STYLE,
    SITE_MARKER,
    LayerNames,
    LineStyle,
    zone_colour,
)

__all__ = ["MARKER_SIZE", "layer_style"]

# Points are drawn as circles of this diameter (pixels), like the legend's swatches.
MARKER_SIZE = 11
# Dispute zones as the web maps draw them (geo_app.maps.layers).
_ZONE_WEIGHT, _ZONE_FILL = 2, 0.3
# Around markers and label letters, so they read on any background.
_HALO = theme.CSS_COLOURS["panel"]


def _line(style: LineStyle, label: str = "", value: str | None = None) -> Symbol:
    return Symbol(style.colour, label, value, style.weight, style.dash, style.fill_opacity)


def _symbols(layer: str) -> tuple[tuple[Symbol, ...], str | None, str | None, str]:
    # The symbols of ``layer``, the field they are chosen by, the field of the labels and
    # the style's title.
    if layer == "limites":
        kinds = tuple(_line(BOUNDARY_STYLES[k], k.label, k.label) for k in BoundaryKind)
        return kinds, "tipo", "municipio", LayerNames.BOUNDARIES
    if layer == "zonas":
        statuses = tuple(
            Symbol(zone_colour(s), s.label, s.label, _ZONE_WEIGHT, fill_opacity=_ZONE_FILL)
            for s in ZoneStatus
        )
        return statuses, "estado", "nombre", LayerNames.ZONES
    if layer == "recorridos":
        return (_line(ROUTE_STYLE, LayerNames.ROUTES),), None, "titulo", LayerNames.ROUTES
    if layer == "hallazgos":
        markers = tuple(
            Symbol(FINDING_MARKERS[c].swatch, c.label, c.label, MARKER_SIZE, outline=_HALO)
            for c in FindingCategory
        )
        return markers, "categoria", None, LayerNames.FINDINGS
    if layer == "sedes":
        site = Symbol(SITE_MARKER.swatch, LayerNames.SITES, None, MARKER_SIZE, outline=_HALO)
        return (site,), None, "nombre", LayerNames.SITES
    return (), None, None, ""


def layer_style(layer: str, fields: Iterable[str], title: str = "") -> LayerStyle:
    """The QGIS style of export ``layer`` with ``fields`` (a table gets its field labels).

    Examples
    --------
    >>> style = layer_style("zonas", ["nombre", "estado"])
    >>> style.field, style.symbols[0].colour == theme.ZONE_STATUS_COLOURS[ZoneStatus.IDENTIFIED]
    ('estado', True)
    """
    symbols, by, label_field, name = _symbols(layer)
    return LayerStyle(
        title or name or layer,
        symbols,
        by,
        label_field,
        theme.CSS_COLOURS["text-strong"],
        _HALO,
        {field: field_label(field) for field in fields},
    )
