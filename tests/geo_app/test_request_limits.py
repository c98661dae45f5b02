"""Each endpoint accepts what its data needs: a phone's photo and a day's track, not more."""

import datetime as dt
import io
import json
import random
import uuid
import zipfile

import pytest
from limites_testing import row_count, signed_in_client
from limites_testing_field import IN_OAXACA, IN_OVERLAP
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from boundaries.tracks import MAX_TRACK_POINTS
from cases.storage.models import Attachment, Finding, Inspection

MB = 2**20


@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    """A JPEG as a phone takes it: 2.25 MB and more (noise does not compress)."""
    noise = random.Random(16).randbytes(1800 * 1350 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1800, 1350), noise).save(buffer, "JPEG", quality=95)
    data = buffer.getvalue()
    assert 2.25 * MB < len(data) < 5 * MB
    return data


@pytest.fixture
def client(field_app):
    return signed_in_client(field_app)


def _walk(n: int) -> list[dict]:
    """``n`` points a second apart along a line from IN_OAXACA to IN_OVERLAP."""
    (x0, y0), (x1, y1) = IN_OAXACA, IN_OVERLAP
    start = dt.datetime(2025, 5, 15, 7, tzinfo=dt.UTC)
    return [{"lon": x0 + (x1 - x0) * i / n, "lat": y0 + (y1 - y0) * i / n, "precision": 5.5,
             "hora": (start + dt.timedelta(seconds=i)).isoformat()}
            for i in range(n)]


def _batch(points: list[dict]) -> dict:
    return {
        "recorrido": {"uuid": str(uuid.uuid4()), "titulo": "Caminata larga"},
        "puntos": points,
        "precision_maxima": 30,
        "hallazgos": [{"uuid": str(uuid.uuid4()), "categoria": "residuos_solidos",
                       "lon": IN_OAXACA[0], "lat": IN_OAXACA[1], "nota": "Bolsas"}],
    }


def _file(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type="image/jpeg")


def _multipart(client, url: str, fields: dict):
    """POST ``fields`` as multipart, encoded in memory (the test client spools big bodies
    to a temporary file it never closes)."""
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _send_photo(client, finding_uuid: str, data: bytes):
    return _multipart(client, f"/campo/fotos/{uuid.uuid4()}",
                      {"hallazgo": finding_uuid, "foto": _file(data, "foto.jpg")})


def test_a_phone_photo_is_accepted_from_the_phone(field_app, client, phone_photo):
    doc = _batch(_walk(20))
    assert client.post("/campo/sincronizar", json=doc).status_code == 201
    answer = _send_photo(client, doc["hallazgos"][0]["uuid"], phone_photo)
    assert answer.status_code == 201, answer.text
    assert row_count(field_app, Attachment) >= 1


def test_a_phone_photo_is_accepted_on_the_desk_form(field_app, client, phone_photo):
    with field_app.extensions["limites_sessions"]() as session:
        inspection_id = session.scalar(select(Inspection.id).order_by(Inspection.id))
    answer = _multipart(client, "/editar/hallazgo/nuevo", {
        "inspection": str(inspection_id), "category": "residuos_solidos",
        "description": "Foto grande", "lon": str(IN_OAXACA[0]), "lat": str(IN_OAXACA[1]),
        "photos": _file(phone_photo, "orilla.jpg")})
    assert answer.status_code == 302, answer.text[:500]
    with field_app.extensions["limites_sessions"]() as session:
        finding = session.scalar(select(Finding).where(Finding.description == "Foto grande"))
        assert len(finding.attachments) == 1


@pytest.mark.parametrize("size_mb", [25.5, 40])
def test_a_photo_over_the_attachment_limit_is_refused_in_spanish(field_app, client, size_mb):
    doc = _batch(_walk(20))
    client.post("/campo/sincronizar", json=doc)
    before = row_count(field_app, Attachment)
    answer = _send_photo(client, doc["hallazgos"][0]["uuid"], b"\xff" * int(size_mb * MB))
    assert answer.status_code in (413, 422)  # never 400: the phone would retry it
    assert "25 MB" in answer.json["error"]
    assert row_count(field_app, Attachment) == before


def test_photos_over_the_limit_on_the_desk_form_get_a_page_saying_it(field_app, client):
    with field_app.extensions["limites_sessions"]() as session:
        inspection_id = session.scalar(select(Inspection.id).order_by(Inspection.id))
    before = row_count(field_app, Finding)
    answer = _multipart(client, "/editar/hallazgo/nuevo", [
        ("inspection", str(inspection_id)), ("category", "otro"),
        ("lon", str(IN_OAXACA[0])), ("lat", str(IN_OAXACA[1])),
        *(("photos", _file(b"\xff" * 20 * MB, f"{n}.jpg")) for n in range(2))])
    assert answer.status_code == 413
    assert "Las fotos de un envío pueden sumar hasta 25 MB" in answer.text
    assert row_count(field_app, Finding) == before


