"""Share links: a read-only view of a zone, a case or the overview map, at ``/c/<token>``.

They are for people without an account (the Comisión de Límites).

The token (``secrets.token_urlsafe(32)``, 256 bits) is returned once by :func:`create_share`
and only its SHA-256 hash is stored, so a copy of the database does not open any link.
Every use case runs in the caller's transaction and never commits.

What a link shows is its :class:`~cases.sharing.scope.Scope` (:func:`resolve_token`): the records of
its zone or case, or the layers of a map link, and internal notes and attachments only when
the link includes them.

Opening a link is a read: its access log is not written in the request. Each access goes to
an :class:`AccessLog` in memory, which the app writes in one short transaction every few
seconds (:func:`write_accesses`); the access rows are bookkeeping, not data, so writing them
does not change the data version (:mod:`cases.storage.models`) nor any cached map. The last
use of an API key or a calendar feed travels the same way (:class:`LastUses`).
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import secrets
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from cases.errors import InvalidInputError, NotFoundError, ShareGoneError
from cases.records.audit import record_change, snapshot
from cases.sharing.scope import Scope, ScopeKind, scoped
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Agreement,
    AuditAction,
    Case,
    DisputeZone,
    Finding,
    Inspection,
    Meeting,
    ShareAccess,
    ShareLink,
    User,
    utcnow,
)

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "MAP_LAYERS",
    "NewShare",
    "ResolvedShare",
    "create_share",
    "list_shares",
    "revoke_share",
    "resolve_token",
    "record_access",
    "Access",
    "AccessLog",
    "write_accesses",
    "LastUses",
    "write_last_uses",
    "AccessWriter",
    "FLUSH_SECONDS",
    "shared_records",
    "hash_token",
    "share_title",
    "link_state",
]

DEFAULT_DAYS = 30
MAX_DAYS = 366
# The overview layers a map share may show (what the OGC API and the exports serve).
MAP_LAYERS = {
    "limites": "Límites",
    "zonas": "Zonas en disputa",
    "recorridos": "Recorridos",
    "hallazgos": "Hallazgos",
    "sedes": "Sedes y sitios",
}
MAP_KIND = "mapa"


@dataclass(frozen=True)
class NewShare:
    """A link just made: the record and the token (shown once, never stored)."""

    link: ShareLink
    token: str


@dataclass(frozen=True)
class ResolvedShare:
    """A valid link and the scope it opens."""

    link: ShareLink
    scope: Scope


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored in place of ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _find(session: Session, model, column, value):
    if isinstance(value, int):
        return session.scalar(select(model).where(model.id == value))
    return session.scalar(select(model).where(column == value))


def create_share(
    session: Session,
    actor: User | None,
    *,
    zone: str | int | None = None,
    case: str | int | None = None,
    layers: list[str] | None = None,
    days: int = DEFAULT_DAYS,
    note: str = "",
    include_attachments: bool = False,
    include_notes: bool = False,
) -> NewShare:
    """Make a link to a zone (name or id), a case (number or id) or the map (``layers``)."""
    chosen = [v for v in (zone, case, layers) if v is not None]
    if len(chosen) != 1:
        raise InvalidInputError("Indique una zona, un expediente o el mapa, solo uno.")
    if not 1 <= int(days) <= MAX_DAYS:
        raise InvalidInputError(f"La vigencia debe ser de 1 a {MAX_DAYS} días.")
    note = (note or "").strip()
    if len(note) > 300:
        raise InvalidInputError("La nota admite hasta 300 caracteres.")
    link = ShareLink(
        note=note, include_attachments=bool(include_attachments),
        include_notes=bool(include_notes),
        created_by_id=actor.id if actor is not None else None,
        created_by_name=actor.username if actor is not None else "línea de comandos",
    )
    if zone is not None:
        found = _find(session, DisputeZone, DisputeZone.name, zone)
        if found is None:
            raise NotFoundError(f"No existe la zona «{zone}».")
        link.scope_kind, link.zone_id = ScopeKind.ZONE.value, found.id
    elif case is not None:
        found = _find(session, Case, Case.number, case)
        if found is None:
            raise NotFoundError(f"No existe el expediente «{case}».")
        link.scope_kind, link.case_id = ScopeKind.CASE.value, found.id
    else:
        unknown = [name for name in layers if name not in MAP_LAYERS]
        if unknown or not layers:
            raise InvalidInputError("Elija al menos una capa del mapa: "
                                    + ", ".join(MAP_LAYERS) + ".")
        link.scope_kind, link.layers = MAP_KIND, list(dict.fromkeys(layers))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    link.token_hash = hash_token(token)
    link.created_at = now
    link.expires_at = now + dt.timedelta(days=int(days))
    session.add(link)
    record_change(session, actor, AuditAction.CREATE, link, after=_public(link))
    return NewShare(link, token)


def _public(link: ShareLink) -> dict:
    data = snapshot(link)
    data.pop("token_hash", None)
    return data


def list_shares(session: Session) -> list[ShareLink]:
    """Every link, newest first."""
    return list(session.scalars(select(ShareLink).order_by(ShareLink.created_at.desc(),
                                                           ShareLink.id.desc())))


def revoke_share(session: Session, actor: User | None, link_id: int) -> ShareLink:
    """Revoke the link ``link_id`` (already revoked: unchanged), audited."""
    link = session.get(ShareLink, link_id)
    if link is None:
        raise NotFoundError(f"No existe el enlace compartido número {link_id}.")
    if link.revoked_at is None:
        before = _public(link)
        link.revoked_at = utcnow()
        record_change(session, actor, AuditAction.UPDATE, link, before=before,
                      after=_public(link))
    return link


def share_title(link: ShareLink) -> str:
    """What the link shares, in Spanish."""
    if link.scope_kind == ScopeKind.ZONE.value:
        return f"Zona {link.zone.name}" if link.zone else "Zona (eliminada)"
    if link.scope_kind == ScopeKind.CASE.value:
        return (f"Expediente {link.case.number} — {link.case.title}" if link.case
                else "Expediente (eliminado)")
    names = ", ".join(MAP_LAYERS.get(name, name) for name in link.layers or [])
    return f"Mapa general ({names})"


def link_state(link: ShareLink, now: dt.datetime | None = None) -> str:
    """``vigente``, ``revocado`` or ``vencido``."""
    now = now or utcnow()
    if link.revoked_at is not None:
        return "revocado"
    if link.expires_at <= now:
        return "vencido"
    return "vigente"


def resolve_token(session: Session, token: str) -> ResolvedShare:
    """The link of ``token`` and its scope.

    Unknown token: :class:`NotFoundError` (404); revoked, expired, or its record sent to the
    Papelera: :class:`ShareGoneError` (410).
    """
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    if link is None:
        raise NotFoundError("Este enlace no existe. Revise que la dirección esté completa.")
    if link.revoked_at is not None:
        raise ShareGoneError("Este enlace fue revocado por quien lo compartió y ya no "
                             "da acceso. Pida un enlace nuevo si todavía lo necesita.")
    if link.expires_at <= utcnow():
        raise ShareGoneError("Este enlace venció y ya no da acceso. Pida un enlace nuevo "
                             "a quien se lo compartió.")
    columns = {"notes": bool(link.include_notes), "attachments": bool(link.include_attachments)}
    if link.scope_kind == ScopeKind.ZONE.value:
        zone = session.scalar(select(DisputeZone).where(DisputeZone.id == link.zone_id))
        if zone is None:
            raise ShareGoneError("La zona compartida ya no está disponible.")
        scope = Scope(ScopeKind.ZONE, zone.id, f"Zona {zone.name}", **columns)
    elif link.scope_kind == ScopeKind.CASE.value:
        case = session.scalar(select(Case).where(Case.id == link.case_id))
        if case is None:
            raise ShareGoneError("El expediente compartido ya no está disponible.")
        scope = Scope(ScopeKind.CASE, case.id, f"Expediente {case.number} — {case.title}",
                      **columns)
    else:
        scope = Scope(ScopeKind.ALL, None, "Mapa general",
                      layers=frozenset(link.layers or ()), **columns)
    return ResolvedShare(link, scope)


def record_access(session: Session, link: ShareLink, ip: str, what: str) -> ShareAccess:
    """Add a line to the link's access log now (the app buffers them: :class:`AccessLog`)."""
    row = ShareAccess(link_id=link.id, at=utcnow(), ip=(ip or "")[:64], what=what[:300])
    session.add(row)
    return row


