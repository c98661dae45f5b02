"""Every response carries the security headers; every script of a page carries its nonce."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

PAGES = [
    "/",
    "/mapa/",
    "/zonas/",
    "/zonas/1",
    "/expedientes/",
    "/expedientes/1",
    "/reuniones/",
    "/reuniones/1",
    "/recorridos/",
    "/recorridos/1",
    "/sitios/1",
    "/analisis/",
    "/analisis/comparar?municipio=20067",
    "/indicadores/?anio=2025",
    "/informe/?trimestre=2025-T2",
    "/campo/",
    "/no-existe",
]
MAP_PAGES = {
    "/mapa/", "/zonas/1", "/expedientes/1", "/reuniones/1", "/recorridos/1", "/sitios/1",
    "/analisis/",
}
OTHER = ["/static/limites.css", "/vendor/_folium/leaflet.awesome.rotate.css"]


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values)
        self.handlers += [f"<{tag} {name}>" for name in values if name.startswith("on")]


def nonce_of(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", policy)
    assert match, policy
    return match.group(1)


@pytest.mark.parametrize("url", PAGES + OTHER)
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    response.close()
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    scripts = policy.split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in scripts
    # Not even on map pages: the measuring tool is our own and evaluates no string.
    assert "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert not re.search(r"werkzeug|python|flask|\d", headers.get("Server", ""), re.I)


@pytest.mark.parametrize("url", sorted(MAP_PAGES))
def test_map_pages_measure_without_eval(client, url):
    response = client.get(url)
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    assert "new L.Control.LimitesMeasure(" in page
    assert "leaflet-measure" not in page and "new Function" not in page


@pytest.mark.parametrize("url", PAGES)
def test_every_script_carries_the_nonce_and_no_inline_handler(client, url):
    response = client.get(url)
    nonce = nonce_of(response)
    tags = Tags()
    tags.feed(response.get_data(as_text=True))
    assert tags.scripts, "every page loads at least limites.js"
    assert [s for s in tags.scripts if s.get("nonce") != nonce] == []
    assert tags.handlers == []


def test_the_nonce_changes_with_every_request(client):
    first, second = client.get("/mapa/"), client.get("/mapa/")
    assert nonce_of(first) != nonce_of(second)
    assert nonce_of(second) in second.get_data(as_text=True)
    assert nonce_of(first) not in second.get_data(as_text=True)


def test_tiles_are_allowed_as_images_only(app):
    app.config["TILES"] = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    policy = app.test_client().get("/").headers["Content-Security-Policy"]
    images = policy.split("img-src")[1].split(";")[0]
    assert "https://*.tile.example.org" in images
    assert "tile.example.org" not in policy.replace(images, "")
