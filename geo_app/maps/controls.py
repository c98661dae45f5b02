"""The base map and its controls: layers, fullscreen, scale, measuring, legend, notice."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import folium
from folium.plugins import Fullscreen
from folium.template import Template

from geo_app.maps.escape import script_json
from geo_app.maps.figure import VerbatimMacroElement
from geo_app.maps.labels import LabelLayout
from geo_app.maps.legend import IllustrativeNotice, Legend, MapStyles, map_layers

__all__ = ["ScaleBar", "MeasureTool", "SpanishLeaflet", "SubjectView", "base_map", "add_controls"]

# Our measuring control; embedded in each map so a saved map (the HTML export) measures too.
MEASURE_JS_PATH = Path(__file__).resolve().parent.parent / "static" / "measure.js"
# Leaflet's and its plugins' texts in Spanish; the forms' drawing map loads the same file.
SPANISH_JS_PATH = MEASURE_JS_PATH.with_name("leaflet_es.js")


class ScaleBar(VerbatimMacroElement):
    """A metric-only Leaflet scale bar (folium's ``control_scale`` adds feet and miles)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.control.scale({{ this.options_json }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, position: str = "bottomleft"):
        super().__init__()
        self._name = "ScaleBar"
        self.options_json = script_json({"position": position, "metric": True, "imperial": False})


@functools.cache
def measure_js() -> str:
    """Return the code of the measuring control (``static/measure.js``)."""
    return MEASURE_JS_PATH.read_text(encoding="utf-8")


@functools.cache
def spanish_js() -> str:
    """Return the code that puts Leaflet in Spanish (``static/leaflet_es.js``)."""
    return SPANISH_JS_PATH.read_text(encoding="utf-8")


class MeasureTool(VerbatimMacroElement):
    """«Medir distancia»: click points on the map to read the distance and enclosed area.

    Distances in metres (kilometres from 1 km), areas in hectares and m². It replaces
    folium's MeasureControl, whose leaflet-measure compiles templates with ``Function()``
    and so needs ``'unsafe-eval'`` in the Content-Security-Policy; this one evaluates no
    string. The code is written once in the page header (the ``nonced`` filter stamps it).

    Examples
    --------
    >>> m = folium.Map()
    >>> _ = MeasureTool().add_to(m)
    >>> html = m.get_root().render()
    >>> "L.Control.LimitesMeasure" in html, "new Function" in html, "eval(" in html
    (True, False, False)
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<script>\n{{ this.code }}</script>\n{% endmacro %}
        {% macro script(this, kwargs) %}
            new L.Control.LimitesMeasure({{ this.options_json }}).addTo(
                {{ this._parent.get_name() }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, position: str = "topleft"):
        super().__init__()
        self._name = "MeasureTool"
        self.code = measure_js()
        self.options_json = script_json({"position": position})


class SpanishLeaflet(VerbatimMacroElement):
    """Leaflet's controls in Spanish («Acercar», «Alejar», «Capas»…), from ``static/leaflet_es.js``.

    Written in the page header, after Leaflet and before the map is made, since controls
    read their titles when they are built; embedded so a saved map speaks Spanish too.

    Examples
    --------
    >>> m = folium.Map()
    >>> _ = SpanishLeaflet().add_to(m)
    >>> "Acercar" in m.get_root().render()
    True
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<script>\n{{ this.code }}</script>\n{% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "SpanishLeaflet"
        self.code = spanish_js()


class SubjectView(VerbatimMacroElement):
    """Fit the map to its subject once the controls are drawn, clear of every one of them.

    Folium's ``fit_bounds`` runs before the controls exist, so the legend, the layer control
    or the illustrative notice could sit on the very record the page is about. This refits
    to the same bounds with padding measured from the controls in each corner, and keeps
    the bounds on the map as ``limitesSubject`` (the browser tests check them).

    Parameters
    ----------
    bounds : sequence of 4 floats
        ``(west, south, east, north)`` in degrees.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var map = {{ this._parent.get_name() }};
                var bounds = {{ this.bounds_json }};
                var container = map.getContainer();
                map.limitesSubject = bounds;
                var shown = function (selector) {
                    return Array.prototype.map.call(
                        container.querySelectorAll(selector),
                        function (el) { return el.getBoundingClientRect(); }
                    ).filter(function (r) { return r.width > 0 && r.height > 0; });
                };
                var fit = function () {
                    var box = container.getBoundingClientRect();
                    var portrait = box.height > box.width;
                    var pad = {left: 0, top: 0, right: 0, bottom: 0};
                    // The controls of each corner, as one block: a tall block (the zoom
                    // column, an open legend) takes a strip at its side; a wide one (scale,
                    // a folded legend over the attribution, the notice) a strip at the top
                    // or bottom; on a portrait map, square ones too, since width is what a
                    // phone lacks.
                    var blocks = shown(".limites-illustrative");
                    ["top.leaflet-left", "top.leaflet-right", "bottom.leaflet-left",
                     "bottom.leaflet-right"].forEach(function (corner) {
                        var rects = shown(".leaflet-" + corner + " > .leaflet-control");
                        if (rects.length) {
                            blocks.push(rects.reduce(function (a, b) {
                                var u = {left: Math.min(a.left, b.left),
                                         right: Math.max(a.right, b.right),
                                         top: Math.min(a.top, b.top),
                                         bottom: Math.max(a.bottom, b.bottom)};
                                u.width = u.right - u.left;
                                u.height = u.bottom - u.top;
                                return u;
                            }));
                        }
                    });
                    blocks.forEach(function (r) {
                        var left = r.left - box.left < box.right - r.right;
                        var top = r.top - box.top < box.bottom - r.bottom;
                        var side = r.height > r.width * (portrait ? 1.5 : 0.7);
                        if (side && left) {
                            pad.left = Math.max(pad.left, r.right - box.left);
                        } else if (side) {
                            pad.right = Math.max(pad.right, box.right - r.left);
                        } else if (top) {
                            pad.top = Math.max(pad.top, r.bottom - box.top);
                        } else {
                            pad.bottom = Math.max(pad.bottom, box.bottom - r.top);
                        }
                    });
                    map.fitBounds(bounds, {
                        paddingTopLeft: [pad.left + 8, pad.top + 8],
                        paddingBottomRight: [pad.right + 8, pad.bottom + 8],
                        animate: false
                    });
                };
                fit();
                // Again once the page is laid out, in case the map's box changed size; not
                // if something moved the map meanwhile (a view kept in the link's #mapa=).
                var first = {center: map.getCenter(), zoom: map.getZoom()};
                if (document.readyState !== "complete") {
                    window.addEventListener("load", function () {
                        if (map.getZoom() !== first.zoom || !map.getCenter().equals(first.center)) {
                            return;
                        }
                        map.invalidateSize({pan: false});
                        fit();
                    });
                }
            })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[float]):
        super().__init__()
        self._name = "SubjectView"
        west, south, east, north = (float(value) for value in bounds)
        self.bounds_json = script_json([[south, west], [north, east]])


def base_map(
    bounds: Sequence[float],
    tiles: str | None = None,
    attribution: str | None = None,
    *,
    max_zoom: int = 19,
    max_native_zoom: int | None = None,
) -> folium.Map:
    """Return an empty map fitted to ``bounds``.

    Parameters
    ----------
    bounds : sequence of 4 floats
        ``(west, south, east, north)`` in degrees, as ``GeoDataFrame.total_bounds``.
    tiles : str, optional
        An XYZ URL template (``https://…/{z}/{x}/{y}.png``); ``None`` draws no base layer,
        for offline use and for tests.
    attribution : str, optional
        Attribution HTML of the tiles; required with ``tiles``.
    max_zoom : int
        Deepest zoom level allowed.
    max_native_zoom : int, optional
        Deepest zoom the tiles exist at (an offline base map's); deeper, they are enlarged.

    Returns
    -------
    folium.Map
        The map, with the page CSS of popups and legend and a metric scale bar.

    Examples
    --------
    >>> m = base_map((-96.75, 17.03, -96.69, 17.09))
    >>> "fitBounds" in m.get_root().render()
    True
    """
    west, south, east, north = (float(value) for value in bounds)
    if not (west <= east and south <= north):
        raise ValueError(f"límites del mapa inválidos: {tuple(bounds)}")
    if tiles is not None and not attribution:
        raise ValueError("una capa de teselas necesita su atribución")
    m = folium.Map(tiles=None)
    # folium gives max_zoom to its tile layer only; marker clustering needs it on the map.
    m.options["max_zoom"] = max_zoom
    # Half zoom steps let a record fill a phone-sized map instead of a quarter of it; the
    # buttons still zoom by whole steps.
    m.options["zoom_snap"] = 0.5
    if tiles is not None:
        extra = {"max_native_zoom": max_native_zoom} if max_native_zoom is not None else {}
        folium.TileLayer(
            tiles, attr=attribution, name="Mapa base", max_zoom=max_zoom, control=False,
            **extra,
        ).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    m.limites_bounds = (west, south, east, north)
    SpanishLeaflet().add_to(m)
    MapStyles().add_to(m)
    ScaleBar().add_to(m)
    return m


def add_controls(m: folium.Map) -> None:
    """Add the layer control, fullscreen, measuring tool, legend and illustrative notice.

    Call it after the layers: the legend lists the :class:`~geo_app.maps.legend.MapLayer`
    layers present, and the notice "Geometría ilustrativa — no es un límite oficial" is
    shown if any of them holds an illustrative geometry. Then the map is refitted to its
    subject clear of the controls (:class:`SubjectView`) and the name labels are laid out
    (:class:`~geo_app.maps.labels.LabelLayout`).

    Parameters
    ----------
    m : folium.Map
        A map from :func:`base_map` with its layers added.
    """
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    Fullscreen(
        position="topleft",
        title="Pantalla completa",
        title_cancel="Salir de pantalla completa",
        force_separate_button=True,
    ).add_to(m)
    MeasureTool(position="topleft").add_to(m)
    layers = list(map_layers(m))
    sections = [layer.legend for layer in layers if layer.legend and layer.legend.entries]
    if sections:
        Legend(sections).add_to(m)
    if any(layer.illustrative for layer in layers):
        IllustrativeNotice().add_to(m)
    bounds = getattr(m, "limites_bounds", None)
    if bounds is not None:
        SubjectView(bounds).add_to(m)
    LabelLayout().add_to(m)
