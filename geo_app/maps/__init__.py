"""Folium map builders: one small function per layer, GeoDataFrames in, no database.

A page builds its map in four steps::

    m = base_map(gdf.total_bounds, tiles=None, attribution=None)
    zones_layer(m, zones)            # … and the other *_layer builders
    add_controls(m)                  # layer control, fullscreen, measure, legend
    localize(m, vendor_url)          # JS/CSS from /vendor/, never from a CDN
    parts = render_figure(m)         # header, html and script; data never run as code
"""

from geo_app.maps.assets import external_references, localize
from geo_app.maps.controls import add_controls, base_map
from geo_app.maps.display import for_display
from geo_app.maps.escape import POPUP_CLASS, popup_html, safe_url
from geo_app.maps.figure import FigureParts, Verbatim, render_figure
from geo_app.maps.layers import (
    boundaries_layer,
    findings_layer,
    river_layer,
    routes_layer,
    sites_layer,
    zones_layer,
)
from geo_app.maps.legend import MapLayer
from geo_app.maps.viewport import viewport_layers

__all__ = [
    "POPUP_CLASS",
    "FigureParts",
    "MapLayer",
    "Verbatim",
    "add_controls",
    "base_map",
    "boundaries_layer",
    "external_references",
    "findings_layer",
    "for_display",
    "localize",
    "popup_html",
    "render_figure",
    "river_layer",
    "routes_layer",
    "safe_url",
    "sites_layer",
    "viewport_layers",
    "zones_layer",
]
