"""«Propuestas de límite» through the pages: draw, see what changes hands, download, ratify."""

import io
import json
import re
import sqlite3
import subprocess

import ezdxf
import pytest
import shapely
from limites_testing import demo_zone, system_tool
from limites_testing_field import PDF
from limites_testing_proposals import put_inegi_in_force
from sqlalchemy import select

from boundaries.annex_files import line_from_annex_csv
from cases.frames.in_force import frame_in_force
from cases.storage.db import unit_of_work
from cases.storage.models import Frame, LimitProposal, ProposalStatus, ZoneStatus
from geo_app import theme
from tests.boundaries.proposals import COUNTER_PROPOSAL, PROPOSAL


@pytest.fixture
def inegi_app(app):
    """The demo app with the INEGI frame around Oaxaca de Juárez in force; the zone's id."""
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        put_inegi_in_force(session)
        zone_id = demo_zone(session).id
    return app, zone_id


def _form(zone_id: int, **extra) -> dict:
    return {"titulo": "Propuesta de la Unidad", "municipio_a": "20067", "municipio_b": "20157",
            "fecha": "20/11/2026", "zona": str(zone_id),
            "geometry": json.dumps(PROPOSAL.__geo_interface__), **extra}


@pytest.fixture
def proposal_id(inegi_app, client):
    app, zone_id = inegi_app
    response = client.post("/propuestas/nueva", data=_form(zone_id))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_the_zone_page_offers_proposals_and_the_drawing_page(inegi_app, client):
    app, zone_id = inegi_app
    page = client.get(f"/zonas/{zone_id}").get_data(as_text=True)
    assert "Propuestas de límite" in page and f"/propuestas/nueva?zona={zone_id}" in page
    new = client.get(f"/propuestas/nueva?zona={zone_id}")
    assert new.status_code == 200
    assert "proposal_editor.js" in new.get_data(as_text=True)


def test_a_drawn_line_is_previewed_with_what_changes_hands(inegi_app, client):
    app, zone_id = inegi_app
    answer = client.post("/propuestas/vista-previa", data={
        "municipio_a": "20067", "municipio_b": "20157",
        "geometry": json.dumps(PROPOSAL.__geo_interface__)})
    assert answer.status_code == 200
    data = answer.get_json()
    assert len(data["pieces"]["features"]) == 3
    assert data["summary"][0].startswith("De Oaxaca de Juárez a San Jacinto Amilpas:")
    far = client.post("/propuestas/vista-previa", data={
        "municipio_a": "20067", "municipio_b": "20157",
        "geometry": json.dumps({"type": "LineString", "coordinates": [[-96.9, 17.2],
                                                                      [-96.8, 17.3]]})})
    assert far.status_code == 422 and far.get_json()["error"]


def test_the_proposal_page_shows_the_pieces_and_the_annex(inegi_app, client, proposal_id):
    page = client.get(f"/propuestas/{proposal_id}").get_data(as_text=True)
    assert 'data-testid="exchange-table"' in page
    assert "De Oaxaca de Juárez a San Jacinto Amilpas" in page
    assert "Convergencia de meridianos" in page and 'data-testid="annex-table"' in page
    assert theme.PROPOSAL_COLOURS["a_to_b"] in page
    zone_page = client.get(f"/zonas/{inegi_app[1]}").get_data(as_text=True)
    assert f"/propuestas/{proposal_id}" in zone_page
    listing = client.get("/propuestas/").get_data(as_text=True)
    assert f"/propuestas/{proposal_id}" in listing and "Colonia Ejidal" in listing


