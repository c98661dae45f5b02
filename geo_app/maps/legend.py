"""Map layers that carry their legend, the legend control and the "illustrative" notice.

A layer builder returns a :class:`MapLayer` knowing its own legend section and whether
any of its geometries is illustrative; :func:`geo_app.maps.controls.add_controls` gathers
them, so the legend always lists exactly the layers on the map.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import folium
from branca.element import Element
from folium.template import Template
from markupsafe import Markup

from geo_app import theme
from geo_app.maps.escape import script_json
from geo_app.maps.figure import VerbatimMacroElement
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


class MapLayer(folium.FeatureGroup, VerbatimMacroElement):
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


# Narrower maps (phones, a map beside a record's lists) open with the legend folded.
LEGEND_OPEN_FROM_PX = 900

# The CSS lives in static/map.css; it is embedded in each map so a saved map keeps its style.
MAP_CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "map.css"


@functools.cache
def map_css() -> str:
    """Return the CSS of popups, legend and notice (``static/map.css``) with the theme's colours.

    The colours come along as CSS custom properties, so a map saved on its own keeps them.
    """
    return f"{theme.root_css()}\n{MAP_CSS_PATH.read_text(encoding='utf-8')}"


class MapStyles(VerbatimMacroElement):
    """The CSS of popups, legend and notice; :func:`~geo_app.maps.controls.base_map` adds it."""

    _template = Template(
        "{% macro header(this, kwargs) %}<style>\n{{ this.css }}</style>\n{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "MapStyles"
        self.css = map_css()


class Legend(VerbatimMacroElement):
    """A collapsible legend control (a Leaflet control, so it stays in fullscreen).

    Parameters
    ----------
    sections : sequence of LegendSection
        One section per layer, in display order.
    position : str
        Leaflet control corner.
    open_from : int
        Width of the map, in pixels, from which the legend starts open.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var control = L.control({position: {{ this.position_json }}});
                control.onAdd = function (map) {
                    var div = L.DomUtil.create("div", "limites-legend leaflet-bar");
                    div.innerHTML = {{ this.html_json }};
                    // Open on wide maps only; on a phone or beside a record's list it starts
                    // folded so the map stays free.
                    div.querySelector("details").open = map.getSize().x >= {{ this.open_from }};
                    // Never taller than the room under the layer control: it scrolls instead.
                    div.style.maxHeight = Math.max(120, map.getSize().y - 110) + "px";
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    return div;
                };
                control.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        sections: Sequence[LegendSection],
        position: str = "bottomright",
        open_from: int = LEGEND_OPEN_FROM_PX,
    ):
        super().__init__()
        self._name = "Legend"
        self.open_from = int(open_from)
        body = Markup("").join(section.html() for section in sections)
        html = Markup("<details><summary>Leyenda</summary>{}</details>").format(body)
        self.html_json = script_json(str(html))
        self.position_json = script_json(position)


class IllustrativeNotice(VerbatimMacroElement):
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
