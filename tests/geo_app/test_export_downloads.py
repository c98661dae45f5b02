"""Download buttons on the zone, case and overview pages, and the downloads they link."""

import pytest
from sqlalchemy import select

from cases.storage.models import Case, DisputeZone
from geo_app.exports import FORMATS


@pytest.fixture
def ids(app):
    with app.extensions["limites_sessions"]() as session:
        return (session.scalar(select(DisputeZone.id).order_by(DisputeZone.id)),
                session.scalar(select(Case.id).order_by(Case.id)))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_zone_download_in_every_format(client, ids, fmt):
    zone_id, _ = ids
    response = client.get(f"/exportar/zona/{zone_id}.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == FORMATS[fmt].media_type.split(";")[0]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"zona-{zone_id}-" in disposition
    assert FORMATS[fmt].suffix in disposition
    assert len(response.data) > 100


def test_pages_link_their_downloads(client, ids):
    zone_id, case_id = ids
    pages = {f"/zonas/{zone_id}": f"/exportar/zona/{zone_id}.gpkg",
             f"/expedientes/{case_id}": f"/exportar/expediente/{case_id}.pdf",
             "/mapa/": "/exportar/todo.kmz"}
    for page, link in pages.items():
        html = client.get(page).get_data(as_text=True)
        assert f'href="{link}"' in html, page
        assert "Descargar" in html


def test_missing_record_or_format_is_404(client, ids):
    zone_id, case_id = ids
    missing = client.get("/exportar/zona/999999.gpkg")
    assert missing.status_code == 404
    assert "No existe" in missing.get_data(as_text=True) or "no existe" in missing.get_data(
        as_text=True)
    assert client.get(f"/exportar/expediente/{case_id}.exe").status_code == 404
    assert client.get("/exportar/todo.csv").status_code == 200