def test_annex_downloads(inegi_app, client, proposal_id, tmp_path):
    app, _ = inegi_app
    with app.extensions["limites_sessions"]() as session:
        stored = session.get(LimitProposal, proposal_id).geometry
    csv = client.get(f"/propuestas/{proposal_id}/anexo.csv")
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())
    rebuilt = line_from_annex_csv(csv.data.decode("utf-8-sig"))
    assert shapely.hausdorff_distance(rebuilt, stored) < 1e-7  # well under 1 cm
    dxf = client.get(f"/propuestas/{proposal_id}/anexo.dxf")
    doc = ezdxf.read(io.StringIO(dxf.data.decode("utf-8", errors="replace")))
    assert any(e.dxftype() == "LWPOLYLINE" for e in doc.modelspace())
    gpkg = tmp_path / "linea.gpkg"
    gpkg.write_bytes(client.get(f"/propuestas/{proposal_id}/linea.gpkg").data)
    with sqlite3.connect(gpkg) as db:
        styled = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles"))
    assert {"propuesta_linea", "propuesta_vertices", "propuesta_lados",
            "propuesta_piezas"} <= set(styled)
    rgb = ",".join(str(c) for c in theme.rgb(theme.PROPOSAL_COLOURS["line"]))
    assert rgb in styled["propuesta_linea"]  # QGIS draws the line in the app's colour
    kml = client.get(f"/propuestas/{proposal_id}/linea.kml")
    assert b"<LineString>" in kml.data and b"V1" in kml.data
    pdf = tmp_path / "anexo.pdf"
    response = client.get(f"/propuestas/{proposal_id}/anexo.pdf")
    assert response.mimetype == "application/pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run([system_tool("pdftotext", "poppler-utils"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Cuadro de construcción" in text and "Convergencia" in text
    assert "Rumbo" in text and "Distancia (m)" in text
    bearings = re.findall(r"[NS] \d+°\d\d'\d\d\" [EO]", text)
    assert len(bearings) == 5  # one rumbo per side, e.g. «S 80°13'25" E»
    lengths = [float(x.replace(",", "")) for x in re.findall(r"\s(\d[\d,]*\.\d\d)\s+\d\s", text)]
    assert sum(lengths) == pytest.approx(
        float(re.search(r"Longitud total de la línea: ([\d,.]+) m", text)[1].replace(",", "")),
        abs=0.03)


def test_statuses_and_ratification_make_a_new_frame_in_force(inegi_app, client, admin_client,
                                                             proposal_id):
    app, zone_id = inegi_app
    assert client.post(f"/propuestas/{proposal_id}/estado", data={
        "estado": "aceptada", "fecha": "25/11/2026", "nota": "Ambos cabildos",
        "version": "1"}).status_code == 302
    refused = client.post(f"/propuestas/{proposal_id}/ratificar", data={
        "fecha": "30/11/2026", "referencia": "Decreto 1234"})
    assert refused.status_code == 403
    with app.extensions["limites_sessions"]() as session:
        version = session.get(LimitProposal, proposal_id).version
    done = admin_client.post(f"/propuestas/{proposal_id}/ratificar", data={
        "fecha": "30/11/2026", "referencia": "Decreto 1234", "en_vigor": "y",
        "version": str(version), "documento": (io.BytesIO(PDF), "decreto.pdf")},
        content_type="multipart/form-data")
    assert done.status_code == 302
    with app.extensions["limites_sessions"]() as session:
        proposal = session.get(LimitProposal, proposal_id)
        assert proposal.status is ProposalStatus.RATIFIED
        assert frame_in_force(session) == proposal.frame
        assert proposal.frame.name.startswith("Límites convenidos 30/11/2026")
        assert proposal.zone.status is ZoneStatus.RESOLVED
        assert proposal.ratification_document.original_name == "decreto.pdf"
        assert proposal.ratification_document in proposal.attachments
        assert session.scalar(select(Frame).where(Frame.name.like("Marco Geo%"))) is not None
    page = admin_client.get(f"/propuestas/{proposal_id}").get_data(as_text=True)
    assert 'data-testid="ratified"' in page and "(en vigor)" in page


