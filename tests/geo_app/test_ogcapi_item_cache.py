"""A single item (``items/<id>``) and the HTML pages of the OGC API from cached features: the
same text and the same tables as built from the records, ETag, 304 and gzip, and the reader's
scope asked of SQL on every request."""

from __future__ import annotations

import gzip
import re

import pytest
from limites_testing import demo_app
from sqlalchemy import select

from cases.access.accounts import get_user
from cases.access.api_keys import create_token
from cases.sharing import features
from cases.sharing.features import COLLECTIONS
from cases.sharing.links import create_share
from cases.sharing.scope import Scope
from cases.storage.db import unit_of_work
from cases.storage.models import DisputeZone, Finding, Inspection
from geo_app.sharing import ogcapi_documents as docs
from geo_app.sharing import ogcapi_pages as pages

GEOJSON = {"Accept": "application/geo+json"}
# Each page's own: its script nonce and its sign-out form's CSRF token (timed).
_PER_PAGE = re.compile(r' nonce="[^"]*"|name="csrf_token" value="[^"]*"')


@pytest.fixture
def any_backend_app(database_url, tmp_path):
    """The demo app on SQLite and on PostgreSQL + PostGIS."""
    app = demo_app(database_url=database_url, instance_path=tmp_path / "instance")
    yield app
    app.extensions["limites_engine"].dispose()


def _built(app) -> int:
    return app.extensions["limites_feature_cache"].built


def _ids(app, collection) -> list[int]:
    with app.extensions["limites_sessions"]() as session:
        return features.matching_ids(session, Scope.everything(), collection, limit=3)[0]


def test_an_item_is_its_cached_fragment_with_the_same_text(any_backend_app):
    app = any_backend_app
    client = app.test_client().login("lectora")
    for collection in COLLECTIONS:
        ids = _ids(app, collection)
        page = f"/ogcapi/collections/{collection.id}/items?limit=3"
        assert client.get(page, headers=GEOJSON).status_code == 200
        built = _built(app)
        for i in ids:
            answer = client.get(f"/ogcapi/collections/{collection.id}/items/{i}",
                                headers=GEOJSON)
            assert answer.status_code == 200 and answer.mimetype == docs.GEOJSON
            with app.extensions["limites_sessions"]() as session:
                record = features.item(session, Scope.everything(), collection, i)
            # The text the records give, links and all: the old answer, byte for byte.
            expected = docs.to_json({**docs.feature_doc(record), "links": answer.json["links"]})
            assert answer.get_data(as_text=True) == expected
        assert _built(app) == built  # the page's features served the items
    missing = client.get("/ogcapi/collections/zonas/items/999999", headers=GEOJSON)
    assert missing.status_code == 404


