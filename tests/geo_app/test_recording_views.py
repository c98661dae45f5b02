"""Desk forms of field work: inspections with their route, findings with their photos."""

import io
import json
import re

import pytest
from limites_testing_field import IN_OAXACA, IN_OVERLAP, gpx, photo
from sqlalchemy import func, select

from cases.storage.models import Attachment, AuditEntry, Finding, Inspection, Institution, Person
from geo_app.db import get_session

# A walk from Oaxaca de Juárez into the overlap north of it: it crosses a limit.
CROSSING = [IN_OAXACA, ((IN_OAXACA[0] + IN_OVERLAP[0]) / 2, (IN_OAXACA[1] + IN_OVERLAP[1]) / 2),
            IN_OVERLAP]


def _counts(app) -> dict[str, int]:
    with app.app_context():
        session = get_session()
        return {m.__name__: session.scalar(select(func.count()).select_from(m))
                for m in (Inspection, Finding, Attachment, AuditEntry)}


def _first_id(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(model.id).order_by(model.id))


def _route(points=CROSSING) -> str:
    return json.dumps({"type": "MultiLineString", "coordinates": [[list(p) for p in points]]})


def _inspection(app, title: str) -> Inspection:
    with app.app_context():
        return get_session().scalar(select(Inspection).where(Inspection.title == title))


def test_route_preview_reads_a_gpx_and_shows_the_filter(client):
    dense = [(IN_OAXACA[0] + i * 1e-5, IN_OAXACA[1] + i * 1e-5) for i in range(60)]
    data = gpx(dense).encode()
    plain = client.post("/editar/recorrido/ruta/vista-previa", data={
        "archivo": (io.BytesIO(data), "ruta.gpx")}, content_type="multipart/form-data")
    assert plain.status_code == 200, plain.text
    assert plain.json["points_read"] == plain.json["points_kept"] == 60
    assert plain.json["geometry"]["type"] == "MultiLineString"
    assert plain.json["started_on"] == "15/05/2025"
    filtered = client.post("/editar/recorrido/ruta/vista-previa", data={
        "archivo": (io.BytesIO(data), "ruta.gpx"), "filtro_m": "10"},
        content_type="multipart/form-data")
    assert filtered.status_code == 200, filtered.text
    assert filtered.json["points_read"] == 60 and filtered.json["points_kept"] < 20
    assert any("Filtro de ruido de 10 m" in note for note in filtered.json["notes"])


@pytest.mark.parametrize(("upload", "message"), [
    ((b"hola", "ruta.txt"), "GPX, KML"),
    ((b"<gpx version='1.1'></gpx>", "vacia.gpx"), "no tiene puntos"),
    ((b'<!DOCTYPE gpx [<!ENTITY x "y">]><gpx>&x;</gpx>', "hostil.gpx"), "por seguridad"),
])
def test_route_preview_refuses_bad_files_in_spanish(client, upload, message):
    data, name = upload
    answer = client.post("/editar/recorrido/ruta/vista-previa", data={
        "archivo": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert answer.status_code == 422 and message in answer.json["error"]


def test_route_preview_of_a_drawn_line(client):
    answer = client.post("/editar/recorrido/ruta/vista-previa", data={"geometry": json.dumps(
        {"type": "LineString", "coordinates": [list(p) for p in CROSSING]})})
    assert answer.status_code == 200, answer.text
    assert answer.json["points_kept"] == 3 and "dibujada" in answer.json["notes"][0]
    far = client.post("/editar/recorrido/ruta/vista-previa", data={"geometry": json.dumps(
        {"type": "LineString", "coordinates": [[2.35, 48.85], [2.36, 48.86]]})})
    assert far.status_code == 422 and "México" in far.json["error"]


def test_editor_creates_an_inspection_split_by_municipality(app, client):
    person, institution = _first_id(app, Person), _first_id(app, Institution)
    before = _counts(app)
    form = client.get("/editar/recorrido/nuevo")
    assert form.status_code == 200
    assert 'id="geometry-map"' in form.text and 'id="route-filter"' in form.text
    answer = client.post("/editar/recorrido/nuevo", data={
        "title": "Recorrido de escritorio", "started_on": "15/05/2025",
        "summary": "Revisar el cauce", "participants": "Ana Pérez\nLuis Ruiz",
        "presided": [str(person)], "institutions": [str(institution)],
        "route": _route(), "route_points_read": "40"})
    assert answer.status_code == 302, answer.text
    inspection = _inspection(app, "Recorrido de escritorio")
    assert inspection.route_length_m > 0
    kinds = {part["kind"] for part in inspection.route_split}
    assert "municipality" in kinds
    assert (inspection.route_points_read, inspection.route_points_kept) == (40, 3)
    assert inspection.participants == ["Ana Pérez", "Luis Ruiz"]
    after = _counts(app)
    assert after["Inspection"] == before["Inspection"] + 1
    assert after["AuditEntry"] > before["AuditEntry"]
    page = client.get(f"/recorridos/{inspection.id}").text
    assert 'data-testid="route-split"' in page and "Oaxaca de Juárez" in page
    assert "Nuevo hallazgo" in page


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "Escriba el título."),
    ({"started_on": "31/02/2025"}, "dd/mm/aaaa"),
    ({"ended_on": "01/05/2025"}, "anterior a la de inicio"),
    ({"route": _route([(2.35, 48.85), (2.36, 48.86)])}, "México"),
    ({"route": "{no es json"}, "no es GeoJSON"),
    ({"visit_dates": "15/05/2025, mañana"}, "«mañana» no es una fecha"),
    ({"visit_dates": "15/05/2025, 22/06/2025", "ended_on": "22/05/2025"},
     "El día 2025-06-22 no está entre la fecha de inicio y la de término."),
])
def test_bad_inspection_input_writes_nothing(app, client, change, message):
    before = _counts(app)
    answer = client.post("/editar/recorrido/nuevo", data={
        "title": "Recorrido malo", "started_on": "15/05/2025", "route": _route(), **change})
    assert answer.status_code == 422 and message in answer.text
    assert _counts(app) == before


