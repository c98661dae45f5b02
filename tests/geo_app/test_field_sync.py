import io
import re
import threading
import uuid

import pytest
from limites_testing import demo_app, signed_in_client
from limites_testing_field import IN_OAXACA, IN_OVERLAP, PDF, field_counts, photo

from cases.storage.models import Attachment, Finding, Inspection


@pytest.fixture
def client(field_app):
    return signed_in_client(field_app)


def batch(points=None, findings=None, **head):
    """A batch as the phone sends it: a walk from IN_OAXACA to IN_OVERLAP, one finding."""
    if points is None:
        (x0, y0), (x1, y1) = IN_OAXACA, IN_OVERLAP
        points = [
            {"lon": x0 + (x1 - x0) * i / 10, "lat": y0 + (y1 - y0) * i / 10,
             "precision": 80 if i == 5 else 6, "hora": f"2025-05-15T15:{i:02d}:00Z"}
            for i in range(11)
        ]
    if findings is None:
        findings = [{"uuid": str(uuid.uuid4()), "categoria": "residuos_solidos",
                     "lon": IN_OAXACA[0], "lat": IN_OAXACA[1], "nota": "Bolsas"}]
    return {
        "recorrido": {"uuid": str(uuid.uuid4()), "titulo": "Captura del Atoyac",
                      "participantes": ["Ana Pérez"], **head},
        "puntos": points,
        "precision_maxima": 30,
        "hallazgos": findings,
    }


def test_batch_creates_inspection_route_and_findings(field_app, client):
    before = field_counts(field_app)
    doc = batch()
    response = client.post("/campo/sincronizar", json=doc)
    assert response.status_code == 201, response.json
    answer = response.json
    assert answer["recorrido"]["creado"] is True
    assert answer["recorrido"]["puntos_leidos"] == 11
    assert answer["recorrido"]["puntos_conservados"] == 10  # the 80 m reading is dropped
    assert answer["recorrido"]["longitud_m"] > 2000
    key = doc["hallazgos"][0]["uuid"]
    assert answer["hallazgos"][key]["creado"] is True
    assert field_counts(field_app) == {**before, "Inspection": before["Inspection"] + 1,
                                 "Finding": before["Finding"] + 1}
    with field_app.extensions["limites_sessions"]() as session:
        stored = session.get(Inspection, answer["recorrido"]["id"])
        assert stored.client_uuid == doc["recorrido"]["uuid"]
        assert stored.started_on.isoformat() == "2025-05-15"  # from the points' times
        assert stored.participants == ["Ana Pérez"] and stored.route_split
        finding = session.get(Finding, answer["hallazgos"][key]["id"])
        assert finding.official_municipality.cvegeo == "20067"


def test_a_retried_batch_creates_nothing_twice(field_app, client):
    doc = batch()
    first = client.post("/campo/sincronizar", json=doc)
    after_first = field_counts(field_app)
    again = client.post("/campo/sincronizar", json=doc)
    assert again.status_code == 200
    assert again.json["recorrido"]["creado"] is False
    assert again.json["recorrido"]["id"] == first.json["recorrido"]["id"]
    assert again.json["hallazgos"] == {
        key: {**value, "creado": False} for key, value in first.json["hallazgos"].items()
    }
    assert field_counts(field_app) == after_first


def test_a_later_batch_extends_the_route_and_adds_new_findings(field_app, client):
    doc = batch()
    first = client.post("/campo/sincronizar", json=doc).json
    doc["puntos"].append({"lon": -96.74, "lat": 17.09, "precision": 5})
    doc["hallazgos"].append({"uuid": str(uuid.uuid4()), "categoria": "otro",
                             "lon": IN_OVERLAP[0], "lat": IN_OVERLAP[1]})
    second = client.post("/campo/sincronizar", json=doc)
    assert second.status_code == 201
    answer = second.json
    assert answer["recorrido"]["ruta_actualizada"] is True
    assert answer["recorrido"]["longitud_m"] > first["recorrido"]["longitud_m"]
    assert [answer["hallazgos"][f["uuid"]]["creado"] for f in doc["hallazgos"]] == [False, True]


@pytest.fixture
def any_backend_app(database_url, tmp_path):
    """The demo app on SQLite and on PostgreSQL + PostGIS."""
    app = demo_app(database_url=database_url, ATTACHMENTS_DIR=str(tmp_path / "adjuntos"))
    yield app
    app.extensions["limites_engine"].dispose()


def test_concurrent_copies_of_one_batch_store_it_once(any_backend_app):
    field_app = any_backend_app
    doc = batch()
    before = field_counts(field_app)
    statuses = []

    def send():
        client = signed_in_client(field_app)
        statuses.append(client.post("/campo/sincronizar", json=doc).status_code)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses)[-1] == 201 and all(s in (200, 201) for s in statuses)
    assert field_counts(field_app)["Inspection"] == before["Inspection"] + 1
    assert field_counts(field_app)["Finding"] == before["Finding"] + 1


