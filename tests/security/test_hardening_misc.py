"""Issue 16, the lower items: each a request that once answered wrongly or with a 500."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from limites_testing_field import IN_OAXACA, PDF, photo
from PIL import Image, ImageCms, PngImagePlugin
from sqlalchemy import func, select

from cases.access.accounts import disable_user, enable_user, get_user
from cases.access.api_keys import create_token
from cases.fieldwork.attachments import attach_file
from cases.records.lifecycle import including_deleted, soft_delete
from cases.storage.db import unit_of_work
from cases.storage.models import Case, DisputeZone, Finding, Frame, Inspection, Meeting
from geo_app.converters import MAX_RECORD_ID
from geo_app.exports import FORMATS
from geo_app.files import attachment_store

# -- sign-in redirects only to this site -----------------------------------------------------

HOSTILE_NEXT = [
    "/%09/evil.example",  # Werkzeug drops the tab: //evil.example
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",  # once a 500 (a line break in a header)
    "/x%0d%0aLocation:%20https://evil.example",
    "//evil.example",
    "/%2F%2Fevil.example",  # //evil.example once decoded
    "/%5Cevil.example",  # a backslash: browsers read /\host as //host
    "%2F%5Cevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/%E3%80%80/evil.example",  # ideographic space
    "evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
@pytest.mark.parametrize("signed_in", [False, True])
def test_sign_in_never_redirects_off_site(app, target, signed_in):
    client = app.test_client()
    if signed_in:
        response = client.login("editora").get(f"/cuenta/entrar?next={target}")
    else:
        response = client.post(f"/cuenta/entrar?next={target}",
                               data={"usuario": "editora", "contrasena": "demo-editor"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/zonas/3", "/zonas/?q=Santa%20Cruz&pagina=2"])
def test_sign_in_still_returns_to_a_page_of_the_site(client, target):
    response = client.get("/cuenta/entrar", query_string={"next": target})
    assert response.headers["Location"] == target


# -- ids past 2⁶³ − 1 in forms and query strings ---------------------------------------------

TOO_BIG = str(MAX_RECORD_ID + 1)


def test_a_huge_id_in_a_query_string_is_not_found(client):
    assert client.get(f"/editar/hallazgo/nuevo?inspection={TOO_BIG}").status_code == 404


@pytest.mark.parametrize("query", [f"offset={TOO_BIG}", "offset=" + "9" * 30, "offset=²",
                                   "limit=²", "offset=٣"])
def test_an_ogc_api_page_past_what_the_database_counts_is_a_400(client, query):
    response = client.get(f"/ogcapi/collections/hallazgos/items?{query}")
    assert response.status_code == 400
    assert "«offset»" in response.json["description"] or "«limit»" in response.json["description"]


@pytest.mark.parametrize("ident", [TOO_BIG, "9" * 30, "²", "٣"])
@pytest.mark.parametrize("kind", ["zona", "expediente"])
def test_a_share_link_for_an_impossible_record_id_is_not_found(admin_client, kind, ident):
    response = admin_client.post("/compartidos/nuevo",
                                 data={"kind": kind, "record_id": ident, "days": "7"})
    assert response.status_code == 404


def test_an_impossible_route_point_count_is_ignored(client):
    response = client.post("/editar/recorrido/nuevo", data={
        "title": "Recorrido con conteo raro", "started_on": "01/02/2025",
        "route_points_read": "²"})
    assert response.status_code == 302


def test_a_huge_parent_id_in_a_form_is_a_field_message(client):
    response = client.post("/editar/hallazgo/nuevo",
                           data={"inspection": TOO_BIG, "category": "residuos_solidos"})
    assert response.status_code == 422


def test_a_huge_choice_in_a_form_counts_as_none(client):
    response = client.post("/editar/recorrido/nuevo", data={
        "title": "Recorrido de prueba", "started_on": "01/02/2025", "zone": TOO_BIG,
        "case": TOO_BIG})
    assert response.status_code == 302


# -- stored photos carry no metadata; a trashed record's files are gone ----------------------

SCRIPT = b"<script>alert(1)</script>"
METADATA = {"comment", "exif", "xmp", "icc_profile", "Comment", "XML:com.adobe.xmp"}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><script>xmp()</script></x:xmpmeta>'


def _jpeg_with_everything() -> bytes:
    source = Image.open(io.BytesIO(photo()))
    buffer = io.BytesIO()
    source.save(buffer, "JPEG", comment=SCRIPT, exif=source.getexif().tobytes(), xmp=XMP,
                icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    return buffer.getvalue()


def _png_with_everything() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", SCRIPT.decode())
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 120, 30, 200)).save(
        buffer, "PNG", pnginfo=text, exif=Image.open(io.BytesIO(photo())).getexif().tobytes(),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    return buffer.getvalue()


def _get(client, path: str):
    """GET ``path``, reading and closing a streamed file."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def _attach(app, model, data: bytes, name: str) -> int:
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        owner = session.scalars(select(model).order_by(model.id)).first()
        attachment = attach_file(session, attachment_store(app), owner, data, name)
        session.flush()
        return attachment.id


