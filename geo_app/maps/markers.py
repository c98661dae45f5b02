"""Many point markers in little HTML: one compact array, markers and popups made in the browser.

A folium marker costs about 600 bytes of script (marker, icon, popup and tooltip objects),
and building each one costs the server a few milliseconds: a year of findings (5,000)
would weigh 3 MB and take half a minute. :class:`CompactMarkers` writes one array instead,
one short row per point, and a loop that makes the markers with one shared icon per
category; each popup is built only when it opens, with ``textContent`` and checked URLs,
so no user text is ever parsed as HTML.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
from folium.template import Template
from markupsafe import escape

from geo_app.maps.escape import TOOLTIP_CLASS, popup_options, safe_url, script_json
from geo_app.maps.figure import VerbatimMacroElement
from geo_app.maps.styles import MarkerStyle

__all__ = [
    "MarkerRow", "CompactMarkers", "DESCRIPTION_MAX", "finding_popup_js", "kind_options",
    "popup_labels",
]

# Longer descriptions are cut in the popup; the record's page shows them whole.
DESCRIPTION_MAX = 160
# The popup's labels of the description and of the group, and of its link and photo.
POPUP_FIELDS = ("Descripción", "Inspección")
LINK_LABEL = "Ver hallazgo"
PHOTO_LABEL = "Foto del hallazgo"
FINDING_POPUP_JS_PATH = Path(__file__).resolve().parent.parent / "static" / "finding_popup.js"


@dataclass(frozen=True)
class MarkerRow:
    """One point: where, its kind, what the popup says and where its links go."""

    lon: float
    lat: float
    kind: str
    description: str
    group: str
    url: str | None
    photo: str | None = None


class CompactMarkers(VerbatimMacroElement):
    """Markers of ``rows`` added to the parent (a marker cluster or a layer group).

    Parameters
    ----------
    rows : sequence of MarkerRow
        The points. Rows sharing ``group`` and the part of ``url`` before ``#`` store it
        once; ``description`` is cut at :data:`DESCRIPTION_MAX` characters.
    styles : mapping of kind to (label, MarkerStyle)
        The title of each kind's popup and tooltip, and its icon.
    fields : (str, str)
        The popup's labels of the description and of the group.
    link_label : str
        The text of the popup's link to the record.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}<script>\n{{ this.popup_code }}</script>\n{% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var kinds = {{ this.kinds_json }};
            var groups = {{ this.groups_json }};
            var rows = {{ this.rows_json }};
            var labels = {{ this.labels_json }};
            var popupOptions = {{ this.popup_json }};
            var tooltipOptions = {{ this.tooltip_json }};
            var icons = kinds.map(function (k) { return L.AwesomeMarkers.icon(k.icon); });
            function popup(r) {
                var group = groups[r[4]];
                return L.limitesFindingPopup({
                    title: kinds[r[2]].label, description: r[3], group: group.name,
                    url: group.url ? group.url + (r[5] ? "#" + r[5] : "") : null,
                    photo: r[6] || null
                }, labels);
            }
            var parent = {{ this._parent.get_name() }};
            var markers = rows.map(function (r) {
                var marker = L.marker([r[1], r[0]], {icon: icons[r[2]]});
                marker.bindPopup(function () { return popup(r); }, popupOptions);
                marker.bindTooltip(kinds[r[2]].tooltip, tooltipOptions);
                return marker;
            });
            if (parent.addLayers) { parent.addLayers(markers); }
            else { markers.forEach(function (m) { parent.addLayer(m); }); }
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        rows: Sequence[MarkerRow],
        styles: dict[str, tuple[str, MarkerStyle]],
        *,
        fields: tuple[str, str] = POPUP_FIELDS,
        link_label: str = LINK_LABEL,
        photo_label: str = PHOTO_LABEL,
    ):
        super().__init__()
        self._name = "CompactMarkers"
        kinds = list(styles)
        groups: dict[tuple[str, str | None], int] = {}
        packed = []
        for row in rows:
            base, _, anchor = (safe_url(row.url) or "").partition("#")
            group = groups.setdefault((row.group, base or None), len(groups))
            photo = safe_url(row.photo) if row.photo and row.photo.startswith("/") else None
            description = row.description or ""
            if len(description) > DESCRIPTION_MAX:
                description = description[: DESCRIPTION_MAX - 1].rstrip() + "…"
            packed.append([
                round(row.lon, 6), round(row.lat, 6), kinds.index(row.kind), description,
                group, anchor, photo,
            ] if photo else [
                round(row.lon, 6), round(row.lat, 6), kinds.index(row.kind), description,
                group, anchor,
            ])
        self.popup_code = finding_popup_js()
        options = kind_options(styles)
        self.icons = {kind: option["icon"] for kind, option in zip(styles, options, strict=True)}
        self.kinds_json = script_json(options)
        self.groups_json = script_json(
            [{"name": name, "url": url} for (name, url) in groups]
        )
        self.rows_json = script_json(packed)
        self.labels_json = script_json(popup_labels(fields, link_label, photo_label))
        self.popup_json = script_json(popup_options())
        self.tooltip_json = script_json({"className": TOOLTIP_CLASS, "sticky": True})


@functools.cache
def finding_popup_js() -> str:
    """Return the code that builds a finding's popup (``static/finding_popup.js``)."""
    return FINDING_POPUP_JS_PATH.read_text(encoding="utf-8")


def kind_options(styles: dict[str, tuple[str, MarkerStyle]]) -> list[dict]:
    """Each kind's popup title, escaped tooltip and Leaflet.awesome-markers icon options.

    Examples
    --------
    >>> from geo_app.maps.styles import MarkerStyle
    >>> kind_options({"otro": ("Otro <b>", MarkerStyle("circle", "gray", "#999"))})[0]["tooltip"]
    'Otro &lt;b&gt;'
    """
    return [
        {
            "label": label,
            "tooltip": str(escape(label)),
            # Named as folium's Icon names them in JavaScript.
            "icon": {
                _camel(key): value
                for key, value in folium.Icon(
                    color=style.colour, icon=style.icon, prefix="fa", icon_color="white"
                ).options.items()
            },
        }
        for label, style in styles.values()
    ]


def popup_labels(
    fields: tuple[str, str] = POPUP_FIELDS,
    link_label: str = LINK_LABEL,
    photo_label: str = PHOTO_LABEL,
) -> dict[str, str]:
    """The Spanish words of a finding's popup, as ``static/finding_popup.js`` reads them."""
    return {
        "description": fields[0], "group": fields[1], "link": link_label, "photo": photo_label,
    }


def _camel(name: str) -> str:
    """``marker_color`` → ``markerColor``.

    Examples
    --------
    >>> _camel("extra_classes")
    'extraClasses'
    """
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
