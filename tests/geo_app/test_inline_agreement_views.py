"""The meeting and inspection forms write their agreements inline, in one save."""

import re

import pytest
from sqlalchemy import func, select

from cases.storage.models import Agreement, AuditEntry, Inspection, Institution, Meeting, Person
from geo_app.db import get_session

FORMS = {
    "reunion": (Meeting, {"title": "Mesa con acuerdos", "date": "12/08/2025",
                          "kind": "reunion_trabajo"}),
    "recorrido": (Inspection, {"title": "Recorrido con acuerdos", "started_on": "12/08/2025"}),
}


def _catalogue(app):
    with app.app_context():
        session = get_session()
        institution = session.scalars(select(Institution).order_by(Institution.id)).first()
        person = session.scalars(select(Person).order_by(Person.id)).first()
        return institution.id, person.id


def _row(n: int, text: str, institution="", person="", due="", status="pendiente") -> dict:
    return {f"agreements-{n}-text": text, f"agreements-{n}-responsible": str(institution),
            f"agreements-{n}-responsible_person": str(person),
            f"agreements-{n}-due_date": due, f"agreements-{n}-status": status}


def _count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("kind", FORMS)
def test_the_new_form_offers_an_agreement_row_and_a_spare_to_copy(client, kind):
    page = client.get(f"/editar/{kind}/nuevo").text
    assert 'name="agreements-0-text"' in page
    assert 'name="agreements-__n__-text"' in page  # in the <template> the script copies
    assert "agreement_rows.js" in page and "+ Añadir acuerdo" in page


@pytest.mark.parametrize("kind", FORMS)
def test_an_activity_is_saved_with_its_agreements_in_one_post(app, client, kind):
    model, fields = FORMS[kind]
    institution, person = _catalogue(app)
    # Row numbers need not follow each other (the script numbers the rows it adds).
    data = {**fields, **_row(0, "Enviar el plano", institution, person, "30/09/2025"),
            **_row(3, "Convocar a la comisión", institution, "", "15/10/2025", "en_proceso"),
            **_row(4, "")}
    answer = client.post(f"/editar/{kind}/nuevo", data=data)
    assert answer.status_code == 302, answer.text
    with app.app_context():
        record = get_session().scalar(select(model).where(model.title == fields["title"]))
        agreements = sorted(record.agreements, key=lambda a: a.id)
        assert [(a.text, a.responsible_id, a.status.value) for a in agreements] == [
            ("Enviar el plano", institution, "pendiente"),
            ("Convocar a la comisión", institution, "en_proceso")]
        assert agreements[0].responsible_person_id == person
    edit = client.get(f"/editar/{kind}/{record.id}").text
    assert "Enviar el plano" in edit and 'name="agreements-2-text"' in edit  # a spare row


@pytest.mark.parametrize("kind", FORMS)
def test_a_bad_row_is_shown_on_its_row_and_nothing_is_written(app, client, kind):
    model, fields = FORMS[kind]
    institution, _ = _catalogue(app)
    before = [_count(app, m) for m in (model, Agreement, AuditEntry)]
    answer = client.post(f"/editar/{kind}/nuevo", data={
        **fields, **_row(0, "Enviar el plano"), **_row(1, "", institution),
        **_row(2, "Con fecha rota", due="31/02/2025")})
    assert answer.status_code == 422
    assert [_count(app, m) for m in (model, Agreement, AuditEntry)] == before
    rows = re.findall(r'<fieldset class="agreement-row.*?</fieldset>', answer.text, re.S)
    assert "Enviar el plano" in rows[0] and "invalid-feedback" not in rows[0]
    assert "dd/mm/aaaa" in rows[2] and "invalid-feedback" in rows[2]
    # Once the date is right, the row without text is refused on its row (by the use case).
    answer = client.post(f"/editar/{kind}/nuevo", data={
        **fields, **_row(0, "Enviar el plano"), **_row(1, "", institution)})
    assert answer.status_code == 422
    rows = re.findall(r'<fieldset class="agreement-row.*?</fieldset>', answer.text, re.S)
    assert "Falta el texto." in rows[1] and "Falta el texto." not in rows[0]
    assert [_count(app, m) for m in (model, Agreement, AuditEntry)] == before


def test_editing_changes_and_removes_agreements(app, client):
    institution, _ = _catalogue(app)
    fields = FORMS["reunion"][1]
    client.post("/editar/reunion/nuevo", data={
        **fields, **_row(0, "Uno", institution), **_row(1, "Dos", institution)})
    with app.app_context():
        meeting = get_session().scalar(select(Meeting).where(Meeting.title == fields["title"]))
        rows = sorted(meeting.agreements, key=lambda a: a.id)
        meeting_id, version = meeting.id, meeting.version
        ids = [(a.id, a.version) for a in rows]
    data = {**fields, "version": str(version),
            **_row(0, "Uno", institution, status="cumplido"), **_row(1, "Dos", institution),
            "agreements-0-id": str(ids[0][0]), "agreements-0-version": str(ids[0][1]),
            "agreements-1-id": str(ids[1][0]), "agreements-1-version": str(ids[1][1]),
            "agreements-1-remove": "y"}
    answer = client.post(f"/editar/reunion/{meeting_id}", data=data)
    assert answer.status_code == 302, answer.text
    page = client.get(f"/reuniones/{meeting_id}").text
    assert "Uno" in page and "Cumplido" in page and ">Dos<" not in page