def test_stale_inspection_form_is_409(app, client):
    inspection_id = _first_id(app, Inspection)
    with app.app_context():
        version = get_session().get(Inspection, inspection_id).version
    form = client.get(f"/editar/recorrido/{inspection_id}").text
    assert f'value="{version}"' in form and "MultiLineString" in form
    data = {"title": "Recorrido renombrado", "started_on": "15/05/2025",
            "version": str(version)}
    assert client.post(f"/editar/recorrido/{inspection_id}", data=data).status_code == 302
    stale = client.post(f"/editar/recorrido/{inspection_id}",
                        data={**data, "title": "Otro nombre"})
    assert stale.status_code == 409 and "Otra persona modificó" in stale.text


def test_finding_at_typed_coordinates_gets_its_municipality(app, client):
    inspection_id = _first_id(app, Inspection)
    form = client.get(f"/editar/hallazgo/nuevo?inspection={inspection_id}")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    assert client.get("/editar/hallazgo/nuevo").status_code == 404
    answer = client.post("/editar/hallazgo/nuevo", data={
        "inspection": str(inspection_id), "category": "residuos_solidos",
        "description": "Bolsas en la orilla", "lon": str(IN_OAXACA[0]),
        "lat": str(IN_OAXACA[1])})
    assert answer.status_code == 302, answer.text
    assert f"/recorridos/{inspection_id}#hallazgo-" in answer.location
    with app.app_context():
        finding = get_session().scalar(select(Finding).where(
            Finding.description == "Bolsas en la orilla"))
        assert finding.official_municipality.name == "Oaxaca de Juárez"
        assert finding.river_km is not None


def test_a_photo_with_gps_places_the_finding(app, client):
    inspection_id = _first_id(app, Inspection)
    before = _counts(app)
    answer = client.post("/editar/hallazgo/nuevo", data={
        "inspection": str(inspection_id), "category": "relleno_escombro",
        "description": "Escombro fotografiado",
        "photos": [(io.BytesIO(photo("JPEG", place=IN_OAXACA)), "orilla.jpg")]},
        content_type="multipart/form-data", follow_redirects=True)
    assert answer.status_code == 200
    assert "Ubicado por el GPS de la foto" in answer.text
    with app.app_context():
        finding = get_session().scalar(select(Finding).where(
            Finding.description == "Escombro fotografiado"))
        assert (finding.geometry.x, finding.geometry.y) == pytest.approx(IN_OAXACA, abs=1e-5)
        assert finding.official_municipality is not None
        assert len(finding.attachments) == 1
    after = _counts(app)
    assert after["Attachment"] == before["Attachment"] + 1
    form = client.get(f"/editar/hallazgo/{finding.id}").text
    assert "Fotos ya adjuntas" in form and "orilla.jpg" in form


@pytest.mark.parametrize(("data", "message"), [
    ({"photos": [(io.BytesIO(photo("JPEG", place=None)), "sin_gps.jpg")]},
     "sin_gps.jpg: la foto no tiene posición GPS"),
    ({}, "Falta el lugar del hallazgo"),
    ({"lon": str(IN_OAXACA[0])}, "Escriba la longitud y la latitud juntas."),
    ({"lon": "2.35", "lat": "48.85"}, "La longitud debe estar en México"),
    ({"photos": [(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "acta.pdf")], "lon": "-96.72",
      "lat": "17.06"}, "acta.pdf: no es una foto"),
    ({"category": "inventada", "lon": "-96.72", "lat": "17.06"}, "Opción inválida."),
])
def test_bad_finding_input_is_a_field_error_and_writes_nothing(app, client, data, message):
    inspection_id = _first_id(app, Inspection)
    before = _counts(app)
    answer = client.post("/editar/hallazgo/nuevo", data={
        "inspection": str(inspection_id), "category": "otro", **data},
        content_type="multipart/form-data")
    assert answer.status_code == 422
    assert message in answer.text and "invalid-feedback" in answer.text, re.findall(
        r"invalid-feedback[^>]*>([^<]*)", answer.text)
    assert _counts(app) == before


