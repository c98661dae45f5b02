"""The Mapa general in a real browser: layers, layer control, popups, phone, no tiles."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cases.storage.models import DisputeZone, Finding
from geo_app.records import pages
from tests.e2e.test_viewport_journey import READY_JS, VIEW_JS

pytestmark = pytest.mark.e2e

ZONES = "Zonas en disputa"
ROUTES = "Recorridos de inspección"
# The layers written into the page; findings and routes come by view, in tiles.
SHAPE_LAYERS = {
    "Límites municipales": "boundaries",
    ZONES: "zones",
    "Ríos": "river",
}
OVERLAY_PATHS = ".leaflet-overlay-pane path.leaflet-interactive"


@pytest.fixture(scope="module")
def expected(live_server) -> dict[str, int]:
    """How many features of each layer the database holds for the overview."""
    with live_server.app.test_request_context(), live_server.session() as session:
        data = pages.overview_map(session)
        return {name: len(frame) for name, frame in data.layers().items()}


def test_overview_draws_every_layer(browsing, expected, live_server):
    with live_server.session() as session:
        findings = session.scalars(select(Finding).order_by(Finding.id)).all()
        points = [(f.geometry.y, f.geometry.x) for f in findings]
    browsing.open("/mapa/")
    browsing.page.wait_for_function(READY_JS)
    counts = browsing.layer_counts()
    assert set(counts) == {*SHAPE_LAYERS, ROUTES, "Hallazgos", "Sedes de reuniones"}
    for name, layer in SHAPE_LAYERS.items():
        assert counts[name]["shapes"] == expected[layer] > 0, name
        assert counts[name]["drawn"] == expected[layer], name
    assert counts[ROUTES]["drawn"] >= 1  # the demo's route, in the tiles it crosses
    assert browsing.page.locator(OVERLAY_PATHS).count() == sum(
        expected[layer] for layer in SHAPE_LAYERS.values()
    ) + counts[ROUTES]["drawn"]

    sites = counts["Sedes de reuniones"]
    assert sites["markers"] == sites["markers_shown"] == expected["sites"] > 0

    # Clusters and lone markers drawn at this zoom account for every finding …
    view = browsing.evaluate(VIEW_JS)
    assert view["findings"] + view["in_clusters"] == len(points) > 0
    assert view["clusters"] >= 1
    # … and at street level around one of them no finding is inside a cluster.
    browsing.evaluate(
        "(p) => window[document.querySelector('.folium-map').id].setView(p, 19, "
        "{animate: false})", list(points[0]),
    )
    browsing.page.wait_for_function(READY_JS)
    view = browsing.evaluate(VIEW_JS)
    browsing.shot("mapa-zoom-maximo")
    assert view["findings"] >= 1
    assert view["clusters"] == 0


def test_layer_control_hides_zones(browsing, expected):
    browsing.open("/mapa/")
    page = browsing.page
    page.wait_for_function(READY_JS)
    total = page.locator(OVERLAY_PATHS).count()
    page.hover(".leaflet-control-layers")
    checkbox = page.locator(".leaflet-control-layers-overlays label", has_text=ZONES).locator(
        "input"
    )
    assert checkbox.is_checked()
    checkbox.uncheck()
    browsing.shot("zonas-ocultas")
    counts = browsing.layer_counts()[ZONES]
    assert not counts["on_map"]
    assert counts["drawn"] == 0
    assert page.locator(OVERLAY_PATHS).count() == total - expected["zones"]
    page.hover(".leaflet-control-layers")
    checkbox.check()
    assert browsing.layer_counts()[ZONES]["drawn"] == expected["zones"]


def _zone_with_meetings(live_server) -> tuple[int, str, list[tuple[int, str]]]:
    with live_server.session() as session:
        for zone in session.scalars(select(DisputeZone).order_by(DisputeZone.id)):
            if zone.meetings:
                meetings = sorted(zone.meetings, key=lambda m: m.date, reverse=True)
                return zone.id, zone.name, [(m.id, m.title) for m in meetings]
    raise AssertionError("the demo has no zone with meetings")


def test_zone_popup_leads_to_zone_and_its_meeting(browsing, live_server):
    zone_id, zone_name, meetings = _zone_with_meetings(live_server)
    browsing.open("/mapa/")
    page = browsing.page
    point = browsing.click_point(f"/zonas/{zone_id}")
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup.limites-popup")
    popup.wait_for()
    assert zone_name in popup.inner_text()
    browsing.shot("popup-zona")

    popup.get_by_role("link", name="Ver zona").click()
    page.wait_for_url(f"**/zonas/{zone_id}")
    browsing.wait_for_map()
    browsing.shot(f"zona-{zone_id}")
    assert page.locator("h1").inner_text().startswith(zone_name)

    meeting_id, title = meetings[0]
    page.locator("main").get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_url(f"**/reuniones/{meeting_id}")
    browsing.wait_for_map()
    browsing.shot(f"reunion-{meeting_id}")
    assert page.locator("h1").inner_text() == title


def test_map_works_with_tile_server_unreachable(open_browser, expected):
    browsing = open_browser(tiles="abort")
    browsing.open("/mapa/")
    assert browsing.watch.tiles, "the map asked for no tiles at all"
    counts = browsing.layer_counts()
    for name, layer in SHAPE_LAYERS.items():
        assert counts[name]["drawn"] == expected[layer], name
    assert browsing.page.locator(".leaflet-tile-loaded").count() == 0


def test_tiles_are_stubbed(browsing):
    browsing.open("/mapa/")
    assert browsing.watch.tiles
    assert browsing.page.locator(".leaflet-tile-loaded").count() >= 1
    assert "prueba" in browsing.page.locator(".leaflet-control-attribution").inner_text()


def test_phone_sized_overview_is_usable(open_browser, expected):
    browsing = open_browser(viewport={"width": 390, "height": 844}, mobile=True)
    browsing.open("/mapa/")
    page = browsing.page
    box = page.locator(".folium-map").bounding_box()
    assert box is not None
    assert box["width"] >= 340 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["height"] >= 300
    # Nothing overflows sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The legend starts folded on a phone so the map stays free.
    assert not page.locator(".limites-legend details").evaluate("d => d.open")

    zoom = "window[document.querySelector('.folium-map').id].getZoom()"
    before = page.evaluate(zoom)
    page.locator(".leaflet-control-zoom-in").tap()
    page.wait_for_function(f"() => {zoom} > {before}")  # a function: no eval under the CSP

    page.locator(".leaflet-control-layers-toggle").tap()
    overlays = page.locator(".leaflet-control-layers-overlays label")
    overlays.first.wait_for(state="visible")
    assert overlays.count() == 6
    browsing.shot("telefono-capas")
    counts = browsing.layer_counts()
    assert counts[ZONES]["shapes"] == expected["zones"]


def test_phone_layer_control_is_not_covered_by_the_notice(open_browser):
    browsing = open_browser(viewport={"width": 390, "height": 844}, mobile=True)
    browsing.open("/mapa/")
    page = browsing.page
    page.locator(".leaflet-control-layers-toggle").tap()
    control = page.locator(".leaflet-control-layers-expanded")
    control.wait_for(state="visible")
    browsing.shot("telefono-aviso-y-capas")
    a = control.bounding_box()
    b = page.locator(".limites-illustrative").bounding_box()
    overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    assert overlap_x <= 0 or overlap_y <= 0, "the notice lies over the layer control"