@dataclass(frozen=True)
class Access:
    """One use of a link, waiting to be written to its access log."""

    link_id: int
    at: dt.datetime
    ip: str
    what: str


class AccessLog:
    """Accesses kept in memory until :meth:`drain` (thread-safe, bounded).

    When more than ``max_pending`` wait (the database unreachable for long), the oldest are
    dropped and counted in :attr:`dropped`.

    Examples
    --------
    >>> log = AccessLog(max_pending=2)
    >>> for what in ("página", "descarga csv", "OGC API /"):
    ...     log.add(1, "10.0.0.1", what)
    >>> [a.what for a in log.drain()], log.dropped, len(log)
    (['descarga csv', 'OGC API /'], 1, 0)
    """

    def __init__(self, max_pending: int = 10_000) -> None:
        self.max_pending = max_pending
        self.dropped = 0
        self._pending: list[Access] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, link_id: int, ip: str, what: str, at: dt.datetime | None = None) -> None:
        """Keep one access of link ``link_id``."""
        access = Access(link_id, at or utcnow(), (ip or "")[:64], what[:300])
        with self._lock:
            self._pending.append(access)
            self._trim()

    def requeue(self, accesses: Iterable[Access]) -> None:
        """Keep ``accesses`` again, before the newer ones (their write failed)."""
        with self._lock:
            self._pending[:0] = accesses
            self._trim()

    def _trim(self) -> None:
        excess = len(self._pending) - self.max_pending
        if excess > 0:
            del self._pending[:excess]
            self.dropped += excess

    def drain(self) -> list[Access]:
        """Every access kept, oldest first; the log is left empty."""
        with self._lock:
            pending, self._pending = self._pending, []
        return pending


