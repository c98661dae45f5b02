"""The reference meeting of issue 19 recorded in one page, at desktop and phone size.

Four institutions, two people (one new, from the picker's dialog), one zone and two
agreements written inline: at most 12 clicks besides typing. The count goes to
``test-output/clics-reunion-una-pagina-*.txt`` (``benchmarks/bench_meeting_clicks.py``
sets it beside the old way, each agreement on its own page).
"""

from __future__ import annotations

import re

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


@pytest.mark.parametrize("size", SIZES)
def test_rows_are_added_removed_and_a_bad_row_is_marked_where_it_is(open_browser, field_server,
                                                                    size):
    browsing = open_browser(field_server, viewport=SIZES[size], mobile=size == "telefono")
    browsing.watch.ignore_console("422")  # the form sent with a wrong date answers 422
    page = browsing.page
    browsing.open("/editar/recorrido/nuevo", wait_map=False)
    page.get_by_label("Título", exact=True).fill(f"Recorrido con acuerdos ({size})")
    page.get_by_label("Fecha de inicio").fill("20/06/2025")
    add = page.get_by_role("button", name="+ Añadir acuerdo")
    add.click()
    add.click()
    rows = page.locator("[data-agreement-row]")
    assert rows.count() == 3
    rows.nth(1).get_by_role("button", name="Quitar este acuerdo").click()
    assert rows.count() == 2
    assert rows.locator("[data-row-number]").all_inner_texts() == ["1", "2"]
    rows.nth(0).locator("textarea").fill("Retirar la barda")
    rows.nth(0).locator("input[name$='-due_date']").fill("25/06/2025")
    rows.nth(1).locator("textarea").fill("Levantar el acta")
    rows.nth(1).locator("input[name$='-due_date']").fill("31/02/2025")
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.get_by_text("Escriba la fecha como dd/mm/aaaa").wait_for()
    browsing.shot("fila-con-error")
    rows = page.locator("[data-agreement-row]")
    assert rows.nth(1).locator(".invalid-feedback").inner_text().startswith("Escriba la fecha")
    assert rows.nth(0).locator(".invalid-feedback").count() == 0
    assert rows.nth(0).locator("textarea").input_value() == "Retirar la barda"
    rows.nth(1).locator("input[name$='-due_date']").fill("30/06/2025")
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.wait_for_url(re.compile(r".*/recorridos/\d+"))
    browsing.shot("recorrido")
    assert page.locator('[data-testid="agreements"] tbody tr[id^="acuerdo-"]').count() == 2

    # Both were overdue on 30 June 2025 (the barda's date had passed; the acta's had not).
    browsing.open("/acuerdos/?estado=vencido&al=01/07/2025", wait_map=False)
    assert page.locator('[data-testid="agreement-list"] tbody tr').count() == 2
    browsing.open("/acuerdos/?estado=vencido&al=28/06/2025", wait_map=False)
    assert page.locator('[data-testid="agreement-list"] tbody tr').count() == 1
    browsing.open("/", wait_map=False)
    page.locator('[data-testid="agreements-card"]').get_by_role(
        "link", name=re.compile("vencidos")).first.click()
    page.wait_for_url(re.compile(r".*/acuerdos/\?estado=vencido"))
    browsing.shot("acuerdos-vencidos-hoy")


@pytest.mark.parametrize("size", SIZES)
def test_duplicar_opens_the_next_meeting_of_a_series_filled_in(open_browser, field_server,
                                                                size):
    browsing = open_browser(field_server, viewport=SIZES[size], mobile=size == "telefono")
    page = browsing.page
    with field_server.session() as session:
        meeting = max(session.scalars(select(Meeting)).all(),
                      key=lambda m: (len(m.institutions), m.id))
        meeting_id, institutions = meeting.id, len(meeting.institutions)
    browsing.open(f"/reuniones/{meeting_id}")
    page.get_by_role("link", name="Duplicar").click()
    page.wait_for_url(re.compile(rf".*/editar/reunion/{meeting_id}/duplicar"))
    page.locator('[data-testid="notice"]').wait_for()
    browsing.shot("duplicada")
    assert page.locator("#institutions + .ts-wrapper .item").count() == institutions
    assert page.get_by_label("Fecha", exact=True).input_value() == ""
    page.get_by_label("Fecha", exact=True).fill("19/08/2025")
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.wait_for_url(re.compile(r".*/reuniones/\d+"))
    assert not page.url.endswith(f"/reuniones/{meeting_id}")
    browsing.shot("copia-guardada")
