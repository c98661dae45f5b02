"""One function per map layer: GeoDataFrame in EPSG:4326 in, :class:`MapLayer` out.

Each builder checks the columns it needs, draws a screen copy of the geometry (see
:func:`~geo_app.maps.display.for_display`), escapes every user-entered value (see
:mod:`geo_app.maps.escape`) and returns the layer, already added to ``parent``, with
its legend section. None of them touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from markupsafe import escape
from shapely.geometry.base import BaseGeometry

from geo_app import theme
from geo_app.maps.display import (
    DEFAULT_TOLERANCE_M,
    feature_collection,
    for_display,
    require_storage_crs,
    thin_lines,
)
from geo_app.maps.escape import (
    TOOLTIP_CLASS,
    SafePopup,
    SafeTooltip,
    popup_html,
    popup_options,
    script_json,
    template_safe,
)
from geo_app.maps.figure import GeoJson
from geo_app.maps.labels import NameLabels, labels_for
from geo_app.maps.legend import (
    LegendEntry,
    LegendSection,
    MapLayer,
    fill_swatch,
    line_swatch,
    marker_swatch,
)
from geo_app.maps.markers import CompactMarkers, MarkerRow
from geo_app.maps.rows import any_flag, flag, items, require_columns, text
from geo_app.maps.styles import (
    BOUNDARY_STYLES,
    FINDING_MARKERS,
    ILLUSTRATIVE_NOTICE,
    RIVER_STYLE,
    ROUTE_STYLE,
    SITE_MARKER,
    LayerNames,
    LineStyle,
    MarkerStyle,
    boundary_style,
    finding_marker,
    zone_colour,
)

__all__ = [
    "BOUNDARY_COLUMNS",
    "ZONE_COLUMNS",
    "RIVER_COLUMNS",
    "ROUTE_COLUMNS",
    "FINDING_COLUMNS",
    "SITE_COLUMNS",
    "boundaries_layer",
    "zones_layer",
    "river_layer",
    "routes_layer",
    "findings_layer",
    "sites_layer",
    "geojson_layer",
    "feature_properties",
    "version_text",
]

# Popup and tooltip HTML travel as feature properties (escaped JSON, see script_json) and
# are bound here; no user text is ever spliced into JavaScript source.
_BIND_FROM_PROPERTIES = JsCode(
    "function (feature, layer) {\n"
    "    var p = feature.properties || {};\n"
    "    if (p.popup) { layer.bindPopup(p.popup, "
    + script_json(popup_options())
    + "); }\n"
    "    if (p.tooltip) { layer.bindTooltip(p.tooltip, "
    + script_json({"className": TOOLTIP_CLASS, "sticky": True})
    + "); }\n"
    "}"
)

_KIND_ORDER = list(BOUNDARY_STYLES)
# A municipality is named away from the map's subject if at least this share of it is free.
_MIN_FREE_SHARE = 0.1
# Other places inside the shape a name may move to when its best place is taken.
_LABEL_ALTERNATIVES = {"zone": 4, "municipality": 8}

# The columns each builder reads; the page models in geo_app.pages build exactly these.
BOUNDARY_COLUMNS = (
    "municipality", "cvegeo", "kind", "kind_label", "claimant", "source", "illustrative", "url"
)
ZONE_COLUMNS = ("name", "kind_label", "status", "status_label", "url", "meetings", "illustrative")
RIVER_COLUMNS = ("name",)
ROUTE_COLUMNS = ("title", "date_label", "url")
FINDING_COLUMNS = ("category", "category_label", "description", "inspection", "url")
SITE_COLUMNS = ("name", "url", "meetings")


def boundaries_layer(
    parent: Element,
    gdf: gpd.GeoDataFrame,
    *,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    label_within: Sequence[float] | None = None,
    label_away_from: BaseGeometry | None = None,
    name: str = LayerNames.BOUNDARIES,
    show: bool = True,
) -> MapLayer:
    """Add the municipal limits, one style per version kind, as "Límites municipales".

    Parameters
    ----------
    parent : folium.Map or folium.FeatureGroup
        Where the layer is added.
    gdf : GeoDataFrame
        EPSG:4326 polygons or lines with columns ``municipality``, ``cvegeo``, ``kind``
        (``"oficial"``, ``"reclamo"``, ``"acuerdo"`` or ``"resolucion"``), ``kind_label``,
        ``claimant`` (str or None), ``source``, ``illustrative`` (bool) and ``url``.
    tolerance_m : float
        Simplification tolerance for display, in metres.
    label_within : (west, south, east, north), optional
        The area the map opens on: each municipality's name is written inside the part of
        its official limit in this area, so it shows at the first view.
    label_away_from : shapely geometry, optional
        What the map is about (zones, sites, routes): names are written away from it when
        the municipality has room elsewhere in ``label_within``, so they do not cover it.
    name : str
        The layer's name in the layer control and legend.
    show : bool
        Whether the layer is on when the map opens (the user can turn it on or off).

    Returns
    -------
    MapLayer
        The layer; claims are coloured per claimant and listed so in the legend, and each
        municipality of the official frame is named inside its limit.
    """
    require_columns(gdf, BOUNDARY_COLUMNS, name)
    rows = for_display(gdf, tolerance_m)
    # Drawn official first so claims, agreements and rulings lie on top of it; a kind with no
    # style yet is drawn last, in the fallback style, rather than breaking every map.
    order = [
        _KIND_ORDER.index(kind) if kind in BOUNDARY_STYLES else len(_KIND_ORDER)
        for kind in rows["kind"]
    ]
    rows = rows.iloc[np.argsort(order, kind="stable")]
    claimants = _claimant_colours(rows)

    def style_of(row: Mapping[str, Any]) -> LineStyle:
        return boundary_style(
            row["kind"], claimants.get(text(row["claimant"])), flag(row["illustrative"])
        )

    def properties(row: Mapping[str, Any]) -> dict[str, Any]:
        return feature_properties(
            style_of(row),
            popup_html(
                row["municipality"],
                [
                    ("Versión", version_text(row)),
                    ("Reclamante", row["claimant"]),
                    ("Clave INEGI", row["cvegeo"]),
                    ("Fuente", row["source"]),
                ],
                link=("Ver límite", row["url"]),
                note=ILLUSTRATIVE_NOTICE if flag(row["illustrative"]) else None,
            ),
            f"{text(row['municipality'])} — {version_text(row)}",
        )

    entries: dict[tuple[str, str], LegendEntry] = {}
    for row in rows.to_dict("records"):
        label = version_text(row)
        entries.setdefault((row["kind"], label), LegendEntry(line_swatch(style_of(row)), label))
    layer = geojson_layer(
        parent,
        name,
        feature_collection(rows, properties),
        LegendSection(name, list(entries.values())),
        any_flag(gdf),
        show=show,
    )
    _add_labels(
        layer,
        _municipality_shapes(rows, label_within, label_away_from),
        "municipality",
        priority=1,
    )
    return layer


def zones_layer(
    parent: Element, gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> MapLayer:
    """Add the dispute zones, filled by status, as "Zonas en disputa".

    Parameters
    ----------
    parent : folium.Map or folium.FeatureGroup
        Where the layer is added.
    gdf : GeoDataFrame
        EPSG:4326 polygons with columns ``name``, ``kind_label``, ``status`` (e.g.
        ``"identificada"``, ``"en_negociacion"``, ``"en_comision"``, ``"acordada"``,
        ``"resuelta"``), ``status_label``, ``url``, ``meetings`` (list of mappings with
        ``"label"`` and ``"url"``) and ``illustrative`` (bool).
    tolerance_m : float
        Simplification tolerance for display, in metres.

    Returns
    -------
    MapLayer
        The layer; its popup links to the zone and to each of its meetings.
    """
    require_columns(gdf, ZONE_COLUMNS, LayerNames.ZONES)
    rows = for_display(gdf, tolerance_m)

    def properties(row: Mapping[str, Any]) -> dict[str, Any]:
        return feature_properties(
            _zone_style(row["status"]),
            popup_html(
                row["name"],
                [("Tipo", row["kind_label"]), ("Estado", row["status_label"])],
                link=("Ver zona", row["url"]),
                items_title="Reuniones",
                items=items(row["meetings"]),
                note=ILLUSTRATIVE_NOTICE if flag(row["illustrative"]) else None,
            ),
            f"{text(row['name'])} — {text(row['status_label'])}",
        )

    order = list(theme.ZONE_STATUS_COLOURS)
    labels: dict[str, str] = {}
    for status, label in zip(rows["status"], rows["status_label"], strict=True):
        labels.setdefault(status, text(label) or str(status))
    statuses = sorted(labels, key=lambda s: order.index(s) if s in order else len(order))
    legend = LegendSection(
        LayerNames.ZONES,
        [LegendEntry(fill_swatch(zone_colour(status)), labels[status]) for status in statuses],
    )
    layer = geojson_layer(
        parent, LayerNames.ZONES, feature_collection(rows, properties), legend, any_flag(gdf)
    )
    _add_labels(layer, zip(rows.geometry, rows["name"], strict=True), "zone", priority=0)
    return layer


def river_layer(
    parent: Element, gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> MapLayer:
    """Add the rivers as blue lines, as "Ríos", each named in the legend.

    Parameters
    ----------
    parent : folium.Map or folium.FeatureGroup
        Where the layer is added.
    gdf : GeoDataFrame
        EPSG:4326 lines with column ``name``.
    tolerance_m : float
        Simplification tolerance for display, in metres.

    Returns
    -------
    MapLayer
        The layer.
    """
    require_columns(gdf, RIVER_COLUMNS, LayerNames.RIVER)
    rows = for_display(gdf, tolerance_m)
    collection = feature_collection(
        rows,
        lambda row: feature_properties(RIVER_STYLE, popup_html(row["name"]), text(row["name"])),
    )
    legend = LegendSection(LayerNames.RIVER, [
        LegendEntry(line_swatch(RIVER_STYLE), name) for name in dict.fromkeys(rows["name"])
    ])
    return geojson_layer(parent, LayerNames.RIVER, collection, legend, False)


def routes_layer(
    parent: Element, gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> MapLayer:
    """Add the inspection routes, as "Recorridos de inspección".

    Parameters
    ----------
    parent : folium.Map or folium.FeatureGroup
        Where the layer is added.
    gdf : GeoDataFrame
        EPSG:4326 lines with columns ``title``, ``date_label`` and ``url``.
    tolerance_m : float
        Simplification tolerance for display, in metres.

    Returns
    -------
    MapLayer
        The layer; each popup links to the inspection's page.
    """
    require_columns(gdf, ROUTE_COLUMNS, LayerNames.ROUTES)
    rows = for_display(thin_lines(gdf, tolerance_m), 0)

    def properties(row: Mapping[str, Any]) -> dict[str, Any]:
        return feature_properties(
            ROUTE_STYLE,
            popup_html(
                row["title"], [("Fecha", row["date_label"])], link=("Ver recorrido", row["url"])
            ),
            f"{text(row['title'])} — {text(row['date_label'])}",
        )

    legend = LegendSection(LayerNames.ROUTES, [LegendEntry(line_swatch(ROUTE_STYLE), "Recorrido")])
    return geojson_layer(
        parent, LayerNames.ROUTES, feature_collection(rows, properties), legend, False
    )


def findings_layer(parent: Element, gdf: gpd.GeoDataFrame) -> MapLayer:
    """Add the inspection findings as clustered markers, one icon per category.

    The markers are written as one compact array and made in the browser (see
    :class:`~geo_app.maps.markers.CompactMarkers`): a year of findings stays light.

    Parameters
    ----------
    parent : folium.Map or folium.FeatureGroup
        Where the layer is added.
    gdf : GeoDataFrame
        EPSG:4326 points with columns ``category`` (``"contaminacion_agua"``,
        ``"residuos_solidos"``, ``"relleno_escombro"``, ``"estacionamiento_irregular"``
        or ``"otro"``), ``category_label``, ``description``, ``inspection`` (the
        inspection's title) and ``url``; optionally ``photo``, the URL of a thumbnail shown
        in the popup.

    Returns
    -------
    MapLayer
        The layer "Hallazgos", its markers inside a marker cluster.
    """
    require_columns(gdf, FINDING_COLUMNS, LayerNames.FINDINGS)
    require_storage_crs(gdf, LayerNames.FINDINGS)
    layer = MapLayer(LayerNames.FINDINGS)
    cluster = MarkerCluster(control=False, options={"disableClusteringAtZoom": 18})
    cluster.add_to(layer)
    labels: dict[str, str] = {}
    rows = []
    photos = gdf["photo"] if "photo" in gdf else [None] * len(gdf)
    for category, label, description, inspection, url, photo, geometry in zip(
        gdf["category"], gdf["category_label"], gdf["description"], gdf["inspection"],
        gdf["url"], photos, gdf.geometry, strict=True,
    ):
        if geometry is None or geometry.is_empty:
            continue
        point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
        labels.setdefault(category, text(label) or str(category))
        rows.append(MarkerRow(point.x, point.y, category, text(description), text(inspection),
                              text(url) or None, text(photo) or None))
    order = list(FINDING_MARKERS)
    categories = sorted(labels, key=lambda c: order.index(c) if c in order else len(order))
    CompactMarkers(
        rows, {c: (labels[c], finding_marker(c)) for c in categories}
    ).add_to(cluster)
    layer.legend = LegendSection(
        LayerNames.FINDINGS,
        [LegendEntry(marker_swatch(finding_marker(c)), labels[c]) for c in categories],
    )
    return layer.add_to(parent)


def sites_layer(parent: Element, gdf: gpd.GeoDataFrame) -> MapLayer:
    """Add the meeting sites as markers, as "Sedes de reuniones".

    Parameters
    ----------
    parent : folium.Map or folium.FeatureGroup
        Where the layer is added.
    gdf : GeoDataFrame
        EPSG:4326 points with columns ``name``, ``url`` and ``meetings`` (list of
        mappings with ``"label"`` and ``"url"``).

    Returns
    -------
    MapLayer
        The layer; each popup lists the site's meetings and links to them and to the
        site's page.
    """
    require_columns(gdf, SITE_COLUMNS, LayerNames.SITES)
    layer = MapLayer(
        LayerNames.SITES,
        legend=LegendSection(
            LayerNames.SITES, [LegendEntry(marker_swatch(SITE_MARKER), "Sede de reunión")]
        ),
    )
    for row in for_display(gdf, 0).to_dict("records"):
        _marker(
            layer,
            row[gdf.geometry.name],
            SITE_MARKER,
            popup_html(
                row["name"],
                link=("Ver sitio", row["url"]),
                items_title="Reuniones",
                items=items(row["meetings"]),
            ),
            text(row["name"]),
        )
    return layer.add_to(parent)


def geojson_layer(
    parent: Element,
    name: str,
    collection: dict[str, Any],
    legend: LegendSection,
    illustrative: bool,
    show: bool = True,
) -> MapLayer:
    """Add ``collection`` as a layer whose features bind their own escaped popups."""
    layer = MapLayer(name, legend=legend, illustrative=illustrative, show=show)
    GeoJson(collection, control=False, on_each_feature=_BIND_FROM_PROPERTIES).add_to(layer)
    return layer.add_to(parent)


def feature_properties(style: LineStyle, popup: str, tooltip: str) -> dict[str, Any]:
    """Properties of a feature: its style, popup HTML and escaped tooltip."""
    return {
        "style": style.leaflet(),
        "popup": template_safe(str(popup)),
        "tooltip": template_safe(str(escape(tooltip))),
    }


def _zone_style(status: str) -> LineStyle:
    return LineStyle(zone_colour(status), weight=2, opacity=0.9, fill_opacity=0.3)


def _marker(parent: Element, geometry: Any, style: MarkerStyle, popup: str, tooltip: str) -> None:
    if geometry is None or geometry.is_empty:
        return
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    marker = folium.Marker(
        [point.y, point.x],
        icon=folium.Icon(color=style.colour, icon=style.icon, prefix="fa", icon_color="white"),
    )
    marker.add_child(SafePopup(popup))
    marker.add_child(SafeTooltip(tooltip))
    marker.add_to(parent)


def _add_labels(layer: MapLayer, shapes: Iterable, kind: str, priority: float) -> None:
    labels = labels_for(shapes, priority=priority, alternatives=_LABEL_ALTERNATIVES[kind])
    if labels:
        NameLabels(labels, kind, avoid_markers=kind == "municipality").add_to(layer)


def _municipality_shapes(
    rows: gpd.GeoDataFrame,
    within: Sequence[float] | None,
    away_from: BaseGeometry | None = None,
) -> list[tuple[Any, str, Any]]:
    """Where to name each municipality of the official frame: ``(best, name, room)``.

    ``best`` is its largest official polygon clipped to ``within``, less ``away_from`` when
    something of a useful size is left (a label needs room, a sliver between two zones is
    not enough). ``room``, where other places for the name are sought, reaches half as far
    again around ``within``: the map shows more than its subject, and the browser only
    uses the places that are in view.
    """
    official = rows[rows["kind"] == "oficial"]
    largest: dict[str, Any] = {}
    for geometry, name in zip(official.geometry, official["municipality"], strict=True):
        if geometry is None or geometry.is_empty or not text(name):
            continue
        if name not in largest or geometry.area > largest[name].area:
            largest[name] = geometry
    if within is None:
        return [(geometry, name, geometry) for name, geometry in largest.items()]
    west, south, east, north = within
    dx, dy = (east - west) / 2, (north - south) / 2
    view = shapely.box(west, south, east, north)
    around = shapely.box(west - dx, south - dy, east + dx, north + dy)
    shapes = []
    for name, geometry in largest.items():
        room = geometry.intersection(around)
        best = geometry.intersection(view)
        if best.is_empty:
            continue
        if away_from is not None and not away_from.is_empty:
            free = best.difference(away_from)
            if free.area >= _MIN_FREE_SHARE * best.area:
                best = free
        shapes.append((best, name, room))
    return shapes


def _claimant_colours(rows: gpd.GeoDataFrame) -> dict[str, str]:
    colours: dict[str, str] = {}
    for kind, claimant in zip(rows["kind"], rows["claimant"], strict=True):
        name = text(claimant)
        if kind == "reclamo" and name and name not in colours:
            colours[name] = theme.CLAIM_COLOURS[len(colours) % len(theme.CLAIM_COLOURS)]
    return colours


def version_text(row: Mapping[str, Any]) -> str:
    """What a boundary version is, naming the claimant of a claim ("Límite reclamado por …").

    Examples
    --------
    >>> version_text({"kind": "reclamo", "kind_label": "Límite reclamado", "claimant": "Xoxo"})
    'Límite reclamado por Xoxo'
    >>> version_text({"kind": "oficial", "kind_label": "", "claimant": None})
    'oficial'
    """
    label = text(row["kind_label"]) or str(row["kind"])
    claimant = text(row["claimant"])
    return f"{label} por {claimant}" if row["kind"] == "reclamo" and claimant else label
