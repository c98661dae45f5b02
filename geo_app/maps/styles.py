"""Colours, dash patterns, icons and Spanish labels of the map layers, in one place.

Every map legend is generated from these tables, so a style changed here changes the
map and its legend together.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.frames.stored_layers import RIVER_NAME
from cases.storage.statuses import (
    AgreementStatus,
    BoundaryKind,
    CaseStatus,
    FindingCategory,
    LabelledEnum,
    ZoneStatus,
)

__all__ = [
    "LayerNames",
    "LineStyle",
    "MarkerStyle",
    "BOUNDARY_STYLES",
    "CLAIM_COLOURS",
    "ZONE_STATUS_COLOURS",
    "ZONE_STATUS_FALLBACK",
    "BOUNDARY_FALLBACK",
    "STATUS_COLOURS",
    "status_css",
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
    RIVER = RIVER_NAME
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
BOUNDARY_STYLES: dict[BoundaryKind, LineStyle] = {
    BoundaryKind.OFFICIAL: LineStyle("#333333", weight=3, fill_opacity=0.03),
    BoundaryKind.CLAIM: LineStyle("#d62728", weight=3, dash="10 6", fill_opacity=0.03),
    BoundaryKind.AGREEMENT: LineStyle("#2ca02c", weight=4, dash="14 5 3 5", fill_opacity=0.03),
    BoundaryKind.RULING: LineStyle("#6a3d9a", weight=4, dash="2 7", fill_opacity=0.03),
}
# The official versions of an illustrative frame (the demo's) are never drawn like a real
# frame: grey and dashed, whatever frame is in force.
ILLUSTRATIVE_FRAME_STYLE = LineStyle("#6b7280", weight=3, dash="10 6", fill_opacity=0.02)
# A kind added to the enum before it gets a style is drawn thin, grey and dotted.
BOUNDARY_FALLBACK = LineStyle("#7f8c8d", weight=2, dash="1 5", fill_opacity=0.0)

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

ZONE_STATUS_COLOURS: dict[ZoneStatus, str] = {
    ZoneStatus.IDENTIFIED: "#c0392b",
    ZoneStatus.NEGOTIATING: "#d35400",
    ZoneStatus.AT_COMMISSION: "#7d3c98",
    ZoneStatus.AGREED: "#1e8449",
    ZoneStatus.RESOLVED: "#2471a3",
}
ZONE_STATUS_FALLBACK = "#7f8c8d"

# Badge colours of every status shown on the pages; zones share the map's colours, so a
# zone reads the same on its badge and on the map. White text stays legible on each.
STATUS_COLOURS: dict[LabelledEnum, str] = {
    **ZONE_STATUS_COLOURS,
    CaseStatus.OPEN: "#b91c1c",
    CaseStatus.IN_PROGRESS: "#c2410c",
    CaseStatus.SUSPENDED: "#52525b",
    CaseStatus.CLOSED: "#1e3a8a",
    AgreementStatus.PENDING: "#b91c1c",
    AgreementStatus.IN_PROGRESS: "#c2410c",
    AgreementStatus.DONE: "#15803d",
    AgreementStatus.CANCELLED: "#52525b",
}

RIVER_STYLE = LineStyle("#1e88e5", weight=4, opacity=0.8)
ROUTE_STYLE = LineStyle("#c2185b", weight=3, dash="6 4", opacity=0.85)

FINDING_MARKERS: dict[FindingCategory, MarkerStyle] = {
    FindingCategory.WATER_POLLUTION: MarkerStyle("droplet", "blue", "#38aadd"),
    FindingCategory.SOLID_WASTE: MarkerStyle("trash-can", "orange", "#f69730"),
    FindingCategory.RUBBLE_FILL: MarkerStyle("truck", "darkred", "#a23336"),
    FindingCategory.IRREGULAR_PARKING: MarkerStyle("car", "cadetblue", "#436978"),
    FindingCategory.OTHER: MarkerStyle("circle-exclamation", "gray", "#575757"),
}
FINDING_FALLBACK = FINDING_MARKERS[FindingCategory.OTHER]

SITE_MARKER = MarkerStyle("handshake", "darkgreen", "#728224")


def boundary_style(
    kind: str, claim_colour: str | None = None, illustrative: bool = False
) -> LineStyle:
    """Return the line style of a boundary version ``kind``.

    Parameters
    ----------
    kind : str
        One of ``"oficial"``, ``"reclamo"``, ``"acuerdo"``, ``"resolucion"``.
    claim_colour : str, optional
        For claims, the claimant's colour (see :data:`CLAIM_COLOURS`).
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
    return ZONE_STATUS_COLOURS.get(status, ZONE_STATUS_FALLBACK)


def finding_marker(category: str) -> MarkerStyle:
    """Return the marker of a finding ``category`` (the "otro" marker if unknown)."""
    return FINDING_MARKERS.get(category, FINDING_FALLBACK)


def status_css() -> str:
    """Return the CSS of the status badges (``.status-<value>``), from :data:`STATUS_COLOURS`.

    Examples
    --------
    >>> ".status-identificada { background: #c0392b; }" in status_css()
    True
    """
    rules = {}
    for status, colour in STATUS_COLOURS.items():
        rules.setdefault(f".status-{status.value}", colour)
    return "\n".join(f"{rule} {{ background: {colour}; }}" for rule, colour in rules.items())
