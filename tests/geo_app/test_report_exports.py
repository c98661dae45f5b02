"""The report as DOCX and printable HTML, and the Informe and Indicadores pages."""

import io
import re

import pytest
from docx import Document
from seed_report import SIGNER, seed_indicators
from sqlalchemy import select


def test_docx_has_the_sheets_activities_and_signatures(app, runner, tmp_path):
    out = tmp_path / "informe.docx"
    result = runner.invoke(args=["report", "2025-T2", "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for seed in seed_indicators():
        assert seed.name in cells
    assert "Nivel alcanzado:" in cells and "20 % (4 estrategias en el año hasta" in cells
    assert "cifra oficial" not in cells
    assert "Presidió\tRay Chagoya" not in text and "Presidió: Ray Chagoya" in text
    assert "3.\t15 y 22 de mayo de 2025." in text
    assert "1.\t9 de mayo de 2025." in text  # each sheet numbers its activities from 1
    assert text.count("Autorizó:") == 3 and SIGNER in text
    # the maps of the activities with zones or a route: 14, 23 and 27 May, 23 June and the
    # recorridos (the 8 April sanitation meeting is not about any zone)
    assert len(document.inline_shapes) == 5
    assert document.sections[0].header.paragraphs[0].text.startswith("OAXACA DE JUÁREZ")
    # Word and LibreOffice lay the summary out by its grid: the indicator's name gets the room.
    summary = document.tables[0]
    widths = [column.width.cm for column in summary.columns]
    assert widths[1] == max(widths) and round(sum(widths), 1) <= 17.5


def test_printable_html_is_standalone(app, runner, tmp_path):
    out = tmp_path / "informe.html"
    result = runner.invoke(args=["report", "2025-T2", "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Informe trimestral de actividades" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from the network
    assert html.count('src="data:image/png;base64,') == 5


def test_informe_page_links_every_activity_to_its_record(app, client):
    page = client.get("/informe/?trimestre=2025-T2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert len(re.findall(r'href="/reuniones/\d+"', html)) == 11
    assert len(re.findall(r'href="/recorridos/\d+"', html)) == 1
    assert html.count("<svg") == 5 and "Descargar PDF" in html
    assert "Nivel alcanzado:" in html and SIGNER in html


def test_informe_downloads(app, client):
    pdf = client.get("/informe/2025-T2.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert 'filename="informe_2025-T2.pdf"' in pdf.headers["Content-Disposition"]
    docx = client.get("/informe/2025-T2.docx")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert len(Document(io.BytesIO(docx.data)).paragraphs) > 20


def test_bad_quarter_on_the_informe_page_is_a_spanish_400(client):
    page = client.get("/informe/?trimestre=2025-T9")
    assert page.status_code == 400
    assert "Trimestre inválido «2025-T9»" in page.get_data(as_text=True)
    assert client.get("/informe/T9.pdf").status_code == 400


def test_indicadores_page_shows_chart_levels_and_linked_activities(app, client):
    page = client.get("/indicadores/?anio=2025")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 1 and "Nivel alcanzado por trimestre, 2025" in html
    assert ("4 vinculaciones en el año hasta el segundo trimestre de 2025 (4 vinculaciones "
            "en el trimestre) de 20 programadas en el año = 20 %") in html
    assert "<em>Presidió:</em> Ray Chagoya, Presidente Municipal de Oaxaca de Juárez" in html
    assert html.count("Autoriza: Sara Mariana Jara Carrasco, Titular de la Unidad") == 3
    assert len(re.findall(r'href="/reuniones/\d+"', html)) == 11
    assert len(re.findall(r'href="/recorridos/\d+"', html)) == 1
    assert 'href="/informe/?trimestre=2025-T2"' in html


def test_indicadores_page_without_indicators_and_with_a_bad_year(client):
    page = client.get("/indicadores/?anio=2031")
    assert "No hay indicadores registrados para 2031" in page.get_data(as_text=True)
    bad = client.get("/indicadores/?anio=dos")
    assert bad.status_code == 400 and "Año inválido" in bad.get_data(as_text=True)


def test_indicator_cli_sets_goals_and_overrides(app, runner):
    result = runner.invoke(args=["indicators", "set", "12.1", "--year", "2025",
                                 "--annual-goal", "20",
                                 "--meeting-kinds", "mesa_seguridad,mando_coordinado"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["indicators", "override", "12.1", "2025-T2", "--value", "25",
                                 "--reason", "Cifra oficial enviada", "--author", "Sara Jara"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["indicators", "list", "2025"]).output
    assert ("T2: 25 % (cifra oficial) — 4 eventos en el año hasta el segundo trimestre de "
            "2025 (4 eventos en el trimestre) de 20 programados en el año = 20 %") in listing
    result = runner.invoke(args=["indicators", "set", "12", "--year", "2025",
                                 "--rule", "trimestre_meta_anual", "--source", "suma",
                                 "--annual-goal", "40"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["indicators", "list", "2025"]).output
    assert "T2: 20 % — 12.1 (4) + 12.2 (4) = 8 estrategias de 40 programadas" in listing
    bad = runner.invoke(args=["indicators", "set", "12.1", "--year", "2025",
                              "--meeting-kinds", "fiesta"])
    assert bad.exit_code == 1 and "Tipo de reunión inválido" in bad.output
    missing = runner.invoke(args=["indicators", "override", "7", "2025-T2", "--value", "1",
                                  "--reason", "x", "--author", "y"])
    assert missing.exit_code == 1 and "No existe el indicador 7 de 2025" in missing.output


def test_names_are_escaped_in_the_report_and_its_maps(app, client, runner, tmp_path):
    from cases.storage.models import DisputeZone

    hostile = "<img src=x onerror=alert(1)> $5 \\frac{"
    with app.extensions["limites_sessions"]() as session:
        zone = session.scalars(
            select(DisputeZone).where(DisputeZone.name == "Fraccionamiento Los Sauces")
        ).one()
        zone.name = hostile
        session.commit()
    html = client.get("/informe/?trimestre=2025-T2").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    out = tmp_path / "informe.pdf"
    result = runner.invoke(args=["report", "2025-T2", "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_informe_opens_on_the_quarter_of_the_latest_activity(client):
    page = client.get("/informe/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<title>Informe abril–junio 2025 — Límites</title>" in html
    assert 'href="/informe/2025-T2.pdf"' in html


@pytest.fixture
def with_photos(tmp_path):
    """The demo with a photo of the 14 May meeting and one of the second finding."""
    from limites_testing import demo_app
    from limites_testing_field import photo

    from cases.fieldwork.attachments import attach_file
    from cases.storage.db import unit_of_work
    from cases.storage.models import Finding, Meeting
    from geo_app.files import attachment_store

    app = demo_app(tmp_path, ATTACHMENTS_DIR=str(tmp_path / "adjuntos"))
    store = attachment_store(app)
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        meeting = session.scalars(
            select(Meeting).where(Meeting.title.startswith("Límites territoriales"))
        ).one()
        finding = session.scalars(select(Finding).order_by(Finding.id)).all()[1]
        attach_file(session, store, meeting, photo(size=(640, 480)), "reunion.jpg",
                    label="Reunión con San Jacinto Amilpas")
        attach_file(session, store, finding, photo(size=(480, 640)), "residuos.jpg",
                    label="Residuos en el área compartida")
    yield app
    app.extensions["limites_engine"].dispose()


def test_photos_appear_as_thumbnails_in_every_format(with_photos, tmp_path):
    import subprocess

    from limites_testing import signed_in_client

    runner = with_photos.test_cli_runner()
    outputs = {}
    for fmt in ("pdf", "docx", "html"):
        out = tmp_path / f"informe.{fmt}"
        result = runner.invoke(args=["report", "2025-T2", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        outputs[fmt] = out
    html = outputs["html"].read_text(encoding="utf-8")
    assert html.count('src="data:image/jpeg;base64,') == 2
    assert "Hallazgo 2: Residuos en el área compartida" in html
    images = subprocess.run(["pdfimages", "-list", str(outputs["pdf"])], check=True,
                            capture_output=True, text=True).stdout.splitlines()[2:]
    kinds = [line.split()[2] for line in images]
    assert kinds.count("image") == 5 + 2  # five maps and the two photos
    document = Document(str(outputs["docx"]))
    assert len(document.inline_shapes) == 5 + 2
    page = signed_in_client(with_photos).get("/informe/?trimestre=2025-T2").get_data(as_text=True)
    assert len(re.findall(r'src="/adjuntos/\d+/miniatura/pagina"', page)) == 2


def test_a_photo_whose_file_is_missing_is_said_not_hidden(with_photos, tmp_path):
    import shutil

    shutil.rmtree(tmp_path / "adjuntos")
    out = tmp_path / "informe.html"
    result = with_photos.test_cli_runner().invoke(
        args=["report", "2025-T2", "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("Foto no disponible en el servidor") == 2
