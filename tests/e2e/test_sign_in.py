"""Signing in and a cross-origin forgery, in a real browser."""

from __future__ import annotations

import threading
from html import escape

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from cases.storage.models import DisputeZone

pytestmark = pytest.mark.e2e


def test_a_visitor_signs_in_and_lands_on_the_page_asked_for(open_browser):
    browsing = open_browser(user=None)
    browsing.open("/zonas/", wait_map=False)
    page = browsing.page
    assert "/cuenta/entrar" in page.url
    page.get_by_label("Usuario").fill("lectora")
    page.get_by_label("Contraseña").fill("demo-lector")
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url("**/zonas/")
    assert page.locator("h1").inner_text() == "Zonas en disputa"
    assert page.get_by_text("lectora", exact=True).is_visible()
    browsing.shot("zonas-tras-entrar")
    page.get_by_role("button", name="Salir").click()
    page.wait_for_url("**/cuenta/entrar")
    assert page.get_by_text("Sesión cerrada.").is_visible()


@pytest.fixture
def attacker_site(live_server):
    """Another origin (same host, another port) with a form posting to the app."""
    target = escape(f"{live_server.url}/analisis/zona")
    body = f"""<!doctype html><html lang="es"><title>Sitio ajeno</title>
<form method="post" action="{target}">
<input name="elegido" value="1"><input name="traslape" value="1">
<input name="reclamo" value="Oaxaca de Juárez"><input name="reclamo" value="San Jacinto Amilpas">
<input name="nombre" value="Zona forjada desde otro sitio">
<button type="submit">Enviar</button></form></html>"""

    def app(environ, start_response):
        return Response(body, mimetype="text/html")(environ, start_response)

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def _zones(live_server) -> int:
    with live_server.session() as session:
        return session.scalar(select(func.count()).select_from(DisputeZone))


def test_a_form_on_another_origin_cannot_write_with_the_editors_session(
    open_browser, live_server, attacker_site
):
    browsing = open_browser()  # signed in as the editor: the cookie goes along (same site)
    browsing.watch.ignore_console("403")
    before = _zones(live_server)
    page = browsing.page
    page.goto(attacker_site)
    with page.expect_response(lambda r: r.url.endswith("/analisis/zona")) as forged:
        page.get_by_role("button", name="Enviar").click()
    assert forged.value.status == 403
    page.wait_for_load_state()
    assert page.get_by_text("desde otro sitio").is_visible()
    browsing.shot("solicitud-ajena-rechazada")
    assert _zones(live_server) == before
