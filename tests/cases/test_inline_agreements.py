"""Agreements written inside their meeting's or inspection's form: one unit of work, audited."""

import datetime as dt

import pytest
from limites_testing import demo_editor
from sqlalchemy import func, select

from cases.errors import InvalidInputError, StaleRecordError
from cases.records import editing
from cases.records.audit import history
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Agreement,
    AgreementStatus,
    AuditAction,
    AuditEntry,
    Inspection,
    Institution,
    Meeting,
    MeetingKind,
    Person,
    StatusChange,
)

DAY = dt.date(2025, 8, 12)
ACTIVITIES = {
    "reunion": (Meeting, {"date": DAY, "kind": MeetingKind.WORKING, "title": "Mesa de prueba"}),
    "recorrido": (Inspection, {"started_on": DAY, "title": "Recorrido de prueba"}),
}


def _rows(session, *texts: str) -> list[editing.AgreementRow]:
    institution = session.scalars(select(Institution).order_by(Institution.id)).first()
    person = session.scalars(select(Person).order_by(Person.id)).first()
    return [editing.AgreementRow(text=text, responsible=institution, responsible_person=person,
                                 due_date=DAY + dt.timedelta(days=30))
            for text in texts]


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("kind", ACTIVITIES)
def test_an_activity_and_its_agreements_are_saved_together_and_audited(demo, kind):
    model, values = ACTIVITIES[kind]
    with unit_of_work(demo):
        activity = editing.create_record(demo, demo_editor(demo), model, values)
        rows = [*_rows(demo, "Enviar el plano", "Convocar a la comisión"),
                editing.AgreementRow()]  # the form's spare row
        saved = editing.save_agreements(demo, demo_editor(demo), activity, rows)
    assert len(saved) == 2
    with demo.begin():
        activity = demo.get(model, activity.id)
        assert sorted(a.text for a in activity.agreements) == [
            "Convocar a la comisión", "Enviar el plano"]
        for agreement in activity.agreements:
            [entry] = history(demo, agreement)
            assert entry.action is AuditAction.CREATE and entry.username == "editora"
            [change] = editing.status_history(demo, agreement)
            # The first status holds from the activity's day.
            assert (change.to_status, change.effective_on) == ("pendiente", DAY)


@pytest.mark.parametrize("kind", ACTIVITIES)
def test_a_refused_row_writes_nothing_and_names_its_row(demo, kind):
    model, values = ACTIVITIES[kind]
    before = {m: _count(demo, m) for m in (model, Agreement, AuditEntry, StatusChange)}
    rows = _rows(demo, "Enviar el plano", "")  # the second has a responsible but no text
    with pytest.raises(InvalidInputError) as caught, unit_of_work(demo):
        activity = editing.create_record(demo, demo_editor(demo), model, values)
        editing.save_agreements(demo, demo_editor(demo), activity, rows)
    assert caught.value.field == "agreements-1-text"
    assert "texto" in caught.value.message
    with demo.begin():
        assert {m: _count(demo, m) for m in before} == before


def _meeting_with_agreements(demo):
    with unit_of_work(demo):
        meeting = editing.create_record(demo, demo_editor(demo), Meeting,
                                        ACTIVITIES["reunion"][1])
        editing.save_agreements(demo, demo_editor(demo), meeting,
                                _rows(demo, "Uno", "Dos", "Tres"))
    return meeting.id


def _as_rows(meeting: Meeting, **changes) -> list[editing.AgreementRow]:
    rows = []
    for a in sorted(meeting.agreements, key=lambda a: a.id):
        row = dict(id=a.id, version=a.version, text=a.text, responsible=a.responsible,
                   responsible_person=a.responsible_person, due_date=a.due_date,
                   status=a.status)
        row.update(changes.get(a.text, {}))
        rows.append(editing.AgreementRow(**row))
    return rows


def test_rows_change_status_leave_the_untouched_alone_and_send_removed_to_the_papelera(demo):
    meeting_id = _meeting_with_agreements(demo)
    with unit_of_work(demo):
        meeting = demo.get(Meeting, meeting_id)
        versions = {a.text: a.version for a in meeting.agreements}
        rows = _as_rows(meeting, Uno={"status": AgreementStatus.DONE},
                        Dos={"remove": True})
        editing.save_agreements(demo, demo_editor(demo), meeting,
                                [*rows, *_rows(demo, "Cuatro")])
    with demo.begin():
        meeting = demo.get(Meeting, meeting_id)
        live = {a.text: a for a in meeting.agreements if not a.is_deleted}
        assert sorted(live) == ["Cuatro", "Tres", "Uno"]
        assert live["Tres"].version == versions["Tres"]  # nothing changed: not touched
        assert len(history(demo, live["Tres"])) == 1
        [_, done] = editing.status_history(demo, live["Uno"])
        assert (done.from_status, done.to_status) == ("pendiente", "cumplido")
        assert history(demo, live["Uno"])[0].action is AuditAction.STATUS


def test_a_stale_row_is_refused(demo):
    meeting_id = _meeting_with_agreements(demo)
    with pytest.raises(StaleRecordError), unit_of_work(demo):
        meeting = demo.get(Meeting, meeting_id)
        rows = _as_rows(meeting, Uno={"version": 0, "text": "Uno, corregido"})
        editing.save_agreements(demo, demo_editor(demo), meeting, rows)
    with demo.begin():
        texts = sorted(a.text for a in demo.get(Meeting, meeting_id).agreements)
        assert texts == ["Dos", "Tres", "Uno"]


def test_a_row_of_another_activity_is_refused(demo):
    meeting_id = _meeting_with_agreements(demo)
    with pytest.raises(InvalidInputError) as caught, unit_of_work(demo):
        other = editing.create_record(demo, demo_editor(demo), Meeting, {
            **ACTIVITIES["reunion"][1], "title": "Otra mesa"})
        stolen = _as_rows(demo.get(Meeting, meeting_id), Uno={"text": "Mío"})[:1]
        editing.save_agreements(demo, demo_editor(demo), other, stolen)
    assert caught.value.field == "agreements-0-text"
