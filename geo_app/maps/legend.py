"""Map layers that carry their legend, the legend control and the "illustrative" notice.

A layer builder returns a :class:`MapLayer` knowing its own legend section and whether
any of its geometries is illustrative; :func:`geo_app.maps.controls.add_controls` gathers
them, so the legend always lists exactly the layers on the map.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import folium
from branca.element import Element, MacroElement
from folium.template import Template
from markupsafe import Markup

from geo_app.maps.escape import script_json
from geo_app.maps.styles import ILLUSTRATIVE_NOTICE, LineStyle, MarkerStyle

__all__ = [
    "LegendEntry",
    "LegendSection",
    "MapLayer",
    "MapStyles",
    "Legend",
    "IllustrativeNotice",
    "line_swatch",
    "fill_swatch",
    "marker_swatch",
    "map_layers",
]


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a swatch (trusted HTML from the ``*_swatch`` helpers) and a label."""

    swatch: Markup
    label: str


@dataclass(frozen=True)
class LegendSection:
    """The legend of one layer."""

    title: str
    entries: Sequence[LegendEntry] = field(default_factory=tuple)

    def html(self) -> Markup:
        """Return the section as HTML, labels escaped."""
        rows = Markup("").join(
            Markup("<li>{}<span>{}</span></li>").format(entry.swatch, entry.label)
            for entry in self.entries
        )
        return Markup('<div class="limites-legend-title">{}</div><ul>{}</ul>').format(
            self.title, rows
        )


def line_swatch(style: LineStyle) -> Markup:
    """Return a short SVG line drawn in ``style`` (colour, weight and dash)."""
    return Markup(
        '<svg class="limites-swatch" width="34" height="12" aria-hidden="true">'
        '<line x1="2" y1="6" x2="32" y2="6" stroke="{}" stroke-width="{}"'
        ' stroke-dasharray="{}" stroke-linecap="round"/></svg>'
    ).format(style.colour, style.weight, style.dash or "none")


def fill_swatch(colour: str) -> Markup:
    """Return a filled square of ``colour`` with a darker outline."""
    return Markup(
        '<span class="limites-swatch limites-swatch-fill"'
        ' style="background:{0};border-color:{0}"></span>'
    ).format(colour)


def marker_swatch(marker: MarkerStyle) -> Markup:
    """Return a round badge with the marker's Font Awesome icon."""
    return Markup(
        '<span class="limites-swatch limites-swatch-marker" style="background:{}">'
        '<i class="fa fa-{}"></i></span>'
    ).format(marker.swatch, marker.icon)


class MapLayer(folium.FeatureGroup):
    """A :class:`folium.FeatureGroup` that knows its legend and whether it is illustrative.

    Parameters
    ----------
    name : str
        Spanish name shown in the layer control.
    legend : LegendSection, optional
        The layer's legend.
    illustrative : bool
        Whether any geometry of the layer is illustrative (not official).
    show : bool
        Whether the layer is on when the map opens.
    """

    def __init__(
        self,
        name: str,
        *,
        legend: LegendSection | None = None,
        illustrative: bool = False,
        show: bool = True,
    ):
        super().__init__(name=name, show=show)
        self.legend = legend
        self.illustrative = illustrative


def map_layers(element: Element) -> Iterator[MapLayer]:
    """Yield every :class:`MapLayer` under ``element``, depth first in insertion order."""
    for child in element._children.values():
        if isinstance(child, MapLayer):
            yield child
        yield from map_layers(child)


_CSS = """
<style>
.limites-legend { background: rgba(255,255,255,.94); padding: 6px 10px; font: 12px/1.35
    system-ui, sans-serif; max-height: 60vh; overflow-y: auto; max-width: 240px; }
.limites-legend summary { font-weight: 600; cursor: pointer; }
.limites-legend ul { list-style: none; margin: 2px 0 6px; padding: 0; }
.limites-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.limites-legend-title { font-weight: 600; margin-top: 4px; }
.limites-swatch { flex: none; width: 34px; display: inline-block; }
.limites-swatch-fill { width: 16px; height: 12px; margin: 0 9px; opacity: .6;
    border: 2px solid; box-sizing: border-box; }
.limites-swatch-marker { width: 18px; height: 18px; margin: 0 8px; border-radius: 50%;
    color: #fff; font-size: 10px; line-height: 18px; text-align: center; }
.limites-illustrative { position: absolute; top: 10px; left: 50%; transform: translateX(-50%);
    z-index: 999; background: #fff3cd; color: #664d03; border: 1px solid #e0b400;
    border-radius: 4px; padding: 4px 10px; font: 600 13px/1.3 system-ui, sans-serif;
    pointer-events: none; max-width: 60%; text-align: center; }
@media (max-width: 576px) {
    .limites-illustrative { top: auto; bottom: 34px; left: 10px; transform: none;
        max-width: calc(100% - 130px); font-size: 11px; text-align: left; }
}
.limites-popup .leaflet-popup-content { font-size: 14px; line-height: 1.4; }
.limites-popup .limites-popup-title { display: block; font-size: 15px; margin-bottom: 4px; }
.leaflet-interactive:focus { outline: none; }
.leaflet-popup-content h3 { font-size: 16px; margin: 0 0 6px; }
.limites-popup .limites-popup-label { font-weight: 600; }
.limites-popup .limites-popup-note { color: #8a6d00; font-style: italic; margin-top: 4px; }
.limites-popup .limites-popup-link { margin-top: 6px; }
.limites-popup ul { margin: 2px 0 0; padding-left: 18px; }
</style>
"""


class MapStyles(MacroElement):
    """The CSS of popups, legend and notice; :func:`~geo_app.maps.controls.base_map` adds it."""

    _template = Template("{% macro header(this, kwargs) %}" + _CSS + "{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "MapStyles"


class Legend(MacroElement):
    """A collapsible legend control (a Leaflet control, so it stays in fullscreen).

    Parameters
    ----------
    sections : sequence of LegendSection
        One section per layer, in display order.
    position : str
        Leaflet control corner.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var control = L.control({position: {{ this.position_json }}});
                control.onAdd = function () {
                    var div = L.DomUtil.create("div", "limites-legend leaflet-bar");
                    div.innerHTML = {{ this.html_json }};
                    // Open on wide screens; on a phone it starts folded to keep the map free.
                    div.querySelector("details").open = window.innerWidth > 640;
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    return div;
                };
                control.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(self, sections: Sequence[LegendSection], position: str = "bottomright"):
        super().__init__()
        self._name = "Legend"
        body = Markup("").join(section.html() for section in sections)
        html = Markup("<details><summary>Leyenda</summary>{}</details>").format(body)
        self.html_json = script_json(str(html))
        self.position_json = script_json(position)


class IllustrativeNotice(MacroElement):
    """A small box at the top of the map saying the geometry is illustrative."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var box = L.DomUtil.create("div", "limites-illustrative",
                    {{ this._parent.get_name() }}.getContainer());
                box.setAttribute("role", "note");
                box.textContent = {{ this.text_json }};
            })();
        {% endmacro %}
        """
    )

    def __init__(self, text: str = ILLUSTRATIVE_NOTICE):
        super().__init__()
        self._name = "IllustrativeNotice"
        self.text_json = script_json(text)
