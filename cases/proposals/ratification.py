"""Ratification: the convenio or decree turns an accepted proposal into a new frame.

The new frame («Límites convenidos …») holds every municipality of the frame in force, the
two of the proposal re-cut along its line (:func:`boundaries.exchange.recut_frame`), so it
stays a clean coverage. It is put in force by an administrator (here, on request, or later
through :func:`cases.frames.in_force.activate_frame`), which recomputes every derived figure
in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.crs import to_measure
from boundaries.exchange import recut_frame
from boundaries.topology import analyze_topology
from cases.errors import ConflictError, InvalidInputError
from cases.frames.in_force import activate_frame
from cases.frames.stored_layers import official_versions, versions_frame
from cases.proposals.proposals import follow_zone, proposal_change
from cases.records.audit import record_change, snapshot
from cases.records.editing import status_history, update_record
from cases.storage.models import (
    Attachment,
    AuditAction,
    BoundaryKind,
    BoundaryVersion,
    Frame,
    LimitProposal,
    ProposalStatus,
    User,
)

__all__ = ["ratify"]


def _fingerprint(frame_name: str, code: str, geometry) -> str:
    # The frame's name is part of it: an unchanged municipality is stored again in the new
    # frame, and the fingerprint of a version is unique.
    digest = hashlib.sha256(f"{code}|oficial|convenio:{frame_name}|".encode())
    digest.update(shapely.to_wkb(shapely.normalize(geometry)))
    return digest.hexdigest()


# Overlap or gap area the re-cut may add around the two municipalities before it is refused
# (m²): far below a digitising sliver, far above the arithmetic's noise.
_NEW_OVERLAP_GAP_M2 = 0.01


def _overlap_gap_m2(frame) -> float:
    result = analyze_topology(frame, code_col="code", min_area_m2=0)
    return float(result.overlaps.area_m2.sum() + result.gaps.area_m2.sum())


def _require_clean(before, after, pair) -> None:
    """Refuse a re-cut that adds overlaps or gaps among the pair and their neighbours."""
    near = before.intersects(shapely.buffer(pair, 0.001)).to_numpy()
    added = _overlap_gap_m2(after[near]) - _overlap_gap_m2(before[near])
    if added > _NEW_OVERLAP_GAP_M2:
        raise ConflictError(
            "El recorte a lo largo de la línea dejaría traslapes o huecos con los municipios "
            "vecinos; revise la línea antes de ratificar.")


def ratify(
    session: Session,
    actor: User | None,
    proposal: LimitProposal,
    *,
    ratified_on: dt.date,
    reference: str,
    frame_name: str,
    document: Attachment | None = None,
    activate: bool = False,
    expected_version: int | None = None,
) -> Frame:
    """Record the convenio or decree of ``proposal`` and build the frame it makes.

    Parameters
    ----------
    ratified_on, reference, document
        Date and reference of the convenio or decree, and its document (an attachment of
        the proposal).
    frame_name
        The new frame's name (the caller writes the date in it, «Límites convenidos …»).
    activate
        Put the new frame in force now, recomputing responsibilities and route splits.

    Raises
    ------
    ConflictError
        The proposal is not accepted by both parties, or a frame has that name.
    """
    if proposal.status is not ProposalStatus.ACCEPTED:
        raise ConflictError(
            "Solo se ratifica una propuesta aceptada por ambas partes "
            f"(esta está «{proposal.status.label}»).")
    reference = (reference or "").strip()
    if not reference:
        raise InvalidInputError("Falta la referencia del convenio o del decreto.",
                                field="reference")
    if document is not None and document.proposal_id != proposal.id:
        raise InvalidInputError("El documento debe ser un adjunto de la propuesta.",
                                field="document")
    accepted_on = max((c.effective_on for c in status_history(session, proposal)
                       if c.effective_on is not None), default=None)
    if accepted_on is not None and ratified_on < accepted_on:
        raise InvalidInputError(
            "La fecha del convenio o decreto no puede ser anterior al último cambio de estado "
            "de la propuesta (su aceptación).", field="fecha")
    frame_name = frame_name.strip()[:200]
    if session.scalar(select(Frame).where(Frame.name == frame_name)) is not None:
        raise ConflictError(f"Ya existe un marco llamado «{frame_name}».")
    change = proposal_change(session, proposal)
    current = official_versions(session)
    before = versions_frame(current)
    recut = recut_frame(before, change)
    _require_clean(before, recut, shapely.union(change.new_a, change.new_b))
    areas = to_measure(recut.geometry).area.to_numpy()
    frame = Frame(name=frame_name, source=f"Propuesta de límite {proposal.id}: {reference}"[:500],
                  valid_from=ratified_on, illustrative=False, active=False)
    session.add(frame)
    for version, geometry, area in zip(current, recut.geometry, areas, strict=True):
        geometry = (geometry if geometry.geom_type == "MultiPolygon"
                    else shapely.MultiPolygon([geometry]))
        session.add(BoundaryVersion(
            municipality=version.municipality, kind=BoundaryKind.OFFICIAL,
            source=frame_name, legal_reference=reference[:500], valid_from=ratified_on,
            geometry=geometry, area_m2=float(area), illustrative=False,
            fingerprint=_fingerprint(frame_name, version.municipality.cvegeo, geometry),
            frame=frame))
    session.flush()
    record_change(session, actor, AuditAction.CREATE, frame, after=snapshot(frame))
    update_record(session, actor, proposal, {
        "status": ProposalStatus.RATIFIED, "status_note": reference, "status_on": ratified_on,
        "ratified_on": ratified_on, "ratification_reference": reference,
        "ratification_document": document, "frame": frame,
    }, proposal.version if expected_version is None else expected_version)
    follow_zone(session, actor, proposal, reference, ratified_on)
    if activate:
        activate_frame(session, frame, actor)
    return frame
