"""The OGC API read by real clients on a live server: GDAL's OAPIF driver (what QGIS uses,
through ogrinfo and ogr2ogr from Debian's gdal-bin) and OWSLib's Features client."""

from __future__ import annotations

import os
import re
import subprocess
import threading

import pytest
from limites_testing import demo_app, session_cookie, system_tool
from werkzeug.serving import make_server

from cases.access.accounts import get_user
from cases.access.api_keys import create_token
from cases.sharing.features import COLLECTIONS
from cases.sharing.tables import layer_spec
from cases.storage.db import unit_of_work


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The demo app the live server serves."""
    app = demo_app(tmp_path_factory.mktemp("ogcapi"))
    yield app
    app.extensions["limites_engine"].dispose()


@pytest.fixture(scope="module")
def served(live_app):
    """The demo app served on 127.0.0.1 from a thread: the API's URL and a session cookie."""
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="ogcapi", daemon=True)
    thread.start()
    cookie = f"{app.config['SESSION_COOKIE_NAME']}={session_cookie(app, 'lectora')}"
    yield f"http://127.0.0.1:{server.server_port}/ogcapi/", cookie
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="module")
def api_key(live_app) -> str:
    """A personal API key of the demo lector (what QGIS sends as a Bearer header)."""
    with live_app.extensions["limites_sessions"]() as session, unit_of_work(session):
        return create_token(session, None, get_user(session, "lectora"), "QGIS").token


@pytest.fixture(scope="module")
def api_url(served, tmp_path_factory):
    """The API's landing page URL, with GDAL signed in as the demo lector (its cookie)."""
    url, cookie = served
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GDAL_HTTP_COOKIE", cookie)
        yield url


def test_the_api_answers_401_without_an_account(served):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(served[0] + "collections")
    refused.value.close()
    assert refused.value.code == 401


def test_ogrinfo_lists_every_collection(api_url):
    out = subprocess.run([system_tool("ogrinfo"), "-ro", "-so", f"OAPIF:{api_url}"],
                         capture_output=True, text=True, check=True).stdout
    listed = re.findall(r"^\d+: (\S+) ", out, re.M)
    assert listed == [c.id for c in COLLECTIONS]


def test_ogrinfo_reads_every_attribute_with_its_type(api_url):
    out = subprocess.run(
        [system_tool("ogrinfo"), "-ro", "-al", "-q", f"OAPIF:{api_url}", "hallazgos"],
        capture_output=True, text=True, check=True).stdout
    for field in layer_spec("hallazgos").fields:
        assert re.search(rf"^  {field} \(", out, re.M), field
    assert "fecha (Date) = 2025/05/" in out
    assert "ilustrativa (Integer(Boolean)) = 1" in out
    assert out.count("OGRFeature(hallazgos)") == 3  # the demo's three findings


def test_ogr2ogr_copies_every_collection(api_url, tmp_path):
    out = tmp_path / "copia.gpkg"
    # A small page size makes GDAL follow the next links.
    subprocess.run([system_tool("ogr2ogr"), "-f", "GPKG", str(out), f"OAPIF:{api_url}",
                    "-oo", "PAGE_SIZE=2"], capture_output=True, text=True, check=True)
    info = subprocess.run([system_tool("ogrinfo"), "-ro", "-so", str(out), "zonas"],
                          capture_output=True, text=True, check=True).stdout
    assert "Feature Count: 5" in info
    assert re.search(r"^estado: String", info, re.M)
    routes = subprocess.run([system_tool("ogrinfo"), "-ro", "-so", str(out), "recorridos"],
                            capture_output=True, text=True, check=True).stdout
    assert "Feature Count: 1" in routes and re.search(r"^inicio: Date", routes, re.M)


def test_ogrinfo_spatial_filter_uses_bbox(api_url):
    out = subprocess.run(
        [system_tool("ogrinfo"), "-ro", "-so", f"OAPIF:{api_url}", "hallazgos",
         "-spat", "-96.76", "17.06", "-96.74", "17.08"],
        capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Feature Count: (\d+)", out).group(1))
    assert 0 < count < 3


def test_owslib_features_client(served):
    from owslib.ogcapi.features import Features

    api_url, cookie = served
    service = Features(api_url, headers={"Cookie": cookie})
    assert [c["id"] for c in service.collections()["collections"]] == [
        c.id for c in COLLECTIONS]
    assert any(c.endswith("/conf/geojson") for c in service.conformance()["conformsTo"])
    zones = service.collection_items("zonas", limit=100)
    assert zones["numberMatched"] == len(zones["features"]) == 5
    assert set(zones["features"][0]["properties"]) == set(layer_spec("zonas").fields)
    one = service.collection_item("zonas", str(zones["features"][0]["id"]))
    assert one["properties"] == zones["features"][0]["properties"]
    assert "/collections/{collectionId}/items" in service.api()["paths"]


def test_gdal_and_owslib_read_with_a_personal_api_key(served, api_key):
    from owslib.ogcapi.features import Features

    url = served[0]
    # Only the key: no session cookie (the module's other tests sign GDAL in with one).
    env = {k: v for k, v in os.environ.items() if k != "GDAL_HTTP_COOKIE"}
    out = subprocess.run(
        [system_tool("ogrinfo"), "-ro", "-al", "-q", f"OAPIF:{url}", "hallazgos",
         "--config", "GDAL_HTTP_HEADERS", f"Authorization: Bearer {api_key}"],
        capture_output=True, text=True, check=True, env=env).stdout
    assert out.count("OGRFeature(hallazgos)") == 3
    service = Features(url, headers={"Authorization": f"Bearer {api_key}"})
    zones = service.collection_items("zonas", limit=100)
    assert zones["numberMatched"] == len(zones["features"]) == 5
    refused = subprocess.run(
        [system_tool("ogrinfo"), "-ro", "-so", f"OAPIF:{url}",
         "--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer lim_adivinanza"],
        capture_output=True, text=True, env=env)
    assert refused.returncode != 0 and "401" in refused.stderr


_VALUE = re.compile(r"^  (\w+) \([^)]*\) = (.*)$|^  (POINT) (.*)$", re.MULTILINE)


def test_ogrinfo_reads_a_single_item_as_the_page_gives_it(api_url):
    """One item (``items/<id>``, from the cached feature) read by GDAL's GeoJSON driver: the
    same values and point as the same feature read in its page by the OAPIF driver (each
    driver guesses its own field types)."""
    def features(source: str, *layer: str) -> list[dict[str, str]]:
        out = subprocess.run([system_tool("ogrinfo"), "-ro", "-al", "-q", source, *layer],
                             capture_output=True, text=True, check=True).stdout
        return [{m[0] or m[2]: m[1] or m[3] for m in _VALUE.findall(block)}
                for block in out.split("OGRFeature(")[1:]]

    paged = features(f"OAPIF:{api_url}", "hallazgos")
    single = features(f"GeoJSON:{api_url}collections/hallazgos/items/{paged[0]['id']}?f=json")
    assert single == [paged[0]] and "POINT" in single[0] and len(single[0]) > 10
