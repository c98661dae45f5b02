"""Findings and routes loaded by view: the map carries a tile address, not the records.

A year of findings and routes written into a page weighs a megabyte; ten years would not
fit. :func:`viewport_layers` adds the two overlays «Hallazgos» and «Recorridos de
inspección» empty, with their legends, and :class:`ViewportLayers` puts on the map a
config (the tile address with its filter, the icons and Spanish labels of each finding
category) and loads ``static/viewport_layers.js``, which fetches the tiles of
``/mapa/teselas/<z>/<x>/<y>.json`` covering the view as the user pans and zooms: clusters
drawn as round counts, findings with the icons and popups of
:class:`~geo_app.maps.markers.CompactMarkers`, routes as lines linking to their inspection.
No record's text passes through here: it reaches the browser as JSON and the page as
``textContent``.
"""

from __future__ import annotations

from branca.element import Element
from folium.elements import JSCSSMixin
from folium.template import Template

from cases.records.viewport import FINDINGS_SINGLE_ZOOM
from cases.storage.statuses import FindingCategory
from geo_app.maps.escape import TOOLTIP_CLASS, popup_options, script_json
from geo_app.maps.figure import VerbatimMacroElement
from geo_app.maps.legend import LegendEntry, LegendSection, MapLayer, line_swatch, marker_swatch
from geo_app.maps.markers import finding_popup_js, kind_options, popup_labels
from geo_app.maps.styles import FINDING_MARKERS, ROUTE_STYLE, LayerNames

__all__ = ["MAX_TILE_ZOOM", "STATUS_TEXTS", "ViewportLayers", "viewport_layers"]

# The deepest tile zoom the endpoint answers (the map itself stops at 19).
MAX_TILE_ZOOM = 22
STATUS_TEXTS = {
    "loading": "Cargando hallazgos y recorridos…",
    "error": "No se pudieron cargar los hallazgos y recorridos de esta vista.",
    "omitted": "Hay más recorridos en esta vista: acerque el mapa para verlos todos.",
}


class ViewportLayers(JSCSSMixin, VerbatimMacroElement):
    """Fill ``findings`` and ``routes`` with the tiles of the view, as the view changes.

    Parameters
    ----------
    findings, routes : MapLayer
        The overlays the markers and lines go in (already on the map).
    tile_url : str
        The tiles' address with ``{z}``, ``{x}`` and ``{y}`` (and the record's filter, e.g.
        ``/mapa/teselas/{z}/{x}/{y}.json?zona=3``).
    script_url : str
        Where ``static/viewport_layers.js`` is served.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<script>\n{{ this.popup_code }}</script>\n{% endmacro %}
        {% macro script(this, kwargs) %}
            L.limitesViewportLayers({{ this._parent.get_name() }},
                {{ this.findings.get_name() }}, {{ this.routes.get_name() }},
                {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, findings: MapLayer, routes: MapLayer, tile_url: str, script_url: str):
        super().__init__()
        self._name = "ViewportLayers"
        self.findings = findings
        self.routes = routes
        # An instance attribute: folium's class-level lists stay shared and untouched.
        self.default_js = [("limites_viewport_layers", script_url)]
        self.popup_code = finding_popup_js()
        styles = _finding_styles()
        self.config_json = script_json({
            "url": tile_url,
            "maxZoom": MAX_TILE_ZOOM,
            # A cluster clicked zooms in, never deeper than where no finding is grouped.
            "singleZoom": FINDINGS_SINGLE_ZOOM,
            "kinds": dict(zip(styles, kind_options(styles), strict=True)),
            "fallbackKind": FindingCategory.OTHER.value,
            "labels": {
                **popup_labels(),
                "route": "Ver recorrido",
                "cluster": "{n} hallazgos; acercar para verlos",
                "loading": STATUS_TEXTS["loading"],
                "error": STATUS_TEXTS["error"],
                "omitted": STATUS_TEXTS["omitted"],
            },
            "routeStyle": ROUTE_STYLE.leaflet(),
            "popupOptions": popup_options(),
            "tooltipOptions": {"className": TOOLTIP_CLASS, "sticky": True},
        })


def _finding_styles():
    return {c.value: (c.label, FINDING_MARKERS[c]) for c in FindingCategory}


def viewport_layers(parent: Element, tile_url: str, script_url: str) -> ViewportLayers:
    """Add «Recorridos de inspección» and «Hallazgos», filled by view from ``tile_url``.

    The overlays bear the names of :func:`~geo_app.maps.layers.routes_layer` and
    :func:`~geo_app.maps.layers.findings_layer`, so the layer control, the link's
    ``capas=`` (``static/mapview.js``) and the legend treat them alike; the legend lists
    every finding category, since which ones a view holds is known only in the browser.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(tiles=None)
    >>> element = viewport_layers(m, "/mapa/teselas/{z}/{x}/{y}.json", "/static/v.js")
    >>> [layer.layer_name for layer in (element.routes, element.findings)]
    ['Recorridos de inspección', 'Hallazgos']
    """
    routes = MapLayer(
        LayerNames.ROUTES,
        legend=LegendSection(
            LayerNames.ROUTES, [LegendEntry(line_swatch(ROUTE_STYLE), "Recorrido")]
        ),
    ).add_to(parent)
    findings = MapLayer(
        LayerNames.FINDINGS,
        legend=LegendSection(LayerNames.FINDINGS, [
            LegendEntry(marker_swatch(style), label)
            for label, style in _finding_styles().values()
        ]),
    ).add_to(parent)
    return ViewportLayers(findings, routes, tile_url, script_url).add_to(parent)