def write_accesses(session: Session, accesses: Iterable[Access]) -> int:
    """Add ``accesses`` to their links' logs in one statement; return how many.

    Accesses of links deleted meanwhile are left out.
    """
    accesses = list(accesses)
    if not accesses:
        return 0
    existing = set(session.scalars(
        select(ShareLink.id).where(ShareLink.id.in_({a.link_id for a in accesses}))
    ))
    rows = [{"link_id": a.link_id, "at": a.at, "ip": a.ip, "what": a.what}
            for a in accesses if a.link_id in existing]
    if rows:
        session.execute(insert(ShareAccess), rows)
    return len(rows)


def shared_records(session: Session, scope: Scope) -> dict[str, list]:
    """The meetings, agreements, inspections and findings a zone's or case's link lists.

    A map link shares its layers only (:attr:`Scope.lists_records` is false): nothing.
    """
    if not scope.lists_records:
        return {}
    return {
        "meetings": session.scalars(scoped(scope, Meeting).order_by(Meeting.date)).all(),
        "agreements": session.scalars(scoped(scope, Agreement)).all(),
        "inspections": session.scalars(
            scoped(scope, Inspection).order_by(Inspection.started_on)).all(),
        "findings": session.scalars(scoped(scope, Finding)).all(),
    }


class LastUses:
    """The latest use of each API key or calendar feed, kept until :meth:`drain` (thread-safe).

    A row is named by its model (a class with ``id`` and ``last_used_at``) and id; of several
    uses only the latest is kept.

    Examples
    --------
    >>> uses, day = LastUses(), dt.datetime(2026, 12, 4, 9, 0)
    >>> class Key: ...
    >>> uses.touch(Key, 3, day)
    >>> uses.touch(Key, 3, day - dt.timedelta(minutes=1))  # older: the later one stays
    >>> uses.drain() == {(Key, 3): day}, len(uses)
    (True, 0)
    """

    def __init__(self) -> None:
        self._latest: dict[tuple[type, int], dt.datetime] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._latest)

    def touch(self, model: type, ident: int, at: dt.datetime | None = None) -> None:
        """Keep a use of row ``ident`` of ``model`` at ``at`` (default: now)."""
        at = at or utcnow()
        with self._lock:
            kept = self._latest.get((model, ident))
            if kept is None or kept < at:
                self._latest[(model, ident)] = at

    def requeue(self, uses: dict[tuple[type, int], dt.datetime]) -> None:
        """Keep ``uses`` again (their write failed); newer uses kept meanwhile win."""
        for (model, ident), at in uses.items():
            self.touch(model, ident, at)

    def drain(self) -> dict[tuple[type, int], dt.datetime]:
        """Every use kept, as ``(model, id) → time``; nothing is left."""
        with self._lock:
            latest, self._latest = self._latest, {}
        return latest


