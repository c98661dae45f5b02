"""«Ríos y líneas de referencia»: an administrator lists the rivers and imports one."""

from __future__ import annotations

import io
import json

from limites_testing import row_count
from shapely.geometry import LineString, mapping
from sqlalchemy import func, select

from cases.storage.models import AuditEntry, Watercourse

# An invented «Salado» east of the demo's valley, and a line that is not one piece.
SALADO = LineString([(-96.690, 17.090), (-96.700, 17.050), (-96.715, 17.020)])
BROKEN = [LineString([(-96.69, 17.09), (-96.70, 17.05)]),
          LineString([(-96.60, 17.00), (-96.61, 16.98)])]


def _geojson(*lines) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": mapping(line)} for line in lines
    ]}).encode()


def _upload(client, content: bytes, filename: str, name: str = "Salado", **kwargs):
    return client.post("/admin/rios", data={
        "tipo": "rio", "nombre": name, "archivo": (io.BytesIO(content), filename),
    }, content_type="multipart/form-data", follow_redirects=True, **kwargs)


def _stored(app) -> dict[str, str]:
    with app.extensions["limites_sessions"]() as session:
        return {n: g.wkt for n, g in session.execute(
            select(Watercourse.name, Watercourse.geometry))}


def test_the_administrator_lists_and_imports_a_river_and_it_is_audited(app, admin_client):
    page = admin_client.get("/admin/rios").get_data(as_text=True)
    assert "Río Atoyac" in page and "Ilustrativo" in page
    assert "Ríos y líneas de referencia" in admin_client.get("/admin/").get_data(as_text=True)

    page = _upload(admin_client, _geojson(SALADO), "salado.geojson").get_data(as_text=True)

    assert "Se agregó «Río Salado»" in page
    assert set(_stored(app)) == {"Río Atoyac", "Río Salado"}
    with app.extensions["limites_sessions"]() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.record_type == "watercourse"))
        assert (entry.username, entry.record_label) == ("administradora", "Río Salado")
        assert not session.scalar(
            select(Watercourse.illustrative).where(Watercourse.name == "Río Salado"))
    log = admin_client.get("/admin/registro?tipo=watercourse").get_data(as_text=True)
    assert "Río Salado" in log and ">Río<" in log


def test_bad_files_are_refused_in_spanish_and_nothing_changes(app, admin_client):
    before = _stored(app)
    audited = row_count(app, AuditEntry)
    for content, filename, message in (
        (_geojson(*BROKEN), "salado.geojson", "una sola línea continua"),
        (b"no es un archivo", "salado.txt", "suba un GeoJSON"),
        (b"{roto", "salado.geojson", "No se importó el río"),
    ):
        page = _upload(admin_client, content, filename).get_data(as_text=True)
        assert message in page
        assert "No se importó el río" in page
    page = admin_client.post("/admin/rios", data={"tipo": "rio", "nombre": "Salado"},
                             follow_redirects=True).get_data(as_text=True)
    assert "elija el archivo del río" in page
    assert _stored(app) == before
    assert row_count(app, AuditEntry) == audited


def test_only_an_administrator_with_the_form_token_imports(app, admin_client, client):
    assert client.get("/admin/rios").status_code == 403
    assert _upload(client, _geojson(SALADO), "salado.geojson").status_code == 403
    response = _upload(admin_client, _geojson(SALADO), "salado.geojson", csrf=False)
    assert response.status_code in (400, 403)
    with app.extensions["limites_sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(Watercourse)) == 1
