"""Field work entered at the desk in a real browser: a route from a GPX, a finding from a photo."""

from __future__ import annotations

import pytest
from limites_testing_field import gpx, photo
from sqlalchemy import select

from cases.storage.models import Finding, Inspection

pytestmark = pytest.mark.e2e

# From Santa Cruz Xoxocotlán across the limit into Oaxaca de Juárez (the demo frame).
CROSSING = [(-96.745, 17.05), (-96.735, 17.055), (-96.72, 17.06), (-96.70, 17.075)]
# Where the photo was taken: inside Oaxaca de Juárez, near the Atoyac.
PHOTO_PLACE = (-96.7312, 17.0571)


def test_editor_uploads_a_gpx_and_sees_the_route_split_by_municipality(open_browser,
                                                                       live_server):
    browsing = open_browser()
    page = browsing.page
    browsing.open("/recorridos/", wait_map=False)
    page.get_by_role("link", name="Nuevo recorrido").click()
    page.wait_for_url("**/editar/recorrido/nuevo")
    page.get_by_label("Título").fill("Recorrido del límite sur (navegador)")
    page.get_by_label("Archivo de la ruta").set_input_files({
        "name": "limite-sur.gpx", "mimeType": "application/gpx+xml",
        "buffer": gpx(CROSSING).encode()})
    notes = page.get_by_test_id("geometry-notes")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=geometry-notes]').textContent"
        ".includes('Puntos de la ruta')")
    assert "4" in notes.text_content()
    # The track's times give the date; the filter's effect shows before saving.
    assert page.get_by_label("Fecha de inicio").input_value() == "15/05/2025"
    page.get_by_label("Filtro de ruido del GPS (metros, opcional)").fill("2000")
    page.get_by_label("Filtro de ruido del GPS (metros, opcional)").press("Tab")
    browsing.watch.ignore_console("422")  # a filter over 100 m is refused, as intended
    page.wait_for_function(
        "() => document.querySelector('[data-testid=geometry-notes]').textContent"
        ".includes('entre 0 y 100')")
    page.get_by_label("Filtro de ruido del GPS (metros, opcional)").fill("5")
    page.get_by_label("Filtro de ruido del GPS (metros, opcional)").press("Tab")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=geometry-notes]').textContent"
        ".includes('4 puntos leídos, 4 conservados')")
    assert page.locator("#geometry-map path.leaflet-interactive").count() >= 1
    browsing.shot("ruta-en-vista-previa")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url("**/recorridos/*")
    browsing.wait_for_map()
    browsing.shot("recorrido-guardado")
    split = page.get_by_test_id("route-split")
    for name in ("Oaxaca de Juárez", "Santa Cruz Xoxocotlán"):
        assert split.get_by_role("cell", name=name, exact=True).is_visible()
    with live_server.session() as session:
        inspection = session.scalar(select(Inspection).where(
            Inspection.title == "Recorrido del límite sur (navegador)"))
        names = {n for part in inspection.route_split if part["kind"] == "municipality"
                 for n in part["names"]}
        assert {"Oaxaca de Juárez", "Santa Cruz Xoxocotlán"} <= names
        assert inspection.started_on.isoformat() == "2025-05-15"
        assert inspection.route_points_read == 4


def test_editor_adds_a_finding_placed_by_its_photo_gps(open_browser, live_server):
    with live_server.session() as session:
        inspection = session.scalar(select(Inspection).where(Inspection.route.is_not(None))
                                    .order_by(Inspection.id))
        inspection_id = inspection.id
    browsing = open_browser()
    page = browsing.page
    browsing.open(f"/recorridos/{inspection_id}")
    before = browsing.layer_counts()["Hallazgos"]["clustered"]
    page.get_by_role("link", name="Nuevo hallazgo").click()
    page.wait_for_url("**/editar/hallazgo/nuevo?inspection=*")
    page.get_by_label("Categoría").select_option("residuos_solidos")
    page.get_by_label("Nota").fill("Bolsas de basura fotografiadas en la orilla")
    page.get_by_label("Fotos (una foto con GPS coloca el hallazgo en su lugar)").set_input_files({
        "name": "orilla.jpg", "mimeType": "image/jpeg",
        "buffer": photo("JPEG", place=PHOTO_PLACE, size=(320, 240))})
    browsing.shot("hallazgo-con-foto")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(f"**/recorridos/{inspection_id}#hallazgo-*")
    browsing.wait_for_map()
    assert page.get_by_text("Ubicado por el GPS de la foto").is_visible()
    with live_server.session() as session:
        finding = session.scalar(select(Finding).where(
            Finding.description == "Bolsas de basura fotografiadas en la orilla"))
        assert (finding.geometry.x, finding.geometry.y) == pytest.approx(PHOTO_PLACE, abs=1e-5)
        finding_id = finding.id
        municipality = finding.official_municipality.name
    row = page.locator(f"#hallazgo-{finding_id}")
    assert row.get_by_text(f"{PHOTO_PLACE[1]:.5f}, {PHOTO_PLACE[0]:.5f}").is_visible()
    assert row.get_by_text(municipality).is_visible()
    assert browsing.layer_counts()["Hallazgos"]["clustered"] == before + 1
    browsing.shot("hallazgo-en-el-mapa")
