"""Turns a page's :class:`~geo_app.records.map_layers.MapData` into the parts of a Folium map.

Builds each layer with :mod:`geo_app.maps` and serves every script and stylesheet from
``/vendor``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

from boundaries.errors import CoverageError
from boundaries.simplify import simplify_coverage
from cases.storage.statuses import BoundaryKind
from geo_app import maps
from geo_app.maps.areas import ANALYSIS_LAYERS
from geo_app.maps.display import thin_lines
from geo_app.maps.styles import LayerNames
from geo_app.records.map_layers import MapData
from geo_app.tiles import tile_source
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


# Limits already simplified, by what was simplified: the same limits come back on every map
# built again after a write elsewhere (a new meeting renews the zones' popups, not the limits).
_SIMPLIFIED: OrderedDict[bytes, gpd.GeoDataFrame] = OrderedDict()
_SIMPLIFIED_LOCK = threading.Lock()
_SIMPLIFIED_MAX = 64


def display_boundaries(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify the official frame as a coverage (no slivers open between neighbours).

    Claims, agreements and rulings overlap each other by nature, so they are simplified one
    polygon at a time; the frame falls back to that too if it is not a clean coverage (for
    example the demo frame and the INEGI frame stored together). The answer for the same
    limits (index, kind and geometry) is remembered.
    """
    digest = hashlib.sha256()
    digest.update(repr((list(frame.index), [str(k) for k in frame["kind"]])).encode())
    for wkb in shapely.to_wkb(frame.geometry.values):
        digest.update(wkb)
    key = digest.digest()
    with _SIMPLIFIED_LOCK:
        if key in _SIMPLIFIED:
            _SIMPLIFIED.move_to_end(key)
            return _SIMPLIFIED[key].copy()
    simplified = _simplify_boundaries(frame)
    with _SIMPLIFIED_LOCK:
        _SIMPLIFIED[key] = simplified
        while len(_SIMPLIFIED) > _SIMPLIFIED_MAX:
            _SIMPLIFIED.popitem(last=False)
    return simplified.copy()


