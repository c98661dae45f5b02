"""The /vendor blueprint serves npm-installed front-end files, and nothing else."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from limites_testing import missing

from geo_app.maps.assets import CDN_ASSETS
from geo_app.vendor import DEFAULT_VENDOR_DIR, bp, vendor_url


@pytest.fixture(scope="module")
def node_modules():
    if not (DEFAULT_VENDOR_DIR / "leaflet" / "dist" / "leaflet.js").is_file():
        missing(f"faltan los paquetes npm en {DEFAULT_VENDOR_DIR}: ejecute «npm ci»")
    return DEFAULT_VENDOR_DIR


def make_app(**config) -> Flask:
    app = Flask(__name__)
    app.config.update(TESTING=True, **config)
    app.register_blueprint(bp)
    return app


@pytest.fixture
def client(node_modules):
    return make_app().test_client()


def get(client, url):
    response = client.get(url, buffered=True, follow_redirects=True)
    response.close()
    return response


def test_serves_leaflet_with_long_cache(client):
    response = get(client, "/vendor/leaflet/dist/leaflet.js?v=1.9.4")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert b"Leaflet" in response.data[:200]
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable
    assert get(client, "/vendor/leaflet/dist/leaflet.css").cache_control.max_age == 24 * 3600


@pytest.mark.parametrize(
    "url",
    [
        "/vendor/../pyproject.toml",
        "/vendor/leaflet/../../pyproject.toml",
        "/vendor/leaflet/%2e%2e/%2e%2e/pyproject.toml",
        "/vendor/leaflet/..%2f..%2fpyproject.toml",
        "/vendor//etc/passwd",
        "/vendor/%2fetc/passwd",
        "/vendor/leaflet/package.json",  # not a front-end file type
        "/vendor/lodash/lodash.js",  # installed, but no map uses it
        "/vendor/leaflet/dist/missing.js",
        # The package is judged after normalisation: no detour into another package.
        "/vendor/leaflet/../lodash/lodash.js",
        "/vendor/leaflet/%2e%2e/lodash/lodash.js",
        "/vendor/leaflet/dist/../../lodash/lodash.js",
        "/vendor/@fortawesome/fontawesome-free/../../lodash/lodash.js",
        "/vendor/leaflet/./dist/leaflet.js",
        "/vendor/leaflet//dist/leaflet.js",
        "/vendor/leaflet/dist%5c..%5c..%5clodash%5clodash.js",
        "/vendor/leaflet/dist/leaflet.js%00.js",
        "/vendor/LEAFLET/dist/leaflet.js",
    ],
)
def test_refuses_traversal_and_files_outside_the_allowed_packages(client, url):
    assert get(client, url).status_code == 404


def test_every_localized_asset_is_served(node_modules):
    app = make_app()
    client = app.test_client()
    with app.test_request_context():
        urls = [vendor_url(path) for path in CDN_ASSETS.values() if path]
    for url in urls:
        assert get(client, url).status_code == 200, url


def test_font_awesome_webfonts_resolve_locally(client):
    css = get(client, "/vendor/@fortawesome/fontawesome-free/css/all.min.css").data.decode()
    assert "../webfonts/fa-solid-900.woff2" in css
    font = get(client, "/vendor/@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2")
    assert font.status_code == 200


def test_vendor_url_carries_the_package_version(node_modules):
    app = make_app()
    with app.test_request_context():
        assert vendor_url("leaflet/dist/leaflet.js") == "/vendor/leaflet/dist/leaflet.js?v=1.9.4"
        assert vendor_url("_folium/leaflet.awesome.rotate.css") == (
            "/vendor/_folium/leaflet.awesome.rotate.css"
        )


def test_serves_folium_rotate_css(client):
    response = get(client, "/vendor/_folium/leaflet.awesome.rotate.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert b".fa-rotate-45{transform:rotate(45deg)}" in response.data


def test_missing_node_modules_explains_in_spanish(tmp_path, caplog):
    missing = tmp_path / "node_modules"
    with caplog.at_level(logging.WARNING, logger="geo_app.vendor"):
        app = make_app(VENDOR_DIR=missing)
    assert "npm ci" in caplog.text
    response = get(app.test_client(), "/vendor/leaflet/dist/leaflet.js")
    assert response.status_code == 500
    assert "npm ci" in response.get_data(as_text=True)
    assert "Faltan los archivos" in response.get_data(as_text=True)
