"""Captura en campo on a phone: a track and a finding with a photo survive going offline
(and reloading the page offline) and reach the server exactly once when the network returns."""

from __future__ import annotations

import re

import pytest
from limites_testing_field import IN_OAXACA, IN_OVERLAP, field_counts, photo
from playwright.sync_api import Page, expect
from sqlalchemy import select

from cases.storage.models import Inspection
from tests.e2e.conftest import LOCAL_HOST, SCREENSHOTS, phone_context

pytestmark = pytest.mark.e2e

# A short walk from Oaxaca de Juárez towards San Jacinto Amilpas; one reading is too vague.
WALK = [
    (IN_OAXACA[0] + (IN_OVERLAP[0] - IN_OAXACA[0]) * i / 5,
     IN_OAXACA[1] + (IN_OVERLAP[1] - IN_OAXACA[1]) * i / 5,
     200 if i == 2 else 6)
    for i in range(6)
]
OFFLINE_NOISE = re.compile(r"ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR_FAILED|"
                           r"unknown error occurred when fetching the script")


def _phone_page(context) -> tuple[Page, list[str]]:
    """A page of ``context`` and the errors it logs (being offline is not one)."""
    problems: list[str] = []
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: m.type == "error" and not OFFLINE_NOISE.search(m.text)
            and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return page, problems


