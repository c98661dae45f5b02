"""Frames of official versions and the one in force.

A *frame* is a named, dated set of official versions ("Marco Geoestadístico (INEGI)", "Marco
ilustrativo de la demostración"). Exactly one is in force: analyses, route splits, who is
responsible for a finding and river kilometres are computed against it alone. Switching the
frame in force recomputes every derived figure in the caller's transaction, so the switch and
its consequences commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import PureWindowsPath

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cases.errors import InvalidInputError, NotFoundError
from cases.frames.derived import refresh_derived
from cases.records.audit import record_change
from cases.storage.models import AuditAction, BoundaryKind, BoundaryVersion, Frame, User

__all__ = [
    "INEGI_FRAME",
    "DEMO_FRAME",
    "FrameSummary",
    "frame_name_for",
    "frame_in_force",
    "get_or_create_frame",
    "activate_frame",
    "list_frames",
]

log = logging.getLogger(__name__)

# INEGI's frame is a statistical reference, not a legal limit: never call it "oficial".
INEGI_FRAME = "Marco Geoestadístico (INEGI)"
DEMO_FRAME = "Marco ilustrativo de la demostración"


@dataclass(frozen=True)
class FrameSummary:
    """A frame as listed to the user: name, source, date, size and whether it is in force."""

    id: int
    name: str
    source: str
    valid_from: dt.date | None
    illustrative: bool
    active: bool
    versions: int


def frame_name_for(source: str) -> str:
    r"""The default frame name of an official layer read from ``source``.

    A path keeps only the file's name: where the server keeps its files is nobody's business
    and would show on every page that names the frame.

    Examples
    --------
    >>> frame_name_for("../shared/data/inegi/oaxaca_municipios.geojson")
    'Marco Geoestadístico (INEGI)'
    >>> frame_name_for("limites_2026.gpkg")
    'Marco limites_2026.gpkg'
    >>> frame_name_for("/srv/limites/privado/limites_2026.gpkg")
    'Marco limites_2026.gpkg'
    >>> frame_name_for(r"C:\Users\ana\Escritorio\limites 2026.zip")
    'Marco limites 2026.zip'
    """
    if "inegi" in source.lower():
        return INEGI_FRAME
    # PureWindowsPath splits at both "/" and "\\", whatever the server's system.
    return f"Marco {PureWindowsPath(source).name or source}"[:200]


def frame_in_force(session: Session) -> Frame | None:
    """The frame in force, or ``None`` when none was chosen yet."""
    return session.scalar(select(Frame).where(Frame.active.is_(True)))


def get_or_create_frame(
    session: Session,
    name: str,
    *,
    source: str,
    valid_from: dt.date | None = None,
    illustrative: bool = False,
) -> Frame:
    """Return the frame called ``name``, creating it (not in force) when it does not exist."""
    name = name.strip()
    if not name:
        raise InvalidInputError("el marco necesita un nombre")
    frame = session.scalar(select(Frame).where(Frame.name == name))
    if frame is None:
        frame = Frame(name=name, source=source, valid_from=valid_from,
                      illustrative=illustrative, active=False)
        session.add(frame)
        session.flush()
    return frame


def activate_frame(
    session: Session, frame: Frame | str, actor: User | None = None
) -> dict[str, int]:
    """Put ``frame`` (or the frame of that name) in force and recompute every derived figure.

    Runs in the caller's transaction: the switch, its audit entry (by ``actor``; ``None`` is
    the command line) and the recomputed route splits, responsibilities and river
    kilometres are committed together by the caller.

    Returns
    -------
    dict
        How many findings and routes were recomputed (see
        :func:`~cases.frames.derived.refresh_derived`).
    """
    if isinstance(frame, str):
        found = session.scalar(select(Frame).where(Frame.name == frame))
        if found is None:
            names = ", ".join(f"«{f.name}»" for f in list_frames(session)) or "ninguno"
            raise NotFoundError(f"no existe el marco «{frame}»; marcos guardados: {names}")
        frame = found
    if not session.scalar(
        select(func.count()).select_from(BoundaryVersion).where(BoundaryVersion.frame == frame)
    ):
        raise InvalidInputError(f"el marco «{frame.name}» no tiene límites guardados")
    previous = frame_in_force(session)
    # Clear the old one first: the unique index allows a single active frame at any moment.
    session.execute(update(Frame).where(Frame.id != frame.id).values(active=False))
    session.flush()
    frame.active = True
    session.flush()
    log.info("frame in force: %s", frame.name)
    counts = refresh_derived(session)
    record_change(
        session, actor, AuditAction.STATUS, frame,
        before={"marco_vigente": previous.name if previous is not None else None},
        after={"marco_vigente": frame.name, **{f"recalculados_{k}": v for k, v in counts.items()}},
    )
    return counts


def list_frames(session: Session) -> list[FrameSummary]:
    """Every frame with how many official versions it holds, the one in force first."""
    counts = dict(
        session.execute(
            select(BoundaryVersion.frame_id, func.count())
            .where(BoundaryVersion.kind == BoundaryKind.OFFICIAL)
            .group_by(BoundaryVersion.frame_id)
        ).all()
    )
    frames = session.scalars(select(Frame).order_by(Frame.active.desc(), Frame.name)).all()
    return [
        FrameSummary(f.id, f.name, f.source, f.valid_from, f.illustrative, f.active,
                     counts.get(f.id, 0))
        for f in frames
    ]
