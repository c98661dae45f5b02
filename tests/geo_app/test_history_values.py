"""A record's history reads as people read it: names, labels, and times with their zone."""

import html
import re
import uuid

from limites_testing import demo_editor
from sqlalchemy import select

from cases.fieldwork.phone_sync import parse_capture, sync_capture
from cases.records import audit
from cases.storage.models import (
    AuditAction,
    Finding,
    Indicator,
    Inspection,
    Meeting,
    Municipality,
)
from geo_app.db import get_session

ZONE = "(hora del centro, UTC−6)"


def _history(page: str) -> str:
    """The text of the page's «Historial» section, without tags, one space between words."""
    start = page.index('aria-label="Historial de cambios"')
    section = page[page.index(">", start) + 1:page.index("</section>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def _synced_inspection(session) -> Inspection:
    """An inspection with one finding, as the phone sends it (invented data)."""
    lon, lat = -96.7302, 17.0471
    doc = {
        "recorrido": {"uuid": str(uuid.uuid4()), "titulo": "Recorrido de la presa Piedra Azul",
                      "participantes": ["Rosa Villalobos"], "resumen": "Revisión de mojoneras"},
        "puntos": [{"lon": lon + i * 0.0008, "lat": lat, "precision": 5,
                    "hora": f"2025-08-21T16:{i:02d}:00Z"} for i in range(6)],
        "hallazgos": [{"uuid": str(uuid.uuid4()), "categoria": "residuos_solidos",
                       "lon": lon, "lat": lat, "nota": "Costales junto a la mojonera"}],
    }
    inspection, _ = sync_capture(session, parse_capture(doc), None, demo_editor(session))
    return inspection


def test_raw_values_read_as_names_and_labels(app, client):
    with app.app_context():
        session = get_session()
        editor = demo_editor(session)
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        indicator = session.scalars(select(Indicator).order_by(Indicator.id)).first()
        town = session.scalars(select(Municipality).order_by(Municipality.id)).first()
        inspection = _synced_inspection(session)
        finding = session.scalars(select(Finding).where(
            Finding.inspection_id == inspection.id)).one()
        audit.record_change(session, editor, AuditAction.UPDATE, meeting,
                            before={"indicator_id": 987654, "kind": "mesa_seguridad"},
                            after={"indicator_id": indicator.id, "kind": "reunion_trabajo"})
        audit.record_change(session, editor, AuditAction.UPDATE, finding, before={}, after={
            "official_municipality_id": town.id, "river_bank": "left", "shared": True,
            "claims": {"Villa Piedra Azul": town.cvegeo, "San Lorenzo Cacaotepec": None},
            "parties": [town.cvegeo],
        })
        session.commit()
        ids = meeting.id, inspection.id
        expected = indicator.key, indicator.name, town.name
    meeting_history = _history(client.get(f"/reuniones/{ids[0]}").text)
    assert f"Indicador (eliminado) #987654 {expected[0]} {expected[1]}" in meeting_history
    assert "Tipo Mesa de seguridad Reunión de trabajo" in meeting_history
    assert ZONE in meeting_history and "UTC ·" not in meeting_history
    finding_history = _history(client.get(f"/recorridos/{ids[1]}").text)
    assert f"Municipio responsable (marco) {expected[2]}" in finding_history
    assert "izquierda" in finding_history and "left" not in finding_history
    assert ("Reclamos San Lorenzo Cacaotepec: no reclama; Villa Piedra Azul: reclama"
            in finding_history)
    assert "{'" not in finding_history


def test_registro_and_csv_read_the_same(app, admin_client):
    with app.app_context():
        session = get_session()
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        audit.record_change(session, demo_editor(session), AuditAction.UPDATE, meeting,
                            before={"kind": "mesa_seguridad"}, after={"kind": "reunion_trabajo"})
        session.commit()
    page = html.unescape(admin_client.get("/admin/registro").text)
    assert "Reunión de trabajo" in page and "reunion_trabajo" not in page and ZONE in page
    text = admin_client.get("/admin/registro.csv").text
    assert "Reunión de trabajo" in text and "reunion_trabajo" not in text
    assert re.search(r"\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00,editora,", text)


# What a Python value or a stored code looks like when it leaks into a page.
LEAKS = [
    ("a dict", re.compile(r"\{'")), ("None", re.compile(r"\bNone\b")),
    ("a boolean", re.compile(r"\b(True|False)\b")),
    ("an enum value", re.compile(r"\b[a-z]+_[a-z_]+\b")),
    ("an ISO date", re.compile(r"\b\d{4}-\d\d-\d\d\b")),
]


def test_no_python_repr_in_the_history_of_a_finding_an_inspection_and_a_meeting(app, client):
    with app.app_context():
        session = get_session()
        editor = demo_editor(session)
        inspection = _synced_inspection(session)
        meeting = session.scalars(select(Meeting).where(Meeting.indicator_id.is_not(None))
                                  .order_by(Meeting.id)).first()
        for record in (meeting, inspection, *inspection.findings):
            audit.record_change(session, editor, AuditAction.CREATE, record,
                                after=audit.snapshot(record))
        session.commit()
        ids = meeting.id, inspection.id
    for path in (f"/reuniones/{ids[0]}", f"/recorridos/{ids[1]}"):
        values = _history(client.get(path).text)
        for what, pattern in LEAKS:
            assert not pattern.search(values), f"{path}: {what}: {pattern.search(values)}"
