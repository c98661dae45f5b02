"""«Duplicar» a meeting or an inspection: a new form with its people, zones and indicator."""

import re

import pytest
from sqlalchemy import select

from cases.storage.models import (
    DisputeZone,
    Indicator,
    Inspection,
    InspectionParticipant,
    Institution,
    Meeting,
    MeetingParticipant,
    ParticipantRole,
    Person,
)
from geo_app.db import get_session

PAGES = {"reunion": (Meeting, "/reuniones"), "recorrido": (Inspection, "/recorridos")}


def _source(app, model):
    """A record with people in both roles, zones, institutions and an indicator to copy."""
    with app.app_context():
        session = get_session()
        record = max(session.scalars(select(model)).all(),
                     key=lambda r: (len(r.zones) > 0, len(r.people), r.id))
        if not record.people:
            row = MeetingParticipant if model is Meeting else InspectionParticipant
            first, second = session.scalars(select(Person).order_by(Person.id).limit(2))
            record.people = [row(person=first, role=ParticipantRole.PRESIDED),
                             row(person=second, role=ParticipantRole.PARTICIPATED)]
        if not record.institutions:
            record.institutions = list(session.scalars(
                select(Institution).order_by(Institution.id).limit(3)))
        if not record.zones:
            record.zones = list(session.scalars(select(DisputeZone).order_by(DisputeZone.id)
                                                .limit(1)))
        if record.indicator is None:
            record.indicator = session.scalars(select(Indicator)).first()
        session.commit()
        return {
            "id": record.id, "title": record.title, "place": record.place,
            "people": {(p.person_id, p.role.value) for p in record.people},
            "zones": {z.id for z in record.zones}, "cases": {c.id for c in record.cases},
            "institutions": {i.id for i in record.institutions},
            "indicator": record.indicator_id,
        }


def _chosen(page: str, field: str) -> set[int]:
    select_ = re.search(rf'<select[^>]*name="{field}".*?</select>', page, re.S).group(0)
    return {int(v) for v in re.findall(r'<option selected value="(\d+)"', select_)}


@pytest.mark.parametrize("kind", PAGES)
def test_the_record_page_offers_duplicar(app, client, kind):
    model, prefix = PAGES[kind]
    source = _source(app, model)
    page = client.get(f"{prefix}/{source['id']}").text
    assert f'href="/editar/{kind}/{source["id"]}/duplicar"' in page


@pytest.mark.parametrize("kind", PAGES)
def test_duplicar_copies_participants_zones_and_indicator_not_the_date(app, client, kind):
    model, _ = PAGES[kind]
    source = _source(app, model)
    assert source["people"] and source["zones"] and source["institutions"]
    page = client.get(f"/editar/{kind}/{source['id']}/duplicar")
    assert page.status_code == 200
    html = page.text
    assert f'action="/editar/{kind}/nuevo"' in html  # a new record, not an edit
    assert "los acuerdos no se copian" in html
    presided = {pid for pid, role in source["people"] if role == "presidio"}
    assert _chosen(html, "presided") | _chosen(html, "attendees") == {
        pid for pid, _ in source["people"]}
    assert _chosen(html, "presided") == presided
    assert _chosen(html, "zones") == source["zones"]
    assert _chosen(html, "cases") == source["cases"]
    assert _chosen(html, "institutions") == source["institutions"]
    if source["indicator"]:
        assert _chosen(html, "indicator") == {source["indicator"]}
    date_field = "date" if kind == "reunion" else "started_on"
    assert re.search(rf'name="{date_field}"[^>]*value=""', html) or not re.search(
        rf'name="{date_field}"[^>]*value=', html)
    assert 'name="agreements-0-text"' in html and 'name="agreements-1-text"' not in html


def test_a_duplicated_meeting_is_saved_as_a_new_one(app, client):
    source = _source(app, Meeting)
    html = client.get(f"/editar/reunion/{source['id']}/duplicar").text
    answer = client.post("/editar/reunion/nuevo", data={
        "title": source["title"], "date": "19/08/2025", "kind": "mesa_seguridad",
        "presided": [str(p) for p in _chosen(html, "presided")],
        "attendees": [str(p) for p in _chosen(html, "attendees")],
        "zones": [str(z) for z in _chosen(html, "zones")],
        "institutions": [str(i) for i in _chosen(html, "institutions")],
    })
    assert answer.status_code == 302, answer.text
    with app.app_context():
        copies = get_session().scalars(select(Meeting).where(
            Meeting.title == source["title"])).all()
        assert len(copies) == 2
        new = max(copies, key=lambda m: m.id)
        assert {z.id for z in new.zones} == source["zones"]
        assert {p.person_id for p in new.people} == {pid for pid, _ in source["people"]}
        assert new.agreements == []


@pytest.mark.parametrize("path", ["/editar/zona/1/duplicar", "/editar/reunion/999999/duplicar"])
def test_only_meetings_and_inspections_are_duplicated(client, path):
    assert client.get(path).status_code == 404
