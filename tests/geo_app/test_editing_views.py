import html
import json
import re

import pytest
from sqlalchemy import select

from boundaries.formats import ROUTE_FILES, SHAPE_FILES, ZONE_FILES
from cases.storage.models import AuditEntry, DisputeZone, Meeting, StatusChange
from geo_app.db import get_session


def _zone(app, name="Colonia Ejidal"):
    with app.app_context():
        zone = get_session().scalar(select(DisputeZone).where(DisputeZone.name == name))
        return zone.id, zone.version


def test_editor_creates_a_meeting_linked_to_a_zone(app, client):
    zone_id, _ = _zone(app)
    page = client.get(f"/zonas/{zone_id}")
    assert "Nueva reunión" in page.text
    form = client.get(f"/editar/reunion/nuevo?zones={zone_id}")
    assert form.status_code == 200 and 'placeholder="dd/mm/aaaa"' in form.text
    assert "data-picker" in form.text
    answer = client.post("/editar/reunion/nuevo", data={
        "title": "Mesa técnica de prueba", "date": "02/05/2025",
        "kind": "reunion_trabajo",
        "zones": [str(zone_id)],
    })
    assert answer.status_code == 302, answer.text
    assert "Mesa técnica de prueba" in client.get(f"/zonas/{zone_id}").text
    with app.app_context():
        meeting = get_session().scalar(select(Meeting).where(
            Meeting.title == "Mesa técnica de prueba"))
        assert meeting.date.isoformat() == "2025-05-02"
        assert [z.id for z in meeting.zones] == [zone_id]
        assert get_session().scalar(select(AuditEntry).where(
            AuditEntry.record_type == "meeting", AuditEntry.record_id == meeting.id))


def test_bad_input_shows_field_messages_in_spanish(client):
    answer = client.post("/editar/reunion/nuevo", data={"title": "", "date": "31/02/2025"})
    assert answer.status_code == 422
    assert "Escriba el título." in answer.text
    assert "dd/mm/aaaa" in answer.text and "invalid-feedback" in answer.text


def test_zone_status_change_and_stale_form(app, client):
    zone_id, version = _zone(app)
    form = client.get(f"/editar/zona/{zone_id}").text
    assert f'value="{version}"' in form
    data = {"name": "Colonia Ejidal", "kind": "colonia", "status": "en_comision",
            "status_note": "Turnada", "description": "nueva", "version": str(version)}
    answer = client.post(f"/editar/zona/{zone_id}", data=data)
    assert answer.status_code == 302, answer.text
    stale = client.post(f"/editar/zona/{zone_id}", data={**data, "description": "otra"})
    assert stale.status_code == 409
    assert "Otra persona modificó" in stale.text and "otra" in stale.text
    with app.app_context():
        [change] = get_session().scalars(select(StatusChange)).all()
        assert change.to_status == "en_comision" and change.note == "Turnada"


def test_soft_delete_from_the_form(app, client):
    zone_id, version = _zone(app)
    answer = client.post(f"/editar/zona/{zone_id}/papelera", data={"version": str(version)})
    assert answer.status_code == 302
    assert client.get(f"/zonas/{zone_id}").status_code == 404


def test_reader_sees_no_controls_and_gets_403(app, reader_client):
    zone_id, version = _zone(app)
    assert 'data-testid="edit-controls"' not in reader_client.get(f"/zonas/{zone_id}").text
    answer = reader_client.post("/editar/reunion/nuevo", data={"title": "x"})
    assert answer.status_code == 403
    answer = reader_client.post(f"/editar/zona/{zone_id}/papelera",
                                data={"version": str(version)})
    assert answer.status_code == 403


def test_every_form_renders(app, client):
    for kind in ("reunion", "zona", "expediente", "acuerdo", "sitio", "institucion", "persona"):
        assert client.get(f"/editar/{kind}/nuevo").status_code == 200, kind
    assert client.get("/editar/nada/nuevo").status_code == 404


