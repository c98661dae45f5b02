"""``limites export``: one scope, one format, progress on stderr, Spanish errors."""

import sqlite3
import zipfile

import pytest
from sqlalchemy import select

from cases.storage.models import DisputeZone


@pytest.fixture
def zone_name(app):
    with app.extensions["limites_sessions"]() as session:
        return session.scalar(select(DisputeZone.name).order_by(DisputeZone.id))


def test_export_a_zone_as_geopackage(runner, zone_name, tmp_path):
    out = tmp_path / "zona.gpkg"
    result = runner.invoke(args=["export", "--zone", zone_name, "--format", "gpkg",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Exportando Zona {zone_name}" in result.stderr
    assert "Zonas en disputa: 1 registros" in result.stderr
    assert result.stdout == ""
    with sqlite3.connect(out) as db:
        names = {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")}
        assert (db.execute("SELECT nombre FROM zonas").fetchall()) == [(zone_name,)]
    assert {"limites", "zonas", "reuniones", "acuerdos", "participantes"} <= names


def test_export_everything_as_csv(runner, tmp_path):
    out = tmp_path / "todo.csv.zip"
    result = runner.invoke(args=["export", "--all", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert set(zipfile.ZipFile(out).namelist()) == {
        "reuniones.csv", "acuerdos.csv", "hallazgos.csv", "LEEME.txt"}


def test_unknown_case_is_a_spanish_error(runner, tmp_path):
    result = runner.invoke(args=["export", "--case", "NO/EXISTE", "--format", "kml",
                                 "--out", str(tmp_path / "x.kml")])
    assert result.exit_code == 1
    assert "no existe el expediente «NO/EXISTE»" in result.output
    assert not (tmp_path / "x.kml").exists()


def test_exactly_one_scope(runner, tmp_path):
    result = runner.invoke(args=["export", "--all", "--zone", "x", "--format", "kml",
                                 "--out", str(tmp_path / "x.kml")])
    assert result.exit_code == 2
    assert "exactamente una de --zone, --case o --all" in result.output
