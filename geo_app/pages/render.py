"""Turns a page's :class:`~geo_app.pages.layers.MapData` into the parts of a Folium map.

Builds each layer with :mod:`geo_app.maps` and serves every script and stylesheet from
``/vendor``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from flask import current_app
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

from boundaries.errors import CoverageError
from boundaries.simplify import simplify_coverage
from cases.statuses import BoundaryKind
from geo_app import maps
from geo_app.maps.areas import ANALYSIS_LAYERS
from geo_app.maps.styles import LayerNames
from geo_app.pages.layers import MapData
from geo_app.vendor import vendor_url

__all__ = [
    "MapParts", "build_map", "render_map", "display_boundaries", "map_subject", "DEFAULT_BOUNDS",
]

log = logging.getLogger(__name__)

# Oaxaca de Juárez and its neighbours, for a map with nothing on it yet.
DEFAULT_BOUNDS = (-96.80, 17.00, -96.65, 17.12)


@dataclass(frozen=True)
class MapParts:
    """What a template places in <head>, in the page body and at its end."""

    header: Markup
    html: Markup
    script: Markup
    name: str


# Display tolerance of the municipal limits, in metres: invisible at the zooms staff use, and
# it keeps long official limits light.
BOUNDARY_TOLERANCE_M = 5.0


def display_boundaries(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify the official frame as a coverage (no slivers open between neighbours).

    Claims, agreements and rulings overlap each other by nature, so they are simplified one
    polygon at a time; the frame falls back to that too if it is not a clean coverage (for
    example the demo frame and the INEGI frame stored together).
    """
    official = (frame["kind"] == BoundaryKind.OFFICIAL).to_numpy()
    parts = [maps.for_display(frame[~official], BOUNDARY_TOLERANCE_M)]
    if official.any():
        try:
            coverage = simplify_coverage(frame[official], BOUNDARY_TOLERANCE_M)
            parts.append(maps.for_display(coverage, 0))
        except CoverageError:
            log.info("official frame is not a coverage; simplifying each polygon")
            parts.append(maps.for_display(frame[official], BOUNDARY_TOLERANCE_M))
    return pd.concat(parts).loc[frame.index]


def _boundaries_layer(m, frame: gpd.GeoDataFrame, bounds=None, subject=None):
    # Only the frame in force is drawn when the map opens; other frames (the demo's
    # illustrative one once INEGI's is in force, or the reverse) wait in the layer control.
    # Nothing is hidden when no version of the frame in force is drawn (no frame in force
    # yet, or none of its limits in view): the other frames are all there is to show.
    other = frame["other_frame"].astype(bool) if "other_frame" in frame else None
    if other is None or not other.any() or not frame["in_force"].astype(bool).any():
        return maps.boundaries_layer(
            m, display_boundaries(frame), tolerance_m=0, label_within=bounds,
            label_away_from=subject,
        )
    maps.boundaries_layer(
        m, display_boundaries(frame[~other]), tolerance_m=0, label_within=bounds,
        label_away_from=subject,
    )
    return maps.boundaries_layer(
        m, display_boundaries(frame[other]), tolerance_m=0,
        name=LayerNames.OTHER_FRAMES, show=False,
    )


def map_subject(data: MapData) -> BaseGeometry | None:
    """What the map is about, grown a little: the records that municipality names avoid.

    Zones, routes, findings and sites, each grown by a twentieth of the map's extent so a
    name does not touch a marker or a zone's edge either.
    """
    shapes = [
        g for frame in (data.zones, data.routes, data.findings, data.sites)
        for g in frame.geometry if g is not None and not g.is_empty
    ]
    bounds = data.bounds
    if not shapes or bounds is None:
        return None
    margin = max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 20
    return shapely.union_all(shapes).buffer(margin)


_BUILDERS = {
    "boundaries": _boundaries_layer,
    "zones": maps.zones_layer,
    "river": maps.river_layer,
    "routes": maps.routes_layer,
    "findings": maps.findings_layer,
    "sites": maps.sites_layer,
}


def build_map(data: MapData, tiles: str | None = None, attribution: str | None = None):
    """The Folium map of ``data``: every layer and control, assets not yet localized."""
    m = maps.base_map(data.bounds or DEFAULT_BOUNDS, tiles=tiles, attribution=attribution)
    for name, frame in data.layers().items():
        if name == "boundaries" and len(frame):
            _boundaries_layer(m, frame, data.bounds, map_subject(data))
        elif len(frame):
            _BUILDERS[name](m, frame)
    for name, frame in data.analysis.items():
        if len(frame):
            ANALYSIS_LAYERS[name](m, frame)
    maps.add_controls(m)
    return m


def render_map(data: MapData) -> MapParts:
    """Build the map of ``data`` and return its header, body and script as markup."""
    tiles = current_app.config.get("TILES") or None
    if tiles and tiles.lower() == "none":
        tiles = None
    m = build_map(
        data, tiles, current_app.config.get("TILES_ATTRIBUTION") if tiles else None
    )
    maps.localize(m, vendor_url)
    figure = m.get_root()
    figure.render()
    return MapParts(
        header=Markup(figure.header.render()),
        html=Markup(figure.html.render()),
        # The figure's script section is bare JavaScript; its page template wraps it.
        script=Markup("<script>\n") + Markup(figure.script.render()) + Markup("\n</script>"),
        name=m.get_name(),
    )
