"""Names written as HTML or script stay text in the browser: no element, no dialog."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cases.storage.models import DisputeZone, Institution, Meeting, Site
from tests.e2e.conftest import XSS_IMG, XSS_SCRIPT, build_app, serve

pytestmark = pytest.mark.e2e


def _plant(session) -> None:
    zone = session.scalars(
        select(DisputeZone).where(DisputeZone.meetings.any()).order_by(DisputeZone.id)
    ).first()
    zone.name = XSS_IMG
    meeting = max(zone.meetings, key=lambda m: m.date)
    meeting.title = XSS_SCRIPT
    meeting.institutions[0].name = XSS_IMG
    site = session.scalars(select(Site).order_by(Site.id)).first()
    site.name = XSS_SCRIPT


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    with serve(build_app(tmp_path_factory.mktemp("e2e-xss"), prepare=_plant)) as server:
        yield server


@pytest.fixture(scope="module")
def planted(hostile_server) -> dict[str, int]:
    with hostile_server.session() as session:
        zone = session.scalars(select(DisputeZone).where(DisputeZone.name == XSS_IMG)).one()
        meeting = session.scalars(select(Meeting).where(Meeting.title == XSS_SCRIPT)).one()
        assert session.scalars(select(Institution).where(Institution.name == XSS_IMG)).one()
        return {"zone": zone.id, "meeting": meeting.id}


def _no_injected_elements(page) -> None:
    # Neither payload may become an element: no <img src=x>, no inline script saying alert.
    assert page.locator("img[src=x]").count() == 0
    scripts = page.locator("script:not([src])").evaluate_all("s => s.map(e => e.textContent)")
    assert not any(text.strip() == "alert(1)" for text in scripts)


def test_hostile_zone_name_is_text_in_popup_and_page(open_browser, hostile_server, planted):
    browsing = open_browser(hostile_server)
    page = browsing.page
    browsing.open("/mapa/")
    point = browsing.click_point(f"/zonas/{planted['zone']}")
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup.limites-popup")
    popup.wait_for()
    browsing.shot("popup-zona-hostil")
    text = popup.inner_text()
    assert XSS_IMG in text
    assert XSS_SCRIPT in text  # the meeting title listed in the zone's popup
    assert popup.locator("img").count() == 0
    _no_injected_elements(page)

    popup.get_by_role("link", name="Ver zona").click()
    page.wait_for_url(f"**/zonas/{planted['zone']}")
    browsing.wait_for_map()
    browsing.shot("zona-hostil")
    assert page.locator("h1").inner_text().startswith(XSS_IMG)
    assert XSS_IMG in page.title()
    _no_injected_elements(page)


@pytest.mark.parametrize("path", ["/", "/zonas/", "/reuniones/", "/expedientes/", "/recorridos/"])
def test_hostile_names_in_lists(open_browser, hostile_server, planted, path):
    browsing = open_browser(hostile_server)
    browsing.open(path, wait_map=False)
    _no_injected_elements(browsing.page)


def test_hostile_meeting_page(open_browser, hostile_server, planted):
    browsing = open_browser(hostile_server)
    page = browsing.page
    browsing.open(f"/reuniones/{planted['meeting']}")
    assert page.locator("h1").inner_text() == XSS_SCRIPT
    assert XSS_IMG in page.locator("main").inner_text()  # participant institution
    _no_injected_elements(page)


def test_hostile_site_name_in_marker_popup(open_browser, hostile_server, planted):
    browsing = open_browser(hostile_server)
    page = browsing.page
    browsing.open("/mapa/")
    found = browsing.evaluate(
        """() => {
            const map = window[document.querySelector('.folium-map').id];
            const title = 'limites-popup-title">&lt;/script&gt;';
            let found = false;
            map.eachLayer(l => {
                const popup = l instanceof L.Marker && l.getPopup();
                if (popup && String(popup.getContent()).includes(title) && l._icon) {
                    l._icon.setAttribute('data-test', 'sede-hostil');
                    found = true;
                }
            });
            return found;
        }"""
    )
    assert found, "no marker of the hostile site on the map"
    page.locator("[data-test=sede-hostil]").click()
    popup = page.locator(".leaflet-popup.limites-popup")
    popup.wait_for()
    browsing.shot("sede-hostil")
    assert XSS_SCRIPT in popup.inner_text()
    _no_injected_elements(page)