def test_status_timeline_on_zone_page(app, client):
    zone_id, version = _zone(app)
    page = client.get(f"/zonas/{zone_id}").text
    assert 'data-testid="status-timeline"' not in page
    answer = client.post(f"/editar/zona/{zone_id}", data={
        "name": "Colonia Ejidal", "kind": "colonia", "status": "en_comision",
        "status_note": "Turnada a la Comisión", "version": str(version)})
    assert answer.status_code == 302, answer.text
    page = client.get(f"/zonas/{zone_id}").text
    assert 'data-testid="status-timeline"' in page
    assert "En la Comisión de Límites" in page and "Turnada a la Comisión" in page


def test_agreement_status_timeline_on_meeting_page(app, client):
    with app.app_context():
        meeting = get_session().scalar(select(Meeting).order_by(Meeting.id))
        meeting_id = meeting.id
    answer = client.post("/editar/acuerdo/nuevo", data={
        "meeting": str(meeting_id), "text": "Levantar acta", "status": "pendiente",
        "due_date": "30/06/2025"})
    assert answer.status_code == 302, answer.text
    page = client.get(f"/reuniones/{meeting_id}").text
    assert "Levantar acta" in page and 'data-testid="status-timeline"' in page


def test_geometry_preview_repairs_a_bowtie_and_refuses_a_line(client):
    bowtie = {"type": "Polygon", "coordinates": [[[-96.7, 17.0], [-96.6, 17.1], [-96.6, 17.0],
                                                  [-96.7, 17.1], [-96.7, 17.0]]]}
    import json
    answer = client.post("/editar/geometria/zona/vista-previa",
                         data={"geometry": json.dumps(bowtie)})
    assert answer.status_code == 200
    assert answer.json["geometry"]["type"] == "MultiPolygon"
    assert "se reparó" in answer.json["notes"][0]
    line = {"type": "LineString", "coordinates": [[-96.7, 17.0], [-96.6, 17.1]]}
    answer = client.post("/editar/geometria/zona/vista-previa", data={"geometry": json.dumps(line)})
    assert answer.status_code == 422 and "polígono" in answer.json["error"]


def test_geometry_preview_reads_an_uploaded_geojson(client):
    import io
    import json
    data = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {}, "geometry": {"type": "Point", "coordinates": [-96.72, 17.06]}}]})
    answer = client.post("/editar/geometria/sitio/vista-previa", data={
        "archivo": (io.BytesIO(data.encode()), "punto.geojson")},
        content_type="multipart/form-data")
    assert answer.status_code == 200, answer.text
    assert answer.json["geometry"]["type"] == "Point"
    answer = client.post("/editar/geometria/sitio/vista-previa", data={
        "archivo": (io.BytesIO(b"hola"), "nota.txt")}, content_type="multipart/form-data")
    assert answer.status_code == 422 and "GeoJSON" in answer.json["error"]


def test_new_zone_with_a_drawn_polygon_and_a_site(app, client):
    import json
    square = {"type": "MultiPolygon", "coordinates": [[[[-96.70, 17.00], [-96.69, 17.00],
                                                        [-96.69, 17.01], [-96.70, 17.00]]]]}
    answer = client.post("/editar/zona/nuevo", data={
        "name": "Paraje de prueba", "kind": "paraje", "status": "identificada",
        "geometry": json.dumps(square)})
    assert answer.status_code == 302, answer.text
    missing = client.post("/editar/zona/nuevo", data={
        "name": "Sin polígono", "kind": "paraje", "status": "identificada"})
    assert missing.status_code == 422 and "Falta el polígono" in missing.text
    answer = client.post("/editar/sitio/nuevo", data={
        "name": "Puente de prueba", "lon": "-96.71", "lat": "17.05"})
    assert answer.status_code == 302, answer.text
    outside = client.post("/editar/sitio/nuevo", data={
        "name": "Lejos", "lon": "2.35", "lat": "48.85"})
    assert outside.status_code == 422 and "México" in outside.text
    form = client.get("/editar/zona/nuevo").text
    assert "leaflet.draw.js" in form and 'id="geometry-map"' in form


