import json

import geopandas as gpd
import pytest
import shapely
from shapely import LineString, Point, box

from boundaries.topology import analyze_topology

IN_OVERLAP = "-96.7352,17.0858"  # claimed by Oaxaca de Juárez and San Jacinto Amilpas
IN_OAXACA = "-96.7256,17.0624"
UPSTREAM_FIRST = (-96.75, 17.05)  # on the Atoyac's way before IN_OAXACA
ROUTE = LineString([(-96.7256, 17.0624), (-96.7352, 17.0858)])


@pytest.fixture
def empty_runner(tmp_path):
    """The CLI on a migrated database with nothing stored."""
    from limites_testing import demo_app

    app = demo_app(tmp_path, demo=False)
    yield app.test_cli_runner()
    app.extensions["limites_engine"].dispose()


def _write(tmp_path, name, geometries, crs=4326, **columns):
    path = tmp_path / name
    gpd.GeoDataFrame(columns, geometry=list(geometries), crs=crs).to_file(path)
    return path


def _ok(runner, *args):
    result = runner.invoke(args=[str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def _fails(runner, *args, message):
    result = runner.invoke(args=[str(a) for a in args])
    assert result.exit_code != 0
    assert message in result.output, result.output
    return result


# -- compare -------------------------------------------------------------------------------

@pytest.fixture
def version_id(app):
    """The id of a demo version, found by municipality and kind (never by insertion order)."""
    from sqlalchemy import select

    from cases.storage.models import BoundaryKind, BoundaryVersion, Municipality

    def find(cvegeo: str, kind: str = "oficial") -> int:
        with app.extensions["limites_sessions"]() as session:
            return session.scalars(
                select(BoundaryVersion.id)
                .join(Municipality, BoundaryVersion.municipality_id == Municipality.id)
                .where(Municipality.cvegeo == cvegeo, BoundaryVersion.kind == BoundaryKind(kind))
            ).one()

    return find


def test_compare_defaults_to_oldest_official_against_newest(runner, version_id):
    text = _ok(runner, "compare", "20067").output
    assert "Oaxaca de Juárez (20067)" in text
    demo = "Marco ilustrativo de la demostración"
    assert f"Anterior: {demo}, 2025-04-01 (núm. {version_id('20067')})" in text
    assert f"(núm. {version_id('20067', 'reclamo')})" in text
    assert "Hausdorff" in text and "Cambio neto: +" in text


def test_compare_json_adds_up(runner, version_id):
    old, new = version_id("20067"), version_id("20067", "reclamo")
    doc = json.loads(_ok(runner, "compare", "20067", "--old", old, "--new", new,
                         "--format", "json").stdout)
    assert (doc["old"]["id"], doc["new"]["id"]) == (old, new)
    assert doc["municipality"] == {"code": "20067", "name": "Oaxaca de Juárez"}
    assert doc["net_m2"] == pytest.approx(doc["gained_m2"] - doc["lost_m2"], abs=0.02)
    assert doc["net_m2"] == pytest.approx(doc["new_area_m2"] - doc["old_area_m2"], abs=0.02)
    assert doc["gained"] and doc["hausdorff_m"] > 0


def test_compare_geojson_to_file(runner, tmp_path):
    out = tmp_path / "cambios.geojson"
    result = _ok(runner, "compare", "20067", "--format", "geojson", "--out", out)
    assert result.stdout == ""
    features = gpd.read_file(out)
    assert set(features["tipo"]) <= {"ganada", "perdida"} and len(features)
    assert features.geom_type.isin(["Polygon", "MultiPolygon"]).all()


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_compare_lists_versions(runner, fmt, version_id):
    official, claim = version_id("20157"), version_id("20157", "reclamo")
    text = _ok(runner, "compare", "20157", "--list", "--format", fmt).stdout
    if fmt == "table":
        assert f"Marco ilustrativo de la demostración, 2025-04-01 (núm. {official})" in text
        assert f"(núm. {claim})" in text
    else:
        assert [v["id"] for v in json.loads(text)["versions"]] == [official, claim]


@pytest.mark.parametrize(("args", "message"), [
    (lambda v: ["20390"], lambda v: f"serían la misma (núm. {v('20390')})"),
    (lambda v: ["20067", "--old", 99999], lambda v: "no existe la versión de límite número 99999"),
    (lambda v: ["20067", "--old", v("20067"), "--new", v("20157", "reclamo")],
     lambda v: "deben ser del mismo municipio"),
    (lambda v: ["20067", "--old", v("20157"), "--new", v("20157", "reclamo")],
     lambda v: "son de San Jacinto Amilpas (20157), no de 20067"),
    (lambda v: ["99999"], lambda v: "no existe el municipio con clave 99999"),
    (lambda v: ["20067", "--min-area", -1],
     lambda v: "el área mínima debe ser un número de m² mayor o igual a 0"),
])
def test_compare_bad_input(runner, version_id, args, message):
    _fails(runner, "compare", *args(version_id), message=message(version_id))


def test_compare_ambiguous_lists_the_choices(runner, version_id):
    result = _fails(runner, "compare", "20390", message="elija dos con --old y --new")
    demo = "Marco ilustrativo de la demostración"
    assert f"{demo}, 2025-04-01 (núm. {version_id('20390')})" in result.output


# -- responsible ---------------------------------------------------------------------------

def test_responsible_table(runner):
    text = _ok(runner, "responsible", f"{IN_OVERLAP};{IN_OAXACA}").output
    assert "Punto 1" in text and "Punto 2" in text
    assert "Reclamo «San Jacinto Amilpas»: San Jacinto Amilpas (20157)" in text
    assert "En disputa: sí" in text and "En disputa: no" in text


def test_responsible_json(runner):
    doc = json.loads(_ok(runner, "responsible", f"{IN_OVERLAP}; {IN_OAXACA};",
                         "--format", "json").stdout)
    overlap, oaxaca = doc["points"]
    assert overlap["dispute"] and overlap["shared"]
    assert {p["code"] for p in overlap["parties"]} == {"20067", "20157"}
    assert oaxaca["official"] == {"code": "20067", "name": "Oaxaca de Juárez"}
    assert not oaxaca["dispute"] and not oaxaca["shared"]
    assert oaxaca["limit_distance_m"] is None
    assert set(oaxaca["claims"]) == {"Oaxaca de Juárez", "San Jacinto Amilpas",
                                     "Santa Cruz Xoxocotlán"}


def test_responsible_distance_makes_a_point_shared(runner):
    doc = json.loads(_ok(runner, "responsible", IN_OAXACA, "--distance", 5000,
                         "--format", "json").stdout)
    point = doc["points"][0]
    assert point["shared"] and 0 < point["limit_distance_m"] <= 5000


def test_responsible_points_file_frame_file_and_geojson_out(runner, tmp_path, inegi_three):
    points = _write(tmp_path, "puntos.geojson",
                    [Point(-96.7256, 17.0624), Point(-96.7352, 17.0858)], crs=4326)
    frame = tmp_path / "marco.gpkg"
    inegi_three.to_crs(6372).to_file(frame)
    out = tmp_path / "responsables.geojson"
    _ok(runner, "responsible", points, "--frame", frame, "--claims", "db:reclamo",
        "--format", "geojson", "--out", out)
    features = gpd.read_file(out)
    assert features["numero"].tolist() == [1, 2]
    assert features["oficial"].iloc[0] == "20067"
    assert bool(features["disputa"].iloc[1])


@pytest.mark.parametrize(("command", "points", "message"), [
    ("responsible", "nada.geojson", "no existe el archivo"),
    ("responsible", "-96.7,abc", "«-96.7,abc» no es un par LON,LAT"),
    ("responsible", "17.08,-196.73", "coordenadas fuera de rango"),
    ("responsible", ";", "no se indicó ningún punto"),
    ("river", "-96.7;17.0", "«-96.7» no es un par LON,LAT"),
    ("river", "nada.gpkg", "no existe el archivo"),
])
def test_bad_points_text_or_file(runner, command, points, message):
    _fails(runner, command, points, message=message)


@pytest.mark.parametrize("command", ["responsible", "river"])
def test_lines_where_points_expected(runner, tmp_path, command):
    lines = _write(tmp_path, "lineas.geojson", [ROUTE])
    _fails(runner, command, lines, message="debe contener puntos")


def test_responsible_negative_distance(runner):
    _fails(runner, "responsible", IN_OAXACA, "--distance", -5,
           message="la distancia al límite debe ser un número de metros ≥ 0")


@pytest.mark.parametrize("command", [["responsible", IN_OAXACA], ["split-route", "RUTA"]])
def test_no_official_frame_stored(empty_runner, tmp_path, command):
    args = [str(_write(tmp_path, "ruta.geojson", [ROUTE])) if a == "RUTA" else a
            for a in command]
    _fails(empty_runner, *args, message="no hay límites guardados de tipo «Marco de referencia»")


# -- split-route ---------------------------------------------------------------------------

@pytest.fixture
def route_file(tmp_path):
    return _write(tmp_path, "ruta.geojson", [ROUTE])


def test_split_route_table(runner, route_file):
    text = _ok(runner, "split-route", route_file).output
    assert "Por municipio:" in text and "Oaxaca de Juárez (20067)" in text
    assert "San Jacinto Amilpas (20157)" in text and "Por zona en disputa:" in text


def test_split_route_json_parts_add_up(runner, route_file):
    doc = json.loads(_ok(runner, "split-route", route_file, "--format", "json").stdout)
    municipal = [p for p in doc["parts"] if p["kind"] != "dispute"]
    assert sum(p["length_m"] for p in municipal) == pytest.approx(doc["length_m"], abs=0.05)
    assert sum(p["share"] for p in municipal) == pytest.approx(1, abs=1e-4)
    codes = {p["parties"][0] for p in municipal if p["parties"]}
    assert {"20067", "20157"} <= codes
    assert any(p["kind"] == "dispute" for p in doc["parts"])
    oaxaca = next(p for p in municipal if p["parties"] == ["20067"])
    assert oaxaca["names"] == ["Oaxaca de Juárez"]


def test_split_route_geojson_out_in_another_crs(runner, tmp_path):
    route = tmp_path / "ruta.gpkg"
    gpd.GeoSeries([ROUTE], crs=4326).to_crs(6372).to_file(route)
    out = tmp_path / "tramos.geojson"
    _ok(runner, "split-route", route, "--format", "geojson", "--out", out)
    parts = gpd.read_file(out)
    assert set(parts["tipo"]) >= {"municipio", "disputa"}
    assert parts.geom_type.isin(["LineString", "MultiLineString"]).all()


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: _write(p, "puntos.geojson", [Point(-96.72, 17.06)]), "debe contener líneas"),
    (lambda p: p / "falta.geojson", "no existe el archivo"),
    (lambda p: _write(p, "sin_crs.txt", []), "formato no reconocido"),
])
def test_split_route_bad_input(runner, tmp_path, make, message):
    _fails(runner, "split-route", make(tmp_path), message=message)


