"""Dash patterns, weights, icons and Spanish labels of the map layers, in one place.

Every map legend is generated from these tables, so a style changed here changes the
map and its legend together. The colours come from :mod:`geo_app.theme`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.storage.statuses import BoundaryKind, FindingCategory
from geo_app import theme

__all__ = [
    "LayerNames",
    "LineStyle",
    "MarkerStyle",
    "BOUNDARY_STYLES",
    "BOUNDARY_FALLBACK",
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
    OTHER_FRAMES = "Otros marcos de referencia (no vigentes)"
    ZONES = "Zonas en disputa"
    RIVER = "Ríos"
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


# Each kind its own colour *and* dash pattern so the kinds stay distinguishable in
# greyscale prints and for colour-blind readers.
BOUNDARY_STYLES: dict[BoundaryKind, LineStyle] = {
    BoundaryKind.OFFICIAL: LineStyle(theme.BOUNDARY_COLOURS[BoundaryKind.OFFICIAL], weight=3,
                                     fill_opacity=0.03),
    BoundaryKind.CLAIM: LineStyle(theme.BOUNDARY_COLOURS[BoundaryKind.CLAIM], weight=3,
                                  dash="10 6", fill_opacity=0.03),
    BoundaryKind.AGREEMENT: LineStyle(theme.BOUNDARY_COLOURS[BoundaryKind.AGREEMENT], weight=4,
                                      dash="14 5 3 5", fill_opacity=0.03),
    BoundaryKind.RULING: LineStyle(theme.BOUNDARY_COLOURS[BoundaryKind.RULING], weight=4,
                                   dash="2 7", fill_opacity=0.03),
}
# The official versions of an illustrative frame (the demo's) are never drawn like a real
# frame: grey and dashed, whatever frame is in force.
ILLUSTRATIVE_FRAME_STYLE = LineStyle(theme.ILLUSTRATIVE_FRAME, weight=3, dash="10 6",
                                     fill_opacity=0.02)
# A kind added to the enum before it gets a style is drawn thin, grey and dotted.
BOUNDARY_FALLBACK = LineStyle(theme.BOUNDARY_FALLBACK, weight=2, dash="1 5", fill_opacity=0.0)

RIVER_STYLE = LineStyle(theme.RIVER, weight=4, opacity=0.8)
ROUTE_STYLE = LineStyle(theme.ROUTE, weight=3, dash="6 4", opacity=0.85)

_FINDING_ICONS: dict[FindingCategory, str] = {
    FindingCategory.WATER_POLLUTION: "droplet",
    FindingCategory.SOLID_WASTE: "trash-can",
    FindingCategory.RUBBLE_FILL: "truck",
    FindingCategory.IRREGULAR_PARKING: "car",
    FindingCategory.OTHER: "circle-exclamation",
}
FINDING_MARKERS: dict[FindingCategory, MarkerStyle] = {
    category: MarkerStyle(icon, *theme.FINDING_COLOURS[category])
    for category, icon in _FINDING_ICONS.items()
}
FINDING_FALLBACK = FINDING_MARKERS[FindingCategory.OTHER]

SITE_MARKER = MarkerStyle("handshake", *theme.SITE_MARKER_COLOUR)


def boundary_style(
    kind: str, claim_colour: str | None = None, illustrative: bool = False
) -> LineStyle:
    """Return the line style of a boundary version ``kind``.

    Parameters
    ----------
    kind : str
        One of ``"oficial"``, ``"reclamo"``, ``"acuerdo"``, ``"resolucion"``.
    claim_colour : str, optional
        For claims, the claimant's colour (see :data:`geo_app.theme.CLAIM_COLOURS`).
    illustrative : bool
        An official version of an illustrative frame gets :data:`ILLUSTRATIVE_FRAME_STYLE`.

    Returns
    -------
    LineStyle
        The style; a kind without one gets :data:`BOUNDARY_FALLBACK` (a test checks that
        every :class:`~cases.storage.statuses.BoundaryKind` has its own).
    """
    style = BOUNDARY_STYLES.get(kind, BOUNDARY_FALLBACK)
    if kind == BoundaryKind.OFFICIAL.value and illustrative:
        return ILLUSTRATIVE_FRAME_STYLE
    if kind == "reclamo" and claim_colour:
        return LineStyle(claim_colour, style.weight, style.dash, style.opacity, style.fill_opacity)
    return style


def zone_colour(status: str) -> str:
    """Return the fill colour of a dispute zone in ``status`` (grey if unknown)."""
    return theme.ZONE_STATUS_COLOURS.get(status, theme.ZONE_STATUS_FALLBACK)


def finding_marker(category: str) -> MarkerStyle:
    """Return the marker of a finding ``category`` (the "otro" marker if unknown)."""
    return FINDING_MARKERS.get(category, FINDING_FALLBACK)