def test_a_track_without_accurate_points_still_records_the_findings(field_app, client):
    doc = batch(points=[{"lon": IN_OAXACA[0], "lat": IN_OAXACA[1], "precision": 500}] * 3,
                fecha="2025-05-16")
    response = client.post("/campo/sincronizar", json=doc)
    assert response.status_code == 201
    assert response.json["recorrido"]["longitud_m"] is None
    assert response.json["recorrido"]["puntos_conservados"] == 0


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(recorrido="x"), "falta «recorrido»"),
        (lambda d: d["recorrido"].update(uuid="no-es-uuid"), "no tiene un identificador"),
        (lambda d: d["hallazgos"][0].update(categoria="grafiti"), "categoría desconocida"),
        (lambda d: d["hallazgos"][0].update(lon=2.35, lat=48.85), "fuera de México"),
        (lambda d: d["hallazgos"][0].update(lat=None), "la latitud del hallazgo 1"),
        (lambda d: d["puntos"][3].update(lat="NaN"), "la latitud del punto 4"),
        (lambda d: d["puntos"][3].update(hora="ayer"), "la hora del punto 4"),
        (lambda d: d.update(precision_maxima=-1), "la precisión máxima"),
        (lambda d: d["recorrido"].update(fecha="15/05/2025"), "AAAA-MM-DD"),
        (lambda d: d.update(puntos={"a": 1}), "«puntos» debe ser una lista"),
    ],
    ids=["shape", "uuid", "category", "outside-mexico", "finding-lat", "point-lat", "time",
         "accuracy", "date", "points-type"],
)
def test_bad_batches_are_refused_in_spanish_and_write_nothing(field_app, client, mutate,
                                                               message):
    doc = batch()
    mutate(doc)
    before = field_counts(field_app)
    response = client.post("/campo/sincronizar", json=doc)
    assert response.status_code == 400
    assert message in response.json["error"]
    assert field_counts(field_app) == before


def test_not_json_is_refused(client):
    response = client.post("/campo/sincronizar", data="{roto", content_type="application/json")
    assert response.status_code == 400 and "recorrido" in response.json["error"]


