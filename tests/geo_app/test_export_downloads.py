"""Download buttons on the zone, case and overview pages, and the downloads they link."""

import io
import json
import shutil
import sqlite3
import subprocess
import zipfile
from xml.etree import ElementTree as ET

import pyogrio
import pytest
from sqlalchemy import select

from cases.storage.models import Case, DisputeZone
from geo_app.exports import FORMATS

# A name of our own, with what encodings get wrong: accents, ñ and guillemets.
ZONE_NAME = "Paraje «Ñuu Tíñu» de prueba"


@pytest.fixture
def ids(app):
    with app.extensions["limites_sessions"]() as session, session.begin():
        zone = session.scalar(select(DisputeZone).order_by(DisputeZone.id))
        zone.name = ZONE_NAME
        return zone.id, session.scalar(select(Case.id).order_by(Case.id))


def _zip_text(data: bytes, *suffixes: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [name for name in archive.namelist() if name.endswith(suffixes)]
        assert names, archive.namelist()
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in names)


def _kml_text(document: str) -> str:
    return " ".join(ET.fromstring(document.encode()).itertext())


def _geopackage_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "descarga.gpkg"
    path.write_bytes(data)
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")]
        assert tables
        return " ".join(
            str(value) for table in tables
            for row in db.execute(f'SELECT * FROM "{table}"') for value in row
            if isinstance(value, str)
        )


def _pdf_text(data: bytes, tmp_path) -> str:
    assert data.startswith(b"%PDF-")
    path = tmp_path / "ficha.pdf"
    path.write_bytes(data)
    tool = shutil.which("pdftotext")
    assert tool, "falta pdftotext (make system-deps instala poppler-utils)"
    return subprocess.run([tool, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def readable_text(fmt: str, data: bytes, tmp_path) -> str:
    """The text a program reading ``data`` as ``fmt`` sees (parsing it on the way)."""
    if fmt == "gpkg":
        return _geopackage_text(data, tmp_path)
    if fmt == "kml":
        return _kml_text(data.decode("utf-8"))
    if fmt == "kmz":
        return _kml_text(_zip_text(data, ".kml"))
    if fmt == "geojson":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            layers = [json.loads(archive.read(name)) for name in archive.namelist()
                      if name.endswith(".geojson")]
        assert layers and all(layer["type"] == "FeatureCollection" for layer in layers)
        return json.dumps(layers, ensure_ascii=False)
    if fmt == "csv":
        return _zip_text(data, ".csv")
    if fmt == "shp":
        path = tmp_path / "descarga.shp.zip"
        path.write_bytes(data)
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        assert {"shp", "shx", "dbf", "prj"} <= {name.rsplit(".", 1)[-1] for name in names}
        # GDAL reads each layer as QGIS would, in the encoding its .cpg names.
        layers = [pyogrio.read_dataframe(f"/vsizip/{path}/{name}", read_geometry=False)
                  for name in names if name.endswith(".shp")]
        return " ".join(str(value) for layer in layers for value in layer.to_numpy().ravel())
    if fmt == "html":
        return data.decode("utf-8")
    if fmt == "pdf":
        return _pdf_text(data, tmp_path)
    raise AssertionError(f"no reader for {fmt}")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_zone_download_in_every_format(client, ids, fmt, tmp_path):
    zone_id, _ = ids
    response = client.get(f"/exportar/zona/{zone_id}.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == FORMATS[fmt].media_type.split(";")[0]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"zona-{zone_id}-" in disposition
    assert FORMATS[fmt].suffix in disposition
    text = readable_text(fmt, response.data, tmp_path)
    assert ZONE_NAME in " ".join(text.split()), text[:2000]


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
