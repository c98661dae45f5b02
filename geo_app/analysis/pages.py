"""Page models of the Análisis pages: topology of the claims and comparison of versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import shapely
from sqlalchemy.orm import Session

from boundaries.compare import VersionComparison
from cases.frames import topology, versions
from cases.records import queries
from cases.storage.models import BoundaryVersion
from geo_app.records.map_layers import MapData, focus_of, record_map
from geo_app.records.pages import OVERVIEW_MARGIN

__all__ = ["TopologyPage", "ComparisonPage", "topology_page", "comparison_page", "version_label"]

# The analysis map reaches this far (degrees, about 1 km) around the claims and results.
ANALYSIS_PAD = 0.01


def version_label(version: BoundaryVersion) -> str:
    """A short Spanish description of a version: kind, party, date and number."""
    party = f" por {version.claimant.name}" if version.claimant else ""
    when = f", {version.valid_from.isoformat()}" if version.valid_from else ""
    kind = version.frame.name if version.frame else version.kind.label
    in_force = " [vigente]" if version.frame is not None and version.frame.active else ""
    return f"{kind}{party}{when} (núm. {version.id}){in_force}"


@dataclass
class TopologyPage:
    """The analysis page: claims, overlaps, gaps, areas nobody attends, borders, map."""

    claimants: list[str]
    chosen: list[str]
    set_apart: list[str]
    min_area_m2: float
    overlaps: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    unattended: gpd.GeoDataFrame
    shared_borders: list[dict]
    slivers: dict[str, int]
    map: MapData


def _labelled(frame: gpd.GeoDataFrame, column: str, names: dict[str, str]) -> gpd.GeoDataFrame:
    return frame.assign(
        number=range(1, len(frame) + 1),
        label=[" / ".join(names.get(c, c) for c in codes) for codes in frame[column]],
    )


def topology_page(
    session: Session, claimants: Sequence[str] | None, min_area_m2: float
) -> TopologyPage:
    """Overlaps, gaps, areas nobody attends and shared borders of the frame and the claims.

    The map draws the versions analysed around the claims, the results and the unit's own
    records, never the whole state.
    """
    analysis = topology.stored_topology(session, claimants, min_area_m2)
    result, names = analysis.result, analysis.names
    overlaps = _labelled(result.overlaps, "parties", names)
    gaps = _labelled(result.gaps, "neighbours", names)
    unattended = _labelled(result.unattended, "neighbours", names).assign(
        label=[names.get(c, c) for c in result.unattended["party"]],
        neighbours_label=[
            ", ".join(names.get(c, c) for c in codes) for codes in result.unattended["neighbours"]
        ],
    )
    area = focus_of(
        *(shapely.box(*layer.total_bounds) for layer in analysis.claims.values() if len(layer)),
        *overlaps.geometry, *gaps.geometry, *unattended.geometry, pad=ANALYSIS_PAD,
    )
    if area is None:
        bounds = queries.records_bounds(session)
        area = focus_of(shapely.box(*bounds), pad=OVERVIEW_MARGIN) if bounds else None
    return TopologyPage(
        claimants=analysis.claimants,
        chosen=sorted(analysis.claims),
        set_apart=analysis.set_apart,
        min_area_m2=analysis.min_area_m2,
        overlaps=overlaps,
        gaps=gaps,
        unattended=unattended,
        shared_borders=[
            {"label": f"{names.get(a, a)} / {names.get(b, b)}", "length_m": length}
            for a, b, length in zip(
                result.shared_borders["party_a"], result.shared_borders["party_b"],
                result.shared_borders["length_m"], strict=True,
            )
        ],
        slivers={
            "overlaps": result.overlap_slivers,
            "gaps": result.gap_slivers,
            "unattended": result.unattended_slivers,
        },
        map=record_map(
            area,
            {"overlaps": overlaps, "gaps": gaps, "unattended": unattended},
            versions=queries.versions_by_id(
                session, analysis.version_ids, shapely.box(*area) if area else None
            ),
            zones=queries.zones_with_meetings(session),
        ),
    )


@dataclass
class ComparisonPage:
    """Two versions of one municipality's limit and what changed between them."""

    municipalities: list[tuple[str, str]]
    cvegeo: str | None
    versions: list[tuple[int, str]]
    old: BoundaryVersion | None = None
    new: BoundaryVersion | None = None
    result: VersionComparison | None = None
    map: MapData | None = None


def comparison_page(
    session: Session, cvegeo: str | None, old_id: int | None, new_id: int | None
) -> ComparisonPage:
    """The comparison form and, when two versions are chosen, their differences and map."""
    page = ComparisonPage(versions.municipalities_with_versions(session), cvegeo, [])
    if not cvegeo:
        return page
    page.versions = [(v.id, version_label(v)) for v in versions.version_choices(session, cvegeo)]
    if old_id is None or new_id is None:
        return page
    old, new, result = versions.compare_stored_versions(session, old_id, new_id, cvegeo=cvegeo)
    page.old, page.new, page.result = old, new, result
    page.map = record_map(
        focus_of(old.geometry, new.geometry, pad=0.0),
        {
            "gained": _numbered(result.gained, "Área ganada"),
            "lost": _numbered(result.lost, "Área perdida"),
        },
        versions=[old, new],
    )
    return page


def _numbered(frame: gpd.GeoDataFrame, label: str) -> gpd.GeoDataFrame:
    return frame.assign(number=range(1, len(frame) + 1), label=[label] * len(frame))