@pytest.mark.parametrize("make, name", [(_jpeg_with_everything, "IMG_0001.JPG"),
                                        (_png_with_everything, "plano.png")])
def test_a_stored_photo_and_its_thumbnails_keep_no_metadata(app, client, make, name):
    original = make()
    assert len(set(Image.open(io.BytesIO(original)).info) & METADATA) >= 4
    attachment_id = _attach(app, Finding, original, name)
    for path in (f"/adjuntos/{attachment_id}", f"/adjuntos/{attachment_id}/miniatura/pagina",
                 f"/adjuntos/{attachment_id}/miniatura/popup"):
        stored = _get(client, path).data
        assert stored.startswith((b"\xff\xd8\xff", b"\x89PNG")), path
        for trace in (b"<script>", b"xmp", b"Exif", b"ICC_PROFILE", b"iCCP", b"tEXt", b"iTXt",
                      b"eXIf", b"\xff\xfe"):  # \xff\xfe starts a JPEG comment segment
            assert trace not in stored, (path, trace)
        assert not set(Image.open(io.BytesIO(stored)).info) & METADATA, path


@pytest.mark.parametrize("as_user", ["lectora", "editora", "administradora"])
def test_the_files_of_a_trashed_record_are_not_found(app, as_user):
    minutes = _attach(app, Meeting, PDF, "acta.pdf")
    picture = _attach(app, Finding, photo(), "IMG_0002.JPG")
    client = app.test_client().login(as_user)
    files = [f"/adjuntos/{minutes}", f"/adjuntos/{picture}",
             f"/adjuntos/{picture}/miniatura/pagina", f"/adjuntos/{picture}/miniatura/popup"]
    assert all(_get(client, path).status_code == 200 for path in files)
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        inspection = session.scalars(select(Finding).order_by(Finding.id)).first().inspection
        soft_delete(session, None, meeting)
        soft_delete(session, None, inspection)
        pages = [f"/reuniones/{meeting.id}", f"/recorridos/{inspection.id}"]
    for path in files + pages:
        response = _get(client, path)
        assert response.status_code == 404 and b"%PDF" not in response.data, path


def test_the_exports_of_a_trashed_zone_and_case_are_not_found(app, reader_client):
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        zone = session.scalars(select(DisputeZone).order_by(DisputeZone.id)).first()
        case = session.scalars(select(Case).order_by(Case.id)).first()
        soft_delete(session, None, zone)
        soft_delete(session, None, case)
        paths = [f"/exportar/zona/{zone.id}.{fmt}" for fmt in FORMATS]
        paths += [f"/exportar/expediente/{case.id}.{fmt}" for fmt in FORMATS]
        paths += [f"/ogcapi/collections/zonas/items/{zone.id}"]
    for path in paths:
        assert _get(reader_client, path).status_code == 404, path


def test_a_file_of_a_trashed_finding_is_not_found(app, client):
    picture = _attach(app, Finding, photo(), "IMG_0003.JPG")
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        soft_delete(session, None, session.scalars(select(Finding).order_by(Finding.id)).first())
    assert _get(client, f"/adjuntos/{picture}").status_code == 404


