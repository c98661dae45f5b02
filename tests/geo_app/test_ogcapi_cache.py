"""OGC API pages of items from cached features: same documents, built once per data version,
revalidated with ETag and Last-Modified, gzip when asked, the reader's scope kept apart."""

from __future__ import annotations

import gzip

import pytest
from sqlalchemy import select

from cases.sharing.links import create_share
from cases.storage.db import unit_of_work
from cases.storage.models import DisputeZone

GEOJSON = {"Accept": "application/geo+json"}
PAGES = [
    "/ogcapi/collections/zonas/items?limit=3",
    "/ogcapi/collections/zonas/items?limit=2&offset=2",
    "/ogcapi/collections/hallazgos/items?bbox=-96.76,17.06,-96.74,17.08",
    "/ogcapi/collections/recorridos/items?datetime=2025-01-01/..",
    "/ogcapi/collections/limites-oficial/items?limit=1000",
]


def _cache(app):
    return app.extensions["limites_feature_cache"]


def _document(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    document = response.json
    document.pop("timeStamp")
    return document


def _rename_zone(app, name: str) -> None:
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        session.scalar(select(DisputeZone).order_by(DisputeZone.id)).name = name


@pytest.mark.parametrize("path", PAGES)
def test_a_cached_page_is_the_page_built_from_the_records(app, client, path):
    cached = [_document(client.get(path, headers=GEOJSON)) for _ in range(2)]
    built = _cache(app).built
    assert client.get(path, headers=GEOJSON).status_code == 200
    assert _cache(app).built == built  # nothing built again
    del app.extensions["limites_feature_cache"]
    assert cached == [_document(client.get(path, headers=GEOJSON))] * 2


def test_a_write_builds_the_features_again(app, client):
    path = "/ogcapi/collections/zonas/items"
    before = client.get(path, headers=GEOJSON).json["features"][0]["properties"]["nombre"]
    _rename_zone(app, "Zona renombrada")
    after = client.get(path, headers=GEOJSON).json["features"][0]["properties"]["nombre"]
    assert before != after == "Zona renombrada"


def test_etag_and_last_modified_answer_304_until_the_data_changes(app, client):
    path = "/ogcapi/collections/zonas/items?limit=5"
    first = client.get(path, headers=GEOJSON)
    tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Accept-Encoding" in first.headers["Vary"]
    again = client.get(path, headers={**GEOJSON, "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    since = client.get(path, headers={**GEOJSON, "If-Modified-Since": modified})
    assert since.status_code == 304
    other = client.get(path + "&offset=1", headers={**GEOJSON, "If-None-Match": tag})
    assert other.status_code == 200  # another page, another tag
    _rename_zone(app, "Otra")
    changed = client.get(path, headers={**GEOJSON, "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.headers["Last-Modified"] != modified


def test_gzip_when_the_client_accepts_it(client):
    path = "/ogcapi/collections/hallazgos/items?limit=100"
    plain = client.get(path, headers=GEOJSON)
    packed = client.get(path, headers={**GEOJSON, "Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    refused = client.get(path, headers={**GEOJSON, "Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_a_share_link_never_gets_the_features_cached_for_an_account(app, client):
    path = "/ogcapi/collections/zonas/items?limit=100"
    everything = client.get(path, headers=GEOJSON).json
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        zone_id = session.scalar(select(DisputeZone.id).order_by(DisputeZone.id))
        token = create_share(session, None, zone=zone_id).token
    shared = app.test_client().get(f"/c/{token}{path}", headers=GEOJSON)
    assert shared.status_code == 200
    assert [f["id"] for f in shared.json["features"]] == [zone_id]
    mine = next(f for f in everything["features"] if f["id"] == zone_id)
    assert set(shared.json["features"][0]["properties"]) <= set(mine["properties"])
    assert shared.headers["ETag"] != client.get(path, headers=GEOJSON).headers["ETag"]


def test_reads_through_a_key_or_a_link_keep_the_data_version_and_the_features(app):
    from cases.access.accounts import get_user
    from cases.access.api_keys import create_token
    from cases.storage.models import data_version
    from geo_app.sharing.routes import flush_accesses

    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        key = create_token(session, None, get_user(session, "lectora"), "QGIS").token
        token = create_share(session, None, layers=["limites", "zonas"]).token
    reader, path = app.test_client(), "/ogcapi/collections/zonas/items"
    readers = [(path, {"Authorization": f"Bearer {key}"}), (f"/c/{token}{path}", {})]
    for url, headers in readers:  # the key's first use and the features are written here
        assert reader.get(url, headers={**GEOJSON, **headers}).status_code == 200
    with app.extensions["limites_sessions"]() as session:
        version, built = data_version(session), _cache(app).built
    for _ in range(3):
        for url, headers in readers:
            assert reader.get(url, headers={**GEOJSON, **headers}).status_code == 200
    assert flush_accesses(app) == 4  # the link's log, written off the request path
    with app.extensions["limites_sessions"]() as session:
        assert data_version(session) == version
    assert _cache(app).built == built


def test_readers_missing_at_once_build_each_feature_once(app):
    import threading

    from cases.storage.models import Finding

    path, answers = "/ogcapi/collections/hallazgos/items?limit=100", []
    with app.extensions["limites_sessions"]() as session:
        findings = len(session.scalars(select(Finding.id)).all())
    start = threading.Barrier(6)

    def read() -> None:
        client = app.test_client().login("lectora")
        start.wait()
        answers.append(client.get(path, headers=GEOJSON).status_code)

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert answers == [200] * 6
    assert _cache(app).built == findings
