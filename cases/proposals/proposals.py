"""Limit proposals: made from a drawn, uploaded or claimed line, their statuses and history.

A proposal's line is checked against the frame in force when it is made: its ends are moved
onto the common limit of the two municipalities (within
:data:`boundaries.exchange.ENDPOINT_SNAP_M`) and it must stay inside them, so what is stored is
the line of the technical annex. Use cases take the caller's session and never commit.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.annex_files import line_from_dxf
from boundaries.crs import MEASURE_CRS, STORAGE_CRS
from boundaries.exchange import LimitChange, limit_change
from boundaries.formats import ROUTE_FILES, FileKinds
from boundaries.trackfiles import read_track
from cases.errors import ConflictError, InvalidInputError, NotFoundError, boundary_errors
from cases.frames.stored_layers import read_file
from cases.records.editing import create_record, delete_record, update_record
from cases.storage.models import (
    BoundaryKind,
    BoundaryVersion,
    DisputeZone,
    Frame,
    Institution,
    LimitProposal,
    Municipality,
    ProposalOrigin,
    ProposalStatus,
    User,
    ZoneStatus,
)

__all__ = [
    "LINE_FILES",
    "MAX_LINE_FILE_BYTES",
    "NEXT_STATUSES",
    "pair_versions",
    "pair_frame",
    "proposal_change",
    "create_proposal",
    "set_status",
    "delete_proposal",
    "line_from_file",
    "CLAIM_AGREES_M",
    "claim_line",
    "proposals_of_zone",
    "all_proposals",
    "get_proposal",
    "zone_pair",
]

#: The files a proposed line may come from: a route's formats, a zipped Shapefile, a DXF.
LINE_FILES = FileKinds(
    ROUTE_FILES.suffixes + (".zip", ".dxf"),
    "GeoJSON, GeoPackage, Shapefile en .zip, KML/KMZ, GPX o DXF (EPSG:6369)")
#: A limit line is a few hundred vertices; a larger file is not one.
MAX_LINE_FILE_BYTES = 5 * 1024 * 1024

#: The statuses a proposal may go to from each status by hand (ratification has its own use
#: case: it needs the convenio or the decree).
NEXT_STATUSES: dict[ProposalStatus, tuple[ProposalStatus, ...]] = {
    ProposalStatus.PROPOSED: (ProposalStatus.IN_REVIEW, ProposalStatus.ACCEPTED,
                              ProposalStatus.REJECTED),
    ProposalStatus.IN_REVIEW: (ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED,
                               ProposalStatus.REJECTED),
    ProposalStatus.ACCEPTED: (ProposalStatus.IN_REVIEW, ProposalStatus.REJECTED),
    ProposalStatus.REJECTED: (ProposalStatus.PROPOSED,),
    ProposalStatus.RATIFIED: (),
}
# What the zone's status becomes when one of its proposals reaches a status, unless the zone
# is already further on.
_ZONE_FOLLOWS = {ProposalStatus.ACCEPTED: ZoneStatus.AGREED,
                 ProposalStatus.RATIFIED: ZoneStatus.RESOLVED}
_ZONE_ORDER = list(ZoneStatus)


def pair_versions(session: Session, a: Municipality,
                  b: Municipality) -> tuple[BoundaryVersion, BoundaryVersion]:
    """The versions of ``a`` and ``b`` in the frame in force."""
    frame = session.scalar(select(Frame).where(Frame.active.is_(True)))
    if frame is None:
        raise ConflictError("No hay un marco de límites vigente: no hay límite que proponer.")
    found = []
    for municipality in (a, b):
        version = session.scalars(
            select(BoundaryVersion)
            .where(BoundaryVersion.frame_id == frame.id,
                   BoundaryVersion.kind == BoundaryKind.OFFICIAL,
                   BoundaryVersion.municipality_id == municipality.id)
            .order_by(BoundaryVersion.valid_from.desc().nulls_last(), BoundaryVersion.id.desc())
        ).first()
        if version is None:
            raise InvalidInputError(
                f"{municipality.name} no está en el marco vigente «{frame.name}».")
        found.append(version)
    return found[0], found[1]


def pair_frame(session: Session, a: Municipality, b: Municipality) -> gpd.GeoDataFrame:
    """The polygons of ``a`` and ``b`` in the frame in force (``code``, ``name``)."""
    rows = [{"code": v.municipality.cvegeo, "name": v.municipality.name, "geometry": v.geometry}
            for v in pair_versions(session, a, b)]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def _change(session: Session, a: Municipality, b: Municipality, line: BaseGeometry,
            against: BaseGeometry | None = None) -> LimitChange:
    frame = pair_frame(session, a, b)
    with boundary_errors():
        return limit_change(frame, a.cvegeo, b.cvegeo, line, against=against)


def proposal_change(session: Session, proposal: LimitProposal,
                    against: LimitProposal | None = None) -> LimitChange:
    """What changes hands under ``proposal``: against the frame in force or ``against``."""
    if against is not None and {against.municipality_a_id, against.municipality_b_id} != {
            proposal.municipality_a_id, proposal.municipality_b_id}:
        raise InvalidInputError(
            "Solo se comparan propuestas entre los mismos dos municipios.", field="against")
    return _change(session, proposal.municipality_a, proposal.municipality_b,
                   proposal.geometry, None if against is None else against.geometry)


def zone_pair(zone: DisputeZone) -> tuple[Municipality, Municipality] | None:
    """The two municipalities in dispute of ``zone`` when there are exactly two."""
    parties = sorted(zone.municipalities, key=lambda m: m.cvegeo)
    return (parties[0], parties[1]) if len(parties) == 2 else None


def create_proposal(
    session: Session,
    actor: User | None,
    *,
    title: str,
    municipality_a: Municipality,
    municipality_b: Municipality,
    line: BaseGeometry,
    proposed_on: dt.date,
    proposed_by: Institution | None = None,
    zone: DisputeZone | None = None,
    origin: ProposalOrigin = ProposalOrigin.DRAWN,
    description: str = "",
) -> LimitProposal:
    """Check ``line`` against the frame in force and store it as a proposal (audited).

    The stored line has its ends on the common limit (see :func:`boundaries.exchange.limit_change`).
    """
    if municipality_a is None or municipality_b is None or municipality_a == municipality_b:
        raise InvalidInputError("Una propuesta de límite es entre dos municipios distintos.",
                                field="municipality_b")
    if line is None or line.is_empty:
        raise InvalidInputError("Falta la línea propuesta: dibújela o suba un archivo.",
                                field="geometry")
    change = _change(session, municipality_a, municipality_b, line)
    return create_record(session, actor, LimitProposal, {
        "title": title, "zone": zone, "municipality_a": municipality_a,
        "municipality_b": municipality_b, "geometry": change.line, "proposed_by": proposed_by,
        "proposed_on": proposed_on, "status": ProposalStatus.PROPOSED, "origin": origin,
        "description": description or "", "status_on": proposed_on,
    })


def set_status(
    session: Session,
    actor: User | None,
    proposal: LimitProposal,
    status: ProposalStatus,
    *,
    note: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> LimitProposal:
    """Move ``proposal`` to ``status`` (see :data:`NEXT_STATUSES`); its zone follows.

    An accepted proposal makes its zone «Acordada» (unless it is further on already).
    """
    if status not in NEXT_STATUSES[proposal.status]:
        if status is ProposalStatus.RATIFIED:
            raise InvalidInputError(
                "Una propuesta se ratifica registrando el convenio o el decreto.",
                field="status")
        raise InvalidInputError(
            f"Una propuesta «{proposal.status.label}» no pasa a «{status.label}».",
            field="status")
    update_record(session, actor, proposal,
                  {"status": status, "status_note": note, "status_on": on},
                  proposal.version if expected_version is None else expected_version)
    follow_zone(session, actor, proposal, note, on)
    return proposal


def delete_proposal(session: Session, actor: User | None, proposal: LimitProposal,
                    expected_version: int | None) -> None:
    """Send ``proposal`` to the Papelera, unless it was ratified (a frame rests on it)."""
    if proposal.status is ProposalStatus.RATIFIED:
        raise ConflictError("Una propuesta ratificada no se envía a la papelera: en ella se "
                            "funda un marco de límites.")
    delete_record(session, actor, proposal, expected_version)


def follow_zone(session: Session, actor: User | None, proposal: LimitProposal, note: str,
                on: dt.date | None) -> None:
    """Move the proposal's zone to the status its proposal's status implies, never back."""
    zone = proposal.zone
    target = _ZONE_FOLLOWS.get(proposal.status)
    if zone is None or target is None or _ZONE_ORDER.index(zone.status) >= _ZONE_ORDER.index(
            target):
        return
    reason = f"Propuesta de límite «{proposal.title}»: {proposal.status.label.lower()}"
    update_record(session, actor, zone, {
        "status": target, "status_note": f"{reason}. {note}".strip(), "status_on": on,
    }, zone.version)


def line_from_file(data: bytes, filename: str) -> shapely.LineString:
    """The one line of an uploaded file (see :data:`LINE_FILES`), in longitude/latitude."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in LINE_FILES:
        raise InvalidInputError(
            f"Formato no admitido para una línea: suba {LINE_FILES.names}.", field="file")
    if len(data) > MAX_LINE_FILE_BYTES:
        raise InvalidInputError("El archivo es demasiado grande para una línea de límite.",
                                field="file")
    with boundary_errors(f"«{filename}»"):
        if suffix == ".dxf":
            return line_from_dxf(data)
    with tempfile.TemporaryDirectory() as folder:
        # Messages name the file by its own name, made safe for the disk.
        path = Path(folder) / (re.sub(r"[^\w.\- ]", "_", Path(filename).stem)[:100] + suffix)
        path.write_bytes(data)
        if suffix == ".zip":
            frame = read_file(path)
            frame = frame.to_crs(4326) if frame.crs is not None else frame
            geometry = shapely.union_all([g for g in frame.geometry if g is not None])
        else:
            with boundary_errors():
                geometry = read_track(path).geometry
    return _one_line(geometry, filename)