# -- typed coordinates are finite degrees ----------------------------------------------------

IMPOSSIBLE = ["500", "-181", "nan", "NaN", "inf", "-Infinity", "1e308"]


def _ring(x: str, y: str) -> str:
    # Text, not json.dumps: "nan" or "1e308" reach the server exactly as typed.
    corner = f"[{x}, {y}]"
    return ('{"type": "Polygon", "coordinates": [[' + corner
            + ', [-96.70, 17.05], [-96.69, 17.06], ' + corner + ']]}')


@pytest.mark.parametrize("x, y", [*((x, "17.05") for x in IMPOSSIBLE), ("-96.71", "95"),
                                  ("-96.71", "NaN")])
def test_a_zone_polygon_with_impossible_coordinates_is_refused(app, client, counts, x, y):
    before = counts()
    response = client.post("/editar/zona/nuevo", data={
        "name": "Zona de coordenadas imposibles", "kind": "colonia", "status": "identificada",
        "geometry": _ring(x, y)})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert any(words in text for words in ("coordenadas imposibles", "fuera de México",
                                           "no es GeoJSON válido")), text
    assert counts() == before


def test_a_zone_polygon_in_oaxaca_is_saved(client):
    response = client.post("/editar/zona/nuevo", data={
        "name": "Zona de prueba en Oaxaca", "kind": "colonia", "status": "identificada",
        "geometry": _ring("-96.71", "17.05")})
    assert response.status_code == 302


@pytest.mark.parametrize("value", IMPOSSIBLE)
@pytest.mark.parametrize("kind, data", [
    ("sitio", {"name": "Sitio de prueba"}),
    ("hallazgo", {"inspection": "1", "category": "residuos_solidos"}),
])
@pytest.mark.parametrize("axis", ["lon", "lat"])
def test_a_point_with_impossible_coordinates_is_a_field_message(client, counts, kind, data,
                                                                axis, value):
    before = counts()
    place = {"lon": "-96.72", "lat": "17.06", axis: value}
    response = client.post(f"/editar/{kind}/nuevo", data={**data, **place})
    assert response.status_code == 422
    assert ("debe estar en México" in response.get_data(as_text=True)
            or "coordenadas imposibles" in response.get_data(as_text=True))
    assert counts() == before


# -- an edit form must say which version it was built from -----------------------------------

def _zone_description(app, zone_id: int) -> str:
    with app.extensions["limites_sessions"]() as session:
        return session.get(DisputeZone, zone_id).description


@pytest.mark.parametrize("version", ["", "abc", " ", "1.0", None])
def test_an_edit_without_a_valid_version_is_refused_as_stale(app, client, version):
    page = client.get("/editar/zona/1")
    assert page.status_code == 200
    with app.extensions["limites_sessions"]() as session:
        zone = session.get(DisputeZone, 1)
        data = {"name": zone.name, "kind": zone.kind.value, "status": zone.status.value,
                "description": "Cambio sin versión", "geometry": ""}
        before = zone.description
    if version is not None:
        data["version"] = version
    response = client.post("/editar/zona/1", data=data)
    assert response.status_code == 409
    assert "no indica de qué versión del registro partió" in response.get_data(as_text=True)
    assert _zone_description(app, 1) == before


@pytest.mark.parametrize("version", ["", "abc"])
def test_a_deletion_without_a_valid_version_is_refused(app, client, version):
    response = client.post("/editar/zona/1/papelera", data={"version": version})
    assert response.status_code == 409
    assert "no indica de qué versión" in response.get_data(as_text=True)
    assert client.get("/zonas/1").status_code == 200


def test_an_edit_with_the_current_version_is_saved(app, client):
    with app.extensions["limites_sessions"]() as session:
        zone = session.get(DisputeZone, 1)
        data = {"name": zone.name, "kind": zone.kind.value, "status": zone.status.value,
                "description": "Cambio con versión", "version": str(zone.version)}
    assert client.post("/editar/zona/1", data=data).status_code == 302
    assert _zone_description(app, 1) == "Cambio con versión"


