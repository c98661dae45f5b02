import json

import pytest
from shapely import LineString, Polygon
from sqlalchemy import func, select

from cases.storage.db import head_revision
from cases.storage.models import BoundaryKind, BoundaryVersion, Meeting, Municipality


def _count(app, model=BoundaryVersion):
    with app.extensions["limites_sessions"]() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_init_reports_the_revision(runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert f"revisión {head_revision()}" in result.output


def test_demo_twice_adds_nothing(app, runner):
    meetings = _count(app, Meeting)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "ya estaban cargados" in result.output
    assert _count(app, Meeting) == meetings == 11


@pytest.mark.slow
def test_import_the_shared_state_file_with_json_summary(app, runner, inegi_path):
    before = _count(app)
    result = runner.invoke(args=["import-boundaries", str(inegi_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["read"] == 570 and summary["added"] == 570
    assert _count(app) == before + 570
    again = runner.invoke(args=["import-boundaries", str(inegi_path), "--json"])
    assert json.loads(again.stdout)["added"] == 0


def test_geopackage_with_options(app, runner, inegi_three, tmp_path):
    gpkg = tmp_path / "reclamo.gpkg"
    frame = inegi_three.rename(columns={"cvegeo": "CLAVE", "nom_agem": "NOMBRE"})
    frame.to_crs("EPSG:6372").to_file(gpkg, layer="limites", engine="fiona")
    result = runner.invoke(args=[
        "import-boundaries", str(gpkg), "--layer", "limites", "--code-field", "CLAVE",
        "--name-field", "NOMBRE", "--only", "20157", "--kind", "reclamo",
        "--claimant", "20157", "--source", "Acta de San Jacinto", "--date", "2025-05-14",
        "--json",
    ])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 1
    with app.extensions["limites_sessions"]() as session:
        claim = session.scalars(
            select(BoundaryVersion).where(BoundaryVersion.source == "Acta de San Jacinto")
        ).one()
        assert claim.kind is BoundaryKind.CLAIM and claim.claimant.cvegeo == "20157"
        assert claim.geometry.bounds[0] < -96  # reprojected to lon/lat


def test_zipped_shapefile(app, runner, inegi_three, tmp_path, zip_shapefile):
    archive = zip_shapefile(inegi_three, tmp_path)
    result = runner.invoke(args=["import-boundaries", str(archive)])
    assert result.exit_code == 0, result.output
    assert "3 versiones agregadas" in result.output


def _write_lines(tmp_path):
    import geopandas as gpd

    path = tmp_path / "lineas.geojson"
    gpd.GeoDataFrame(
        {"cvegeo": ["20001"], "nom_agem": ["x"]},
        geometry=[LineString([(-96.7, 17.0), (-96.6, 17.1)])], crs=4326,
    ).to_file(path)
    return path


def _write_invalid_and_valid(tmp_path):
    import geopandas as gpd

    path = tmp_path / "invalido.geojson"
    bowtie = Polygon([(-96.7, 17.0), (-96.6, 17.1), (-96.6, 17.0), (-96.7, 17.1)])
    gpd.GeoDataFrame({"cvegeo": ["20001"], "nom_agem": ["x"]}, geometry=[bowtie],
                     crs=4326).to_file(path)
    return path


def test_invalid_polygon_is_repaired_and_reported(app, runner, tmp_path):
    result = runner.invoke(args=["import-boundaries", str(_write_invalid_and_valid(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Reparado: polígono 20001 reparado" in result.output


@pytest.mark.parametrize(
    ("make", "extra", "message"),
    [
        ("noprj", [], "no declara sistema de coordenadas"),
        ("broken", [], "ZIP está dañado"),
        ("state", ["--code-field", "CLAVE"], "no tiene el campo «CLAVE»"),
        ("lines", [], "líneas donde se esperan polígonos"),
        ("state", ["--date", "14/05/2025"], "fecha inválida"),
    ],
)
def test_bad_inputs_leave_the_database_untouched(
    app, runner, tmp_path, inegi_three, zip_shapefile, make, extra, message
):
    paths = {
        "noprj": lambda: zip_shapefile(inegi_three, tmp_path, keep_prj=False),
        "broken": lambda: (tmp_path / "roto.zip").write_bytes(b"PK\x03\x04roto")
        and tmp_path / "roto.zip",
        "state": lambda: zip_shapefile(inegi_three, tmp_path),
        "lines": lambda: _write_lines(tmp_path),
    }
    before = (_count(app), _count(app, Municipality))
    result = runner.invoke(args=["import-boundaries", str(paths[make]()), *extra])
    assert result.exit_code != 0
    assert message in result.output
    assert (_count(app), _count(app, Municipality)) == before


def test_topology_of_stored_layers_as_table_and_json(runner, tmp_path):
    table = runner.invoke(args=["topology", "db:oficial", "db:reclamo"])
    assert table.exit_code == 0, table.output
    assert "Traslapes (zonas reclamadas por dos o más partes): 1" in table.output
    assert "Oaxaca de Juárez (20067) / San Jacinto Amilpas (20157)" in table.output
    assert "Vacíos de atención" in table.output
    assert "1. en Santa Cruz Xoxocotlán (20385), junto a Oaxaca de Juárez (20067): 16" in (
        table.output
    )
    out = tmp_path / "topologia.json"
    result = runner.invoke(args=["topology", "db:oficial", "db:reclamo", "--format", "json",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["measure_crs"] == "EPSG:6372"
    assert doc["overlaps"][0]["parties"] == ["20067", "20157"]
    assert doc["overlaps"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert {"overlaps", "gaps", "unattended", "shared_borders"} <= set(doc)
    (strip,) = doc["unattended"]
    assert (strip["party"], strip["neighbours"]) == ("20385", ["20067"])
    assert strip["area_ha"] == pytest.approx(166, abs=5)


def test_topology_geojson_opens_in_gis(runner, tmp_path):
    import geopandas as gpd

    out = tmp_path / "t.geojson"
    result = runner.invoke(args=["topology", "db:oficial", "db:reclamo", "--format", "geojson",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = gpd.read_file(out)
    assert list(frame["tipo"]) == ["traslape", "vacio_atencion"]
    assert frame.crs.to_epsg() == 4326
    assert list(frame["nombres"].iloc[1]) == ["Santa Cruz Xoxocotlán"]


@pytest.mark.slow
def test_topology_of_the_state_file_is_a_clean_coverage(runner, inegi_path):
    result = runner.invoke(args=["topology", str(inegi_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["overlaps"] == [] and doc["gaps"] == []
    (border,) = [b for b in doc["shared_borders"] if b["parties"] == ["20067", "20157"]]
    assert border["length_m"] == pytest.approx(8606.95, abs=1.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["db:acuerdo"], "no hay límites guardados"),
        (["db:nada"], "tipo de límite desconocido"),
        (["no-existe.geojson"], "no existe el archivo"),
    ],
)
def test_topology_bad_layers(runner, args, message):
    result = runner.invoke(args=["topology", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_import_and_refresh_are_one_transaction(app, runner, tmp_path, inegi_three,
                                                 zip_shapefile, monkeypatch):
    import cases.frames.in_force
    from cases.errors import InvalidInputError

    def refused(session):
        raise InvalidInputError("recalcular no fue posible")

    monkeypatch.setattr(cases.frames.in_force, "refresh_derived", refused)
    before = (_count(app), _count(app, Municipality))
    result = runner.invoke(args=["import-boundaries", str(zip_shapefile(inegi_three, tmp_path)),
                                 "--activate"])
    assert result.exit_code == 1 and "recalcular no fue posible" in result.output
    assert "No se modificó la base de datos" in result.output
    assert (_count(app), _count(app, Municipality)) == before


def _inject_bug(monkeypatch):
    import cases.frames.in_force

    def broken(session):
        raise ValueError("falla simulada al recalcular")

    monkeypatch.setattr(cases.frames.in_force, "refresh_derived", broken)


def test_a_bug_inside_a_use_case_is_not_shown_as_a_user_error(
    app, runner, tmp_path, inegi_three, zip_shapefile, monkeypatch
):
    _inject_bug(monkeypatch)
    before = (_count(app), _count(app, Municipality))
    result = runner.invoke(args=["import-boundaries", str(zip_shapefile(inegi_three, tmp_path)),
                                 "--activate"])
    assert result.exit_code != 0
    assert "No se modificó la base de datos" not in result.output
    assert (_count(app), _count(app, Municipality)) == before


def test_a_bug_surfaces_with_its_traceback_under_debug(
    app, tmp_path, inegi_three, zip_shapefile, monkeypatch
):
    """Through the real ``limites`` group: a notice without --debug, the traceback with it."""
    from click.testing import CliRunner

    from geo_app.cli import BUG_EXIT_CODE, main

    _inject_bug(monkeypatch)
    monkeypatch.setenv("LIMITES_DATABASE_URL", app.config["DATABASE_URL"])
    archive = str(zip_shapefile(inegi_three, tmp_path))
    plain = CliRunner().invoke(main, ["import-boundaries", archive, "--activate"])
    assert plain.exit_code == BUG_EXIT_CODE
    assert "Error interno inesperado" in plain.output and "--debug" in plain.output
    debug = CliRunner().invoke(main, ["--debug", "import-boundaries", archive, "--activate"])
    assert debug.exit_code != 0 and isinstance(debug.exception, ValueError)
    assert "falla simulada" in str(debug.exception)
    assert "No se modificó" not in debug.output


def test_commands_on_an_outdated_schema_say_how_to_fix_it(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from geo_app.cli import main

    monkeypatch.setenv("LIMITES_DATABASE_URL", f"sqlite:///{tmp_path / 'vacia.sqlite'}")
    monkeypatch.setenv("LIMITES_SECRET_KEY", "prueba")  # init writes no key into the repo
    result = CliRunner().invoke(main, ["compare", "20067", "--list"])
    assert result.exit_code == 1
    assert "ejecute «limites init»" in result.output
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    assert CliRunner().invoke(main, ["compare", "20067", "--list"]).exit_code == 1
    assert "no existe el municipio" in CliRunner().invoke(main, ["compare", "20067"]).output


def test_import_updates_who_is_responsible_for_findings(app, runner, inegi_path):
    from cases.storage.models import Finding

    result = runner.invoke(args=["import-boundaries", str(inegi_path), "--only", "20067,20157"])
    assert result.exit_code == 0, result.output
    with app.extensions["limites_sessions"]() as session:
        sources = {
            f.official_municipality.versions[-1].source
            for f in session.scalars(select(Finding)) if f.official_municipality
        }
    assert "oaxaca_municipios.geojson" in sources


def test_bad_crs_option_is_a_clear_error(runner, tmp_path, inegi_three, zip_shapefile):
    archive = zip_shapefile(inegi_three, tmp_path, keep_prj=False)
    result = runner.invoke(args=["import-boundaries", str(archive), "--crs", "FOO"])
    assert result.exit_code != 0 and "CRS inválido" in result.output


def test_importing_inegi_with_activate_makes_the_app_agree_with_the_file(
    app, runner, client, inegi_path, tmp_path
):
    import geopandas as gpd

    from cases.frames.in_force import INEGI_FRAME
    from cases.storage.models import Inspection

    page = client.get("/analisis/").get_data(as_text=True)
    assert "Marco ilustrativo de la demostración" in page
    kept = runner.invoke(args=["import-boundaries", str(inegi_path)])
    assert kept.exit_code == 0, kept.output
    assert f"Marco: {INEGI_FRAME}." in kept.output
    assert "Marco vigente: Marco ilustrativo de la demostración." in kept.output
    assert "--activate" in kept.output
    result = runner.invoke(args=["frames", "--activate", INEGI_FRAME])
    assert result.exit_code == 0, result.output
    assert f"{INEGI_FRAME} [VIGENTE]: 570 límites" in result.output
    with app.extensions["limites_sessions"]() as session:
        inspection = session.scalars(select(Inspection)).one()
        stored = {p["names"][0]: p["share"] for p in inspection.route_split
                  if p["kind"] == "municipality"}
        route = tmp_path / "ruta.geojson"
        gpd.GeoSeries([inspection.route], crs=4326).to_file(route)
    cli = runner.invoke(args=["split-route", str(route), "--frame", str(inegi_path),
                              "--format", "json"])
    assert cli.exit_code == 0, cli.output
    from_file = {p["names"][0]: p["share"] for p in json.loads(cli.stdout)["parts"]
                 if p["kind"] == "municipality"}
    assert stored == pytest.approx(from_file, abs=1e-5)  # the JSON rounds shares
    apart = runner.invoke(args=["topology", "db:oficial", "db:reclamo"])
    assert apart.exit_code == 1 and "son ilustrativos y no se comparan" in apart.output
    listed = runner.invoke(args=["compare", "20067", "--list"])
    assert listed.exit_code == 0, listed.output
    assert "[vigente]" in next(line for line in listed.output.splitlines() if INEGI_FRAME in line)
    assert "[vigente]" not in next(line for line in listed.output.splitlines()
                                   if "Marco ilustrativo" in line)
    page = client.get("/analisis/").get_data(as_text=True)
    assert f"Análisis contra el marco vigente:\n  <strong>{INEGI_FRAME}</strong>" in page
    assert "marco oficial" not in page.lower()
    # The demo's illustrative claims are not compared with INEGI's real frame (issue 11 saw
    # 20 artefact overlaps); the page says so.
    assert "Ningún traslape mayor al área mínima." in page
    assert 'data-testid="claims-set-apart"' in page and "San Jacinto Amilpas" in page


def test_frames_refuses_an_unknown_frame(runner):
    result = runner.invoke(args=["frames", "--activate", "Nada"])
    assert result.exit_code == 1
    assert "no existe el marco «Nada»" in result.output
    assert "No se modificó la base de datos" in result.output


def test_with_inegi_in_force_the_demo_frame_is_drawn_hidden_in_its_own_style(
    app, runner, client, inegi_path
):
    from cases.frames.in_force import INEGI_FRAME

    assert "Otros marcos de referencia" not in client.get("/mapa/").get_data(as_text=True)
    result = runner.invoke(args=["import-boundaries", str(inegi_path), "--only",
                                 "20067,20157,20385,20390", "--activate"])
    assert result.exit_code == 0, result.output
    html = client.get("/zonas/1").get_data(as_text=True)
    assert "Otros marcos de referencia (no vigentes)" in html  # in the layer control
    assert "Marco ilustrativo de la demostración" in html and INEGI_FRAME in html
    assert '"dashArray": "10 6"' in html  # the illustrative frame's own style
