"""The offline base map on the phone: an MBTiles or PMTiles file of the work area, made in
the test, served by the app, kept on the phone on request and drawn with the network cut."""

from __future__ import annotations

import re

import pytest
from limites_testing import demo_app
from limites_testing_tiles import make_mbtiles, make_pmtiles
from playwright.sync_api import expect

from tests.e2e.conftest import LOCAL_HOST, SCREENSHOTS, phone_context, serve

pytestmark = pytest.mark.e2e

HERE = (-96.7300, 17.0700)
OFFLINE_NOISE = re.compile(r"ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR_FAILED")
# The base map's tiles on the map: how many, and how many drew a 256-pixel image.
TILES_JS = """() => {
    const tiles = [...document.querySelectorAll('#mapa img.leaflet-tile')]
        .filter(img => img.src.includes('/campo/mapa-base/'));
    return [tiles.length, tiles.filter(img => img.complete && img.naturalWidth === 256).length];
}"""


@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles"])
def test_the_phone_keeps_the_base_map_of_the_work_area(browser, tmp_path, kind):
    path = tmp_path / f"mapa-base.{kind}"
    tiles = (make_mbtiles if kind == "mbtiles" else make_pmtiles)(path)
    shots = SCREENSHOTS / f"test_the_phone_keeps_the_base_map_of_the_work_area-{kind}"
    shots.mkdir(parents=True, exist_ok=True)
    app = demo_app(tmp_path, TILES="", BASE_MAP_FILE=str(path))
    problems: list[str] = []
    with serve(app) as server:
        context = phone_context(browser, server, HERE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: m.type == "error" and not OFFLINE_NOISE.search(m.text)
                and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        context.on("request", lambda r: LOCAL_HOST not in r.url
                   and problems.append(f"off-site request: {r.url}"))
        try:
            page.goto(server.url + "/campo/")
            state = page.get_by_test_id("base-map-state")
            expect(state).to_have_text(re.compile(rf"{tiles} teselas del área de trabajo, "
                                                  r"[\d.,]+ KB\.$"))
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            page.get_by_test_id("keep-base-map").tap()
            expect(page.get_by_test_id("base-map")).to_have_attribute("data-guardado", "true")
            assert state.inner_text().startswith("Mapa base guardado en el teléfono")

            context.set_offline(True)
            page.reload()
            page.wait_for_function(f"() => {{ const [n, ok] = ({TILES_JS})(); "
                                   "return n > 0 && n === ok; }")
            page.screenshot(path=str(shots / "01-sin-conexion.png"), full_page=True)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_desk_maps_draw_the_offline_base_map_with_the_network_cut(browser, tmp_path):
    """A zone's map and the drawing form take their tiles from the uploaded MBTiles."""
    from tests.e2e.conftest import session_cookie

    path = tmp_path / "mapa-base.mbtiles"
    make_mbtiles(path)
    app = demo_app(tmp_path, TILES="", BASE_MAP_FILE=str(path))
    shots = SCREENSHOTS / "test_desk_maps_draw_the_offline_base_map_with_the_network_cut"
    shots.mkdir(parents=True, exist_ok=True)
    with serve(app) as server:
        context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 800})
        context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"],
                              "value": session_cookie(app, "editora"), "url": server.url}])
        off_site: list[str] = []
        context.on("request", lambda r: LOCAL_HOST not in r.url and off_site.append(r.url))
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            for path_, name in (("/zonas/1", "ficha"), ("/editar/zona/1", "formulario")):
                page.goto(server.url + path_)
                page.wait_for_function("""() => {
                    const tiles = [...document.querySelectorAll('img.leaflet-tile')]
                        .filter(img => img.src.includes('/campo/mapa-base/'));
                    return tiles.length > 0 && tiles.some(
                        img => img.complete && img.naturalWidth === 256);
                }""")
                page.screenshot(path=str(shots / f"{name}.png"))
        finally:
            context.close()
    assert not off_site, off_site
