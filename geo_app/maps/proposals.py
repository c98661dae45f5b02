"""Map layers of a limit proposal: the pieces that change hands, by direction, and the lines.

Each builder takes a GeoDataFrame in EPSG:4326 and never touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
from branca.element import Element

from geo_app import theme
from geo_app.formatting import number
from geo_app.maps.display import feature_collection
from geo_app.maps.escape import popup_html
from geo_app.maps.layers import feature_properties, geojson_layer
from geo_app.maps.legend import LegendEntry, LegendSection, MapLayer, fill_swatch, line_swatch
from geo_app.maps.rows import require_columns, text
from geo_app.maps.styles import LineStyle

__all__ = ["PROPOSAL_LAYERS", "PIECES_TO_B", "PIECES_TO_A", "PROPOSED_LINE", "BASELINE",
           "piece_style", "line_style"]

PIECES_TO_B = "Pasa al segundo municipio"
PIECES_TO_A = "Pasa al primer municipio"
PROPOSED_LINE = "Línea propuesta"
BASELINE = "Línea comparada"


def piece_style(direction: str) -> LineStyle:
    """The style of a piece moving ``a_to_b`` or ``b_to_a``."""
    return LineStyle(theme.PROPOSAL_COLOURS[direction], weight=2, fill_opacity=0.5)


def line_style(which: str) -> LineStyle:
    """The style of the proposed ``line`` or of the ``baseline`` it is compared with."""
    if which == "baseline":
        return LineStyle(theme.PROPOSAL_COLOURS["baseline"], weight=3, dash="8 6")
    return LineStyle(theme.PROPOSAL_COLOURS["line"], weight=4)


def _pieces_layer(parent: Element, gdf: gpd.GeoDataFrame, direction: str) -> MapLayer:
    require_columns(gdf, ("number", "label", "area_ha", "area_m2"), "piezas")
    style = piece_style(direction)

    def properties(row: Mapping[str, Any]) -> dict[str, Any]:
        title = f"Pieza {row['number']}"
        return feature_properties(style, popup_html(title, [
            ("Cambia", row["label"]),
            ("Área", f"{number(row['area_ha'], 4)} ha ({number(row['area_m2'], 2)} m²)"),
        ]), f"{title}: {text(row['label'])}")

    name = PIECES_TO_B if direction == "a_to_b" else PIECES_TO_A
    caption = str(gdf["label"].iloc[0]) if len(gdf) else name
    legend = LegendSection(name, [LegendEntry(fill_swatch(style.colour), caption)])
    return geojson_layer(parent, name, feature_collection(gdf, properties), legend, False)


def _line_layer(parent: Element, gdf: gpd.GeoDataFrame, which: str) -> MapLayer:
    require_columns(gdf, ("label",), "línea")
    style = line_style(which)

    def properties(row: Mapping[str, Any]) -> dict[str, Any]:
        return feature_properties(style, popup_html(str(row["label"]), []), str(row["label"]))

    name = BASELINE if which == "baseline" else PROPOSED_LINE
    legend = LegendSection(name, [LegendEntry(line_swatch(style), name)])
    return geojson_layer(parent, name, feature_collection(gdf, properties), legend, False)


#: Keyed like :data:`geo_app.maps.areas.ANALYSIS_LAYERS`, whose map builder draws them.
PROPOSAL_LAYERS = {
    "pieces_a_to_b": lambda parent, gdf: _pieces_layer(parent, gdf, "a_to_b"),
    "pieces_b_to_a": lambda parent, gdf: _pieces_layer(parent, gdf, "b_to_a"),
    "proposal_baseline": lambda parent, gdf: _line_layer(parent, gdf, "baseline"),
    "proposal_line": lambda parent, gdf: _line_layer(parent, gdf, "line"),
}
