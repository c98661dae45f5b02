"""Name labels drawn inside the shapes, hidden where they would pile up.

Each labelled layer (dispute zones, municipalities) gets a :class:`NameLabels` child: one
non-interactive Leaflet marker per shape, at a point well inside it (the pole of
inaccessibility of its largest part, see :func:`label_point`). :class:`LabelLayout`, added
once per map by :func:`~geo_app.maps.controls.add_controls`, lays them out after every move
and zoom: in order of priority, a label is shown only if it clears every label already shown
and every map control (and, for municipalities, every marker), so names never pile up on
each other or under the legend. It marks the
map container with ``data-labels="listo"`` once laid out (the browser tests wait for it).

Names are plain text: they travel as JSON (:func:`~geo_app.maps.escape.script_json`) and
reach the page through ``textContent``, never as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import folium
import shapely
from branca.element import Element
from folium.template import Template
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geo_app.maps.escape import script_json
from geo_app.maps.figure import VerbatimMacroElement

__all__ = [
    "LABEL_PANE",
    "Label",
    "NameLabels",
    "LabelLayout",
    "label_point",
    "has_labels",
]

# Above the shapes (overlayPane, z-index 400) and the markers (600), so a marker never hides
# a name; below tooltips (650) and popups (700). Labels take no clicks (pointer-events: none).
LABEL_PANE = "limites-labels"
LABEL_PANE_Z = 620
# Polylabel precision in degrees (about 1 m): finer than any screen shows.
_POLYLABEL_TOLERANCE = 1e-5


@dataclass(frozen=True)
class Label:
    """A name to write at ``(lat, lon)``; lower ``priority`` wins a collision.

    ``alternatives`` are other ``(lat, lon)`` inside the shape, tried in order when the
    first place is taken by another label, a control or a marker.
    """

    lat: float
    lon: float
    text: str
    priority: float = 0.0
    alternatives: tuple[tuple[float, float], ...] = ()


def label_point(geometry: BaseGeometry | None) -> shapely.Point | None:
    """A point well inside ``geometry`` to write its name at, or ``None`` if it is empty.

    For polygons it is the pole of inaccessibility (:func:`shapely.ops.polylabel`) of the
    largest part, so the label sits in the widest part of the shape, never outside a C- or
    U-shaped one as a centroid may; for lines and points, a point on them.

    Examples
    --------
    >>> u = shapely.Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    >>> u.contains(label_point(u)), u.contains(u.centroid)
    (True, False)
    >>> label_point(shapely.Polygon()) is None
    True
    """
    if geometry is None or geometry.is_empty:
        return None
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if not p.is_empty]
    polygons = [p for p in parts if p.geom_type == "Polygon"]
    if polygons:
        return polylabel(max(polygons, key=lambda p: p.area), _POLYLABEL_TOLERANCE)
    return geometry.representative_point()


def spare_points(geometry: BaseGeometry | None, count: int = 8, grid: int = 7) -> list:
    """Up to ``count`` points inside ``geometry``, the farthest from its edge first.

    Sampled on a ``grid`` × ``grid`` lattice over its bounds: other places to write a name
    when its best place is taken.

    Examples
    --------
    >>> square = shapely.box(0, 0, 8, 8)
    >>> points = spare_points(square, count=3)
    >>> [(p.x, p.y) for p in points][0], all(square.contains(p) for p in points)
    ((4.0, 4.0), True)
    """
    if geometry is None or geometry.is_empty or geometry.area == 0:
        return []
    west, south, east, north = geometry.bounds
    xs = [west + (east - west) * (i + 1) / (grid + 1) for i in range(grid)]
    ys = [south + (north - south) * (j + 1) / (grid + 1) for j in range(grid)]
    lattice = shapely.points([(x, y) for x in xs for y in ys])
    inside = lattice[shapely.contains(geometry, lattice)]
    room = shapely.distance(shapely.boundary(geometry), inside)
    return [inside[i] for i in sorted(range(len(inside)), key=lambda i: -room[i])[:count]]


def labels_for(
    rows: Iterable[tuple], *, priority: float = 0.0, alternatives: int = 0
) -> list[Label]:
    """One :class:`Label` per ``(geometry, name)`` or ``(geometry, name, room)`` row.

    The label goes at :func:`label_point` of ``geometry``; with ``alternatives``, that many
    :func:`spare_points` of ``room`` (default ``geometry``) are kept as other places. Rows
    without a name or a geometry are skipped. Larger shapes get the lower (winning)
    priority within ``priority``'s band, so when two names collide the bigger place keeps
    its label.
    """
    found = []
    for geometry, name, *rest in rows:
        text = "" if name is None else str(name).strip()
        point = label_point(geometry)
        if text and point is not None:
            room = rest[0] if rest and rest[0] is not None else geometry
            spare = spare_points(room, alternatives) if alternatives else []
            found.append((room.area, point, text, tuple((p.y, p.x) for p in spare)))
    ranked = sorted(found, key=lambda item: -item[0])
    return [
        Label(point.y, point.x, text, priority + rank / (len(ranked) + 1), spare)
        for rank, (_, point, text, spare) in enumerate(ranked)
    ]


def _map_of(element: Element) -> folium.Map:
    parent = element
    while parent is not None and not isinstance(parent, folium.Map):
        parent = parent._parent
    if parent is None:
        raise ValueError("las etiquetas deben estar dentro de un mapa")
    return parent


class NameLabels(VerbatimMacroElement):
    """Permanent name labels added to the parent layer (shown and hidden with it).

    Parameters
    ----------
    labels : sequence of Label
        The names and where to write them.
    kind : str
        ``"zone"`` or ``"municipality"``: the CSS class ``limites-label-<kind>``.
    avoid_markers : bool
        Hide a label that would cover a marker (a site, a finding): right for the names of
        the background, wrong for a zone whose own site stands inside it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var map = {{ this.map_name }};
                if (!map.getPane({{ this.pane_json }})) {
                    var pane = map.createPane({{ this.pane_json }});
                    pane.style.zIndex = {{ this.pane_z }};
                    pane.style.pointerEvents = "none";
                }
                {{ this.labels_json }}.forEach(function (label) {
                    var text = document.createElement("span");
                    text.className = "limites-label " + {{ this.class_json }};
                    text.textContent = label[2];
                    L.marker([label[0], label[1]], {
                        icon: L.divIcon({className: "limites-label-anchor", html: text,
                                         iconSize: null}),
                        interactive: false, keyboard: false, pane: {{ this.pane_json }},
                        limitesLabel: true, limitesPriority: label[3],
                        limitesPlaces: [[label[0], label[1]]].concat(label[4]),
                        limitesAvoidMarkers: {{ this.avoid_markers_json }}
                    }).addTo({{ this._parent.get_name() }});
                });
            })();
        {% endmacro %}
        """
    )

    def __init__(self, labels: Iterable[Label], kind: str, avoid_markers: bool = False):
        super().__init__()
        self._name = "NameLabels"
        self.labels = list(labels)
        self.labels_json = script_json(
            [
                [
                    round(x.lat, 6), round(x.lon, 6), x.text, x.priority,
                    [[round(lat, 6), round(lon, 6)] for lat, lon in x.alternatives],
                ]
                for x in self.labels
            ]
        )
        self.class_json = script_json(f"limites-label-{kind}")
        self.avoid_markers_json = script_json(bool(avoid_markers))
        self.pane_json = script_json(LABEL_PANE)
        self.pane_z = LABEL_PANE_Z
        self.map_name = ""

    def render(self, **kwargs):
        """Render, naming the map the labels' pane belongs to."""
        self.map_name = _map_of(self).get_name()
        super().render(**kwargs)


