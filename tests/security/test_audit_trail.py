"""Imports, field capture and attachments leave their trace in the audit log.

What the phone sends through ``/campo/`` is written by the signed-in user; what the command
line writes is by «(línea de comandos)». Each record's page shows the entries of what it holds
(an inspection's findings and photos), and the administrator's Registro de cambios names them
in Spanish.
"""

from __future__ import annotations

import io
import uuid

import pytest
from limites_testing_field import IN_OAXACA, photo
from sqlalchemy import select

from cases.records.audit import COMMAND_LINE
from cases.storage.models import AuditEntry, BoundaryImport
from tests.security.test_hostile_files import assert_refused, import_file, row_counts, write_frame


def _entries(app, record_type: str) -> list[AuditEntry]:
    with app.extensions["limites_sessions"]() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.record_type == record_type)
            .order_by(AuditEntry.id)
        ).all()
        session.expunge_all()
        return rows


def _capture(client) -> tuple[dict, str]:
    finding = str(uuid.uuid4())
    doc = {
        "recorrido": {"uuid": str(uuid.uuid4()), "titulo": "Recorrido desde el teléfono",
                      "fecha": "2025-06-02"},
        "puntos": [{"lon": IN_OAXACA[0] + i * 0.001, "lat": IN_OAXACA[1], "precision": 5}
                   for i in range(4)],
        "hallazgos": [{"uuid": finding, "categoria": "residuos_solidos",
                       "lon": IN_OAXACA[0], "lat": IN_OAXACA[1], "nota": "Bolsas"}],
    }
    response = client.post("/campo/sincronizar", json=doc)
    assert response.status_code == 201, response.json
    return response.json, finding


@pytest.fixture
def field_client(app, tmp_path, client):
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "adjuntos")
    return client


def test_what_the_phone_sends_is_audited_by_the_signed_in_user(app, field_client,
                                                                 admin_client):
    answer, finding = _capture(field_client)
    response = field_client.post(
        f"/campo/fotos/{uuid.uuid4()}",
        data={"hallazgo": finding, "foto": (io.BytesIO(photo()), "bolsas.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    [inspection] = _entries(app, "inspection")
    [found] = _entries(app, "finding")
    [attached] = _entries(app, "attachment")
    assert inspection.record_id == answer["recorrido"]["id"]
    assert {e.username for e in (inspection, found, attached)} == {"editora"}
    assert inspection.after["title"] == "Recorrido desde el teléfono"
    assert found.after["description"] == "Bolsas" and found.before is None
    assert attached.after["media_type"] == "image/jpeg" and attached.after["sha256"]
    page = field_client.get(f"/recorridos/{inspection.record_id}").get_data(as_text=True)
    assert "Creación · Hallazgo «Residuos sólidos: Bolsas» por editora" in page
    assert "Creación · Adjunto «Fotografía: bolsas.jpg» por editora" in page
    log = admin_client.get("/admin/registro?tipo=attachment").get_data(as_text=True)
    assert "Adjunto" in log and "bolsas.jpg" in log
    assert '>Adjunto</option>' in log and '>Importación de límites</option>' in log


def test_a_retried_batch_writes_no_second_entry(app, field_client):
    doc = {"recorrido": {"uuid": str(uuid.uuid4()), "fecha": "2025-06-02"}, "puntos": [],
           "hallazgos": []}
    assert field_client.post("/campo/sincronizar", json=doc).status_code == 201
    assert field_client.post("/campo/sincronizar", json=doc).status_code == 200
    assert len(_entries(app, "inspection")) == 1


def test_a_refused_batch_writes_no_entry(app, field_client):
    before = row_counts(app)
    doc = {"recorrido": {"uuid": str(uuid.uuid4()), "fecha": "2025-06-02"}, "puntos": [],
           "hallazgos": [{"uuid": str(uuid.uuid4()), "categoria": "residuos_solidos",
                          "lon": 2.35, "lat": 48.85}]}
    response = field_client.post("/campo/sincronizar", json=doc)
    assert response.status_code == 400 and "México" in response.json["error"]
    assert row_counts(app) == before


def test_field_work_and_attachments_from_the_command_line(app, runner, tmp_path):
    result = runner.invoke(args=["inspection", "add", "--title", "Recorrido por script",
                                 "--date", "2025-06-02", "--route", _route(tmp_path)])
    assert result.exit_code == 0, result.output
    [inspection] = _entries(app, "inspection")
    result = runner.invoke(args=["finding", "add", str(inspection.record_id), "--category",
                                 "otro", "--lon", str(IN_OAXACA[0]), "--lat", str(IN_OAXACA[1])])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["attach", "recorrido", str(inspection.record_id), "--url",
                                 "https://example.org/informe"])
    assert result.exit_code == 0, result.output
    rows = [*_entries(app, "inspection"), *_entries(app, "finding"), *_entries(app, "attachment")]
    assert [(e.username, e.user_id) for e in rows] == [(COMMAND_LINE, None)] * 3
    assert rows[2].after["url"] == "https://example.org/informe"


def _route(tmp_path) -> str:
    (x0, y0) = IN_OAXACA
    points = "".join(f'<trkpt lat="{y0}" lon="{x0 + i * 0.001}"></trkpt>' for i in range(4))
    path = tmp_path / "ruta.gpx"
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="prueba" '
        f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>',
        encoding="utf-8",
    )
    return str(path)


def test_an_import_from_the_command_line_is_in_the_log(app, runner, tmp_path, admin_client):
    path = write_frame(tmp_path / "limites_2026.geojson", ["20001"])
    result = import_file(runner, path, "--frame", "Marco 2026")
    assert result.exit_code == 0, result.output
    [entry] = _entries(app, "boundary_import")
    assert (entry.username, entry.user_id) == (COMMAND_LINE, None)
    assert entry.after["file_name"] == "limites_2026.geojson"
    assert (entry.after["read"], entry.after["added"]) == (1, 1)
    assert entry.after["frame_name"] == "Marco 2026"
    log = admin_client.get("/admin/registro?tipo=boundary_import").get_data(as_text=True)
    assert "Importación de límites" in log and "limites_2026.geojson → Marco 2026" in log
    assert COMMAND_LINE in log
    frames = admin_client.get("/admin/marcos").get_data(as_text=True)
    assert "Últimas importaciones de límites" in frames
    assert "limites_2026.geojson → Marco 2026" in frames and COMMAND_LINE in frames


def test_a_refused_import_leaves_no_import_nor_audit_entry(app, runner, tmp_path):
    path = write_frame(tmp_path / "limites.geojson", ["2006"])
    assert_refused(app, runner, path, "se esperan exactamente 5 dígitos")
    with app.extensions["limites_sessions"]() as session:
        assert session.scalars(select(BoundaryImport)).all() == []
    assert _entries(app, "boundary_import") == []
