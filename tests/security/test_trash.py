"""Deleted records never appear on pages or maps; an administrator restores them."""

import pytest
from sqlalchemy import select

from cases.records.lifecycle import soft_delete
from cases.storage.db import unit_of_work
from cases.storage.models import DisputeZone, Inspection, Meeting

PAGES = ["/", "/mapa/", "/zonas/", "/expedientes/", "/reuniones/", "/recorridos/", "/analisis/",
         "/expedientes/1", "/reuniones/1"]


def _delete(app, model, name_column, value) -> int:
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        record = session.scalar(select(model).where(name_column == value))
        soft_delete(session, None, record)
        return record.id


@pytest.mark.parametrize("model, column, value, path, text", [
    (DisputeZone, DisputeZone.name, "Colonia Ejidal", "/zonas/{}", "Colonia Ejidal"),
    (Inspection, Inspection.title,
     "Recorridos conjuntos en el límite Oaxaca de Juárez – San Jacinto Amilpas",
     "/recorridos/{}", "Recorridos conjuntos en el límite"),
])
def test_a_deleted_record_is_absent_from_every_page_and_map(app, client, model, column,
                                                             value, path, text):
    assert any(text in client.get(p).get_data(as_text=True) for p in PAGES)
    record_id = _delete(app, model, column, value)
    for page in PAGES:
        assert text not in client.get(page).get_data(as_text=True), page
    assert client.get(path.format(record_id)).status_code == 404


def test_the_papelera_lists_and_restores_for_administrators_only(app, client, admin_client):
    zone_id = _delete(app, DisputeZone, DisputeZone.name, "Colonia Ejidal")
    meeting_id = _delete(app, Meeting, Meeting.id, 1)
    trash = admin_client.get("/admin/papelera").get_data(as_text=True)
    assert "Colonia Ejidal" in trash and "Zona en disputa" in trash and "Reunión" in trash
    restore = f"/admin/papelera/dispute_zone/{zone_id}/restaurar"
    assert client.post(restore).status_code == 403
    response = admin_client.post(restore, follow_redirects=True)
    assert "Se restauró «Colonia Ejidal»" in response.get_data(as_text=True)
    assert client.get(f"/zonas/{zone_id}").status_code == 200
    history = client.get(f"/zonas/{zone_id}").get_data(as_text=True)
    assert "Restauración por administradora" in history
    assert "Envío a la papelera por (línea de comandos)" in history
    assert admin_client.post(restore).status_code == 404
    assert admin_client.post("/admin/papelera/user_account/1/restaurar").status_code == 404
    assert admin_client.post("/admin/papelera/nada/1/restaurar").status_code == 404
    assert client.get(f"/reuniones/{meeting_id}").status_code == 404
