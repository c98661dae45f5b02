"""The reference meeting of issue 19 recorded in one page, at desktop and phone size.

Four institutions, two people (one new, from the picker's dialog), one zone and two
agreements written inline: at most 12 clicks besides typing. The count goes to
``test-output/clics-reunion-una-pagina-*.txt`` (``benchmarks/bench_meeting_clicks.py``
sets it beside the old way, each agreement on its own page).
"""

from __future__ import annotations

import pytest
from limites_testing_journeys import AGREEMENTS, record_in_one_page
from sqlalchemy import select

from cases.storage.models import Meeting
from tests.e2e.conftest import PHONE, SCREENSHOTS

pytestmark = pytest.mark.e2e

SIZES = {"escritorio": {"width": 1280, "height": 800}, "telefono": PHONE}


@pytest.mark.parametrize("size", SIZES)
def test_the_reference_meeting_and_its_agreements_take_one_page(open_browser, field_server,
                                                                 size):
    browsing = open_browser(field_server, viewport=SIZES[size], mobile=size == "telefono")
    title = f"Mesa metropolitana con acuerdos ({size})"
    journey = record_in_one_page(browsing.page, browsing.base_url, title,
                                 f"Laura Méndez Ruiz {size}", shot=browsing.shot)
    report = f"clics para registrar la reunión con sus acuerdos ({size}): {journey.summary()}"
    (SCREENSHOTS.parent / f"clics-reunion-una-pagina-{size}.txt").write_text(
        report + "\n", "utf-8")
    print(report)
    assert journey.pages == 1
    assert len(journey.clicks) <= 12

    rows = browsing.page.locator('[data-testid="agreements"] tbody tr[id^="acuerdo-"]')
    assert rows.count() == 2
    with field_server.session() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.title == title))
        assert sorted(i.short_name for i in meeting.institutions) == [
            "Comisión de Límites", "Fiscalía General", "Santa Cruz Xoxocotlán",
            "Santa Lucía del Camino"]
        assert {p.person.name for p in meeting.people} == {
            "Sara Mariana Jara Carrasco", f"Laura Méndez Ruiz {size}"}
        assert [z.name for z in meeting.zones] == ["Fraccionamiento Los Sauces"]
        saved = sorted(meeting.agreements, key=lambda a: a.id)
        assert [a.text for a in saved] == [text for text, *_ in AGREEMENTS]
        assert [a.responsible.short_name for a in saved] == [
            "Comisión de Límites", "Fiscalía General"]
        assert saved[0].responsible_person.name == "Sara Mariana Jara Carrasco"
        assert saved[1].responsible_person is None
        assert [a.due_date.isoformat() for a in saved] == ["2025-09-30", "2025-10-15"]
