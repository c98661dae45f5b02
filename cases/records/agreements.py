"""Agreements as of a date: what stood pending, overdue or fulfilled on any day.

An agreement belongs to a meeting or an inspection. Each change of its status is a
:class:`~cases.storage.models.StatusChange` carrying the day it happened (``effective_on``,
default the day it was typed; the first status takes the activity's day). Its status on a
day is the latest change that happened on or before it, so the report of a quarter reads its
agreements as they stood at the quarter's end, whatever was typed afterwards, and the
Tablero reads them today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from cases.storage.models import (
    Agreement,
    AgreementStatus,
    DisputeZone,
    Inspection,
    Meeting,
    StatusChange,
)

__all__ = [
    "LOCAL_TIMEZONE",
    "local_today",
    "statuses_on",
    "AgreementAsOf",
    "agreements_as_of",
    "AgreementTally",
    "tally",
    "OVERDUE",
    "OPEN",
    "ON_TIME",
    "AgreementFilter",
    "find_agreements",
]

LOCAL_TIMEZONE = ZoneInfo("America/Mexico_City")


def local_today() -> dt.date:
    """Today in Oaxaca (the server may run in UTC: at 19:00 in Oaxaca it is already tomorrow)."""
    return dt.datetime.now(LOCAL_TIMEZONE).date()


def statuses_on(
    session: Session, agreements: Iterable[Agreement], day: dt.date
) -> dict[int, AgreementStatus | None]:
    """Each agreement's status as it stood on ``day`` (``None``: not yet made on that day).

    One query for all of them. An agreement without any recorded change (made before the
    history existed) reads its current status from its activity's day on.
    """
    rows = list(agreements)
    ids = [a.id for a in rows]
    changes = session.execute(
        select(StatusChange.record_id, StatusChange.to_status, StatusChange.effective_on,
               StatusChange.at, StatusChange.id)
        .where(StatusChange.record_type == "agreement", StatusChange.record_id.in_(ids))
    ).all() if ids else []
    history: dict[int, list] = {}
    for record_id, status, effective, at, change_id in changes:
        history.setdefault(record_id, []).append(
            (effective or at.date(), at, change_id, status))
    result: dict[int, AgreementStatus | None] = {}
    for agreement in rows:
        entries = sorted(history.get(agreement.id, []))
        if not entries:
            made = agreement.activity_date
            result[agreement.id] = agreement.status if made is None or made <= day else None
            continue
        past = [e for e in entries if e[0] <= day]
        result[agreement.id] = AgreementStatus(past[-1][3]) if past else None
    return result


@dataclass(frozen=True)
class AgreementAsOf:
    """An agreement with its status on a given day."""

    agreement: Agreement
    day: dt.date
    status: AgreementStatus | None

    @property
    def is_open(self) -> bool:
        """Still to be fulfilled on the day."""
        return self.status in Agreement.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Open on the day and due before it: «vencido»."""
        due = self.agreement.due_date
        return self.is_open and due is not None and due < self.day

    @property
    def label(self) -> str:
        """The status in words, «Vencido» when overdue on the day."""
        if self.status is None:
            return "Aún no acordado"
        return "Vencido" if self.is_overdue else self.status.label


def agreements_as_of(
    session: Session, agreements: Iterable[Agreement], day: dt.date
) -> list[AgreementAsOf]:
    """``agreements`` with their status on ``day`` (those not yet made are left out)."""
    rows = list(agreements)
    statuses = statuses_on(session, rows, day)
    return [AgreementAsOf(a, day, statuses[a.id]) for a in rows
            if statuses[a.id] is not None and not a.is_deleted]


@dataclass(frozen=True)
class AgreementTally:
    """How many agreements stood overdue, pending (on time), fulfilled and cancelled."""

    day: dt.date
    overdue: int
    pending: int
    done: int
    cancelled: int

    @property
    def total(self) -> int:
        """Every agreement made by the day."""
        return self.overdue + self.pending + self.done + self.cancelled


def tally(session: Session, day: dt.date, agreements: Iterable[Agreement] | None = None
          ) -> AgreementTally:
    """Count the agreements (default: every live one) by their status on ``day``."""
    if agreements is None:
        agreements = session.scalars(
            select(Agreement).options(selectinload(Agreement.meeting),
                                      selectinload(Agreement.inspection))
        ).all()
    rows = agreements_as_of(session, agreements, day)
    return AgreementTally(
        day=day,
        overdue=sum(r.is_overdue for r in rows),
        pending=sum(r.is_open and not r.is_overdue for r in rows),
        done=sum(r.status is AgreementStatus.DONE for r in rows),
        cancelled=sum(r.status is AgreementStatus.CANCELLED for r in rows),
    )


# The states the Acuerdos page filters by besides each status: open (pending or in
# progress, on time or not), overdue (open and due before the day) and open on time.
OPEN = "abierto"
OVERDUE = "vencido"
ON_TIME = "en_plazo"


@dataclass(frozen=True)
class AgreementFilter:
    """What the Acuerdos page asks for: a state on ``day``, who answers, where, due when.

    ``state`` is an :class:`AgreementStatus` value, :data:`OPEN`, :data:`OVERDUE`,
    :data:`ON_TIME` or ``None`` (all); ``due_from``/``due_to`` bound the due date, both
    days included.
    """

    day: dt.date
    state: str | None = None
    responsible_id: int | None = None
    zone_id: int | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None

    def keeps(self, row: AgreementAsOf) -> bool:
        """Whether ``row`` (an agreement as of :attr:`day`) is in the chosen state."""
        if self.state is None:
            return True
        if self.state == OVERDUE:
            return row.is_overdue
        if self.state == OPEN:
            return row.is_open
        if self.state == ON_TIME:
            return row.is_open and not row.is_overdue
        return row.status is not None and row.status.value == self.state


def find_agreements(session: Session, wanted: AgreementFilter) -> list[AgreementAsOf]:
    """The agreements made by ``wanted.day`` that match ``wanted``, with their status then.

    Ordered by due date (those without one last), then as recorded; the status is read
    from the dated history (:func:`statuses_on`), so «vencidos al 30/06/2025» are those open
    on that day and due before it, whatever happened afterwards.
    """
    query = select(Agreement).options(
        selectinload(Agreement.meeting), selectinload(Agreement.inspection),
        selectinload(Agreement.responsible), selectinload(Agreement.responsible_person))
    if wanted.responsible_id is not None:
        query = query.where(Agreement.responsible_id == wanted.responsible_id)
    if wanted.zone_id is not None:
        in_zone = DisputeZone.id == wanted.zone_id
        query = query.where(or_(Agreement.meeting.has(Meeting.zones.any(in_zone)),
                                Agreement.inspection.has(Inspection.zones.any(in_zone))))
    if wanted.due_from is not None:
        query = query.where(Agreement.due_date >= wanted.due_from)
    if wanted.due_to is not None:
        query = query.where(Agreement.due_date <= wanted.due_to)
    rows = [row for row in agreements_as_of(session, session.scalars(query).all(), wanted.day)
            if wanted.keeps(row)]
    return sorted(rows, key=lambda r: (r.agreement.due_date is None,
                                       r.agreement.due_date or wanted.day, r.agreement.id))
