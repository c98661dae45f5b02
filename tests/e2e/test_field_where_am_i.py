"""«¿Dónde estoy?» on a phone with the network cut: a walk across the limit between Oaxaca de
Juárez and San Jacinto Amilpas, through the dispute zone «Colonia Ejidal», answered in the
browser from the kept layers; the findings synced afterwards carry the server's answer, the
same. And a reload in the middle of a recording keeps every point and goes on recording."""

from __future__ import annotations

import re

import pytest
import shapely
from playwright.sync_api import Page, expect
from sqlalchemy import select

from cases.frames.derived import finding_facts
from cases.storage.models import Finding
from tests.e2e.conftest import LOCAL_HOST, SCREENSHOTS, phone_context

pytestmark = pytest.mark.e2e

OAXACA, SAN_JACINTO = "Oaxaca de Juárez", "San Jacinto Amilpas"
# From Oaxaca de Juárez north-west into San Jacinto Amilpas across their limit (the demo's
# illustrative frame), through the zone «Colonia Ejidal» that straddles it.
WALK = [
    (-96.7300, 17.0700),  # Oaxaca de Juárez, far from every limit
    (-96.7370, 17.0740),  # Oaxaca de Juárez, nearing the zone
    (-96.7425, 17.0765),  # in the zone, on the Oaxaca side of the limit
    (-96.7445, 17.0790),  # in the zone, across the limit
    (-96.7500, 17.0830),  # San Jacinto Amilpas, out of the zone
]
FINDING_STOPS = (2, 4)
OFFLINE_NOISE = re.compile(r"ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR_FAILED")


def _phone_page(context) -> tuple[Page, list[str]]:
    problems: list[str] = []
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: m.type == "error" and not OFFLINE_NOISE.search(m.text)
            and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    context.on("request", lambda r: LOCAL_HOST not in r.url
               and problems.append(f"off-site request: {r.url}"))
    return page, problems


def _server_says(server, points):
    with server.session() as session:
        facts = finding_facts(session, [shapely.Point(p) for p in points])
    return [(f.responsibility["official_municipality"].name, f.responsibility["shared"])
            for f in facts]


def test_the_panel_follows_a_walk_across_the_limit_offline(browser, field_server):
    shots = SCREENSHOTS / "test_the_panel_follows_a_walk_across_the_limit_offline"
    shots.mkdir(parents=True, exist_ok=True)
    context = phone_context(browser, field_server, WALK[0])
    page, problems = _phone_page(context)
    seen = []
    try:
        page.goto(field_server.url + "/campo/")
        expect(page.get_by_test_id("layers-date")).to_have_text(
            re.compile(r"^Datos del mapa al \d\d/\d\d/\d{4}"))
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.fill("#titulo", "Límite con San Jacinto")
        page.get_by_test_id("record").tap()
        panel = page.get_by_test_id("where")
        for n, (lon, lat) in enumerate(WALK):
            context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 5})
            expect(page.get_by_test_id("points")).to_have_text(str(n + 1))
            seen.append({
                "municipio": page.get_by_test_id("where-municipality").inner_text(),
                "limite": page.get_by_test_id("where-limit").inner_text(),
                "zona": page.get_by_test_id("where-zone").inner_text(),
                "compartido": panel.get_attribute("data-compartido") == "true",
            })
            if n in FINDING_STOPS:
                page.fill("#nota", f"Parada {n}")
                page.get_by_test_id("add-finding").tap()
            if n == 2:
                page.screenshot(path=str(shots / "01-en-la-zona.png"), full_page=True)
        page.get_by_test_id("record").tap()
        assert page.get_by_test_id("network").inner_text() == "Sin conexión"
        page.screenshot(path=str(shots / "02-sin-conexion.png"), full_page=True)
        pending = page.get_by_test_id("pending-list").inner_text()
        assert "Límite con San Jacinto" in pending and "2 hallazgo(s)" in pending

        listed = page.locator("#hallazgos li")
        on_phone = [(listed.nth(i).get_attribute("data-municipio"),
                     listed.nth(i).get_attribute("data-compartido") == "true")
                    for i in range(listed.count())]

        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(page.get_by_test_id("queue")).to_have_attribute("data-pending", "0")
        expect(page.get_by_test_id("pending-list")).to_have_text("")
    finally:
        context.close()

    assert [s["municipio"] for s in seen] == [OAXACA, OAXACA, OAXACA, SAN_JACINTO, SAN_JACINTO]
    assert re.fullmatch(r"A [\d,]+ m del límite con San Jacinto Amilpas", seen[0]["limite"])
    assert [s["zona"].startswith("Dentro de la zona en disputa «Colonia Ejidal»") for s in seen] \
        == [False, False, True, True, False]
    # The panel's «Compartido» is the server's at every point of the walk.
    assert [(s["municipio"], s["compartido"]) for s in seen] == _server_says(field_server, WALK)
    with field_server.session() as session:
        stored = session.execute(
            select(Finding).where(Finding.client_uuid.is_not(None)).order_by(Finding.id)
        ).scalars().all()
        synced = [(f.official_municipality.name, f.shared) for f in stored]
    assert synced == on_phone == [(OAXACA, True), (SAN_JACINTO, False)]
    assert not problems, "\n".join(problems)


