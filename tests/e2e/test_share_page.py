"""A person with only a share link: the zone on the map, the downloads, a revoked link."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from cases.sharing.links import create_share, revoke_share
from cases.storage.models import DisputeZone
from tests.e2e.conftest import PHONE, build_app, serve

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
SHAPES = "#share-map .leaflet-overlay-pane path.leaflet-interactive"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A server with a link to a demo zone and a revoked one; the tokens."""
    tokens = {}

    def links(session):
        zone = session.scalar(select(DisputeZone).order_by(DisputeZone.id))
        tokens["zone"] = create_share(session, None, zone=zone.id, note="Comisión").token
        revoked = create_share(session, None, zone=zone.id)
        tokens["revoked"] = revoked.token
        session.flush()
        revoke_share(session, None, revoked.link.id)

    with serve(build_app(tmp_path_factory.mktemp("e2e-share"), prepare=links)) as server:
        yield server, tokens


def _map_drawn(browsing) -> int:
    browsing.page.wait_for_selector(SHAPES)
    browsing.page.wait_for_load_state("networkidle")
    return browsing.page.locator(SHAPES).count()


def test_a_share_link_shows_the_zone_and_gives_every_download(open_browser, shared):
    server, tokens = shared
    path = f"/c/{tokens['zone']}"
    page = open_browser(server, viewport=DESKTOP, user=None)
    page.open(path, wait_map=False)
    assert _map_drawn(page) >= 1
    box = page.page.locator("#share-map").bounding_box()
    assert box["width"] > 600 and box["height"] > 300
    page.shot("mapa-escritorio")
    buttons = page.page.locator("[data-testid=share-downloads] a")
    for suffix in (".gpkg", ".kmz", ".pdf", ".html"):
        link = buttons.filter(has=page.page.locator(f"xpath=self::a[contains(@href, "
                                                   f"'/descargar/{suffix[1:]}')]"))
        with page.page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(suffix), download.suggested_filename
        assert download.failure() is None
        assert Path(download.path()).stat().st_size > 1000, suffix

    phone = open_browser(server, viewport=PHONE, mobile=True, user=None)
    phone.open(path, wait_map=False)
    assert _map_drawn(phone) >= 1
    phone.shot("mapa-telefono")

    gone = open_browser(server, viewport=DESKTOP, user=None)
    gone.watch.ignore_console("status of 410")
    gone.open(f"/c/{tokens['revoked']}", status=410, wait_map=False)
    notice = gone.page.locator("[data-testid=share-gone]")
    assert "revocado" in notice.inner_text() and "Enlace sin acceso" in notice.inner_text()
