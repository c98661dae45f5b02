"""Many point markers in little HTML: one compact array, markers and popups made in the browser.

A folium marker costs about 600 bytes of script (marker, icon, popup and tooltip objects),
and building each one costs the server a few milliseconds: a year of findings (5,000)
would weigh 3 MB and take half a minute. :class:`CompactMarkers` writes one array instead,
one short row per point, and a loop that makes the markers with one shared icon per
category; each popup is built only when it opens, with ``textContent`` and checked URLs,
so no user text is ever parsed as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium
from folium.template import Template
from markupsafe import escape

from geo_app.maps.escape import TOOLTIP_CLASS, popup_options, safe_url, script_json
from geo_app.maps.figure import VerbatimMacroElement
from geo_app.maps.styles import MarkerStyle

__all__ = ["MarkerRow", "CompactMarkers", "DESCRIPTION_MAX"]

# Longer descriptions are cut in the popup; the record's page shows them whole.
DESCRIPTION_MAX = 160


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
        {% macro script(this, kwargs) %}
        (function () {
            var kinds = {{ this.kinds_json }};
            var groups = {{ this.groups_json }};
            var rows = {{ this.rows_json }};
            var labels = {{ this.labels_json }};
            var popupOptions = {{ this.popup_json }};
            var tooltipOptions = {{ this.tooltip_json }};
            var icons = kinds.map(function (k) { return L.AwesomeMarkers.icon(k.icon); });
            function line(body, label, value) {
                if (!value) { return; }
                var row = document.createElement("div");
                var name = document.createElement("span");
                name.className = "limites-popup-label";
                name.textContent = label + ":";
                row.appendChild(name);
                row.appendChild(document.createTextNode(" " + value));
                body.appendChild(row);
            }
            function popup(r) {
                var kind = kinds[r[2]], group = groups[r[4]];
                var body = document.createElement("div");
                body.className = "limites-popup-body";
                var title = document.createElement("strong");
                title.className = "limites-popup-title";
                title.textContent = kind.label;
                body.appendChild(title);
                line(body, labels.description, r[3]);
                line(body, labels.group, group.name);
                if (group.url) {
                    var link = document.createElement("div");
                    link.className = "limites-popup-link";
                    var a = document.createElement("a");
                    a.href = group.url + (r[5] ? "#" + r[5] : "");
                    a.target = "_top";
                    a.textContent = labels.link;
                    link.appendChild(a);
                    body.appendChild(link);
                }
                if (r[6]) {
                    var img = document.createElement("img");
                    img.className = "limites-popup-photo";
                    img.src = r[6];
                    img.alt = labels.photo;
                    img.width = 240;
                    img.loading = "lazy";
                    body.appendChild(img);
                }
                return body;
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
        fields: tuple[str, str] = ("Descripción", "Inspección"),
        link_label: str = "Ver hallazgo",
        photo_label: str = "Foto del hallazgo",
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
        # Leaflet.awesome-markers options, named as folium's Icon names them in JavaScript.
        self.icons = {
            kind: {
                _camel(key): value
                for key, value in folium.Icon(
                    color=style.colour, icon=style.icon, prefix="fa", icon_color="white"
                ).options.items()
            }
            for kind, (_, style) in styles.items()
        }
        self.kinds_json = script_json([
            {"label": label, "tooltip": str(escape(label)), "icon": self.icons[kind]}
            for kind, (label, _) in styles.items()
        ])
        self.groups_json = script_json(
            [{"name": name, "url": url} for (name, url) in groups]
        )
        self.rows_json = script_json(packed)
        self.labels_json = script_json({
            "description": fields[0], "group": fields[1], "link": link_label,
            "photo": photo_label,
        })
        self.popup_json = script_json(popup_options())
        self.tooltip_json = script_json({"className": TOOLTIP_CLASS, "sticky": True})


def _camel(name: str) -> str:
    """``marker_color`` → ``markerColor``.

    Examples
    --------
    >>> _camel("extra_classes")
    'extraClasses'
    """
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