# -- river ---------------------------------------------------------------------------------

def _river_points():
    lon, lat = UPSTREAM_FIRST
    return f"{IN_OAXACA};{lon},{lat};{IN_OVERLAP}"


def test_river_table_lists_upstream_to_downstream(runner):
    text = _ok(runner, "river", _river_points()).output
    assert text.startswith("Río Atoyac, de aguas arriba a aguas abajo")
    order = [line.split()[1] for line in text.splitlines() if line.strip().startswith("Punto")]
    assert order == ["3", "2", "1"]
    assert "margen izquierda" in text and "margen derecha" in text


@pytest.mark.parametrize("reverse", [False, True])
def test_river_json_sorted_by_km(runner, reverse):
    args = ["river", _river_points(), "--format", "json"] + (["--reverse"] if reverse else [])
    doc = json.loads(_ok(runner, *args).stdout)
    kms = [row["km"] for row in doc["points"]]
    assert kms == sorted(kms) and doc["reverse"] is reverse
    numbers = [row["number"] for row in doc["points"]]
    assert numbers == ([1, 2, 3] if reverse else [3, 2, 1])


def test_river_geojson_out(runner, tmp_path):
    out = tmp_path / "rio.geojson"
    _ok(runner, "river", _river_points(), "--format", "geojson", "--out", out)
    points = gpd.read_file(out)
    assert points["numero"].tolist() == [3, 2, 1]
    assert set(points["margen"]) <= {"left", "right", "on"}


