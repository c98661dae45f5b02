"""«Vencido» is one rule: the Python property and the SQL condition agree, on both backends."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from cases.storage.models import Agreement, AgreementStatus, Meeting, MeetingKind

TODAY = dt.date(2026, 3, 10)
DUE_DATES = {
    "ayer": dt.date(2026, 3, 9),
    "hoy": TODAY,
    "mañana": dt.date(2026, 3, 11),
    "sin fecha": None,
}


@pytest.mark.parametrize(("status", "due", "overdue"), [
    (AgreementStatus.PENDING, "ayer", True),
    (AgreementStatus.IN_PROGRESS, "ayer", True),
    (AgreementStatus.DONE, "ayer", False),
    (AgreementStatus.CANCELLED, "ayer", False),
    (AgreementStatus.PENDING, "hoy", False),
    (AgreementStatus.IN_PROGRESS, "mañana", False),
    (AgreementStatus.PENDING, "sin fecha", False),
])
def test_an_agreement_is_overdue_when_open_and_due_before_the_day(status, due, overdue):
    agreement = Agreement(text="Entregar el plano", due_date=DUE_DATES[due], status=status)
    assert agreement.is_overdue(TODAY) is overdue
    assert agreement.is_upcoming(TODAY) is (agreement.is_open and not overdue)


def test_the_sql_rule_selects_the_agreements_the_python_rule_names(session):
    meeting = Meeting(date=dt.date(2026, 2, 1), kind=MeetingKind.WORKING,
                      title="Mesa de trabajo sobre el arroyo Seco")
    agreements = [
        Agreement(meeting=meeting, text=f"{status.value} {label}", due_date=due, status=status)
        for status, (label, due) in itertools.product(AgreementStatus, DUE_DATES.items())
    ]
    session.add_all(agreements)
    session.flush()

    def selected(condition) -> set[str]:
        return set(session.scalars(select(Agreement.text).where(condition)))

    overdue = {a.text for a in agreements if a.is_overdue(TODAY)}
    assert overdue == {"pendiente ayer", "en_proceso ayer"}
    assert selected(Agreement.is_overdue(TODAY)) == overdue
    assert selected(Agreement.is_upcoming(TODAY)) == {
        a.text for a in agreements if a.is_upcoming(TODAY)}
    assert selected(Agreement.is_open) == {a.text for a in agreements if a.is_open}
