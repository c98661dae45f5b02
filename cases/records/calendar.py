"""What a personal calendar shows: meetings and the days agreements fall due.

The feed itself (iCalendar, with links to the pages) is written by ``geo_app``; this module
chooses the records of a window of days around today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cases.storage.models import Agreement, Meeting

__all__ = ["PAST_DAYS", "FUTURE_DAYS", "CalendarEntries", "calendar_entries"]

# A calendar program keeps what it has read: a year back is enough history, and agreements
# are rarely due more than two years ahead.
PAST_DAYS = 366
FUTURE_DAYS = 2 * 366


@dataclass(frozen=True)
class CalendarEntries:
    """The meetings and the agreements due between ``start`` and ``end`` (inclusive)."""

    start: dt.date
    end: dt.date
    meetings: list[Meeting]
    agreements: list[Agreement]


def calendar_entries(session: Session, today: dt.date) -> CalendarEntries:
    """Meetings held and agreements due from :data:`PAST_DAYS` before ``today`` on.

    Records in the Papelera are left out (as in every ORM query).
    """
    start = today - dt.timedelta(days=PAST_DAYS)
    end = today + dt.timedelta(days=FUTURE_DAYS)
    meetings = session.scalars(
        select(Meeting).where(Meeting.date.between(start, end))
        .order_by(Meeting.date, Meeting.start_time, Meeting.id)
    ).all()
    agreements = session.scalars(
        select(Agreement)
        .options(selectinload(Agreement.meeting), selectinload(Agreement.inspection),
                 selectinload(Agreement.responsible))
        .where(Agreement.due_date.between(start, end))
        .order_by(Agreement.due_date, Agreement.id)
    ).all()
    # An agreement whose activity is in the Papelera went there with it; one left behind
    # by a partial restore is not shown without its page.
    agreements = [a for a in agreements if a.activity is not None]
    return CalendarEntries(start, end, list(meetings), agreements)
