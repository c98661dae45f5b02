"""Read models of the analysis pages: topology of the claims and version comparison."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from boundaries.compare import VersionComparison
from cases.map_data import (
    MapData,
    area_of_interest,
    boundaries_frame,
    empty_map,
    focus_of,
    with_meetings,
    zones_frame,
)
from cases.models import BoundaryVersion, DisputeZone, Municipality
from cases.spatial import bbox_filter
from cases.topology import (
    compare_stored_versions,
    layers_topology,
    stored_layers,
    version_choices,
    version_label,
)

__all__ = ["TopologyPage", "ComparisonPage", "topology_page", "comparison_page"]


@dataclass
class TopologyPage:
    """The analysis page: chosen claims, overlaps, gaps and shared borders, and their map."""

    claimants: list[str]
    chosen: list[str]
    min_area_m2: float
    overlaps: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
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
    """Overlaps, gaps and shared borders of the official frame and the chosen claims.

    The map draws the versions analysed around the claims, the results and the unit's own
    records, never the whole state.
    """
    frame, claims, available = stored_layers(session, claimants)
    result, names = layers_topology(frame, claims, min_area_m2)
    overlaps = _labelled(result.overlaps, "parties", names)
    gaps = _labelled(result.gaps, "neighbours", names)
    zones = session.scalars(with_meetings(DisputeZone).order_by(DisputeZone.id)).all()
    ids = set(frame["version_id"])
    for layer in claims.values():
        ids.update(layer["version_id"])
    area = focus_of(
        *(shapely.box(*layer.total_bounds) for layer in claims.values() if len(layer)),
        *overlaps.geometry, *gaps.geometry, pad=0.01,
    ) or area_of_interest(session)
    versions = select(BoundaryVersion).options(
        selectinload(BoundaryVersion.municipality), selectinload(BoundaryVersion.claimant)
    ).where(BoundaryVersion.id.in_(ids))
    if area is not None:
        versions = bbox_filter(versions, BoundaryVersion, shapely.box(*area))
    return TopologyPage(
        claimants=available,
        chosen=sorted(claims),
        min_area_m2=min_area_m2,
        overlaps=overlaps,
        gaps=gaps,
        shared_borders=[
            {"label": f"{names.get(a, a)} / {names.get(b, b)}", "length_m": length}
            for a, b, length in zip(
                result.shared_borders["party_a"], result.shared_borders["party_b"],
                result.shared_borders["length_m"], strict=True,
            )
        ],
        slivers={"overlaps": result.overlap_slivers, "gaps": result.gap_slivers},
        map=empty_map(
            focus=area,
            boundaries=boundaries_frame(session.scalars(versions.order_by(BoundaryVersion.id))),
            zones=zones_frame(zones),
            analysis={"overlaps": overlaps, "gaps": gaps},
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
    counts = session.execute(
        select(Municipality.cvegeo, Municipality.name)
        .join(BoundaryVersion, BoundaryVersion.municipality_id == Municipality.id)
        .group_by(Municipality.cvegeo, Municipality.name)
        .having(func.count(BoundaryVersion.id) > 1)
        .order_by(Municipality.name)
    ).all()
    page = ComparisonPage([(c, n) for c, n in counts], cvegeo, [])
    if not cvegeo:
        return page
    page.versions = [(v.id, version_label(v)) for v in version_choices(session, cvegeo)]
    if old_id is None or new_id is None:
        return page
    old, new, result = compare_stored_versions(session, old_id, new_id, cvegeo=cvegeo)
    page.old, page.new, page.result = old, new, result
    page.map = empty_map(
        focus=focus_of(old.geometry, new.geometry, pad=0.0),
        boundaries=boundaries_frame([old, new]),
        analysis={
            "gained": _numbered(result.gained, "Área ganada"),
            "lost": _numbered(result.lost, "Área perdida"),
        },
    )
    return page


def _numbered(frame: gpd.GeoDataFrame, label: str) -> gpd.GeoDataFrame:
    return frame.assign(number=range(1, len(frame) + 1), label=[label] * len(frame))
