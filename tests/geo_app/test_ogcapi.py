"""OGC API – Features at /ogcapi/: documents, paging, bbox, datetime, errors, HTML, scope."""

import pytest
from sqlalchemy import select

from cases.sharing.features import COLLECTIONS, MAX_LIMIT
from cases.sharing.scope import Scope
from cases.storage.models import DisputeZone, Finding
from geo_app.sharing import ogcapi
from geo_app.sharing.ogcapi_documents import CONFORMANCE


def get_json(client, path, status=200):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def test_landing_page_links_the_api_conformance_and_data(client):
    doc = get_json(client, "/ogcapi/").json
    rels = {link["rel"]: link["href"] for link in doc["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"].endswith("/ogcapi/api")


def test_conformance_and_openapi(client):
    assert get_json(client, "/ogcapi/conformance").json["conformsTo"] == CONFORMANCE
    api = get_json(client, "/ogcapi/api")
    assert api.mimetype == "application/vnd.oai.openapi+json"
    assert "/collections/{collectionId}/items" in api.json["paths"]


def test_collections_limits_by_kind_and_layers(client):
    doc = get_json(client, "/ogcapi/collections").json
    ids = [c["id"] for c in doc["collections"]]
    assert ids == [c.id for c in COLLECTIONS]
    assert {"limites-oficial", "limites-reclamo", "zonas", "recorridos", "hallazgos",
            "sedes"} <= set(ids)
    findings = next(c for c in doc["collections"] if c["id"] == "hallazgos")
    assert findings["extent"]["temporal"]["interval"][0][0].startswith("2025-")
    assert len(findings["extent"]["spatial"]["bbox"][0]) == 4


def test_items_page_with_next_links_and_stable_ids(client, app):
    with app.extensions["limites_sessions"]() as session:
        ids = sorted(session.scalars(select(Finding.id)))
    first = get_json(client, "/ogcapi/collections/hallazgos/items?limit=2")
    assert first.mimetype == "application/geo+json"
    doc = first.json
    assert doc["numberMatched"] == len(ids) and doc["numberReturned"] == 2
    assert [f["id"] for f in doc["features"]] == ids[:2]
    next_link = next(link["href"] for link in doc["links"] if link["rel"] == "next")
    second = get_json(client, next_link.replace("http://localhost", "")).json
    assert [f["id"] for f in second["features"]] == ids[2:4]
    assert not any(link["rel"] == "next" for link in second["links"])
    assert second["features"][0]["properties"]["fecha"].startswith("2025-")
    one = get_json(client, f"/ogcapi/collections/hallazgos/items/{ids[0]}").json
    assert one["id"] == ids[0] and one["geometry"]["type"] == "Point"


def test_bbox_keeps_intersecting_features(client):
    everything = get_json(client, "/ogcapi/collections/zonas/items?limit=100").json
    some = get_json(client, "/ogcapi/collections/zonas/items?bbox=-96.75,17.08,-96.72,17.10")
    names = {f["properties"]["nombre"] for f in some.json["features"]}
    assert 0 < len(names) < everything["numberMatched"]
    far = get_json(client, "/ogcapi/collections/zonas/items?bbox=10,10,11,11").json
    assert far["numberMatched"] == 0 and far["features"] == []


def test_datetime_filters_dated_collections(client):
    later = get_json(client, "/ogcapi/collections/recorridos/items?datetime=2025-05-20/..").json
    assert all(f["properties"]["inicio"] >= "2025-05-20" or
               (f["properties"]["fin"] or "") >= "2025-05-20" for f in later["features"])
    day = get_json(client, "/ogcapi/collections/hallazgos/items?datetime=2025-05-15").json
    assert {f["properties"]["fecha"] for f in day["features"]} == {"2025-05-15"}
    none = get_json(client, "/ogcapi/collections/hallazgos/items?datetime=../2000-01-01").json
    assert none["numberMatched"] == 0


@pytest.mark.parametrize("query, message", [
    ("bbox=1,2,3", "cuatro números"),
    ("bbox=a,b,c,d", "cuatro números"),
    ("limit=0", "entero positivo"),
    ("offset=-1", "no negativo"),
    ("datetime=ayer", "RFC 3339"),
    ("f=xml", "formato"),
])
def test_bad_parameters_are_400_with_a_spanish_description(client, query, message):
    doc = get_json(client, f"/ogcapi/collections/hallazgos/items?{query}", 400).json
    assert doc["code"] == "InvalidParameterValue" and message in doc["description"]


def test_datetime_on_an_undated_collection_is_400(client):
    doc = get_json(client, "/ogcapi/collections/zonas/items?datetime=2025-05-15", 400).json
    assert "no tiene fechas" in doc["description"]


def test_limit_is_clamped(client):
    doc = get_json(client, f"/ogcapi/collections/sedes/items?limit={MAX_LIMIT * 5}").json
    self_link = next(link["href"] for link in doc["links"] if link["rel"] == "self")
    assert f"limit={MAX_LIMIT}" in self_link


def test_unknown_collection_or_item_is_404(client):
    assert get_json(client, "/ogcapi/collections/nada", 404).json["code"] == "NotFound"
    assert get_json(client, "/ogcapi/collections/zonas/items/999999", 404).status_code == 404


def test_html_views_for_people(client):
    page = client.get("/ogcapi/collections/zonas/items", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Zonas en disputa" in html and "nombre" in html
    assert client.get("/ogcapi/?f=html").mimetype == "text/html"
    assert client.get("/ogcapi/collections/zonas/items/1?f=html").status_code == 200


def test_the_access_hook_scopes_every_answer(client, app, monkeypatch):
    with app.extensions["limites_sessions"]() as session:
        zone_id = session.scalar(select(DisputeZone.id).order_by(DisputeZone.id.desc()))
        others = set(session.scalars(select(DisputeZone.id))) - {zone_id}
    monkeypatch.setattr(ogcapi, "access_scope", lambda: Scope.zone(zone_id))
    doc = get_json(client, "/ogcapi/collections/zonas/items").json
    assert [f["id"] for f in doc["features"]] == [zone_id]
    for other in others:
        get_json(client, f"/ogcapi/collections/zonas/items/{other}", 404)