class LabelLayout(VerbatimMacroElement):
    """Shows each label only where it clears the labels before it and the map's controls."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var map = {{ this._parent.get_name() }};
                var container = map.getContainer();
                var clear = function (a, b) {
                    return a.right + 3 <= b.left || b.right + 3 <= a.left
                        || a.bottom + 2 <= b.top || b.bottom + 2 <= a.top;
                };
                var layout = function () {
                    var labels = [];
                    map.eachLayer(function (layer) {
                        if (layer.options && layer.options.limitesLabel && layer.getElement()) {
                            labels.push(layer);
                        }
                    });
                    labels.sort(function (a, b) {
                        return a.options.limitesPriority - b.options.limitesPriority;
                    });
                    // Boxes in container pixels. Labels are placed from their final map
                    // position (a zoom animation may still be moving the DOM) and their size.
                    var box = container.getBoundingClientRect();
                    var taken = [];
                    container.querySelectorAll(
                        ".leaflet-control, .limites-illustrative"
                    ).forEach(function (el) {
                        var r = el.getBoundingClientRect();
                        if (r.width > 0 && r.height > 0) {
                            taken.push({left: r.left - box.left, right: r.right - box.left,
                                        top: r.top - box.top, bottom: r.bottom - box.top});
                        }
                    });
                    var markers = [];
                    // Every icon and cluster (awesome markers drop the leaflet-marker-icon class).
                    container.querySelectorAll(".leaflet-marker-pane > *").forEach(function (el) {
                        var r = el.getBoundingClientRect();
                        if (r.width > 0 && r.height > 0) {
                            markers.push({left: r.left - box.left, right: r.right - box.left,
                                          top: r.top - box.top, bottom: r.bottom - box.top});
                        }
                    });
                    var size = map.getSize();
                    labels.forEach(function (layer) {
                        var anchor = layer.getElement();
                        anchor.classList.remove("limites-label-hidden");
                        var text = anchor.firstChild;
                        var w = text.offsetWidth / 2, h = text.offsetHeight / 2;
                        var fits = function (place) {
                            var p = map.latLngToContainerPoint(place);
                            var r = {left: p.x - w, right: p.x + w, top: p.y - h, bottom: p.y + h};
                            var free = function (t) { return clear(r, t); };
                            var ok = r.left >= 0 && r.top >= 0
                                && r.right <= size.x && r.bottom <= size.y && taken.every(free)
                                && (!layer.options.limitesAvoidMarkers || markers.every(free));
                            return ok ? r : null;
                        };
                        var places = layer.options.limitesPlaces;
                        for (var i = 0; i < places.length; i++) {
                            var r = fits(places[i]);
                            if (r) {
                                layer.setLatLng(places[i]);
                                taken.push(r);
                                return;
                            }
                        }
                        anchor.classList.add("limites-label-hidden");
                    });
                    if (started) { container.dataset.labels = "listo"; }
                };
                var started = false, pending = null;
                map.on("zoomend moveend resize overlayadd overlayremove", layout);
                // Marker clusters add their lone markers after their own animation: lay out
                // again once layers stop coming and going.
                map.on("layeradd layerremove", function () {
                    if (!started) { return; }
                    container.dataset.labels = "pendiente";
                    clearTimeout(pending);
                    pending = setTimeout(layout, 60);
                });
                // Measured once the page is laid out (fonts, styles, final map size).
                var ready = function () {
                    setTimeout(function () {
                        started = true;
                        layout();
                    }, 0);
                };
                if (document.readyState === "complete") { ready(); }
                else { window.addEventListener("load", ready); }
            })();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "LabelLayout"


def has_labels(element: Element) -> bool:
    """Whether any :class:`NameLabels` is under ``element``."""
    return any(
        isinstance(child, NameLabels) or has_labels(child)
        for child in element._children.values()
    )