def _send_photo(client, photo_uuid, finding_uuid, data, name="foto.jpg"):
    return client.post(
        f"/campo/fotos/{photo_uuid}",
        data={"hallazgo": finding_uuid, "foto": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_photos_are_attached_once_to_their_finding(field_app, client):
    doc = batch()
    client.post("/campo/sincronizar", json=doc)
    finding_uuid, photo_uuid = doc["hallazgos"][0]["uuid"], str(uuid.uuid4())
    first = _send_photo(client, photo_uuid, finding_uuid, photo())
    assert first.status_code == 201 and first.json["creado"] is True
    before = field_counts(field_app)
    again = _send_photo(client, photo_uuid, finding_uuid, photo())
    assert again.status_code == 200 and again.json == {**first.json, "creado": False}
    assert field_counts(field_app) == before
    with field_app.extensions["limites_sessions"]() as session:
        attachment = session.get(Attachment, first.json["id"])
        assert attachment.finding.client_uuid == finding_uuid


@pytest.mark.parametrize(
    ("finding_known", "data", "status", "message"),
    [
        (False, None, 404, "aún no se ha sincronizado"),
        (True, PDF, 422, "no es una foto"),
        (True, b"<svg onload=alert(1)>", 422, "tipo de archivo no admitido"),
    ],
    ids=["finding-not-synced", "pdf", "svg"],
)
def test_bad_photos_are_refused(field_app, client, finding_known, data, status, message):
    doc = batch()
    client.post("/campo/sincronizar", json=doc)
    finding_uuid = doc["hallazgos"][0]["uuid"] if finding_known else str(uuid.uuid4())
    before = field_counts(field_app)
    response = _send_photo(client, str(uuid.uuid4()), finding_uuid, data or photo())
    assert response.status_code == status and message in response.json["error"]
    assert field_counts(field_app) == before


def test_capture_page_lists_the_categories_and_loads_only_local_files(client):
    from cases.storage.models import FindingCategory

    response = client.get("/campo/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for category in FindingCategory:
        assert f'value="{category.value}"' in html and category.label in html
    assert 'data-sync-url="/campo/sincronizar"' in html
    assert "https://" not in html.replace('data-tiles="', "")  # no CDN; tiles are config


def test_service_worker_caches_the_page_and_its_files(client):
    response = client.get("/campo/sw.js")
    script = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    for url in ['"/campo/"', "/vendor/leaflet/dist/leaflet.js?v=", "/static/field/capture.js"]:
        assert url in script
    assert re.search(r'const CACHE = "limites-campo-[0-9a-f]{12}"', script)


def test_token_for_the_phone_is_fresh_json(client):
    response = client.get("/campo/token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert len(response.json["token"]) > 20


def test_inspection_page_shows_points_read_and_kept_and_participants(field_app, client):
    answer = client.post("/campo/sincronizar", json=batch()).json
    page = client.get(f"/recorridos/{answer['recorrido']['id']}").get_data(as_text=True)
    assert "Puntos de la ruta: 11 leídos, 10 conservados" in page
    assert re.search(r'data-testid="participants">[^<]*(<div>[^<]*</div>\s*)*<div>Ana Pérez', page)


def test_more_findings_than_a_batch_may_hold_are_refused_in_spanish(field_app, client):
    from cases.fieldwork.phone_sync import MAX_FINDINGS

    findings = [{"uuid": str(uuid.uuid4()), "categoria": "otro",
                 "lon": IN_OAXACA[0], "lat": IN_OAXACA[1]} for _ in range(MAX_FINDINGS + 1)]
    before = field_counts(field_app)
    response = client.post("/campo/sincronizar", json=batch(findings=findings))
    assert response.status_code == 413
    assert f"el máximo por envío es {MAX_FINDINGS}" in response.json["error"]
    assert field_counts(field_app) == before
    accepted = client.post("/campo/sincronizar", json=batch(findings=findings[:MAX_FINDINGS]))
    assert accepted.status_code == 201, accepted.json


def test_a_repeated_finding_uuid_is_refused_in_spanish(field_app, client):
    doc = batch()
    doc["hallazgos"].append(dict(doc["hallazgos"][0], nota="otra vez"))
    before = field_counts(field_app)
    response = client.post("/campo/sincronizar", json=doc)
    assert response.status_code == 400
    assert "el hallazgo 2 repite el identificador (UUID) del hallazgo 1" in response.json["error"]
    assert field_counts(field_app) == before


def test_later_parts_without_points_add_findings_and_keep_the_route(field_app, client):
    doc = batch()
    first = client.post("/campo/sincronizar", json=doc).json
    part = {**doc, "recorrido": {**doc["recorrido"], "fecha": "2025-05-15"}, "puntos": [],
            "hallazgos": [
        {"uuid": str(uuid.uuid4()), "categoria": "otro", "lon": IN_OVERLAP[0],
         "lat": IN_OVERLAP[1]}]}
    second = client.post("/campo/sincronizar", json=part)
    assert second.status_code == 201
    assert second.json["recorrido"]["ruta_actualizada"] is False
    assert second.json["recorrido"]["longitud_m"] == first["recorrido"]["longitud_m"]
    with field_app.extensions["limites_sessions"]() as session:
        inspection = session.get(Inspection, first["recorrido"]["id"])
        assert len(inspection.findings) == 2 and inspection.route_points_read == 11


def test_other_people_save_and_sign_in_while_a_phone_syncs(field_app, monkeypatch):
    """While the sync works out who is responsible for its findings, an editor saves a
    meeting and someone signs in: neither waits for the sync, neither gets an error."""
    from boundaries.assign import ResponsibilityIndex

    phone, office = signed_in_client(field_app), signed_in_client(field_app)
    visitor = field_app.test_client()
    computing, released = threading.Event(), threading.Event()
    assign = ResponsibilityIndex.assign
    sync_thread: list[threading.Thread] = []

    def held_assign(self, points):
        if threading.current_thread() in sync_thread and not computing.is_set():
            computing.set()
            released.wait(timeout=60)  # until the office is done (or has failed)
        return assign(self, points)

    monkeypatch.setattr(ResponsibilityIndex, "assign", held_assign)
    findings = [{"uuid": str(uuid.uuid4()), "categoria": "otro",
                 "lon": IN_OAXACA[0] + i * 1e-4, "lat": IN_OAXACA[1]} for i in range(20)]
    answers: dict[str, int] = {}

    def sync() -> None:
        response = phone.post("/campo/sincronizar", json=batch(findings=findings))
        answers["sync"] = response.status_code

    def office_work() -> None:
        try:
            assert computing.wait(timeout=60), "the sync never computed its findings' facts"
            answers["meeting"] = office.post("/editar/reunion/nuevo", data={
                "title": "Mesa técnica durante la sincronización", "date": "02/05/2025",
                "kind": "reunion_trabajo"}).status_code
            answers["sign_in"] = visitor.post("/cuenta/entrar", data={
                "usuario": "lectora", "contrasena": "demo-lector"}).status_code
        finally:
            released.set()

    sync_thread.append(threading.Thread(target=sync))
    threads = [sync_thread[0], threading.Thread(target=office_work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {"sync": 201, "meeting": 302, "sign_in": 302}
    assert field_counts(field_app)["Finding"] >= 20