def test_catalogues_of_sites_institutions_and_people(client, reader_client):
    for kind in ("sitio", "institucion", "persona"):
        page = client.get(f"/editar/{kind}/")
        assert page.status_code == 200 and "Editar" in page.text, kind
        assert "Editar" not in reader_client.get(f"/editar/{kind}/").text
    assert client.get("/editar/reunion/").status_code == 404


def test_meeting_people_with_roles(app, client):
    from cases.storage.models import ParticipantRole, Person
    with app.app_context():
        session = get_session()
        ids = [p.id for p in session.scalars(select(Person).order_by(Person.id)).all()[:2]]
    assert len(ids) == 2
    answer = client.post("/editar/reunion/nuevo", data={
        "title": "Reunión con personas", "date": "03/06/2025", "kind": "reunion_trabajo",
        "presided": [str(ids[0])], "attendees": [str(ids[0]), str(ids[1])]})
    assert answer.status_code == 302, answer.text
    with app.app_context():
        meeting = get_session().scalar(select(Meeting).where(
            Meeting.title == "Reunión con personas"))
        roles = {p.person_id: p.role for p in meeting.people}
        meeting_id, version = meeting.id, meeting.version
    assert roles == {ids[0]: ParticipantRole.PRESIDED, ids[1]: ParticipantRole.PARTICIPATED}
    form = client.get(f"/editar/reunion/{meeting_id}").text
    answer = client.post(f"/editar/reunion/{meeting_id}", data={
        "title": "Reunión con personas", "date": "03/06/2025", "kind": "reunion_trabajo",
        "attendees": [str(ids[0])], "version": str(version)})
    assert answer.status_code == 302, answer.text
    with app.app_context():
        meeting = get_session().get(Meeting, meeting_id)
        assert {p.person_id: p.role for p in meeting.people} == {
            ids[0]: ParticipantRole.PARTICIPATED}
    assert "Personas que presidieron" in form


def test_form_maps_show_the_limits_around_the_municipality(client):
    """Without a base map (offline), the limits in force say where one is drawing."""
    page = client.get("/editar/recorrido/nuevo").text
    limits = json.loads(html.unescape(re.search(r'data-limits="([^"]*)"', page).group(1)))
    names = {f["properties"]["name"] for f in limits["features"]}
    assert "Oaxaca de Juárez" in names and len(names) >= 3
    assert [f["properties"]["home"] for f in limits["features"]].count(True) == 1
    assert "map.css" in page  # the municipality labels' style


@pytest.mark.parametrize(("kind", "files"), [
    ("zona", ZONE_FILES), ("sitio", SHAPE_FILES), ("recorrido", ROUTE_FILES),
])
def test_upload_fields_accept_the_files_boundaries_reads(client, kind, files):
    form = client.get(f"/editar/{kind}/nuevo")
    assert form.status_code == 200
    accepts = re.findall(r'id="geometry-file"[^>]*accept="([^"]*)"', form.text)
    assert accepts == [files.accept]


@pytest.mark.parametrize(("url", "files"), [
    ("/editar/geometria/zona/vista-previa", SHAPE_FILES),
    ("/editar/recorrido/ruta/vista-previa", ROUTE_FILES),
])
def test_a_refused_upload_names_the_accepted_formats(client, url, files):
    import io
    answer = client.post(url, data={"archivo": (io.BytesIO(b"lat,lon"), "puntos.csv")},
                         content_type="multipart/form-data")
    assert answer.status_code == 422
    assert answer.json["error"].startswith("«puntos.csv»: suba ")
    assert answer.json["error"].endswith(f"{files.names}.")