def test_river_not_stored(empty_runner):
    _fails(empty_runner, "river", IN_OAXACA, message="no hay un río guardado")


# -- simplify ------------------------------------------------------------------------------

@pytest.fixture
def three_file(tmp_path, inegi_three):
    path = tmp_path / "tres.geojson"
    inegi_three.to_file(path)
    return path


def test_simplify_table_and_gpkg(runner, three_file, tmp_path, inegi_three):
    out = tmp_path / "simple.gpkg"
    text = _ok(runner, "simplify", three_file, "--tolerance", 10, "--out", out).output
    assert "3 polígonos simplificados a 10 m" in text and "20067 Oaxaca de Juárez" in text
    simple = gpd.read_file(out)
    assert simple["cvegeo"].tolist() == inegi_three["cvegeo"].tolist()
    assert simple.crs.to_epsg() == 4326


def test_simplify_json_fewer_vertices(runner, three_file, tmp_path):
    out = tmp_path / "simple.geojson"
    doc = json.loads(_ok(runner, "simplify", three_file, "--tolerance", 10, "--out", out,
                         "--format", "json", "--code-field", "cvegeo").stdout)
    assert doc["features"] == 3 and doc["vertices_after"] < doc["vertices_before"]
    assert [f["code"] for f in doc["by_feature"]] == ["20067", "20157", "20385"]


