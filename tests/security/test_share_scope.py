"""A share link opens its scope and nothing else: other records are 404 through it, even by
guessing ids, in the OGC API and in the downloads; soft-deleted records never appear."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from limites_testing import demo_app
from sqlalchemy import select

from cases.sharing.links import create_share
from cases.storage.db import unit_of_work
from cases.storage.models import DisputeZone, Finding, Meeting, utcnow

# In the demo, zone 5 (Límites con Santa Cruz Xoxocotlán) belongs to case 3 only and has no
# inspection; zones 1–4 belong to case 2, whose inspection has findings 1–3.
OTHER_ZONE, SHARED_ZONE, OTHER_CASE, SHARED_CASE = 1, 5, 2, 3


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("share-scope"))
    yield app
    app.extensions["limites_engine"].dispose()


def _token(app, **what) -> str:
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        return create_share(session, None, **what).token


@pytest.fixture(scope="module")
def zone_link(app):
    return f"/c/{_token(app, zone=SHARED_ZONE)}"


@pytest.fixture(scope="module")
def case_link(app):
    return f"/c/{_token(app, case=SHARED_CASE)}"


def _ids(client, url):
    answer = client.get(url)
    assert answer.status_code == 200, url
    return {feature["id"] for feature in answer.get_json()["features"]}


@pytest.mark.parametrize("path", [
    f"/ogcapi/collections/zonas/items/{OTHER_ZONE}",
    "/ogcapi/collections/hallazgos/items/1",
    "/ogcapi/collections/recorridos/items/1",
    "/ogcapi/collections/zonas/items/999999",
])
def test_other_records_are_404_through_a_zone_link(app, zone_link, path):
    assert app.test_client().get(f"{zone_link}{path}?f=json").status_code == 404


@pytest.mark.parametrize("path", [
    f"/ogcapi/collections/zonas/items/{OTHER_ZONE}",
    "/ogcapi/collections/hallazgos/items/2",
])
def test_other_records_are_404_through_a_case_link(app, case_link, path):
    assert app.test_client().get(f"{case_link}{path}?f=json").status_code == 404


def test_the_link_lists_only_its_records(app, zone_link, case_link):
    client = app.test_client()
    assert _ids(client, f"{zone_link}/ogcapi/collections/zonas/items?f=json") == {SHARED_ZONE}
    assert _ids(client, f"{zone_link}/ogcapi/collections/hallazgos/items?f=json") == set()
    assert client.get(f"{zone_link}/ogcapi/collections/zonas/items/{SHARED_ZONE}?f=json"
                      ).status_code == 200
    assert _ids(client, f"{case_link}/ogcapi/collections/zonas/items?f=json") == {SHARED_ZONE}


def test_the_page_shows_only_the_scope(app, zone_link):
    html = app.test_client().get(zone_link).get_data(as_text=True)
    with app.extensions["limites_sessions"]() as session:
        meetings = session.scalars(select(Meeting)).all()
        zones = {z.id: z.name for z in session.scalars(select(DisputeZone))}
    inside = {6, 8}
    for meeting in meetings:
        assert (meeting.title in html) == (meeting.id in inside), meeting.title
    assert zones[SHARED_ZONE] in html and zones[OTHER_ZONE] not in html


def test_downloads_hold_only_the_scope(app, zone_link):
    answer = app.test_client().get(f"{zone_link}/descargar/geojson")
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        names = [n for n in archive.namelist() if "zonas" in n]
        zones = json.loads(archive.read(names[0]))
        found = [n for n in archive.namelist() if "hallazgos" in n]
        findings = json.loads(archive.read(found[0]))["features"] if found else []
    assert [f["properties"]["id"] for f in zones["features"]] == [SHARED_ZONE]
    assert findings == []
    assert app.test_client().get(f"{zone_link}/descargar/exe").status_code == 404


def test_the_token_opens_no_internal_page(app, zone_link):
    client = app.test_client()
    for path in ("/ogcapi/collections", f"/zonas/{SHARED_ZONE}", "/compartidos",
                 f"/exportar/zona/{SHARED_ZONE}.gpkg"):
        assert client.get(path).status_code in (302, 401), path
    assert client.get(f"{zone_link}/../zonas/{SHARED_ZONE}").status_code in (302, 401, 404)


def test_soft_deleted_records_never_appear(tmp_path):
    app = demo_app(tmp_path)
    try:
        token = _token(app, case=OTHER_CASE)
        with app.extensions["limites_sessions"]() as session, unit_of_work(session):
            session.get(Finding, 1).deleted_at = utcnow()
        client = app.test_client()
        base = f"/c/{token}/ogcapi/collections/hallazgos/items"
        assert _ids(client, f"{base}?f=json") == {2, 3}
        assert client.get(f"{base}/1?f=json").status_code == 404
        assert client.get(f"/c/{token}/descargar/gpkg").status_code == 200
    finally:
        app.extensions["limites_engine"].dispose()