# -- enabling an account again brings back none of its API keys ------------------------------

OGC_ITEMS = "/ogcapi/collections/hallazgos/items"


@pytest.mark.parametrize("enable_through", ["admin_page", "use_case"])
def test_a_disabled_and_re_enabled_account_has_no_working_key(app, admin_client,
                                                             enable_through):
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        owner = get_user(session, "lectora")
        key = create_token(session, owner, owner, "QGIS de la oficina").token
    bearer = {"Authorization": f"Bearer {key}"}
    anon = app.test_client()
    assert anon.get(OGC_ITEMS, headers=bearer).status_code == 200
    with app.extensions["limites_sessions"]() as session:
        user_id = get_user(session, "lectora").id
    if enable_through == "admin_page":
        status = f"/admin/usuarios/{user_id}/estado"
        assert admin_client.post(status, data={"activa": "0"}).status_code == 302
        refused = anon.get(OGC_ITEMS, headers=bearer)
        assert refused.status_code == 401 and "desactivada" in refused.json["description"]
        assert admin_client.post(status, data={"activa": "1"}).status_code == 302
    else:
        with app.extensions["limites_sessions"]() as session, unit_of_work(session):
            disable_user(session, get_user(session, "lectora"))
        with app.extensions["limites_sessions"]() as session, unit_of_work(session):
            enable_user(session, get_user(session, "lectora"))
    with app.extensions["limites_sessions"]() as session:
        assert get_user(session, "lectora").active
    refused = anon.get(OGC_ITEMS, headers=bearer)
    assert refused.status_code == 401 and "revocada" in refused.json["description"]


