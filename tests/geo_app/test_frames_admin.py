"""An administrator puts a frame in force from the app; the switch is audited."""

from sqlalchemy import select

from cases.frames.in_force import DEMO_FRAME, frame_in_force, get_or_create_frame
from cases.storage.models import AuditAction, AuditEntry, BoundaryVersion, Frame


def _frame_ids(app):
    with app.extensions["limites_sessions"]() as session:
        return {f.name: f.id for f in session.scalars(select(Frame))}


def test_administrator_switches_the_frame_in_force_and_it_is_audited(app, admin_client, client):
    with app.extensions["limites_sessions"]() as session, session.begin():
        other = get_or_create_frame(session, "Marco de prueba", source="prueba")
        version = session.scalars(select(BoundaryVersion)).first()
        version.frame = other
    ids = _frame_ids(app)
    page = admin_client.get("/admin/marcos").get_data(as_text=True)
    assert "Marco de prueba" in page and "En vigor" in page
    assert client.post(f"/admin/marcos/{ids['Marco de prueba']}/vigor").status_code == 403
    response = admin_client.post(f"/admin/marcos/{ids['Marco de prueba']}/vigor")
    assert response.status_code == 302
    with app.extensions["limites_sessions"]() as session:
        assert frame_in_force(session).name == "Marco de prueba"
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.record_type == "boundary_frame")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.action is AuditAction.STATUS and entry.username == "administradora"
    assert entry.before["marco_vigente"] == DEMO_FRAME
    assert entry.after["marco_vigente"] == "Marco de prueba"


def test_an_official_level_is_written_to_the_audit_log(app):
    from cases.reporting.indicators import override_level
    from cases.storage.db import unit_of_work
    from cases.storage.models import Indicator

    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        indicator = session.scalars(select(Indicator).where(Indicator.key == "12.2")).one()
        override_level(session, indicator, 3, 25.0, "Cifra de la Tesorería", "Jefa de la Unidad")
    with app.extensions["limites_sessions"]() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.record_type == "indicator")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.action is AuditAction.UPDATE and entry.username
    assert entry.after == {
        "nivel_oficial_T3": 25.0, "motivo": "Cifra de la Tesorería",
        "registrado_por": "Jefa de la Unidad",
    }


def test_administration_page_lists_the_admin_pages(admin_client, client):
    page = admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' in page and "/admin/papelera" not in page  # one entry in the nav
    listing = admin_client.get("/admin/").get_data(as_text=True)
    for label in ("Usuarios", "Registro de cambios", "Papelera", "Marco en vigor"):
        assert label in listing
    assert "Administración" in admin_client.get("/admin/papelera").get_data(as_text=True)
    assert client.get("/admin/").status_code == 403
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)
