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

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cases.storage.models import Agreement, AgreementStatus, StatusChange

__all__ = [
    "LOCAL_TIMEZONE",
    "local_today",
    "statuses_on",
    "AgreementAsOf",
    "agreements_as_of",
    "AgreementTally",
    "tally",
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