def _one_line(geometry: BaseGeometry, filename: str) -> shapely.LineString:
    lines = [g for g in getattr(geometry, "geoms", [geometry])
             if isinstance(g, shapely.LineString | shapely.MultiLineString)]
    merged = shapely.line_merge(shapely.union_all(lines)) if lines else None
    if isinstance(merged, shapely.MultiLineString) and len(merged.geoms) == 1:
        merged = merged.geoms[0]
    if not isinstance(merged, shapely.LineString) or merged.is_empty:
        raise InvalidInputError(
            f"«{filename}» debe tener una sola línea (la propuesta de límite).", field="file")
    return merged


# Where a claimed limit runs within this distance of the limit in force it agrees with it (m).
CLAIM_AGREES_M = 1.0


def claim_line(session: Session, a: Municipality, b: Municipality, claimant: Municipality,
               zone: DisputeZone | None = None) -> shapely.LineString:
    """The limit between ``a`` and ``b`` as ``claimant`` claims it, where it departs.

    The stretch where the claimed limit leaves the limit in force: the one across ``zone``
    (when given and crossed), else the longest. Its ends lie within :data:`CLAIM_AGREES_M`
    of the common limit, where the claim rejoins it.
    """
    if claimant not in (a, b):
        raise InvalidInputError("El reclamo debe ser de uno de los dos municipios.",
                                field="reclamo")
    claim = session.scalars(
        select(BoundaryVersion)
        .where(BoundaryVersion.kind == BoundaryKind.CLAIM,
               BoundaryVersion.claimant_id == claimant.id,
               BoundaryVersion.municipality_id == claimant.id)
        .order_by(BoundaryVersion.valid_from.desc().nulls_last(), BoundaryVersion.id.desc())
    ).first()
    if claim is None:
        raise InvalidInputError(f"{claimant.name} no tiene un reclamo guardado.",
                                field="reclamo")
    pair = pair_frame(session, a, b).to_crs(MEASURE_CRS)
    union = shapely.union_all(pair.geometry.to_numpy())
    common = shapely.intersection(*pair.geometry.to_numpy())
    claimed = gpd.GeoSeries([claim.geometry], crs=STORAGE_CRS).to_crs(MEASURE_CRS).iloc[0]
    inside = shapely.intersection(claimed.boundary, union.buffer(-CLAIM_AGREES_M))
    departing = shapely.line_merge(shapely.difference(
        inside, shapely.buffer(common, CLAIM_AGREES_M)))
    parts = [p for p in shapely.get_parts(departing) if isinstance(p, shapely.LineString)]
    if zone is not None:
        area = gpd.GeoSeries([zone.geometry], crs=STORAGE_CRS).to_crs(MEASURE_CRS).iloc[0]
        parts = [p for p in parts if p.intersects(area)] or parts
    if not parts:
        raise InvalidInputError(
            f"El reclamo de {claimant.name} coincide con el límite vigente entre "
            f"{a.name} y {b.name}: no hay línea que proponer.", field="reclamo")
    longest = max(parts, key=lambda p: p.length)
    return gpd.GeoSeries([longest], crs=MEASURE_CRS).to_crs(STORAGE_CRS).iloc[0]


def proposals_of_zone(session: Session, zone: DisputeZone) -> list[LimitProposal]:
    """The zone's proposals, newest first."""
    return list(session.scalars(
        select(LimitProposal).where(LimitProposal.zone_id == zone.id)
        .order_by(LimitProposal.proposed_on.desc(), LimitProposal.id.desc())))


def all_proposals(session: Session) -> list[LimitProposal]:
    """Every live proposal, newest first."""
    return list(session.scalars(select(LimitProposal).order_by(
        LimitProposal.proposed_on.desc(), LimitProposal.id.desc())))


def get_proposal(session: Session, proposal_id: int) -> LimitProposal:
    """The live proposal ``proposal_id`` or :class:`~cases.errors.NotFoundError`."""
    proposal = session.get(LimitProposal, proposal_id)
    if proposal is None or proposal.is_deleted:
        raise NotFoundError(f"no existe la propuesta de límite {proposal_id}")
    return proposal
