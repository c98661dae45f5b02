"""``limites import-lines``: rivers imported from files on a fresh install, km along each."""

from __future__ import annotations

import datetime as dt
import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import LineString, MultiLineString, Point
from sqlalchemy import func, select

from cases.frames.derived import finding_facts
from cases.storage.models import (
    AuditEntry,
    Finding,
    FindingCategory,
    Inspection,
    Watercourse,
)

# Invented lines in the valley: an «Atoyac» running south, a «Salado» running south-west.
ATOYAC = [LineString([(-96.760, 17.120), (-96.755, 17.070)]),
          LineString([(-96.755, 17.070), (-96.750, 17.020)])]
SALADO = LineString([(-96.600, 17.080), (-96.640, 17.030)])
NEAR_ATOYAC = Point(-96.7545, 17.070)
NEAR_SALADO = Point(-96.620, 17.056)
FAR_AWAY = Point(-96.200, 16.600)


@pytest.fixture
def fresh(empty_database_url, tmp_path):
    """The app on an empty database of each engine (no demo), with one stored finding."""
    from limites_testing import demo_app

    def add_finding(session):
        inspection = Inspection(title="Recorrido de prueba", started_on=dt.date(2026, 2, 3))
        for where, text in ((NEAR_ATOYAC, "Mojonera junto al cauce"),
                            (NEAR_SALADO, "Descarga en la ribera")):
            inspection.findings.append(Finding(
                category=FindingCategory.OTHER, description=text, geometry=where))
        session.add(inspection)

    app = demo_app(tmp_path, database_url=empty_database_url, demo=False, prepare=add_finding)
    yield app
    app.extensions["limites_engine"].dispose()


def _write(path, geometries, crs=4326, driver=None):
    frame = gpd.GeoDataFrame({"nombre": [str(i) for i in range(len(geometries))]},
                             geometry=geometries, crs=4326).to_crs(crs)
    frame.to_file(path, driver=driver)
    return path


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["import-lines", *map(str, args)])


def _session(app):
    return app.extensions["limites_sessions"]()


def test_an_imported_river_gives_km_to_findings_on_a_fresh_install(fresh, tmp_path):
    with _session(fresh) as session:
        assert session.scalar(select(Finding.river_km)) is None
    path = _write(tmp_path / "atoyac.geojson", [MultiLineString(ATOYAC)], crs=6372)

    result = _run(fresh, path, "--kind", "rio", "--name", "Atoyac")

    assert result.exit_code == 0, result.output
    assert "Río Atoyac agregado" in result.output
    with _session(fresh) as session:
        river = session.scalar(select(Watercourse))
        assert (river.name, river.illustrative) == ("Río Atoyac", False)
        assert river.geometry.geom_type == "LineString"
        assert river.geometry.coords[0] == pytest.approx((-96.760, 17.120))
        finding = session.scalar(select(Finding).order_by(Finding.id))
        assert finding.river_km == pytest.approx(5.5, abs=0.2)
        assert finding.river_distance_m < 100
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_type == "watercourse")) == 1


def test_reimporting_a_river_replaces_it_and_the_salado_works_alongside(fresh, tmp_path):
    _run(fresh, _write(tmp_path / "a.geojson", ATOYAC), "--name", "Atoyac")
    shorter = [LineString([(-96.755, 17.070), (-96.750, 17.020)])]
    assert _run(fresh, _write(tmp_path / "b.gpkg", shorter), "--name", "río Atoyac").exit_code == 0
    result = _run(fresh, _write(tmp_path / "salado.geojson", [SALADO], crs=32614),
                  "--name", "Salado")
    assert result.exit_code == 0, result.output

    with _session(fresh) as session:
        names = session.scalars(select(Watercourse.name).order_by(Watercourse.id)).all()
        assert names == ["Río Atoyac", "Río Salado"]
        assert session.scalar(select(Finding.river_km).order_by(Finding.id)) == pytest.approx(
            0.0, abs=0.05)
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_type == "watercourse")) == 3
        near_atoyac, near_salado, far = finding_facts(
            session, [NEAR_ATOYAC, NEAR_SALADO, FAR_AWAY])
    assert near_salado.river["river_km"] == pytest.approx(3.4, abs=0.2)
    assert near_salado.river["river_distance_m"] < 100
    assert near_atoyac.river["river_distance_m"] < 100
    assert far.river == {"river_km": None, "river_distance_m": None, "river_bank": None}


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: _write(p / "dos.geojson", [ATOYAC[0], LineString([(-96.7, 17.0), (-96.6, 17.0)])]),
     "una sola línea continua"),
    (lambda p: _write(p / "punto.geojson", [Point(-96.7, 17.0)]), "un río debe ser una línea"),
    (lambda p: (p / "rio.txt").write_text("nada") and p / "rio.txt", "formato no reconocido"),
    (lambda p: (p / "roto.geojson").write_text("{no es json") and p / "roto.geojson", "roto"),
])
def test_bad_files_are_refused_in_spanish_and_nothing_changes(fresh, tmp_path, make, message):
    _run(fresh, _write(tmp_path / "a.geojson", ATOYAC), "--name", "Atoyac")
    with _session(fresh) as session:
        before = session.scalar(select(Watercourse.geometry)).wkt

    result = _run(fresh, make(tmp_path), "--name", "Atoyac")

    assert result.exit_code == 1
    assert message in result.output
    assert "No se modificó la base de datos" in result.output
    with _session(fresh) as session:
        assert session.scalar(select(Watercourse.geometry)).wkt == before
        assert session.scalar(select(func.count()).select_from(Watercourse)) == 1


def test_the_inspection_page_names_the_river_of_each_km(fresh, tmp_path):
    from limites_testing import signed_in_client

    client = signed_in_client(fresh)
    with _session(fresh) as session:
        inspection_id = session.scalar(select(Inspection.id))
    page = client.get(f"/recorridos/{inspection_id}").get_data(as_text=True)
    assert "Km del río" in page and "Km del Atoyac" not in page

    _run(fresh, _write(tmp_path / "a.geojson", ATOYAC), "--name", "Atoyac")
    page = client.get(f"/recorridos/{inspection_id}").get_data(as_text=True)
    assert "Km del Atoyac" in page and "aguas abajo del Atoyac" in page
    assert re.search(r'<td class="text-end">5\.[4-6]\d</td>', page)

    _run(fresh, _write(tmp_path / "s.kml", [SALADO], driver="KML"), "--name", "Salado")
    page = client.get(f"/recorridos/{inspection_id}").get_data(as_text=True)
    assert "Km del río" in page
    assert "(Atoyac)" in page and "(Salado)" in page


def test_the_river_command_names_the_river_it_measured_along(fresh, tmp_path):
    _run(fresh, _write(tmp_path / "a.geojson", ATOYAC), "--name", "Atoyac")
    _run(fresh, _write(tmp_path / "salado.geojson", [SALADO], crs=32614), "--name", "Salado")
    runner = fresh.test_cli_runner()
    salado = runner.invoke(args=["river", f"{NEAR_SALADO.x},{NEAR_SALADO.y}"])
    assert salado.exit_code == 0, salado.output
    assert salado.output.startswith("Río Salado,") and "Atoyac" not in salado.output
    both = runner.invoke(args=["river", f"{NEAR_SALADO.x},{NEAR_SALADO.y};"
                                        f"{NEAR_ATOYAC.x},{NEAR_ATOYAC.y}", "--format", "json"])
    doc = json.loads(both.output)
    assert doc["river"] is None
    assert sorted(p["river"] for p in doc["points"]) == ["Río Atoyac", "Río Salado"]