def _simplify_boundaries(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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
    name does not touch a marker or a zone's edge either. Routes and findings are snapped
    to a grid a quarter of that margin wide before they are grown: the margin hides the
    difference.
    """
    shapes = [
        g for frame in (data.zones, data.routes, data.findings, data.sites)
        for g in frame.geometry if g is not None and not g.is_empty
    ]
    bounds = data.bounds
    if not shapes or bounds is None:
        return None
    west, south, east, north = bounds
    margin = max(east - west, north - south) / 20
    cell = margin / 4
    # Names are placed in the map's view and up to half its size around it (see
    # geo_app.maps.layers._municipality_shapes): what lies further cannot touch them.
    reach_x, reach_y = (east - west) / 2 + margin, (north - south) / 2 + margin
    shapes = np.asarray(shapes, dtype=object)
    lines = np.isin(shapely.get_type_id(shapes), (1, 5))  # LineString, MultiLineString
    shapes[lines] = shapely.simplify(shapes[lines], cell, preserve_topology=False)
    geometries = shapely.clip_by_rect(
        shapes,
        west - reach_x, south - reach_y, east + reach_x, north + reach_y,
    )
    geometries = geometries[~shapely.is_empty(geometries)]
    if not len(geometries):
        return None
    # Everything becomes the cells of a grid it touches, grown on the grid: growing long,
    # self-crossing routes or thousands of points with GEOS takes seconds.
    areas = np.isin(shapely.get_type_id(geometries), (3, 6))  # Polygon, MultiPolygon
    coords = shapely.get_coordinates(shapely.segmentize(geometries, cell))
    cells = np.round(coords / cell).astype(np.int64)
    if areas.any():
        (low_x, low_y), (high_x, high_y) = cells.min(axis=0), cells.max(axis=0)
        gx, gy = np.meshgrid(np.arange(low_x, high_x + 1), np.arange(low_y, high_y + 1))
        inside = shapely.contains_xy(
            shapely.union_all(geometries[areas]), gx.ravel() * cell, gy.ravel() * cell
        )
        cells = np.vstack([cells, np.column_stack([gx.ravel(), gy.ravel()])[inside]])
    return _grown_cells(np.unique(cells, axis=0), cell, radius=4)


def _grown_cells(cells: np.ndarray, size: float, radius: int) -> BaseGeometry:
    """The grid cells ``cells`` (integer indices, cells ``size`` wide) grown by ``radius``."""
    low = cells.min(axis=0) - radius
    grid = np.zeros(tuple(cells.max(axis=0) - low + radius + 1), dtype=bool)
    grid[tuple((cells - low).T)] = True
    grown = np.zeros_like(grid)
    width, height = grid.shape
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            if dx * dx + dy * dy > radius * radius:
                continue
            grown[max(dx, 0):width + min(dx, 0), max(dy, 0):height + min(dy, 0)] |= grid[
                max(-dx, 0):width - max(dx, 0), max(-dy, 0):height - max(dy, 0)
            ]
    x, y = (np.argwhere(grown) + low).T
    # Edges from half-integers are exact, so neighbouring cells share them bit for bit and
    # the coverage union merges them.
    staircase = shapely.coverage_union_all(
        shapely.box((x - 0.5) * size, (y - 0.5) * size, (x + 0.5) * size, (y + 0.5) * size)
    )
    # A cell's width off is nothing next to the growth, and holes enclosed by routes are too
    # small for a name: both would only slow every overlay with the subject.
    # The parts of a coverage never cross, so a filled part lies in another or apart from it.
    filled = shapely.polygons(shapely.get_exterior_ring(shapely.get_parts(staircase)))
    _, inner = shapely.STRtree(filled).query(filled, predicate="contains_properly")
    outer = np.delete(filled, np.unique(inner))
    return shapely.simplify(shapely.coverage_union_all(outer), size)


_BUILDERS = {
    "boundaries": _boundaries_layer,
    "zones": maps.zones_layer,
    "river": maps.river_layer,
    "routes": maps.routes_layer,
    "findings": maps.findings_layer,
    "sites": maps.sites_layer,
}


def build_map(data: MapData, tiles: str | None = None, attribution: str | None = None,
              max_native_zoom: int | None = None):
    """The Folium map of ``data``: every layer and control, assets not yet localized."""
    m = maps.base_map(data.bounds or DEFAULT_BOUNDS, tiles=tiles, attribution=attribution,
                      max_native_zoom=max_native_zoom)
    if len(data.routes):  # thinned once: the subject of the labels and the layer both use it
        data = dataclasses.replace(
            data, routes=thin_lines(data.routes, data.route_tolerance_m)
        )
    for name, frame in data.layers().items():
        if name == "routes" and data.viewport is not None:
            maps.viewport_layers(m, data.viewport.tiles, data.viewport.script)
        if name == "boundaries" and len(frame):
            _boundaries_layer(m, frame, data.bounds, map_subject(data))
        elif name == "routes" and len(frame):
            maps.routes_layer(m, frame, tolerance_m=data.route_tolerance_m)
        elif len(frame):
            _BUILDERS[name](m, frame)
    for name, frame in data.analysis.items():
        if len(frame):
            ANALYSIS_LAYERS[name](m, frame)
    maps.add_controls(m)
    return m


def render_map(data: MapData) -> MapParts:
    """Build the map of ``data`` and return its header, body and script as markup."""
    source = tile_source()
    m = build_map(data, source.url or None, source.attribution or None, source.max_native_zoom)
    maps.localize(m, vendor_url)
    parts = maps.render_figure(m)
    return MapParts(
        header=parts.header,
        html=parts.html,
        # The figure's script section is bare JavaScript; its page template wraps it.
        script=Markup("<script>\n") + parts.script + Markup("\n</script>"),
        name=parts.name,
    )
