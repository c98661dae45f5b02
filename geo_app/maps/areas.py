"""Map layers of the boundary analysis: overlaps, gaps and areas nobody attends.

Overlaps are claimed twice, gaps lie in no municipality, and areas nobody attends lie in a
municipality whose own claim gives them up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
from branca.element import Element

from geo_app import theme
from geo_app.formatting import number
from geo_app.maps.display import DEFAULT_TOLERANCE_M, feature_collection, for_display
from geo_app.maps.escape import popup_html
from geo_app.maps.layers import feature_properties, geojson_layer
from geo_app.maps.legend import LegendEntry, LegendSection, MapLayer, fill_swatch
from geo_app.maps.proposals import PROPOSAL_LAYERS
from geo_app.maps.rows import require_columns, text
from geo_app.maps.styles import LineStyle

__all__ = [
    "OVERLAPS",
    "GAPS",
    "UNATTENDED",
    "GAINED",
    "LOST",
    "ANALYSIS_LAYERS",
    "overlaps_layer",
    "gaps_layer",
    "unattended_layer",
    "gained_layer",
    "lost_layer",
]

OVERLAPS = "Traslapes entre reclamos"
GAPS = "Vacíos sin municipio"
UNATTENDED = "Vacíos de atención"
GAINED = "Área ganada"
LOST = "Área perdida"
_OVERLAP_STYLE = LineStyle(theme.AREA_COLOURS["overlap"], weight=2, dash="4 4", fill_opacity=0.45)
_GAP_STYLE = LineStyle(theme.AREA_COLOURS["gap"], weight=2, dash="2 4", fill_opacity=0.45)
_UNATTENDED_STYLE = LineStyle(theme.AREA_COLOURS["unattended"], weight=2, dash="6 3",
                              fill_opacity=0.45)
_GAINED_STYLE = LineStyle(theme.AREA_COLOURS["gained"], weight=2, fill_opacity=0.45)
_LOST_STYLE = LineStyle(theme.AREA_COLOURS["lost"], weight=2, dash="4 4", fill_opacity=0.45)


def _area_layer(
    parent: Element, gdf: gpd.GeoDataFrame, name: str, style: LineStyle, caption: str,
    tolerance_m: float, party_label: str | None = None,
) -> MapLayer:
    require_columns(gdf, ("number", "label", "area_ha", "area_m2"), name)
    rows = for_display(gdf, tolerance_m)

    def properties(row: Mapping[str, Any]) -> dict[str, Any]:
        title = f"{caption} {row['number']}"
        return feature_properties(
            style,
            popup_html(
                title,
                [
                    (party_label or "", row["label"] if party_label else None),
                    ("Área", f"{number(row['area_ha'], 2)} ha ({number(row['area_m2'])} m²)"),
                ],
            ),
            f"{title}: {text(row['label'])}",
        )

    legend = LegendSection(name, [LegendEntry(fill_swatch(style.colour), caption)])
    return geojson_layer(parent, name, feature_collection(rows, properties), legend, False)


def overlaps_layer(
    parent: Element, gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> MapLayer:
    """Add areas claimed by two or more parties as "Traslapes entre reclamos".

    ``gdf`` is in EPSG:4326 with columns ``number`` (as listed on the page), ``label`` (the
    parties' names), ``area_ha`` and ``area_m2``.
    """
    return _area_layer(
        parent, gdf, OVERLAPS, _OVERLAP_STYLE, "Traslape", tolerance_m, "Partes"
    )


def gaps_layer(
    parent: Element, gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> MapLayer:
    """Add areas enclosed by the limits that nobody claims as "Vacíos sin municipio".

    Same columns as :func:`overlaps_layer` (``label`` names the neighbours).
    """
    return _area_layer(parent, gdf, GAPS, _GAP_STYLE, "Vacío", tolerance_m, "Vecinos")


def unattended_layer(
    parent: Element, gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> MapLayer:
    """Add areas a municipality's own claim gives up and nobody claims as "Vacíos de atención".

    Same columns as :func:`overlaps_layer` (``label`` names the municipality the frame
    assigns the area to).
    """
    return _area_layer(
        parent, gdf, UNATTENDED, _UNATTENDED_STYLE, "Vacío de atención", tolerance_m,
        "Asignado por el marco a",
    )


def gained_layer(
    parent: Element, gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> MapLayer:
    """Add the area inside only the newer version as "Área ganada" (same columns)."""
    return _area_layer(parent, gdf, GAINED, _GAINED_STYLE, "Ganancia", tolerance_m)


def lost_layer(
    parent: Element, gdf: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> MapLayer:
    """Add the area inside only the older version as "Área perdida" (same columns)."""
    return _area_layer(parent, gdf, LOST, _LOST_STYLE, "Pérdida", tolerance_m)


ANALYSIS_LAYERS = {
    "overlaps": overlaps_layer,
    "gaps": gaps_layer,
    "unattended": unattended_layer,
    "gained": gained_layer,
    "lost": lost_layer,
    **PROPOSAL_LAYERS,
}
