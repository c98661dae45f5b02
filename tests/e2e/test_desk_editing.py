"""Desk editing in a real browser: an editor records a meeting; a lector cannot write."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cases.storage.models import DisputeZone, Meeting
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


def _zone_id(live_server, name="Colonia Ejidal") -> int:
    with live_server.session() as session:
        return session.scalar(select(DisputeZone.id).where(DisputeZone.name == name))


def test_editor_creates_a_meeting_linked_to_a_zone(open_browser, live_server):
    browsing = open_browser(user=None)
    page = browsing.page
    zone_id = _zone_id(live_server)
    browsing.open(f"/zonas/{zone_id}", wait_map=False)
    page.get_by_label("Usuario").fill("editora")
    page.get_by_label("Contraseña").fill("demo-editor")
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"**/zonas/{zone_id}")
    page.get_by_role("link", name="Nueva reunión").click()
    page.wait_for_url("**/editar/reunion/nuevo**")
    browsing.shot("formulario-vacio")
    browsing.watch.ignore_console("422")  # the invalid form is answered 422, as intended
    page.get_by_role("button", name="Guardar").click()
    assert page.get_by_text("Escriba el título.").is_visible()
    page.get_by_label("Título").fill("Mesa técnica de prueba en navegador")
    page.get_by_label("Fecha", exact=True).fill("02/05/2025")
    page.get_by_label("Tipo").select_option("mesa_seguridad")
    # The zone came preselected from the zone's page: its picker shows it as a chip.
    assert page.locator("#zones option:checked").count() == 1
    assert "Colonia Ejidal" in page.locator("#zones-ts-control").locator("..").inner_text()
    browsing.shot("formulario-lleno")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url("**/reuniones/*")
    browsing.wait_for_map()
    browsing.shot("reunion-creada")
    assert page.get_by_text("Colonia Ejidal").first.is_visible()
    browsing.open(f"/zonas/{zone_id}")
    assert page.get_by_text("Mesa técnica de prueba en navegador").first.is_visible()
    with live_server.session() as session:
        meeting = session.scalar(select(Meeting).where(
            Meeting.title == "Mesa técnica de prueba en navegador"))
        assert meeting.date.isoformat() == "2025-05-02"
        assert [z.id for z in meeting.zones] == [zone_id]


def test_forms_at_phone_size(open_browser, live_server):
    browsing = open_browser(viewport=PHONE, mobile=True)
    browsing.open("/editar/reunion/nuevo", wait_map=False)
    width = browsing.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    browsing.open(f"/editar/zona/{_zone_id(live_server)}", wait_map=False)
    browsing.open("/editar/sitio/nuevo", wait_map=False)


def test_lector_sees_no_controls_and_a_forged_post_is_refused(open_browser, live_server):
    browsing = open_browser(user="lectora")
    browsing.watch.ignore_console("403")
    page = browsing.page
    zone_id = _zone_id(live_server)
    browsing.open(f"/zonas/{zone_id}")
    assert page.locator('[data-testid="edit-controls"]').count() == 0
    assert page.get_by_role("link", name="Nueva reunión").count() == 0
    with live_server.session() as session:
        before = session.scalar(select(func.count()).select_from(Meeting))
    token = page.evaluate(
        "() => (document.querySelector('input[name=csrf_token]') || {}).value || ''")
    answer = page.request.post(f"{live_server.url}/editar/reunion/nuevo", form={
        "csrf_token": token, "title": "Forjada", "date": "01/01/2025",
        "kind": "reunion_trabajo"}, headers={"Origin": live_server.url})
    assert answer.status == 403
    with live_server.session() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == before


def test_zone_form_draws_the_polygon_and_previews_an_upload(open_browser, live_server, tmp_path):
    import json

    browsing = open_browser()
    page = browsing.page
    browsing.open(f"/editar/zona/{_zone_id(live_server)}", wait_map=False)
    page.wait_for_selector("#geometry-map .leaflet-interactive")
    assert page.locator(".leaflet-draw-draw-polygon").count() == 1
    browsing.shot("zona-con-poligono")
    bowtie = tmp_path / "mono.geojson"
    bowtie.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
            [[-96.7, 17.0], [-96.6, 17.1], [-96.6, 17.0], [-96.7, 17.1], [-96.7, 17.0]]]}}]}))
    page.set_input_files("#geometry-file", str(bowtie))
    page.wait_for_function(
        "() => document.getElementById('geometry-notes').textContent.includes('repar')")
    browsing.shot("zona-reparada")
    stored = json.loads(page.input_value("input[name=geometry]"))
    assert stored["type"] == "MultiPolygon" and len(stored["coordinates"]) == 2  # both halves
