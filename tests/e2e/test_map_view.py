"""Map links keep the view, printing shows the map alone, and the standalone HTML map opens
from a file with no network and no server."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from cases.sharing.scope import Scope
from cases.sharing.tables import export_data
from geo_app.exports import write_export
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS

pytestmark = pytest.mark.e2e

MAP = "window[document.querySelector('.folium-map').id]"
VIEW_JS = f"() => {{ const m = {MAP}; const c = m.getCenter(); " \
    "return [m.getZoom(), c.lat, c.lng]; }"
OVERLAYS_JS = """() => Array.from(document.querySelectorAll(
    '.leaflet-control-layers-overlays label')).map(l => [l.textContent.trim(),
    l.querySelector('input').checked])"""


def _hash(page) -> dict[str, list[str]]:
    return parse_qs(page.evaluate("() => window.location.hash").lstrip("#"))


def test_the_view_and_visible_layers_live_in_the_link(browsing, open_browser):
    browsing.open("/mapa/")
    page = browsing.page
    page.evaluate(f"() => {MAP}.setView([17.07, -96.75], 15, {{animate: false}})")
    page.evaluate("""() => Array.from(document.querySelectorAll(
        '.leaflet-control-layers-overlays label')).find(l => l.textContent.trim() ===
        'Hallazgos').querySelector('input').click()""")
    page.wait_for_function("() => window.location.hash.includes('mapa=15')")
    state = _hash(page)
    assert state["mapa"][0].startswith("15/17.07")
    assert "Hallazgos" not in state["capas"][0].split("|")
    assert "Zonas en disputa" in state["capas"][0].split("|")
    link = page.url

    # The copied link reopens the same view in another browser.
    other = open_browser()
    other.page.goto(link)
    other.wait_for_map()
    zoom, lat, lng = other.evaluate(VIEW_JS)
    assert zoom == 15 and abs(lat - 17.07) < 1e-3 and abs(lng + 96.75) < 1e-3
    overlays = dict(other.evaluate(OVERLAYS_JS))
    assert overlays["Hallazgos"] is False and overlays["Zonas en disputa"] is True

    # Back from another page reopens the view.
    browsing.open("/zonas/", wait_map=False)
    page.go_back()
    browsing.wait_for_map()
    assert browsing.evaluate(VIEW_JS)[0] == 15
    assert dict(browsing.evaluate(OVERLAYS_JS))["Hallazgos"] is False


def test_printing_shows_the_map_without_navigation(browsing):
    browsing.open("/mapa/")
    page = browsing.page
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("footer").is_visible()
    assert not page.locator(".leaflet-control-layers").is_visible()
    assert page.locator(".limites-legend").is_visible()
    box = page.locator(".map-box").bounding_box()
    assert box["width"] > 600 and box["height"] > 500
    page.emulate_media(media="screen")
    assert page.locator("nav.navbar").is_visible()


def test_standalone_map_opens_from_a_file_without_network(browser, live_server, tmp_path):
    app = live_server.app
    with app.app_context(), live_server.session() as session:
        data = export_data(session, Scope.everything())
        out = write_export(data, "html", tmp_path / "mapa.html")
    context = browser.new_context(locale="es-MX", timezone_id="America/Mexico_City",
                                  viewport=DESKTOP)
    refused: list[str] = []
    errors: list[str] = []

    def offline(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", offline)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(out.as_uri())
        page.wait_for_function(f"() => !!{MAP}")
        assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() > 0
        assert page.locator(".limites-legend").count() == 1
        # The markers' icon font is inlined too.
        page.evaluate("""() => document.fonts.load('900 12px "Font Awesome 6 Free"')""")
        assert page.evaluate("""() => document.fonts.check('900 12px "Font Awesome 6 Free"')""")
        # The measuring tool is inlined too.
        page.get_by_role("button", name="Medir distancia").click()
        box = page.locator(".folium-map").bounding_box()
        for fx in (.5, .8):
            page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * .6)
        assert page.locator(".limites-measure-result").inner_text().startswith("Distancia: ")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "mapa-independiente.png"))
        assert page.locator(".limites-about").get_attribute("open") is not None
        # On a phone the «Acerca de» box starts folded and leaves the legend reachable.
        page.set_viewport_size(PHONE)
        page.reload()
        page.wait_for_function(f"() => !!{MAP}")
        assert page.locator(".limites-about").get_attribute("open") is None
        page.locator(".limites-legend summary").click()  # fails if anything covers it
        page.screenshot(path=str(SCREENSHOTS / "mapa-independiente-telefono.png"))
    finally:
        context.close()
    assert refused == [] and errors == []