def write_last_uses(session: Session, uses: dict[tuple[type, int], dt.datetime]) -> int:
    """Write ``uses`` (:meth:`LastUses.drain`) as each row's ``last_used_at``; return how many.

    One statement per model; a row already used later (another process) or deleted is left.
    """
    by_model: dict[type, list[dict]] = {}
    for (model, ident), at in uses.items():
        by_model.setdefault(model, []).append({"row_id": ident, "used_at": at})
    for model, rows in by_model.items():
        table = model.__table__
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("row_id"),
                   or_(table.c.last_used_at.is_(None),
                       table.c.last_used_at < bindparam("used_at")))
            .values(last_used_at=bindparam("used_at")),
            rows,
        )
    return len(uses)


# Seconds an access waits in memory before it is written with the others.
FLUSH_SECONDS = 5.0
logger = logging.getLogger(__name__)


class AccessWriter:
    """Writes what reads leave behind off the request path: link accesses and last uses.

    Share links' accesses (an :class:`AccessLog`) and API keys' and calendar feeds' last
    uses (:class:`LastUses`). The first one kept starts a timer; when it fires, everything
    waiting is written in one transaction (a failed write keeps it for the next time), and
    at exit. Each process of the server has its own writer; they insert access rows and
    only move a ``last_used_at`` forward.
    """

    def __init__(self, sessions: Callable[[], Session], interval: float = FLUSH_SECONDS):
        self.sessions = sessions
        self.interval = interval
        self.log = AccessLog()
        self.uses = LastUses()
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        _WRITERS.add(self)  # written at exit, whatever is still waiting

    def add(self, link_id: int, ip: str, what: str) -> None:
        """Keep one access; it is written within ``interval`` seconds."""
        self.log.add(link_id, ip, what)
        self._arm()

    def touch(self, model: type, ident: int, at: dt.datetime | None = None) -> None:
        """Keep one use of a key or feed (:meth:`LastUses.touch`), written with the accesses."""
        self.uses.touch(model, ident, at)
        self._arm()

    def _arm(self) -> None:
        with self._lock:
            if self._timer is None:
                self._timer = threading.Timer(self.interval, self._flush_due)
                self._timer.daemon = True
                self._timer.start()

    def _flush_due(self) -> None:
        with self._lock:
            self._timer = None
        self.flush()

    def flush(self) -> int:
        """Write everything waiting now; return how many link accesses were written."""
        accesses, uses = self.log.drain(), self.uses.drain()
        if not accesses and not uses:
            return 0
        try:
            with self.sessions() as session, unit_of_work(session):
                write_last_uses(session, uses)
                return write_accesses(session, accesses)
        except SQLAlchemyError:
            logger.exception("No se pudo escribir el registro de accesos de los enlaces "
                             "compartidos ni el último uso de las claves; se reintentará.")
            self.log.requeue(accesses)
            self.uses.requeue(uses)
            return 0

    def discard(self) -> None:
        """Stop the timer and forget what waits: the database is being closed or replaced."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        self.log.drain()
        self.uses.drain()


_WRITERS: weakref.WeakSet[AccessWriter] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for writer in list(_WRITERS):
        writer.flush()
