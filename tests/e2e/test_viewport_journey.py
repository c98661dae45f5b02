"""The overview's findings and routes come by view: load, cluster, popup and pan, on a desk
and on a phone, in Spanish and with no console error."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from cases.storage.models import Finding
from geo_app.maps.viewport import STATUS_TEXTS
from tests.e2e.conftest import PHONE, XSS_IMG, XSS_SCRIPT

pytestmark = pytest.mark.e2e

MAP = "window[document.querySelector('.folium-map').id]"
READY_JS = "() => document.querySelector('.folium-map').dataset.capasVista === 'listo'"
# What the two overlays hold: clusters (and how many findings they stand for), findings,
# route lines, and where a finding's icon can be clicked (nothing above its centre).
VIEW_JS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    const key = Object.keys(window).find(k => /^layer_control_[0-9a-f]+_layers$/.test(k));
    const overlays = window[key].overlays;
    const out = {clusters: 0, in_clusters: 0, findings: 0, routes: 0, clickable: null,
                 cluster_at: null, zoom: map.getZoom()};
    const walk = (layer, into) => {
        if (layer.eachLayer) { layer.eachLayer(l => walk(l, into)); return; }
        into(layer);
    };
    walk(overlays['Hallazgos'], (m) => {
        const icon = m._icon;
        if (!icon || !document.body.contains(icon)) return;
        const r = icon.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        const free = icon.contains(document.elementFromPoint(x, y));
        if (icon.classList.contains('limites-cluster')) {
            out.clusters += 1;
            out.in_clusters += Number(icon.textContent.replace(/\\D/g, ''));
            if (free && !out.cluster_at) out.cluster_at = {x: x, y: y};
        } else {
            out.findings += 1;
            if (free && !out.clickable) out.clickable = {x: x, y: y};
        }
    });
    walk(overlays['Recorridos de inspección'], (l) => {
        if (l._path && document.body.contains(l._path)) out.routes += 1;
    });
    return out;
}"""
ENGLISH = re.compile(
    r"\b(Loading|Zoom (in|out)|Layers|Close|Error|Failed|findings?|routes?|cluster)\b", re.I
)


