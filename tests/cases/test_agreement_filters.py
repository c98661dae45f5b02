"""find_agreements: the Acuerdos page's query, on SQLite and PostgreSQL."""

import datetime as dt

from limites_testing import demo_editor
from sqlalchemy import select

from cases.records import editing
from cases.records.agreements import OVERDUE, AgreementFilter, find_agreements
from cases.storage.db import unit_of_work
from cases.storage.models import (
    AgreementStatus,
    DisputeZone,
    Inspection,
    Institution,
    Meeting,
    MeetingKind,
)

D = dt.date


def test_zone_responsible_window_and_overdue_as_of_a_day(demo):
    editor = demo_editor(demo)
    zone_a, zone_b = demo.scalars(select(DisputeZone).order_by(DisputeZone.id).limit(2))
    first, second = demo.scalars(select(Institution).order_by(Institution.id).limit(2))
    with unit_of_work(demo):
        meeting = editing.create_record(demo, editor, Meeting, {
            "date": D(2025, 5, 10), "kind": MeetingKind.WORKING, "title": "Mesa",
            "zones": [zone_a]})
        walk = editing.create_record(demo, editor, Inspection, {
            "started_on": D(2025, 6, 20), "title": "Recorrido", "zones": [zone_b]})
        editing.save_agreements(demo, editor, meeting, [
            editing.AgreementRow(text="plano", responsible=first, due_date=D(2025, 6, 1)),
            editing.AgreementRow(text="aviso", responsible=second, due_date=D(2025, 9, 1),
                                 status=AgreementStatus.DONE)])
        editing.save_agreements(demo, editor, walk, [
            editing.AgreementRow(text="barda", responsible=second, due_date=D(2025, 6, 25))])

    def texts(**wanted) -> list[str]:
        return [r.agreement.text for r in find_agreements(
            demo, AgreementFilter(**{"day": D(2025, 6, 30), **wanted}))]

    assert texts() == ["plano", "barda", "aviso"]
    assert texts(state=OVERDUE) == ["plano", "barda"]
    assert texts(state=OVERDUE, day=D(2025, 6, 10)) == ["plano"]  # the walk was later
    assert texts(zone_id=zone_b.id) == ["barda"]
    assert texts(responsible_id=second.id, state="cumplido") == ["aviso"]
    assert texts(due_from=D(2025, 6, 2), due_to=D(2025, 6, 30)) == ["barda"]
