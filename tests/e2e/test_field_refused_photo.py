"""A photo the server will never take is set aside on the phone, said why, and discarded on
request, instead of being posted again every few seconds for ever."""

from __future__ import annotations

import pytest
from limites_testing import demo_app
from limites_testing_field import IN_OAXACA, photo
from playwright.sync_api import expect
from sqlalchemy import func, select

from cases.storage.models import Attachment, Finding
from tests.e2e.conftest import SCREENSHOTS, phone_context, serve

pytestmark = pytest.mark.e2e


def test_a_photo_over_the_limit_is_set_aside_not_retried(browser, tmp_path):
    shots = SCREENSHOTS / "test_a_photo_over_the_limit_is_set_aside_not_retried"
    shots.mkdir(parents=True, exist_ok=True)
    big = photo()
    app = demo_app(tmp_path, TILES="", ATTACHMENTS_DIR=str(tmp_path / "adjuntos"),
                   ATTACHMENT_MAX_BYTES=len(big) // 2)
    with serve(app) as server:
        context = phone_context(browser, server, IN_OAXACA)
        posts: list[str] = []
        context.on("request", lambda r: r.method == "POST" and "/campo/fotos/" in r.url
                   and posts.append(r.url))
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(server.url + "/campo/")
            page.fill("#titulo", "Recorrido con una foto demasiado grande")
            page.get_by_test_id("record").tap()
            expect(page.get_by_test_id("points")).to_have_text("1")
            page.select_option("#categoria", "residuos_solidos")
            page.set_input_files("#fotos", files=[
                {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": big}
            ])
            page.get_by_test_id("add-finding").tap()
            refused = page.get_by_test_id("refused-photos")
            expect(refused).to_be_visible()
            assert "pesa más de" in refused.inner_text()
            expect(page.get_by_test_id("queue")).to_have_attribute("data-pending", "0")
            page.screenshot(path=str(shots / "01-rechazada.png"), full_page=True)
            sent = len(posts)
            page.get_by_test_id("sync").tap()  # another round leaves the refused photo alone
            expect(page.get_by_test_id("queue")).not_to_have_text("Enviando…")
            assert len(posts) == sent
            page.locator("#descartar").tap()
            expect(refused).to_be_hidden()
            page.reload()
            expect(page.get_by_test_id("refused-photos")).to_be_hidden()
        finally:
            context.close()
        with server.session() as session:
            assert session.scalar(select(func.count()).select_from(Finding).where(
                Finding.client_uuid.is_not(None))) == 1
            assert session.scalar(select(func.count()).select_from(Attachment).join(
                Finding, Attachment.finding_id == Finding.id).where(
                Finding.client_uuid.is_not(None))) == 0