def _tile_requests(page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/mapa/teselas/" in r.url else None)
    return requests


def _settle(browsing) -> dict:
    browsing.page.wait_for_function(READY_JS)
    browsing.page.wait_for_timeout(200)  # markers of the last tile are drawn on its answer
    return browsing.evaluate(VIEW_JS)


@pytest.mark.parametrize("size", [{"width": 1280, "height": 800}, PHONE],
                         ids=["escritorio", "telefono"])
def test_findings_and_routes_come_by_view(open_browser, live_server, size):
    with live_server.session() as session:
        total = session.scalar(select(func.count()).select_from(Finding))
    browsing = open_browser(viewport=size, mobile=size == PHONE)
    page = browsing.page
    requests = _tile_requests(page)
    browsing.open("/mapa/")
    view = _settle(browsing)
    browsing.shot("hallazgos-cargados")
    assert requests, "the map asked for no tile"
    assert all(re.search(r"/mapa/teselas/\d+/\d+/\d+\.json$", url) for url in requests)
    assert view["routes"] >= 1
    assert 1 <= view["findings"] + view["in_clusters"] <= total
    assert not page.locator(".limites-viewport-status").is_visible()

    # Panning asks for the tiles that came into view, once each; back where it was, the
    # tiles it had are still in memory.
    before = len(requests)
    shift = max(size["width"] // 2, 300)
    with page.expect_request(lambda r: "/mapa/teselas/" in r.url):
        page.evaluate(f"() => {MAP}.panBy([{shift}, 0], {{animate: false}})")
    _settle(browsing)
    browsing.shot("vista-desplazada")
    new = requests[before:]
    assert new, "panning fetched nothing"
    assert not set(new) & set(requests[:before]), "a tile in memory was fetched again"
    assert len(set(new)) == len(new), "a tile was fetched twice for one view"
    before = len(requests)
    page.evaluate(f"() => {MAP}.panBy([{-shift}, 0], {{animate: false}})")
    view = _settle(browsing)
    assert requests[before:] == []

    # A cluster zooms in on its findings when clicked (again while they stay close).
    assert view["clusters"] and view["cluster_at"], "no cluster to click"
    for click in range(1, 4):
        page.mouse.click(view["cluster_at"]["x"], view["cluster_at"]["y"])
        page.wait_for_function(f"() => {MAP}.getZoom() > {view['zoom']}")
        view = _settle(browsing)
        browsing.shot(f"grupo-abierto-{click}")
        if view["clickable"] or not view["cluster_at"]:
            break
    assert view["findings"] >= 1 and view["clickable"]

    # A finding's popup says what it is and links to its place on the inspection's page.
    page.mouse.click(view["clickable"]["x"], view["clickable"]["y"])
    popup = page.locator(".leaflet-popup.limites-popup")
    popup.wait_for()
    browsing.shot("popup-hallazgo")
    link = popup.get_by_role("link", name="Ver hallazgo")
    assert re.fullmatch(r"/recorridos/\d+#hallazgo-\d+", link.get_attribute("href"))
    assert "Inspección:" in popup.inner_text()
    page.keyboard.press("Escape")

    # Every word on the map is Spanish (labels, titles, the status).
    words = page.evaluate(
        """() => {
            const map = document.querySelector('.folium-map');
            const titles = Array.from(map.querySelectorAll('[title],[aria-label],[alt]'))
                .map(e => [e.title, e.getAttribute('aria-label'), e.alt].join(' '));
            return map.innerText + ' ' + titles.join(' ');
        }"""
    )
    assert not ENGLISH.search(words), ENGLISH.search(words)


def test_a_failed_tile_says_so_in_spanish(open_browser):
    browsing = open_browser()
    browsing.watch.ignore_console(r"status of 503")
    browsing.page.route("**/mapa/teselas/**", lambda route: route.fulfill(
        status=503, content_type="application/json", body='{"error": "En mantenimiento."}'
    ))
    browsing.open("/mapa/")
    browsing.page.wait_for_function(
        "() => document.querySelector('.folium-map').dataset.capasVista === 'error'"
    )
    status = browsing.page.locator(".limites-viewport-status")
    assert status.inner_text() == STATUS_TEXTS["error"]
    assert status.get_attribute("role") == "status"
    browsing.shot("teselas-fallidas")


def test_a_view_with_routes_left_out_says_so(open_browser):
    browsing = open_browser(viewport=PHONE, mobile=True)
    browsing.page.route("**/mapa/teselas/**", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"clusters":[],"findings":[],"routes":[],"routes_omitted":2}',
    ))
    browsing.open("/mapa/")
    browsing.page.wait_for_function(READY_JS)
    status = browsing.page.locator(".limites-viewport-status")
    assert status.inner_text() == STATUS_TEXTS["omitted"]
    browsing.shot("recorridos-omitidos")
    # Without the routes' layer there is nothing to say.
    browsing.page.locator(".leaflet-control-layers-toggle").tap()
    browsing.page.locator(".leaflet-control-layers-overlays label",
                          has_text="Recorridos de inspección").locator("input").uncheck()
    browsing.page.wait_for_function(READY_JS)
    assert not status.is_visible()


def test_tile_text_is_shown_as_text(browsing):
    """A tile's descriptions and labels reach the page as text, links only if they are ours."""
    page = browsing.page
    browsing.open("/mapa/")
    lat, lon = page.evaluate(f"() => {{ const c = {MAP}.getCenter(); return [c.lat, c.lng]; }}")
    body = json.dumps({
        "clusters": [],
        "findings": [[lon, lat, "otro", XSS_IMG, "{{ 7*7 }}", "javascript:alert(1)", None]],
        "routes": [[XSS_SCRIPT, "/recorridos/1", [[lon - 0.01, lat - 0.01],
                                                  [lon + 0.01, lat - 0.01]]]],
    })
    page.route("**/mapa/teselas/**", lambda route: route.fulfill(
        status=200, content_type="application/json", body=body))
    page.evaluate(f"() => {MAP}.setZoom({MAP}.getZoom() + 1, {{animate: false}})")
    page.wait_for_function(READY_JS)
    view = browsing.evaluate(VIEW_JS)
    page.mouse.click(view["clickable"]["x"], view["clickable"]["y"])
    popup = page.locator(".leaflet-popup.limites-popup")
    popup.wait_for()
    browsing.shot("texto-como-texto")
    assert XSS_IMG in popup.inner_text() and "{{ 7*7 }}" in popup.inner_text()
    content = popup.locator(".limites-popup-body")
    assert content.locator("img").count() == 0 and content.locator("a").count() == 0
    page.keyboard.press("Escape")
    tooltip = page.evaluate("""() => {
        const key = Object.keys(window).find(k => /^layer_control_[0-9a-f]+_layers$/.test(k));
        const lines = [];
        const walk = (l) => l.eachLayer ? l.eachLayer(walk) : lines.push(l);
        walk(window[key].overlays['Recorridos de inspección']);
        lines[0].openTooltip();
        return lines[0].getTooltip().getElement().textContent;
    }""")
    assert tooltip == XSS_SCRIPT