def test_a_reload_while_recording_keeps_every_point(browser, field_server):
    shots = SCREENSHOTS / "test_a_reload_while_recording_keeps_every_point"
    shots.mkdir(parents=True, exist_ok=True)
    context = phone_context(browser, field_server, WALK[0])
    page, problems = _phone_page(context)
    try:
        page.goto(field_server.url + "/campo/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.get_by_test_id("record").tap()
        for n, (lon, lat) in enumerate(WALK[1:4], start=2):
            context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 5})
            expect(page.get_by_test_id("points")).to_have_text(str(n))
        expect(page.get_by_test_id("points")).to_have_attribute("data-guardados", "4")
        page.reload()  # as after a crash: page from the service worker, track from IndexedDB
        expect(page.get_by_test_id("points")).to_have_text("4")
        expect(page.get_by_test_id("record")).to_have_text("Detener recorrido")
        # Every file of the page came from the service worker, the Spanish controls too.
        expect(page.locator("#mapa .leaflet-control-zoom-in")).to_have_attribute(
            "title", "Acercar")
        context.set_geolocation({"longitude": WALK[4][0], "latitude": WALK[4][1], "accuracy": 5})
        expect(page.get_by_test_id("points")).to_have_text("5")
        page.screenshot(path=str(shots / "01-tras-recargar.png"), full_page=True)
        points = page.evaluate("""() => new Promise((resolve) => {
            indexedDB.open("limites-campo").onsuccess = (e) => {
                e.target.result.transaction("capturas").objectStore("capturas").getAll()
                    .onsuccess = (r) => resolve(r.target.result[0].puntos.map(p => [p.lon, p.lat]));
            };
        })""")
    finally:
        context.close()
    assert points == [list(p) for p in WALK]
    assert not problems, "\n".join(problems)


# A Screen Wake Lock that records what the page asks of it (headless Chromium refuses one).
FAKE_WAKE_LOCK = """
window.__locks = [];
Object.defineProperty(navigator, "wakeLock", {value: {request: (type) => {
    const lock = new EventTarget();
    lock.type = type;
    lock.released = false;
    lock.release = () => {
        lock.released = true;
        lock.dispatchEvent(new Event("release"));
        return Promise.resolve();
    };
    window.__locks.push(lock);
    return Promise.resolve(lock);
}}});
"""


def test_the_screen_stays_on_while_recording_and_the_page_says_what_stops_the_gps(
    browser, field_server
):
    context = phone_context(browser, field_server, WALK[0])
    context.add_init_script(FAKE_WAKE_LOCK)
    page, problems = _phone_page(context)
    try:
        page.goto(field_server.url + "/campo/")
        note = page.get_by_test_id("gps-note").inner_text()
        assert "bloquea la pantalla" in note and "otra aplicación" in note
        page.get_by_test_id("record").tap()
        expect(page.get_by_test_id("wake-lock")).to_have_text(
            "La pantalla se mantiene encendida mientras graba.")
        assert page.evaluate("window.__locks.map(l => [l.type, l.released])") == [
            ["screen", False]]
        page.get_by_test_id("record").tap()
        expect(page.get_by_test_id("wake-lock")).to_have_text("")
        assert page.evaluate("window.__locks.map(l => l.released)") == [True]
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def _walk_across_inegi_limit(server) -> list[tuple[float, float]]:
    """Seven points 600 m long, square across INEGI's limit of the two municipalities."""
    import geopandas as gpd

    from boundaries.crs import MEASURE_CRS, STORAGE_CRS
    from cases.frames.stored_layers import official_frame

    with server.session() as session:
        frame = official_frame(session).set_index("code").to_crs(MEASURE_CRS)
    limit = frame.geometry["20067"].boundary.intersection(frame.geometry["20157"].boundary)
    limit = shapely.line_merge(limit) if limit.geom_type == "MultiLineString" else limit
    middle = limit.interpolate(0.5, normalized=True)
    ahead = limit.interpolate(limit.project(middle) + 5)
    dx, dy = ahead.x - middle.x, ahead.y - middle.y
    norm = (dx * dx + dy * dy) ** 0.5
    across = [(middle.x - dy / norm * d, middle.y + dx / norm * d)
              for d in (-300, -200, -100, -30, 30, 100, 300)]
    points = gpd.GeoSeries(gpd.points_from_xy(*zip(*across, strict=True)), crs=MEASURE_CRS)
    return [(p.x, p.y) for p in points.to_crs(STORAGE_CRS)]


def test_with_inegi_in_force_the_panel_is_the_servers_across_the_limit(browser, tmp_path):
    from limites_testing import demo_app

    from boundaries.io import read_layer
    from cases.frames.importer import import_boundaries
    from tests.conftest import INEGI
    from tests.e2e.conftest import serve

    def inegi(session):
        import_boundaries(session, read_layer(INEGI), source="INEGI", activate=True)

    shots = SCREENSHOTS / "test_with_inegi_in_force_the_panel_is_the_servers_across_the_limit"
    shots.mkdir(parents=True, exist_ok=True)
    with serve(demo_app(tmp_path, TILES="", prepare=inegi)) as server:
        walk = _walk_across_inegi_limit(server)
        context = phone_context(browser, server, walk[0])
        page, problems = _phone_page(context)
        seen = []
        try:
            page.goto(server.url + "/campo/")
            expect(page.get_by_test_id("layers-date")).to_contain_text("INEGI")
            context.set_offline(True)
            panel = page.get_by_test_id("where")
            for lon, lat in walk:
                context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 5})
                expect(panel).to_have_attribute("data-fix", f"{lon:.7f},{lat:.7f}")
                seen.append((page.get_by_test_id("where-municipality").inner_text(),
                             panel.get_attribute("data-compartido") == "true"))
                if len(seen) == 4:
                    page.screenshot(path=str(shots / "01-junto-al-limite.png"), full_page=True)
        finally:
            context.close()
        assert seen == _server_says(server, walk)
    assert {name for name, _ in seen} == {OAXACA, SAN_JACINTO}
    assert [shared for _, shared in seen].count(True) >= 2
    assert not problems, "\n".join(problems)