def test_offline_capture_syncs_exactly_once(browser, field_server):
    shots = SCREENSHOTS / "test_offline_capture_syncs_exactly_once"
    shots.mkdir(parents=True, exist_ok=True)
    lon, lat, accuracy = WALK[0]
    context = phone_context(browser, field_server, (lon, lat), accuracy)
    page, problems = _phone_page(context)
    context.on("request", lambda r: LOCAL_HOST not in r.url
               and problems.append(f"off-site request: {r.url}"))
    before = field_counts(field_server.app)
    try:
        page.goto(field_server.url + "/campo/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.fill("#titulo", "Recorrido por el Atoyac desde el teléfono")
        page.get_by_test_id("record").tap()
        expect(page.get_by_test_id("points")).to_have_text("1")
        for index, (lon, lat, accuracy) in enumerate(WALK[1:], start=2):
            context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": accuracy})
            expect(page.get_by_test_id("points")).to_have_text(str(index))
        assert page.get_by_test_id("dropped").inner_text() == "1"
        assert "± 6 m" in page.get_by_test_id("accuracy").inner_text()
        page.get_by_test_id("record").tap()
        page.screenshot(path=str(shots / "01-recorrido.png"), full_page=True)

        context.set_offline(True)
        page.reload()  # served by the service worker, the track restored from IndexedDB
        expect(page.get_by_test_id("points")).to_have_text("6")
        assert page.get_by_test_id("network").inner_text() == "Sin conexión"
        expect(page.get_by_test_id("accuracy")).to_have_class("bueno")
        page.select_option("#categoria", "residuos_solidos")
        page.fill("#nota", "Bolsas de basura junto al cauce")
        page.set_input_files("#fotos", files=[
            {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo()}
        ])
        page.get_by_test_id("add-finding").tap()
        expect(page.get_by_test_id("queue")).to_have_attribute("data-pending", "2")
        assert "se enviará al volver la conexión" in page.get_by_test_id("queue").inner_text()
        page.screenshot(path=str(shots / "02-sin-conexion.png"), full_page=True)
        assert field_counts(field_server.app) == before

        context.set_offline(False)
        expect(page.get_by_test_id("queue")).to_have_attribute("data-pending", "0")
        assert page.get_by_test_id("queue").inner_text() == "Todo enviado al servidor."
        page.get_by_test_id("sync").tap()  # a second send changes nothing on the server
        expect(page.get_by_test_id("queue")).not_to_have_text("Enviando…")
        page.screenshot(path=str(shots / "03-enviado.png"), full_page=True)
    finally:
        context.close()

    assert field_counts(field_server.app) == {
        "Inspection": before["Inspection"] + 1,
        "Finding": before["Finding"] + 1,
        "Attachment": before["Attachment"] + 1,
    }
    with field_server.session() as session:
        inspection = session.scalars(
            select(Inspection).where(Inspection.client_uuid.is_not(None))
        ).one()
        assert inspection.title == "Recorrido por el Atoyac desde el teléfono"
        assert (inspection.route_points_read, inspection.route_points_kept) == (6, 5)
        assert inspection.route_length_m > 2000
        (finding,) = inspection.findings
        assert finding.description == "Bolsas de basura junto al cauce"
        # Placed where the phone was when it was added: the end of the walk.
        assert (finding.geometry.x, finding.geometry.y) == pytest.approx(WALK[-1][:2])
        assert finding.official_municipality is not None
        (attachment,) = finding.attachments
        assert attachment.media_type == "image/jpeg"
    assert not problems, "\n".join(problems)


def test_a_long_list_of_findings_goes_in_parts_with_progress(browser, field_server,
                                                              monkeypatch):
    """The server takes at most MAX_FINDINGS per request (here 2): five findings go in three
    parts, the track with the first only, then the photos two at a time; the queue says how
    far it has got."""
    monkeypatch.setattr("cases.fieldwork.phone_sync.MAX_FINDINGS", 2)
    monkeypatch.setattr("geo_app.fieldwork.routes.MAX_FINDINGS", 2)
    lon, lat, accuracy = WALK[0]
    context = phone_context(browser, field_server, (lon, lat), accuracy)
    # Every text the queue shows, kept as it changes.
    context.add_init_script("""
        window.queueTexts = [];
        document.addEventListener("DOMContentLoaded", () => {
          const queue = document.getElementById("cola");
          new MutationObserver(() => window.queueTexts.push(queue.textContent))
            .observe(queue, { childList: true, characterData: true, subtree: true });
        });
    """)
    batches: list[dict] = []
    page, problems = _phone_page(context)
    page.on("request", lambda r: r.url.endswith("/campo/sincronizar")
            and batches.append(r.post_data_json))
    before = field_counts(field_server.app)
    try:
        page.goto(field_server.url + "/campo/")
        context.set_offline(True)  # nothing is sent until the whole list is on the phone
        page.get_by_test_id("record").tap()
        expect(page.get_by_test_id("points")).to_have_text("1")
        context.set_geolocation({"longitude": WALK[1][0], "latitude": WALK[1][1], "accuracy": 5})
        expect(page.get_by_test_id("points")).to_have_text("2")
        for n in range(5):
            page.fill("#nota", f"Hallazgo {n + 1}")
            if n == 0:  # three photos, sent two at a time
                page.set_input_files("#fotos", files=[
                    {"name": f"IMG_{k}.jpg", "mimeType": "image/jpeg", "buffer": photo()}
                    for k in range(3)])
            page.get_by_test_id("add-finding").tap()
            expect(page.locator("#hallazgos li")).to_have_count(n + 1)
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(page.get_by_test_id("queue")).to_have_text("Todo enviado al servidor.")
        texts = page.evaluate("window.queueTexts")
    finally:
        context.close()

    assert "Enviando 2 de 5 hallazgos…" in texts and "Enviando 4 de 5 hallazgos…" in texts
    assert any(text.endswith(" de 3 fotos…") for text in texts), texts
    sizes = [len(b["hallazgos"]) for b in batches]
    assert sizes == [2, 2, 1], sizes
    assert len(batches[0]["puntos"]) == 2 and all(not b["puntos"] for b in batches[1:])
    after = field_counts(field_server.app)
    assert after["Inspection"] == before["Inspection"] + 1
    assert after["Finding"] == before["Finding"] + 5
    assert after["Attachment"] == before["Attachment"] + 3
    with field_server.session() as session:
        inspection = session.scalars(
            select(Inspection).where(Inspection.client_uuid.is_not(None))
        ).one()
        assert sorted(f.description for f in inspection.findings) == [
            f"Hallazgo {n}" for n in range(1, 6)]
        assert inspection.route_points_read == 2
    assert not problems, "\n".join(problems)
