"""Colours, dash patterns, icons and Spanish labels of the map layers, in one place.

Every map legend is generated from these tables, so a style changed here changes the
map and its legend together.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LayerNames",
    "LineStyle",
    "MarkerStyle",
    "BOUNDARY_STYLES",
    "CLAIM_COLOURS",
    "ZONE_STATUS_COLOURS",
    "ZONE_STATUS_FALLBACK",
    "RIVER_STYLE",
    "ROUTE_STYLE",
    "FINDING_MARKERS",
    "FINDING_FALLBACK",
    "SITE_MARKER",
    "ILLUSTRATIVE_NOTICE",
    "boundary_style",
    "zone_colour",
    "finding_marker",
]


class LayerNames:
    """Spanish names shown in the layer control and as legend headings."""

    BOUNDARIES = "Límites municipales"
    ZONES = "Zonas en disputa"
    RIVER = "Río Atoyac"
    ROUTES = "Recorridos de inspección"
    FINDINGS = "Hallazgos"
    SITES = "Sedes de reuniones"


ILLUSTRATIVE_NOTICE = "Geometría ilustrativa — no es un límite oficial"


@dataclass(frozen=True)
class LineStyle:
    """A Leaflet path style; ``dash`` is an SVG ``stroke-dasharray`` or ``None`` for solid."""

    colour: str
    weight: float = 3
    dash: str | None = None
    opacity: float = 0.9
    fill_opacity: float = 0.0

    def leaflet(self) -> dict[str, object]:
        """Return the style as Leaflet path options."""
        style: dict[str, object] = {
            "color": self.colour,
            "weight": self.weight,
            "opacity": self.opacity,
            "fillColor": self.colour,
            "fillOpacity": self.fill_opacity,
            "lineCap": "round",
        }
        if self.dash:
            style["dashArray"] = self.dash
        return style


@dataclass(frozen=True)
class MarkerStyle:
    """A Leaflet.awesome-markers marker: Font Awesome icon name and marker colour.

    ``swatch`` is the CSS colour of the marker colour name, for the legend.
    """

    icon: str
    colour: str
    swatch: str


# Official limit solid dark grey; each other kind its own colour *and* dash pattern so
# the kinds stay distinguishable in greyscale prints and for colour-blind readers.
BOUNDARY_STYLES: dict[str, LineStyle] = {
    "oficial": LineStyle("#333333", weight=3, fill_opacity=0.03),
    "reclamo": LineStyle("#d62728", weight=3, dash="10 6", fill_opacity=0.03),
    "acuerdo": LineStyle("#2ca02c", weight=4, dash="14 5 3 5", fill_opacity=0.03),
    "resolucion": LineStyle("#6a3d9a", weight=4, dash="2 7", fill_opacity=0.03),
}

# Claims are told apart by claimant: the n-th claimant (in order of appearance) gets the
# n-th colour. None of these is the agreement green or the ruling purple.
CLAIM_COLOURS: tuple[str, ...] = (
    "#d62728",
    "#ff7f0e",
    "#1f77b4",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
)

ZONE_STATUS_COLOURS: dict[str, str] = {
    "identificada": "#c0392b",
    "en_negociacion": "#e67e22",
    "en_comision": "#b7950b",
    "acordada": "#27ae60",
    "resuelta": "#2471a3",
}
ZONE_STATUS_FALLBACK = "#7f8c8d"

RIVER_STYLE = LineStyle("#1e88e5", weight=4, opacity=0.8)
ROUTE_STYLE = LineStyle("#c2185b", weight=3, dash="6 4", opacity=0.85)

FINDING_MARKERS: dict[str, MarkerStyle] = {
    "contaminacion_agua": MarkerStyle("droplet", "blue", "#38aadd"),
    "residuos_solidos": MarkerStyle("trash-can", "orange", "#f69730"),
    "relleno_escombro": MarkerStyle("truck", "darkred", "#a23336"),
    "estacionamiento_irregular": MarkerStyle("car", "cadetblue", "#436978"),
    "otro": MarkerStyle("circle-exclamation", "gray", "#575757"),
}
FINDING_FALLBACK = FINDING_MARKERS["otro"]

SITE_MARKER = MarkerStyle("handshake", "darkgreen", "#728224")


def boundary_style(kind: str, claim_colour: str | None = None) -> LineStyle:
    """Return the line style of a boundary version ``kind``.

    Parameters
    ----------
    kind : str
        One of ``"oficial"``, ``"reclamo"``, ``"acuerdo"``, ``"resolucion"``.
    claim_colour : str, optional
        For claims, the claimant's colour (see :data:`CLAIM_COLOURS`).

    Returns
    -------
    LineStyle
        The style; unknown kinds raise ``KeyError``, so a new kind cannot be drawn unstyled.
    """
    style = BOUNDARY_STYLES[kind]
    if kind == "reclamo" and claim_colour:
        return LineStyle(claim_colour, style.weight, style.dash, style.opacity, style.fill_opacity)
    return style


def zone_colour(status: str) -> str:
    """Return the fill colour of a dispute zone in ``status`` (grey if unknown)."""
    return ZONE_STATUS_COLOURS.get(status, ZONE_STATUS_FALLBACK)


def finding_marker(category: str) -> MarkerStyle:
    """Return the marker of a finding ``category`` (the "otro" marker if unknown)."""
    return FINDING_MARKERS.get(category, FINDING_FALLBACK)
