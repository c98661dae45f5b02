"""Every colour of the app, in one place: pages, map layers, scripts, figures, PDF and DOCX.

The pages and the maps get these colours as CSS custom properties (:func:`root_css`, in
``base.html``, the field page and every map's embedded CSS); the stylesheets and scripts
read ``var(--name)`` instead of writing a colour. The Folium/Leaflet styles
(:mod:`geo_app.maps.styles`), the matplotlib figures (:mod:`geo_app.figures`), the PDF
templates (the ``theme`` template global) and the DOCX read the constants below. A test
(``tests/geo_app/test_theme.py``) fails on a colour written anywhere else.
"""

from __future__ import annotations

from cases.storage.statuses import (
    AgreementStatus,
    BoundaryKind,
    CaseStatus,
    FindingCategory,
    LabelledEnum,
    ProposalStatus,
    ZoneStatus,
)

__all__ = [
    "BRAND",
    "ROUTE",
    "RIVER",
    "SITE",
    "BOUNDARY_COLOURS",
    "ILLUSTRATIVE_FRAME",
    "BOUNDARY_FALLBACK",
    "CLAIM_COLOURS",
    "ZONE_STATUS_COLOURS",
    "ZONE_STATUS_FALLBACK",
    "STATUS_COLOURS",
    "FINDING_COLOURS",
    "SITE_MARKER_COLOUR",
    "AREA_COLOURS",
    "PROPOSAL_COLOURS",
    "CHART_SERIES",
    "CSS_COLOURS",
    "Print",
    "root_css",
    "theme_css",
    "rgb",
]

# The Ayuntamiento's guinda: navigation bar, headings of the report, PDF and DOCX.
BRAND = "#5b1f3a"
# Inspection routes, everywhere one is drawn: web maps, the phone's track, the drawing
# tool, the figures of the ficha and the report, KML.
ROUTE = "#c2185b"
RIVER = "#1e88e5"
SITE = "#728224"

# Official limit solid dark grey; each other kind its own colour (and, in maps.styles, its
# own dash pattern) so the kinds stay distinguishable in greyscale and for colour-blind readers.
BOUNDARY_COLOURS: dict[BoundaryKind, str] = {
    BoundaryKind.OFFICIAL: "#333333",
    BoundaryKind.CLAIM: "#d62728",
    BoundaryKind.AGREEMENT: "#2ca02c",
    BoundaryKind.RULING: "#6a3d9a",
}
# The official versions of an illustrative frame (the demo's) are never drawn like a real one.
ILLUSTRATIVE_FRAME = "#6b7280"
# A kind, status or category added to its enum before it gets a colour.
BOUNDARY_FALLBACK = "#7f8c8d"

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
    ProposalStatus.PROPOSED: "#4338ca",
    ProposalStatus.IN_REVIEW: "#c2410c",
    ProposalStatus.ACCEPTED: "#15803d",
    ProposalStatus.RATIFIED: "#1e3a8a",
    ProposalStatus.REJECTED: "#52525b",
}

# Findings by category: Leaflet.awesome-markers' colour name and the CSS colour it paints
# (the swatch of the legend, the figures and KML).
FINDING_COLOURS: dict[FindingCategory, tuple[str, str]] = {
    FindingCategory.WATER_POLLUTION: ("blue", "#38aadd"),
    FindingCategory.SOLID_WASTE: ("orange", "#f69730"),
    FindingCategory.RUBBLE_FILL: ("darkred", "#a23336"),
    FindingCategory.IRREGULAR_PARKING: ("cadetblue", "#436978"),
    FindingCategory.OTHER: ("gray", "#575757"),
}
SITE_MARKER_COLOUR = ("darkgreen", SITE)

# The comparison of two frames and the areas map: what each kind of area is drawn in.
AREA_COLOURS: dict[str, str] = {
    "overlap": "#b91c1c",
    "gap": "#2563eb",
    "unattended": "#a16207",
    "gained": "#15803d",
    "lost": "#c2410c",
}