def test_a_line_uploaded_as_kml_makes_a_proposal(inegi_app, client):
    app, zone_id = inegi_app
    coordinates = " ".join(f"{x},{y}" for x, y in PROPOSAL.coords)
    kml = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
           f"<Placemark><LineString><coordinates>{coordinates}</coordinates></LineString>"
           "</Placemark></kml>").encode()
    data = _form(zone_id, geometry="", archivo=(io.BytesIO(kml), "linea.kml"))
    response = client.post("/propuestas/nueva", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.extensions["limites_sessions"]() as session:
        proposal = session.scalar(select(LimitProposal))
        assert proposal.origin.value == "archivo"
        assert shapely.hausdorff_distance(proposal.geometry, PROPOSAL) < 1e-4


def test_a_party_s_claim_is_previewed_on_the_demo_frame(app, client):
    with app.extensions["limites_sessions"]() as session:
        zone_id = demo_zone(session).id
    answer = client.post("/propuestas/vista-previa", data={
        "municipio_a": "20067", "municipio_b": "20157", "reclamo": "20157",
        "zona": str(zone_id)})
    assert answer.status_code == 200
    directions = {f["properties"]["direction"] for f in answer.get_json()["pieces"]["features"]}
    assert directions == {"a_to_b"}  # San Jacinto claims land the frame gives Oaxaca


def test_a_proposal_goes_to_the_papelera_and_comes_back(inegi_app, client, admin_client,
                                                        proposal_id):
    app, zone_id = inegi_app
    page = client.get(f"/propuestas/{proposal_id}").get_data(as_text=True)
    assert "Historial" in page and "Enviar a la papelera" in page
    gone = client.post(f"/propuestas/{proposal_id}/papelera", data={"version": "1"})
    assert gone.status_code == 302 and gone.headers["Location"].endswith(f"/zonas/{zone_id}")
    assert client.get(f"/propuestas/{proposal_id}").status_code == 404
    trash = admin_client.get("/admin/papelera").get_data(as_text=True)
    assert "Propuesta de límite" in trash and "Propuesta de la Unidad" in trash
    back = admin_client.post(f"/admin/papelera/limit_proposal/{proposal_id}/restaurar")
    assert back.status_code == 302
    assert client.get(f"/propuestas/{proposal_id}").status_code == 200


def test_typed_text_is_shown_literally_in_the_page_and_the_annex(inegi_app, client, tmp_path):
    app, zone_id = inegi_app
    title = "{{ 7*7 }} <script>alert(1)</script> {% raw %}"
    response = client.post("/propuestas/nueva", data=_form(zone_id, titulo=title,
                                                         descripcion="{{ config }}"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "{{ 7*7 }} &lt;script&gt;alert(1)&lt;/script&gt; {% raw %}" in page
    assert "{{ config }}" in page and "49" not in page.split("<h1", 1)[1].split("</h1>")[0]
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    pdf = tmp_path / "anexo.pdf"
    pdf.write_bytes(client.get(f"/propuestas/{proposal_id}/anexo.pdf").data)
    text = subprocess.run([system_tool("pdftotext", "poppler-utils"), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "{{ 7*7 }}" in text


def test_two_proposals_side_by_side(inegi_app, client, proposal_id):
    app, zone_id = inegi_app
    counter = client.post("/propuestas/nueva", data=_form(
        zone_id, titulo="Contrapropuesta de San Jacinto",
        geometry=json.dumps(COUNTER_PROPOSAL.__geo_interface__)))
    counter_id = int(counter.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/propuestas/{proposal_id}?comparar={counter_id}").get_data(as_text=True)
    assert "frente a «Contrapropuesta de San Jacinto»" in page
    assert 'data-testid="side-by-side"' in page
    side = page.split('data-testid="side-by-side"', 1)[1].split("</table>", 1)[0]
    assert "Propuesta de la Unidad" in side and "Contrapropuesta de San Jacinto" in side
    assert side.count(" m² (") == 4  # each direction under each proposal
