"""A limit proposal from the zone page to the new limit in force, in a real browser.

An editor draws a proposal across Colonia Ejidal on the INEGI frame, sees what changes
hands, downloads the annex PDF and marks it accepted; an administrator records the decree and
puts the new frame in force.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from limites_testing import demo_zone, system_tool
from limites_testing_proposals import put_inegi_in_force

from cases.frames.in_force import frame_in_force
from cases.proposals.proposals import create_proposal
from cases.storage.db import unit_of_work
from cases.storage.models import LimitProposal, ProposalStatus
from tests.boundaries.proposals import COUNTER_PROPOSAL, PROPOSAL
from tests.e2e.conftest import PHONE, build_app, serve

pytestmark = pytest.mark.e2e


@pytest.fixture
def inegi_server(tmp_path):
    with serve(build_app(tmp_path, prepare=put_inegi_in_force)) as server:
        yield server


def _draw(page, coordinates) -> None:
    """Draw a polyline through ``coordinates`` (lon, lat) with leaflet-draw."""
    page.locator(".leaflet-draw-draw-polyline").click()
    box = page.locator("#proposal-map").bounding_box()
    points = page.evaluate("""(coords) => {
        const map = document.getElementById('proposal-map').limitesMap;
        map.fitBounds(coords.map(c => [c[1], c[0]]), {animate: false, padding: [40, 40]});
        return coords.map(c => map.latLngToContainerPoint([c[1], c[0]]));
    }""", [list(c) for c in coordinates])
    for point in points:
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_timeout(150)
    page.get_by_role("link", name="Terminar").click()


def test_draw_see_download_accept_ratify_and_see_the_new_limit(open_browser, inegi_server,
                                                               tmp_path):
    with inegi_server.session() as session:
        zone_id = demo_zone(session).id
    editor = open_browser(inegi_server, user="editora")
    page = editor.page
    editor.open(f"/zonas/{zone_id}")
    page.get_by_role("link", name="Nueva propuesta de límite").click()
    page.wait_for_url("**/propuestas/nueva**")
    page.wait_for_selector("#proposal-map.leaflet-container")
    page.get_by_label("Título").fill("Propuesta de la Unidad en Colonia Ejidal")
    page.get_by_label("Fecha de la propuesta").fill("20/11/2026")
    assert page.get_by_label("Primer municipio").input_value() == "20067"
    _draw(page, PROPOSAL.coords)
    summary = page.get_by_test_id("proposal-summary")
    summary.get_by_text("De Oaxaca de Juárez a San Jacinto Amilpas").wait_for()
    assert re.search(r"\d[\d,]*\.\d\d m²", summary.inner_text())
    editor.shot("linea-dibujada")
    page.get_by_role("button", name="Guardar la propuesta").click()
    page.wait_for_url(re.compile(r".*/propuestas/\d+$"))
    editor.wait_for_map()
    editor.shot("propuesta")
    table = page.get_by_test_id("exchange-table")
    assert "De San Jacinto Amilpas a Oaxaca de Juárez" in table.inner_text()
    proposal_id = int(re.search(r"/propuestas/(\d+)", page.url)[1])

    with page.expect_download() as download:
        page.get_by_role("link", name="Anexo técnico (PDF)").click()
    pdf = tmp_path / "anexo.pdf"
    download.value.save_as(pdf)
    text = subprocess.run([system_tool("pdftotext", "poppler-utils"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Cuadro de construcción" in text and "Vértice" in text
    assert len(re.findall(r"[NS] \d+°\d\d'\d\d\" [EO]", text)) == len(PROPOSAL.coords) - 1
    assert re.search(r"Longitud total de la línea: [\d,]+\.\d\d m", text)

    page.get_by_label("Nuevo estado").select_option("aceptada")
    page.get_by_label("Fecha del cambio").fill("25/11/2026")
    page.get_by_role("button", name="Cambiar estado").click()
    page.get_by_text("La propuesta quedó «Aceptada por ambas partes»").wait_for()

    with inegi_server.session() as session, unit_of_work(session):
        first = session.get(LimitProposal, proposal_id)
        counter = create_proposal(
            session, None, title="Contrapropuesta de San Jacinto Amilpas",
            municipality_a=first.municipality_a, municipality_b=first.municipality_b,
            line=COUNTER_PROPOSAL, proposed_on=first.proposed_on, zone=first.zone)
        session.flush()
        counter_id = counter.id
    editor.open(f"/propuestas/{proposal_id}?comparar={counter_id}")
    assert page.get_by_test_id("side-by-side").is_visible()
    assert "Contrapropuesta de San Jacinto Amilpas" in page.get_by_test_id(
        "side-by-side").inner_text()

    admin = open_browser(inegi_server, user="administradora")
    admin.open(f"/propuestas/{proposal_id}")
    form = admin.page.get_by_test_id("ratification-form")
    form.get_by_label("Fecha del convenio o decreto").fill("30/11/2026")
    form.get_by_label("Referencia").fill("Decreto 1234 del Congreso del Estado")
    form.get_by_label("Poner en vigor el nuevo marco ahora").check()
    admin.shot("ratificacion")
    form.get_by_role("button", name="Registrar la ratificación").click()
    admin.page.get_by_test_id("ratified").wait_for()
    admin.wait_for_map()
    admin.shot("ratificada")
    assert "(en vigor)" in admin.page.get_by_test_id("ratified").inner_text()
    admin.open("/admin/marcos", wait_map=False)
    assert admin.page.get_by_text("Límites convenidos 30/11/2026").first.is_visible()
    admin.open(f"/zonas/{zone_id}")
    assert admin.page.get_by_text("Resuelta").first.is_visible()
    with inegi_server.session() as session:
        proposal = session.get(LimitProposal, proposal_id)
        assert proposal.status is ProposalStatus.RATIFIED
        assert frame_in_force(session) == proposal.frame

    phone = open_browser(inegi_server, viewport=PHONE, mobile=True)
    phone.open(f"/propuestas/{proposal_id}")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    phone.open(f"/propuestas/nueva?zona={zone_id}", wait_map=False)