# Limit proposals: the proposed line, the baseline it is compared with, and the pieces that
# change hands, by direction (from the first municipality of the proposal to the second, and
# back). Neither direction is the gained green or the lost orange of a version comparison.
PROPOSAL_COLOURS: dict[str, str] = {
    "line": "#4338ca",
    "baseline": "#6b7280",
    "a_to_b": "#b45309",
    "b_to_a": "#0f766e",
}

# The bars of the indicator chart, one colour per indicator, in order.
CHART_SERIES: tuple[str, ...] = (BRAND, ROUTE, "#b7950b", "#2471a3", "#27ae60", "#7f8c8d")

# The colours of the pages, the maps' controls and the scripts, as CSS custom properties
# (``var(--name)``). Names say what the colour is for.
CSS_COLOURS: dict[str, str] = {
    "brand": BRAND,
    "brand-tint": "#f3e3ea",
    "brand-rule": "#c9b2bd",
    "route": ROUTE,
    "measure": "#7a1f4b",
    "text": "#1f2937",
    "text-strong": "#333333",
    "text-muted": "#555555",
    "text-subtle": "#6c757d",
    "border": "#cccccc",
    "border-light": "#dddddd",
    "border-strong": "#999999",
    "panel": "#f8f9fa",
    "notice-bg": "#fff3cd",
    "notice-text": "#664d03",
    "notice-border": "#e0b400",
    "popup-note": "#8a6d00",
    "neighbour-limit": "#6c757d",
    "reference-line": "#555555",
    "here": "#0d6efd",
    "good": "#146c43",
    "bad": "#b02a37",
    "online": "#75d99a",
    "offline": "#ff8a8a",
    "proposal-line": PROPOSAL_COLOURS["line"],
    "proposal-a-to-b": PROPOSAL_COLOURS["a_to_b"],
    "proposal-b-to-a": PROPOSAL_COLOURS["b_to_a"],
}


class Print:
    """The colours of the printed documents: PDF ficha, quarterly report PDF and DOCX."""

    BRAND = BRAND
    BRAND_RULE = CSS_COLOURS["brand-rule"]
    TEXT = "#1d1d1d"
    TEXT_FICHA = "#111111"
    TEXT_STRONG = "#333333"
    TEXT_SOFT = "#444444"
    TEXT_MUTED = "#555555"
    TEXT_FAINT = "#666666"
    RULE = "#999999"
    BORDER = "#bbbbbb"
    TABLE_HEAD = "#eeeeee"
    NOTICE_BG = CSS_COLOURS["notice-bg"]
    NOTICE_TEXT = CSS_COLOURS["notice-text"]
    NOTICE_BORDER = CSS_COLOURS["notice-border"]
    MISSING_BG = "#fff8e6"
    MISSING_BORDER = "#d9a441"
    # The figures drawn with matplotlib for the PDF and the DOCX.
    MAP_PAPER = "#f7f5f0"
    MAP_FRAME = "#999999"
    MAP_LABEL = "#333333"
    MAP_NOTE = "#8a1c1c"
    CHART_GOAL = "#222222"


def root_css() -> str:
    """Return the ``:root`` rule that declares every colour of :data:`CSS_COLOURS`.

    Examples
    --------
    >>> "--brand: #5b1f3a;" in root_css()
    True
    """
    declarations = " ".join(f"--{name}: {colour};" for name, colour in CSS_COLOURS.items())
    return f":root {{ {declarations} }}"


def theme_css() -> str:
    """Return the CSS custom properties and the status badges (``.status-<value>``).

    Examples
    --------
    >>> ".status-identificada { background: #c0392b; }" in theme_css()
    True
    """
    rules = {}
    for status, colour in STATUS_COLOURS.items():
        rules.setdefault(f".status-{status.value}", colour)
    badges = "\n".join(f"{rule} {{ background: {colour}; }}" for rule, colour in rules.items())
    return f"{root_css()}\n{badges}"


def rgb(colour: str) -> tuple[int, int, int]:
    """Return ``#rrggbb`` as its red, green and blue bytes (python-docx's ``RGBColor``).

    Examples
    --------
    >>> rgb(BRAND)
    (91, 31, 58)
    """
    red, green, blue = bytes.fromhex(colour.removeprefix("#"))
    return red, green, blue
