"""Record pages, Tablero and error page in a real browser."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cases.storage.models import Case, DisputeZone, Indicator, Inspection, Meeting

pytestmark = pytest.mark.e2e

OVERLAY_PATHS = ".leaflet-overlay-pane path.leaflet-interactive"
RECORDS = {
    "zonas": (DisputeZone, "name"),
    "expedientes": (Case, "number"),
    "reuniones": (Meeting, "title"),
    "recorridos": (Inspection, "title"),
}


def _first_with_map(session, model):
    rows = session.scalars(select(model).order_by(model.id)).all()
    if model in (Meeting, Case):  # they draw the zones they dealt with; some have none
        rows = [r for r in rows if r.zones]
    return rows[0]


@pytest.mark.parametrize("section", list(RECORDS))
def test_record_page_draws_its_map(browsing, live_server, section):
    model, heading = RECORDS[section]
    with live_server.session() as session:
        record = _first_with_map(session, model)
        path, title = f"/{section}/{record.id}", getattr(record, heading)
    browsing.open(path)
    page = browsing.page
    assert page.locator("h1").inner_text().startswith(title)
    assert page.locator(".folium-map.leaflet-container").count() == 1
    assert page.locator(OVERLAY_PATHS).count() >= 1
    box = page.locator(".folium-map").bounding_box()
    assert box is not None and box["height"] >= 200


def test_dashboard_shows_indicator_progress(browsing, live_server):
    with live_server.session() as session:
        indicators = session.scalar(select(func.count()).select_from(Indicator))
    browsing.open("/", wait_map=False)
    page = browsing.page
    assert page.title() == "Tablero — Límites"
    bars = page.locator(".progress .progress-bar")
    assert bars.count() == indicators > 0
    for i in range(bars.count()):
        bar = bars.nth(i)
        assert bar.is_visible()
        assert bar.inner_text().strip() == "20 %"  # the report's level, computed by its rule
        width = bar.evaluate("el => el.getBoundingClientRect().width")
        track = bar.evaluate("el => el.parentElement.getBoundingClientRect().width")
        assert width == pytest.approx(0.2 * track, abs=2)
    levels = page.locator("[data-testid=indicator-level]")
    assert levels.count() == indicators
    for i in range(levels.count()):  # the rule beside each level
        assert "de 20 programad" in levels.nth(i).inner_text()
    assert page.locator("[data-testid=open-cases]").inner_text().strip().isdigit()


@pytest.mark.parametrize("path", ["/zonas/99999", "/no-existe"])
def test_not_found_page_in_spanish(browsing, path):
    # Chromium reports the 404 document itself as a failed resource load.
    browsing.watch.ignore_console(r"status of 404")
    browsing.open(path, status=404, wait_map=False)
    page = browsing.page
    assert page.locator("html").get_attribute("lang") == "es-MX"
    assert page.locator("h1").inner_text() == "Página no encontrada"
    alert = page.locator(".alert").inner_text()
    assert "Código 404" in alert
    assert "no existe" in alert.lower()
    page.get_by_role("link", name="Volver al tablero").click()
    page.wait_for_url(browsing.base_url + "/")