def test_a_key_left_in_force_on_a_disabled_account_dies_when_it_comes_back(app):
    # An account disabled before keys were revoked with it: its key must not come back.
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        owner = get_user(session, "lectora")
        key = create_token(session, owner, owner, "Script").token
        owner.active = False
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        enable_user(session, get_user(session, "lectora"))
    refused = app.test_client().get(OGC_ITEMS, headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401 and "revocada" in refused.json["description"]


# -- an imported frame is named after the file, never the server's folders --------------------

def test_an_imported_frame_is_named_after_the_file_only(app, runner, inegi_three, tmp_path,
                                                        admin_client):
    folder = tmp_path / "servidor" / "datos privados"
    folder.mkdir(parents=True)
    path = folder / "limites_2026.geojson"
    inegi_three.rename(columns={"cvegeo": "CLAVE", "nom_agem": "NOMBRE"}).to_file(
        path, engine="fiona")
    result = runner.invoke(args=["import-boundaries", str(path), "--code-field", "CLAVE",
                                 "--name-field", "NOMBRE"])
    assert result.exit_code == 0, result.output
    with app.extensions["limites_sessions"]() as session:
        names = session.scalars(select(Frame.name)).all()
        sources = session.scalars(select(Frame.source)).all()
    assert "Marco limites_2026.geojson" in names
    assert not any("servidor" in text for text in names + sources)
    assert "servidor" not in admin_client.get("/admin/marcos").get_data(as_text=True)


# -- the field sync answers 4xx in Spanish to what a phone would never send -------------------

SYNC = "/campo/sincronizar"


def _batch(findings=(), inspection_uuid=None, title="Recorrido de prueba del río"):
    points = [{"lon": IN_OAXACA[0], "lat": IN_OAXACA[1] + i * 1e-4, "precision": 5,
               "hora": f"2025-05-15T15:0{i}:00Z"} for i in range(3)]
    return {"recorrido": {"uuid": inspection_uuid or str(uuid.uuid4()), "titulo": title},
            "puntos": points, "precision_maxima": 30, "hallazgos": list(findings)}


def _found(finding_uuid=None, **values):
    return {"uuid": finding_uuid or str(uuid.uuid4()), "categoria": "residuos_solidos",
            "lon": IN_OAXACA[0], "lat": IN_OAXACA[1], "nota": "Bolsas", **values}


def _field_counts(app) -> tuple[int, int]:
    with app.extensions["limites_sessions"]() as session:
        return tuple(session.scalar(including_deleted(select(func.count()).select_from(m)))
                     for m in (Inspection, Finding))


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '{"recorrido": ' * 5_000 + "{}" + "}" * 5_000,
    '{"recorrido": {"uuid": "x", "participantes": ' + "[" * 900 + "]" * 900 + "}}",
    '{"recorrido": {"titulo": "sin cerrar"',
    "\xff\xfe no es texto",
])
def test_a_body_that_is_not_a_shallow_json_batch_is_a_400(app, client, body):
    before = _field_counts(app)
    response = client.post(SYNC, data=body.encode("latin-1") if "\xff" in body else body,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"].startswith("el lote")
    assert _field_counts(app) == before


def test_one_finding_uuid_twice_in_a_batch_is_a_400(app, client):
    before = _field_counts(app)
    twice = _found()
    response = client.post(SYNC, json=_batch([_found(), twice, twice]))
    assert response.status_code == 400 and "repite el identificador" in response.json["error"]
    assert _field_counts(app) == before


def test_a_finding_uuid_stored_on_another_inspection_is_a_409(app, client):
    shared = str(uuid.uuid4())
    assert client.post(SYNC, json=_batch([_found(shared)], title="Primero")).status_code == 201
    before = _field_counts(app)
    response = client.post(SYNC, json=_batch([_found(), _found(shared)], title="Segundo"))
    assert response.status_code == 409
    assert "hallazgo 2" in response.json["error"] and "otro recorrido" in response.json["error"]
    assert _field_counts(app) == before


@pytest.mark.parametrize("what", ["inspection", "finding"])
def test_retrying_a_batch_whose_record_is_in_the_papelera_is_a_409(app, client, what):
    doc = _batch([_found(), _found()])
    assert client.post(SYNC, json=doc).status_code == 201
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        if what == "inspection":
            record = session.scalar(select(Inspection).where(
                Inspection.client_uuid == doc["recorrido"]["uuid"]))
        else:
            record = session.scalar(select(Finding).where(
                Finding.client_uuid == doc["hallazgos"][1]["uuid"]))
        soft_delete(session, None, record)
    before = _field_counts(app)
    for retry in (doc, {**doc, "hallazgos": [*doc["hallazgos"], _found()]}):
        response = client.post(SYNC, json=retry)
        assert response.status_code == 409, response.json
        assert "papelera" in response.json["error"]
    assert _field_counts(app) == before


@pytest.mark.parametrize("value", [500, -181, 1e308, "NaN", "Infinity"])
def test_a_synced_finding_with_impossible_coordinates_is_a_400(app, client, value):
    before = _field_counts(app)
    body = json.dumps(_batch([_found(lon=0)])).replace('"lon": 0', f'"lon": {value}')
    response = client.post(SYNC, data=body, content_type="application/json")
    assert response.status_code == 400 and "longitud del hallazgo 1" in response.json["error"]
    assert _field_counts(app) == before


def test_a_new_batch_named_like_an_inspection_in_the_papelera_is_a_409(app, client):
    assert client.post(SYNC, json=_batch(title="Recorrido repetido")).status_code == 201
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        soft_delete(session, None, session.scalar(
            select(Inspection).where(Inspection.title == "Recorrido repetido")))
    before = _field_counts(app)
    response = client.post(SYNC, json=_batch([_found()], title="Recorrido repetido"))
    assert response.status_code == 409 and "papelera" in response.json["error"]
    assert _field_counts(app) == before


def test_a_photo_of_a_finding_in_the_papelera_is_a_409_not_a_wait(app, client):
    doc = _batch([_found()])
    assert client.post(SYNC, json=doc).status_code == 201
    finding_uuid = doc["hallazgos"][0]["uuid"]
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        soft_delete(session, None, session.scalar(
            select(Finding).where(Finding.client_uuid == finding_uuid)))
    response = client.post(f"/campo/fotos/{uuid.uuid4()}", data={
        "hallazgo": finding_uuid, "foto": (io.BytesIO(photo()), "foto.jpg")})
    assert response.status_code == 409 and "papelera" in response.json["error"]