def test_a_long_walk_is_accepted_on_sync(field_app, client):
    doc = _batch(_walk(30_000))
    answer = client.post("/campo/sincronizar", json=doc)
    assert answer.status_code == 201, answer.text[:500]
    with field_app.extensions["limites_sessions"]() as session:
        inspection = session.scalar(select(Inspection).where(
            Inspection.client_uuid == doc["recorrido"]["uuid"]))
        assert inspection.route_points_read == 30_000


def test_a_track_over_the_limit_is_refused_with_a_clear_message(field_app, client):
    before = row_count(field_app, Inspection)
    answer = client.post("/campo/sincronizar", json=_batch(_walk(MAX_TRACK_POINTS + 1)))
    assert 400 <= answer.status_code < 500  # the phone keeps it and says why, never retries
    assert "más de 100,000 puntos" in answer.json["error"]
    assert row_count(field_app, Inspection) == before


def test_a_body_over_the_sync_limit_is_refused_as_json_in_spanish(client):
    answer = client.post("/campo/sincronizar", data=b"[" + b"0," * 20 * MB + b"0]",
                         content_type="application/json")
    assert answer.status_code == 413
    assert "puede tener hasta 100,000 puntos" in answer.json["error"]


def test_other_forms_stay_small_and_say_their_limit(client):
    answer = client.post("/cuenta/entrar", data={"usuario": "x" * 3 * MB})
    assert answer.status_code == 413
    assert "demasiado grande: supera 2 MB, el máximo de un formulario" in answer.text


def test_the_route_preview_refuses_a_kmz_bomb_in_spanish(client):
    block = " ".join(f"{-96.72 + i * 1e-5:.5f},{17.05 + (i % 2) * 1e-5:.5f},0"
                     for i in range(100))
    kml = ('<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString><coordinates>'
           + " ".join([block] * 10_000) + " -96.7,17.0,0</coordinates></LineString>"
           "</Placemark></kml>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("doc.kml", kml)
    assert len(buffer.getvalue()) < 200_000  # 1,000,001 points
    answer = _multipart(client, "/editar/recorrido/ruta/vista-previa",
                        {"archivo": _file(buffer.getvalue(), "ruta.kmz")})
    assert answer.status_code == 422
    assert "más de 100,000 puntos" in answer.json["error"]


def test_a_long_route_is_saved_through_the_desk_form(field_app, client):
    (x0, y0), (x1, y1) = IN_OAXACA, IN_OVERLAP
    n = 30_000
    route = {"type": "MultiLineString", "coordinates": [[
        [x0 + (x1 - x0) * i / n + 1e-6 * (i % 3), y0 + (y1 - y0) * i / n] for i in range(n)]]}
    body = json.dumps(route)
    assert len(body) > 900_000  # over the 500 KB Werkzeug keeps for a form by default
    answer = client.post("/editar/recorrido/nuevo", data={
        "title": "Recorrido de todo el día", "started_on": "15/05/2025", "route": body,
        "route_points_read": str(n)})
    assert answer.status_code == 302, answer.text[:300]
    with field_app.extensions["limites_sessions"]() as session:
        inspection = session.scalar(select(Inspection).where(
            Inspection.title == "Recorrido de todo el día"))
        assert inspection.route_points_read == n


def _circle(vertices: int) -> dict:
    import math
    ring = [[-96.72 + 0.01 * math.cos(2 * math.pi * i / vertices),
             17.06 + 0.01 * math.sin(2 * math.pi * i / vertices)] for i in range(vertices)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_a_zone_file_over_the_vertex_limit_is_refused_in_the_preview(client):
    shape = _circle(120_000)
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": shape}]}
    answer = _multipart(client, "/editar/geometria/zona/vista-previa", {
        "archivo": _file(json.dumps(collection).encode(), "zona.geojson")})
    assert answer.status_code == 422
    assert "120,001 vértices; el máximo es 100,000" in answer.json["error"]


def test_a_drawn_zone_of_many_vertices_fits_the_form_and_the_limit(client):
    fits = client.post("/editar/geometria/zona/vista-previa",
                       data={"geometry": json.dumps(_circle(20_000))})
    assert fits.status_code == 200, fits.text[:300]  # ~800 KB: over Werkzeug's 500 KB
    too_many = client.post("/editar/geometria/zona/vista-previa",
                           data={"geometry": json.dumps(_circle(100_500))})
    assert too_many.status_code == 422 and "vértices" in too_many.json["error"]
