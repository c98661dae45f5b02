"""What changes hands under a proposal: each piece's area and the records lying in it.

Areas come from :func:`boundaries.exchange.limit_change` (EPSG:6369, the annex's CRS); route
metres are measured like every route split, in :data:`boundaries.crs.MEASURE_CRS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from boundaries.crs import MEASURE_CRS, STORAGE_CRS
from boundaries.exchange import LimitChange
from cases.errors import ConflictError
from cases.proposals.proposals import proposal_change
from cases.storage.models import (
    DisputeZone,
    Finding,
    Inspection,
    LimitProposal,
    Municipality,
    Site,
)
from cases.storage.spatial import intersecting

__all__ = ["Piece", "Exchange", "exchange_of"]


@dataclass(frozen=True)
class Piece:
    """One piece that changes hands, and what lies in it."""

    number: int
    giver: Municipality
    taker: Municipality
    area_m2: float
    area_ha: float
    geometry: BaseGeometry
    findings: list[Finding] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    #: ``(inspection, metres of its route inside the piece)``
    routes: list[tuple[Inspection, float]] = field(default_factory=list)
    #: ``(zone, m² of the zone inside the piece)``
    zones: list[tuple[DisputeZone, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Exchange:
    """A proposal's pieces against the frame in force or against another proposal."""

    proposal: LimitProposal
    against: LimitProposal | None
    change: LimitChange
    pieces: list[Piece]

    def moved_m2(self, giver: Municipality) -> float:
        """Total area passing from ``giver`` to the other municipality (m²)."""
        return sum(p.area_m2 for p in self.pieces if p.giver == giver)


def _measured(geometry: BaseGeometry) -> gpd.GeoSeries:
    return gpd.GeoSeries([geometry], crs=STORAGE_CRS).to_crs(MEASURE_CRS)


def _contents(session: Session, number: int, row, names: dict[str, Municipality]) -> Piece:
    geometry = row.geometry
    findings = intersecting(session, Finding, geometry)
    sites = intersecting(session, Site, geometry)
    routes = []
    for inspection in intersecting(session, Inspection, geometry):
        metres = float(_measured(inspection.route.intersection(geometry)).length.iloc[0])
        if metres > 0:
            routes.append((inspection, metres))
    zones = []
    for zone in intersecting(session, DisputeZone, geometry):
        inside = float(_measured(zone.geometry.intersection(geometry)).area.iloc[0])
        if inside > 0:
            zones.append((zone, inside))
    return Piece(number, names[row.from_code], names[row.to_code], float(row.area_m2),
                 float(row.area_ha), geometry, findings, sites, routes, zones)


def exchange_of(session: Session, proposal: LimitProposal,
                against: LimitProposal | None = None) -> Exchange:
    """What changes hands under ``proposal`` (against the frame in force or ``against``).

    A ratified proposal whose frame is in force is that frame's limit: nothing changes hands
    against it (:class:`~cases.errors.ConflictError` says so).
    """
    if against is None and proposal.frame is not None and proposal.frame.active:
        raise ConflictError(
            f"Esta propuesta ya es el límite del marco vigente «{proposal.frame.name}»: "
            "nada cambia de manos frente a él.")
    change = proposal_change(session, proposal, against)
    names = {m.cvegeo: m for m in (proposal.municipality_a, proposal.municipality_b)}
    pieces = [_contents(session, number, row, names)
              for number, row in enumerate(change.pieces.itertuples(), start=1)]
    return Exchange(proposal, against, change, pieces)