def test_finding_edit_stale_and_trash(app, client):
    with app.app_context():
        finding = get_session().scalar(select(Finding).order_by(Finding.id))
        finding_id, version, inspection_id = finding.id, finding.version, finding.inspection_id
        lon, lat = finding.geometry.x, finding.geometry.y
    data = {"inspection": str(inspection_id), "category": "otro", "description": "Revisado",
            "lon": str(lon), "lat": str(lat), "version": str(version)}
    answer = client.post(f"/editar/hallazgo/{finding_id}", data=data,
                         content_type="multipart/form-data")
    assert answer.status_code == 302, answer.text
    stale = client.post(f"/editar/hallazgo/{finding_id}", data=data,
                        content_type="multipart/form-data")
    assert stale.status_code == 409
    with app.app_context():
        version = get_session().get(Finding, finding_id).version
    trashed = client.post(f"/editar/hallazgo/{finding_id}/papelera",
                          data={"version": str(version)})
    assert trashed.status_code == 302 and f"/recorridos/{inspection_id}" in trashed.location
    assert f'id="hallazgo-{finding_id}"' not in client.get(f"/recorridos/{inspection_id}").text


def test_lector_sees_no_recording_controls_and_forged_posts_are_403(app, reader_client):
    inspection_id = _first_id(app, Inspection)
    before = _counts(app)
    assert "Nuevo recorrido" not in reader_client.get("/recorridos/").text
    page = reader_client.get(f"/recorridos/{inspection_id}").text
    assert 'data-testid="edit-controls"' not in page and "Nuevo hallazgo" not in page
    for url, data in [
        ("/editar/recorrido/nuevo", {"title": "x", "started_on": "15/05/2025"}),
        ("/editar/hallazgo/nuevo", {"inspection": str(inspection_id), "category": "otro",
                                    "lon": "-96.72", "lat": "17.06"}),
        ("/editar/recorrido/ruta/vista-previa", {"geometry": _route()}),
    ]:
        assert reader_client.post(url, data=data).status_code == 403, url
    assert _counts(app) == before


def test_editor_sees_the_links(app, client):
    assert "Nuevo recorrido" in client.get("/recorridos/").text
    board = client.get("/").text
    assert "/editar/recorrido/nuevo" in board and "/editar/reunion/nuevo" in board


def test_inspection_of_two_days_in_the_field(app, client):
    answer = client.post("/editar/recorrido/nuevo", data={
        "title": "Recorrido de dos días", "started_on": "15/05/2025",
        "ended_on": "22/05/2025", "visit_dates": "22/05/2025; 15/05/2025"})
    assert answer.status_code == 302, answer.text
    inspection = _inspection(app, "Recorrido de dos días")
    assert inspection.visit_dates == ["2025-05-15", "2025-05-22"]
    assert inspection.route is None and inspection.route_split is None
    form = client.get(f"/editar/recorrido/{inspection.id}").text
    assert 'value="15/05/2025, 22/05/2025"' in form
    assert "15 y 22 de mayo de 2025" in client.get(f"/recorridos/{inspection.id}").text


KML_SQUARE = ('<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Polygon><outerBoundaryIs>'
              '<LinearRing><coordinates>-96.73,17.05 -96.72,17.05 -96.72,17.06 -96.73,17.05'
              '</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>')


@pytest.mark.parametrize(("kind", "name", "content", "status", "expected"), [
    ("zona", "zona.kml", KML_SQUARE, 200, "MultiPolygon"),
    ("sitio", "puente.gpx", '<gpx version="1.1"><wpt lat="17.06" lon="-96.72"/></gpx>', 200,
     "Point"),
    ("zona", "hostil.kml", '<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                           '<kml>&x;</kml>', 422, "por seguridad"),
    ("zona", "puente.gpx", '<gpx version="1.1"><wpt lat="17.06" lon="-96.72"/></gpx>', 422,
     "polígono"),
])
def test_zone_and_site_geometry_from_kml_and_gpx(client, kind, name, content, status, expected):
    answer = client.post(f"/editar/geometria/{kind}/vista-previa", data={
        "archivo": (io.BytesIO(content.encode()), name)}, content_type="multipart/form-data")
    assert answer.status_code == status, answer.text
    assert expected in (answer.json["geometry"]["type"] if status == 200
                        else answer.json["error"])
