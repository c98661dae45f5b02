"""«+ Nueva persona / institución» from a picker: the dialog's endpoint, without a browser."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cases.storage.models import AuditAction, AuditEntry, Institution, Person
from geo_app.db import get_session


def _audit(app, record_type: str, record_id: int) -> AuditEntry:
    with app.app_context():
        return get_session().scalar(select(AuditEntry).where(
            AuditEntry.record_type == record_type, AuditEntry.record_id == record_id))


def test_the_dialog_comes_with_the_name_typed_in_the_picker(client):
    answer = client.get("/editar/rapido/persona?nombre=Rosa Núñez")
    assert answer.status_code == 200
    assert 'value="Rosa Núñez"' in answer.text
    assert 'name="csrf_token"' in answer.text and "Cargo" in answer.text
    assert "<html" not in answer.text  # a fragment for the dialog, not a page


def test_a_new_person_is_created_audited_and_answered_for_the_picker(app, client):
    answer = client.post("/editar/rapido/persona", data={
        "name": "Rosa Núñez", "position": "Regidora de Agencias", "institution": ""})
    assert answer.status_code == 200, answer.text
    created = answer.get_json()
    assert created["label"] == "Rosa Núñez, Regidora de Agencias"
    with app.app_context():
        person = get_session().get(Person, created["id"])
        assert (person.name, person.position, person.institution) == (
            "Rosa Núñez", "Regidora de Agencias", None)
    entry = _audit(app, "person", created["id"])
    assert entry.action is AuditAction.CREATE and entry.username == "editora"


def test_a_new_institution_takes_the_same_fields_as_its_full_form(app, client):
    answer = client.post("/editar/rapido/institucion", data={
        "name": "Instituto Estatal de Prueba", "short_name": "IEP", "kind": "estatal",
        "municipality": ""})
    assert answer.status_code == 200, answer.text
    created = answer.get_json()
    assert created["label"] == "Instituto Estatal de Prueba"
    with app.app_context():
        assert get_session().get(Institution, created["id"]).short_name == "IEP"
    assert _audit(app, "institution", created["id"]).username == "editora"


def test_missing_fields_answer_the_dialog_again_with_spanish_messages(app, client):
    with app.app_context():
        before = len(get_session().scalars(select(Person)).all())
    answer = client.post("/editar/rapido/persona", data={"name": "Sin cargo", "position": ""})
    assert answer.status_code == 422
    assert "Escriba el cargo." in answer.text and 'value="Sin cargo"' in answer.text
    with app.app_context():
        assert len(get_session().scalars(select(Person)).all()) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_reader_cannot_create(reader_client, method):
    answer = getattr(reader_client, method)("/editar/rapido/persona",
                                           data={"position": "Forjada"})
    assert answer.status_code == 403


def test_without_the_csrf_token_nothing_is_created(app, client):
    answer = client.post("/editar/rapido/persona", data={"position": "Sin token"}, csrf=False)
    assert answer.status_code == 400
    with app.app_context():
        assert get_session().scalar(select(Person).where(Person.position == "Sin token")) is None


def test_only_people_and_institutions_are_created_from_a_picker(client):
    assert client.get("/editar/rapido/zona").status_code == 404
    assert client.post("/editar/rapido/reunion", data={"title": "x"}).status_code == 404


def test_meeting_form_offers_quick_create_in_people_and_institution_pickers(client):
    form = client.get("/editar/reunion/nuevo").text
    assert 'data-quick-create="persona"' in form and 'data-quick-create="institucion"' in form
    assert "/editar/rapido/persona" in form
    assert "tom-select.complete.min.js" in form


def test_reader_forms_offer_no_quick_create(reader_client):
    assert "data-quick-create" not in reader_client.get("/editar/reunion/nuevo").text


def test_a_repeated_institution_is_refused_in_the_dialog(client):
    data = {"name": "Instituto Repetido", "short_name": "IR", "kind": "otra", "municipality": ""}
    assert client.post("/editar/rapido/institucion", data=data).status_code == 200
    again = client.post("/editar/rapido/institucion", data=data)
    assert again.status_code == 422 and "Ya existe" in again.text