def test_an_item_has_etag_304_and_gzip_until_its_data_changes(any_backend_app):
    app = any_backend_app
    client = app.test_client().login("lectora")
    with app.extensions["limites_sessions"]() as session:
        zone = session.scalar(select(DisputeZone.id).order_by(DisputeZone.id))
    path = f"/ogcapi/collections/zonas/items/{zone}"
    plain = client.get(path, headers=GEOJSON)
    zipped = client.get(path, headers={**GEOJSON, "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert plain.headers["Cache-Control"] == "private, no-cache"
    tag = plain.headers["ETag"]
    again = client.get(path, headers={**GEOJSON, "If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    since = {**GEOJSON, "If-Modified-Since": plain.headers["Last-Modified"]}
    assert client.get(path, headers=since).status_code == 304
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        session.get(DisputeZone, zone).name = "Zona renombrada"
    renewed = client.get(path, headers={**GEOJSON, "If-None-Match": tag})
    assert renewed.status_code == 200 and renewed.headers["ETag"] != tag
    assert renewed.json["properties"]["nombre"] == "Zona renombrada"


def test_an_item_keeps_the_readers_scope(app):
    """A link without notes gets no notes, even once an account's item is cached; a record
    outside a link is 404 however its feature was cached; a key reads as its owner."""
    account, visitor = app.test_client().login("lectora"), app.test_client()
    route = "/ogcapi/collections/recorridos/items/{}"
    zone = "/ogcapi/collections/zonas/items/{}"
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        key = create_token(session, None, get_user(session, "lectora"), "QGIS").token
        inspection = session.scalar(select(Inspection).order_by(Inspection.id))
        inspection.summary = "Nota interna del recorrido"
        zones = session.scalars(select(DisputeZone.id).order_by(DisputeZone.id)).all()
        links = {z: (create_share(session, None, zone=z).token,
                     create_share(session, None, zone=z, include_notes=True).token)
                 for z in zones}

    def routes(token: str) -> list[int]:
        answer = visitor.get(f"/c/{token}/ogcapi/collections/recorridos/items", headers=GEOJSON)
        return [f["id"] for f in answer.json["features"]]

    first = next(z for z in zones if routes(links[z][0]) == [inspection.id])
    other = next(z for z in zones if z != first)
    routed, noted = links[first]
    elsewhere = next(links[z][0] for z in zones if not routes(links[z][0]))
    mine = account.get(route.format(inspection.id), headers=GEOJSON).json
    assert account.get(zone.format(other), headers=GEOJSON).status_code == 200
    assert mine["properties"]["resumen"] == "Nota interna del recorrido"  # internal
    shared = visitor.get(f"/c/{routed}{route.format(inspection.id)}", headers=GEOJSON).json
    with_notes = visitor.get(f"/c/{noted}{route.format(inspection.id)}", headers=GEOJSON).json
    assert set(shared["properties"]) == set(mine["properties"]) - {"resumen"}
    assert with_notes == {**mine, "links": with_notes["links"]}
    # Cached for the account, outside the link: 404 as JSON and as HTML.
    for path in (f"/c/{routed}{zone.format(other)}", f"/c/{noted}{zone.format(other)}",
                 f"/c/{elsewhere}{route.format(inspection.id)}"):
        assert visitor.get(path, headers=GEOJSON).status_code == 404, path
        assert visitor.get(f"{path}?f=html").status_code == 404, path
    bearer = {**GEOJSON, "Authorization": f"Bearer {key}"}
    assert visitor.get(route.format(inspection.id), headers=bearer).json == mine
    assert visitor.get(route.format(inspection.id), headers=GEOJSON).status_code == 401


def _old_items_document(session, scope, collection, url, query, **params):
    """The HTML page's document as it was built before: from the records."""
    return docs.items_doc(url, collection, features.items(session, scope, collection, **params),
                          query)


def _old_item_document(session, scope, collection, feature_id):
    return docs.feature_doc(features.item(session, scope, collection, feature_id))


@pytest.mark.parametrize("query", ["limit=5", "bbox=-96.76,17.06,-96.74,17.08",
                                   "datetime=2025-01-01/..", "limit=2&offset=2"])
def test_the_html_pages_show_what_the_records_show(app, monkeypatch, query):
    client = app.test_client().login("lectora")
    with app.extensions["limites_sessions"]() as session:
        finding = session.scalar(select(Finding.id).order_by(Finding.id))
    paths = [f"/ogcapi/collections/{c.id}/items?f=html&{query}" for c in COLLECTIONS
             if "datetime" not in query or c.temporal]
    paths += [f"/ogcapi/collections/hallazgos/items/{finding}?f=html"]
    paths += [f"/ogcapi/collections/{c.id}/items/{i}?f=html" for c in COLLECTIONS[-4:]
              for i in _ids(app, c)[:1]]

    def read() -> list[str]:
        answers = [client.get(p) for p in paths]
        assert [a.status_code for a in answers] == [200] * len(paths)
        return [_PER_PAGE.sub("", a.get_data(as_text=True)) for a in answers]

    cached = read()
    built = _built(app)
    assert read() == cached
    assert _built(app) == built  # the second time, nothing built
    monkeypatch.setattr(pages, "items_document", _old_items_document)
    monkeypatch.setattr(pages, "item_document", _old_item_document)
    assert read() == cached


def test_an_item_page_lists_every_field_of_the_feature(app):
    """The properties of a fragment are read without its geometry: a text value holding
    ``"properties": `` (escaped in JSON) cannot mislead the reading."""
    tricky = 'Nota "properties": {"x": 1}, fin'
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        finding = session.scalar(select(Finding).order_by(Finding.id))
        finding.description = tricky
        ident = finding.id
    client = app.test_client().login("lectora")
    page = client.get("/ogcapi/collections/hallazgos/items?f=html&limit=1000")
    assert page.status_code == 200
    assert "Nota &#34;properties&#34;: {&#34;x&#34;: 1}, fin" in page.get_data(as_text=True)
    single = client.get(f"/ogcapi/collections/hallazgos/items/{ident}", headers=GEOJSON)
    assert single.json["properties"]["descripcion"] == tricky
