"""Page models of limit proposals: what changes hands as tables and map layers, the annex."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
from sqlalchemy.orm import Session

from boundaries.annex import Annex, construction_table
from boundaries.crs import STORAGE_CRS
from cases.errors import LimitesError
from cases.proposals.exchange import Exchange, Piece, exchange_of
from cases.proposals.proposals import pair_frame, pair_versions
from cases.records.audit import history, references
from cases.records.editing import status_history
from cases.storage.models import LimitProposal, StatusChange
from geo_app.formatting import HistoryEntry, readable_history
from geo_app.records.map_layers import MapData, focus_of, record_map

__all__ = ["ProposalPage", "SideBySide", "proposal_page", "piece_label", "exchange_layers",
           "annex_of", "preview_layers"]


def piece_label(piece: Piece) -> str:
    """«De Oaxaca de Juárez a San Jacinto Amilpas»."""
    return f"De {piece.giver.name} a {piece.taker.name}"


def _pieces_frame(pieces: list[Piece]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"number": [p.number for p in pieces], "label": [piece_label(p) for p in pieces],
         "area_ha": [p.area_ha for p in pieces], "area_m2": [p.area_m2 for p in pieces]},
        geometry=[p.geometry for p in pieces], crs=STORAGE_CRS)


def _line_frame(line, label: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"label": [label]}, geometry=[line], crs=STORAGE_CRS)


def exchange_layers(exchange: Exchange) -> dict[str, gpd.GeoDataFrame]:
    """The analysis layers of the map: pieces by direction, the baseline and the line."""
    a = exchange.proposal.municipality_a
    layers = {
        "pieces_a_to_b": _pieces_frame([p for p in exchange.pieces if p.giver == a]),
        "pieces_b_to_a": _pieces_frame([p for p in exchange.pieces if p.giver != a]),
    }
    if exchange.against is not None:
        layers["proposal_baseline"] = _line_frame(exchange.against.geometry,
                                                  exchange.against.title)
    layers["proposal_line"] = _line_frame(exchange.proposal.geometry, exchange.proposal.title)
    return {name: frame for name, frame in layers.items() if len(frame)}


def preview_layers(proposal_line, pieces: gpd.GeoDataFrame, a_code: str,
                   names: dict[str, str]) -> dict:
    """GeoJSON of a drawn line's pieces (``direction``, ``label``) for the drawing page."""
    features = [
        {"type": "Feature", "geometry": row.geometry.__geo_interface__,
         "properties": {"direction": "a_to_b" if row.from_code == a_code else "b_to_a",
                        "label": f"De {names[row.from_code]} a {names[row.to_code]}",
                        "area_m2": float(row.area_m2), "area_ha": float(row.area_ha)}}
        for row in pieces.itertuples()
    ]
    return {"line": proposal_line.__geo_interface__,
            "pieces": {"type": "FeatureCollection", "features": features}}


def annex_of(session: Session, proposal: LimitProposal) -> Annex:
    """The construction table of the proposal's line, its ends named by their limits."""
    try:
        limits = pair_frame(session, proposal.municipality_a, proposal.municipality_b)
    except LimitesError:
        limits = None
    return construction_table(proposal.geometry, limits, code_col="code")


@dataclass(frozen=True)
class SideBySide:
    """One proposal's column of a comparison: what it moves against the frame in force."""

    proposal: LimitProposal
    exchange: Exchange | None
    note: str | None
    length_m: float


def _column(session: Session, proposal: LimitProposal) -> SideBySide:
    try:
        exchange, note = exchange_of(session, proposal), None
    except LimitesError as error:
        exchange, note = None, error.message
    return SideBySide(proposal, exchange, note, annex_of(session, proposal).length_m)


@dataclass
class ProposalPage:
    """A proposal's page: the exchange (or why there is none), the annex, map and history."""

    proposal: LimitProposal
    exchange: Exchange | None
    exchange_note: str | None
    annex: Annex
    map: MapData
    history: list[StatusChange]
    audit: list[HistoryEntry] = field(default_factory=list)
    others: list[LimitProposal] = field(default_factory=list)
    #: With another proposal: both against the frame in force, in two columns.
    side_by_side: list[SideBySide] = field(default_factory=list)


def proposal_page(session: Session, proposal: LimitProposal,
                  against: LimitProposal | None = None,
                  others: list[LimitProposal] | None = None) -> ProposalPage:
    """Build the page of ``proposal`` (compared with ``against`` when given)."""
    exchange, note = None, None
    try:
        exchange = exchange_of(session, proposal, against)
    except LimitesError as error:
        note = error.message
    try:
        versions = list(pair_versions(session, proposal.municipality_a, proposal.municipality_b))
    except LimitesError:
        versions = []
    pieces = exchange.pieces if exchange else []
    lines = [proposal.geometry] + ([against.geometry] if against is not None else [])
    data = record_map(
        focus_of(*lines, *(p.geometry for p in pieces)),
        exchange_layers(exchange) if exchange else {"proposal_line": _line_frame(
            proposal.geometry, proposal.title)},
        versions=versions,
        zones=[proposal.zone] if proposal.zone is not None else [],
        findings={f.id: f for p in pieces for f in p.findings}.values(),
        sites={s.id: s for p in pieces for s in p.sites}.values(),
        inspections={i.id: i for p in pieces for i, _ in p.routes}.values(),
    )
    entries = history(session, proposal)
    return ProposalPage(proposal, exchange, note, annex_of(session, proposal), data,
                        status_history(session, proposal),
                        readable_history(entries, references(session, entries)), others or [],
                        [] if against is None else [_column(session, proposal),
                                                    _column(session, against)])