@pytest.mark.parametrize(("make", "extra", "message"), [
    (lambda p: _write(p, "traslape.geojson", [box(0, 0, 2, 2), box(1, 0, 3, 2)]), [],
     "se superponen"),
    (lambda p: _write(p, "lineas.geojson", [ROUTE]), [], "donde se esperan polígonos"),
    (lambda p: p / "falta.geojson", [], "no existe el archivo"),
    (lambda p: _write(p, "a.geojson", [box(0, 0, 1, 1)]), ["--code-field", "CLAVE"],
     "no tiene el campo «CLAVE»"),
])
def test_simplify_bad_layer(runner, tmp_path, make, extra, message):
    _fails(runner, "simplify", make(tmp_path), "--tolerance", 1, "--out", tmp_path / "o.gpkg",
           *extra, message=message)


@pytest.mark.parametrize(("tolerance", "out", "message"), [
    (-1, "o.gpkg", "la tolerancia debe ser un número de metros ≥ 0"),
    (1, "o.txt", "formato de salida no reconocido"),
])
def test_simplify_bad_options(runner, three_file, tmp_path, tolerance, out, message):
    _fails(runner, "simplify", three_file, "--tolerance", tolerance, "--out", tmp_path / out,
           message=message)


@pytest.mark.slow
def test_simplify_the_whole_state_keeps_a_coverage(runner, inegi_path, tmp_path):
    out = tmp_path / "oaxaca.gpkg"
    doc = json.loads(_ok(runner, "simplify", inegi_path, "--tolerance", 10, "--out", out,
                         "--format", "json").stdout)
    original = gpd.read_file(inegi_path)
    simple = gpd.read_file(out)
    assert simple["cvegeo"].tolist() == original["cvegeo"].tolist() and len(simple) == 570
    before = int(shapely.get_num_coordinates(original.geometry.array).sum())
    after = int(shapely.get_num_coordinates(simple.geometry.array).sum())
    assert (doc["vertices_before"], doc["vertices_after"]) == (before, after)
    assert after < before
    result = analyze_topology(simple.rename(columns={"cvegeo": "code"}))
    assert len(result.overlaps) == 0 and len(result.gaps) == 0


def test_responsible_counts_stored_dispute_zones(runner):
    # Inside the stored zone "Límites con Santa Cruz Xoxocotlán" but not in any claim overlap.
    result = runner.invoke(args=["responsible", "-96.7300,17.0445", "--format", "json"])
    assert result.exit_code == 0, result.output
    (point,) = json.loads(result.stdout)["points"]
    assert point["zones"] == ["Límites con Santa Cruz Xoxocotlán"]
    assert point["dispute"] and point["shared"]
    assert {p["code"] for p in point["parties"]} >= {"20067", "20385"}


@pytest.mark.parametrize("suffix", [".gpx", ".kml", ".kmz"])
def test_split_route_reads_field_tracks(runner, tmp_path, suffix):
    import zipfile

    (x0, y0), (x1, y1) = ROUTE.coords
    if suffix == ".gpx":
        text = (f'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
                f'<trkpt lat="{y0}" lon="{x0}"/><trkpt lat="{y1}" lon="{x1}"/>'
                "</trkseg></trk></gpx>")
    else:
        text = (f"<kml><Placemark><LineString><coordinates>{x0},{y0} {x1},{y1}"
                "</coordinates></LineString></Placemark></kml>")
    path = tmp_path / f"ruta{suffix}"
    if suffix == ".kmz":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("doc.kml", text)
    else:
        path.write_text(text)
    result = _ok(runner, "split-route", path, "--format", "json")
    doc = json.loads(result.stdout)
    assert {p["parties"][0] for p in doc["parts"] if p["kind"] == "municipality"} >= {
        "20067", "20157"
    }
    assert "2 puntos leídos, 2 conservados" in result.stderr


def test_split_route_gpx_without_points(runner, tmp_path):
    path = tmp_path / "vacia.gpx"
    path.write_text('<gpx version="1.1"><trk><trkseg></trkseg></trk></gpx>')
    _fails(runner, "split-route", path, message="vacia.gpx: el archivo GPX no tiene puntos")
