"""A walk longer than the server takes in one route goes on in a new inspection on the phone,
so nothing is refused whole and left queued forever."""

from __future__ import annotations

import pytest
from limites_testing_field import IN_OAXACA, IN_OVERLAP
from playwright.sync_api import expect
from sqlalchemy import select

from cases.storage.models import Inspection
from tests.e2e.conftest import phone_context

pytestmark = pytest.mark.e2e

WALK = [(IN_OAXACA[0] + (IN_OVERLAP[0] - IN_OAXACA[0]) * i / 6,
         IN_OAXACA[1] + (IN_OVERLAP[1] - IN_OAXACA[1]) * i / 6) for i in range(7)]


def test_a_walk_over_the_point_limit_continues_in_a_new_inspection(browser, field_server):
    context = phone_context(browser, field_server, WALK[0])
    problems: list[str] = []
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        page.goto(field_server.url + "/campo/")
        assert page.evaluate("document.body.dataset.maxPoints") == "100000"
        page.evaluate("document.body.dataset.maxPoints = '4'")  # the limit, made small
        page.fill("#titulo", "Caminata del día entero")
        page.get_by_test_id("record").tap()
        expect(page.get_by_test_id("points")).to_have_text("1")
        for index, (lon, lat) in enumerate(WALK[1:], start=2):
            context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 5})
            shown = str(index if index <= 4 else index - 4)
            expect(page.get_by_test_id("points")).to_have_text(shown)
        page.get_by_test_id("record").tap()
        page.get_by_test_id("sync").tap()
        expect(page.get_by_test_id("queue")).to_have_attribute("data-pending", "0")
    finally:
        context.close()
    with field_server.session() as session:
        routes = session.execute(
            select(Inspection.title, Inspection.route_points_read)
            .where(Inspection.client_uuid.is_not(None)).order_by(Inspection.id)).all()
    assert [tuple(r) for r in routes] == [("Caminata del día entero", 4),
                                          ("Caminata del día entero (continuación)", 3)]
    assert not problems, "\n".join(problems)
