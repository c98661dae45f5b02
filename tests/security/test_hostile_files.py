"""Hostile import files are refused through ``limites import-boundaries``, storing nothing.

Each file below is what an attacker (or a careless export) could hand the Unidad: a GDAL
format that reads local files or fetches URLs behind a ``.geojson`` suffix, coordinates or
codes no municipality has, a polygon big enough to slow every map. The import must answer with
one Spanish sentence that names the file (never the server's path), and every table must keep
its row count.
"""

from __future__ import annotations

import http.server
import json
import sqlite3
import threading
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely import Polygon, box
from sqlalchemy import func, select

from boundaries.sanity import MAX_VERTICES
from cases.storage.locks import import_lock
from cases.storage.models import Base

OAXACA = box(-96.76, 17.03, -96.70, 17.09)
NEAR = box(-96.70, 17.03, -96.64, 17.09)


def row_counts(app) -> dict[str, int]:
    with app.extensions["limites_sessions"]() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def write_frame(path: Path, codes, names=None, geometries=None, crs="EPSG:4326") -> Path:
    geometries = geometries or [OAXACA, NEAR][: len(codes)]
    names = names or [f"Municipio {i}" for i in range(len(codes))]
    frame = gpd.GeoDataFrame(
        {"cvegeo": list(codes), "nom_agem": list(names)}, geometry=geometries, crs=crs
    )
    driver = {".gpkg": "GPKG"}.get(path.suffix, "GeoJSON")
    frame.to_file(path, driver=driver, engine="pyogrio")
    return path


@pytest.fixture
def secret(tmp_path) -> Path:
    """A local file no import may ever read."""
    path = tmp_path / "secreto.csv"
    path.write_text("id,WKT\n1,\"POLYGON((0 0,1 0,1 1,0 0))\"\n", encoding="utf-8")
    return path


@pytest.fixture
def web_server():
    """A loopback HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"id,WKT\n1,\"POLYGON((0 0,1 0,1 1,0 0))\"\n")

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def vrt(source: str) -> str:
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="capa">'
        f"<SrcDataSource>{source}</SrcDataSource>"
        '<GeometryField encoding="WKT" field="WKT"/>'
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


def import_file(runner, path: Path, *extra: str):
    return runner.invoke(args=["import-boundaries", str(path), *extra])


def assert_refused(app, runner, path: Path, message: str, *extra: str):
    before = row_counts(app)
    result = import_file(runner, path, *extra)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert message in result.output
    assert "No se modificó la base de datos" in result.output
    # The file is named by its name; the server's directories never reach the user.
    assert str(path.parent) not in result.output
    assert row_counts(app) == before
    return result


DISGUISES = {
    "vrt-lee-archivo-local": lambda secret, url: vrt(str(secret)),
    "vrt-descarga-url": lambda secret, url: vrt(f"/vsicurl/{url}/datos.csv"),
    "vrt-csv-remoto": lambda secret, url: vrt(f"CSV:/vsicurl/{url}/datos.csv"),
    "gdalg": lambda secret, url: json.dumps(
        {"type": "gdal_streamed_alg", "command_line": f"gdal vector read {secret}"}
    ),
    "csv": lambda secret, url: secret.read_text(encoding="utf-8"),
    "gml": lambda secret, url: (
        '<?xml version="1.0"?><ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" '
        'xmlns:gml="http://www.opengis.net/gml"></ogr:FeatureCollection>'
    ),
}


@pytest.mark.parametrize("kind", sorted(DISGUISES))
@pytest.mark.parametrize("suffix", [".geojson", ".json"])
def test_other_formats_behind_a_geojson_suffix_are_never_opened(
    app, runner, tmp_path, secret, web_server, kind, suffix
):
    url, hits = web_server
    path = tmp_path / f"limites{suffix}"
    path.write_text(DISGUISES[kind](secret, url), encoding="utf-8")
    assert_refused(app, runner, path, "el contenido no es GeoJSON")
    assert hits == []


def test_a_geopackage_behind_a_geojson_suffix_is_refused(app, runner, tmp_path):
    gpkg = write_frame(tmp_path / "real.gpkg", ["20001"])
    disguised = tmp_path / "limites.geojson"
    disguised.write_bytes(gpkg.read_bytes())
    assert_refused(app, runner, disguised, "no es GeoJSON sino un GeoPackage")


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ("geojson", "sino GeoJSON"),
        ("vrt", "sino un VRT de GDAL"),
        ("sqlite", "sino una base SQLite"),
    ],
)
def test_only_a_real_geopackage_opens_as_gpkg(app, runner, tmp_path, secret, content, found):
    path = tmp_path / "limites.gpkg"
    if content == "geojson":
        path.write_bytes(write_frame(tmp_path / "real.geojson", ["20001"]).read_bytes())
    elif content == "vrt":
        path.write_text(vrt(str(secret)), encoding="utf-8")
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE t (x)")
        connection.close()
    assert_refused(app, runner, path, f"el contenido no es GeoPackage {found}")


def test_a_zip_whose_shapefile_is_really_a_vrt_is_refused(app, runner, tmp_path, secret):
    archive = tmp_path / "limites.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("limites.shp", vrt(str(secret)))
        out.writestr("limites.dbf", b"")
        out.writestr("limites.shx", b"")
    assert_refused(app, runner, archive, "no es Shapefile sino un VRT de GDAL")


@pytest.mark.parametrize("member", ["../limites.shp", "/tmp/limites.shp", "a/../../b.shp"])
def test_a_zip_with_paths_that_leave_it_is_refused(
    app, runner, tmp_path, zip_shapefile, member
):
    (tmp_path / "src").mkdir()
    frame = gpd.GeoDataFrame({"cvegeo": ["20001"], "nom_agem": ["x"]}, geometry=[OAXACA], crs=4326)
    good = zip_shapefile(frame, tmp_path / "src")
    archive = tmp_path / "limites.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(archive, "w") as out:
        for info in source.infolist():
            name = member if info.filename.endswith(".shp") else info.filename
            out.writestr(name, source.read(info))
    assert_refused(app, runner, archive, "nombres de archivo no permitidos")


def test_a_crs_link_in_a_real_geojson_is_never_fetched(app, runner, tmp_path, web_server):
    url, hits = web_server
    path = write_frame(tmp_path / "limites.geojson", ["20001"])
    document = json.loads(path.read_text(encoding="utf-8"))
    document["crs"] = {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}
    path.write_text(json.dumps(document), encoding="utf-8")
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert hits == []


def test_gdal_errors_are_spanish_and_name_the_file(app, runner, tmp_path, caplog):
    path = tmp_path / "malo.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [ no es json', encoding="utf-8")
    result = assert_refused(app, runner, path, "malo.geojson: no se pudo leer la capa")
    assert "Failed" not in result.output
    assert "GDAL could not read malo.geojson" in caplog.text  # the original stays in the log


def polygon_with(vertices: int) -> Polygon:
    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    return Polygon(np.column_stack([-96.73 + 0.02 * np.cos(angles), 17.06 + 0.02 * np.sin(angles)]))


BAD_GEOMETRY = {
    "longitud-500": ([box(-96.7, 17.0, 500, 17.1)], "fuera del rango válido"),
    "latitud-95": ([box(-96.7, 17.0, -96.6, 95)], "fuera del rango válido"),
    "demasiados-vertices": ([polygon_with(MAX_VERTICES + 1)], "vértices; el máximo es 100,000"),
}


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinite_coordinates_are_refused(app, runner, tmp_path, token):
    path = write_frame(tmp_path / "limites.geojson", ["20001"])
    text = path.read_text(encoding="utf-8")
    start = text.index("], [", text.index("[ [ [")) + len("], [")  # the second vertex
    path.write_text(text[:start] + token + text[text.index(",", start):], encoding="utf-8")
    assert_refused(app, runner, path, "el polígono 20001 tiene coordenadas no finitas")


@pytest.mark.parametrize("kind", sorted(BAD_GEOMETRY))
@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_absurd_coordinates_and_vertex_counts_are_refused(app, runner, tmp_path, kind, suffix):
    geometries, message = BAD_GEOMETRY[kind]
    path = write_frame(tmp_path / f"limites{suffix}", ["20001"], geometries=geometries)
    assert_refused(app, runner, path, message)


def test_absurd_projected_coordinates_are_refused(app, runner, tmp_path):
    huge = box(1e30, 1e30, 2e30, 2e30)
    path = write_frame(tmp_path / "limites.gpkg", ["20001"], geometries=[huge], crs="EPSG:6372")
    assert_refused(app, runner, path, "el polígono 20001 tiene coordenadas")


def test_a_polygon_outside_mexico_is_imported_with_a_warning(app, runner, tmp_path):
    path = write_frame(tmp_path / "lejos.geojson", ["20001"], geometries=[box(2, 41, 3, 42)])
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert "Aviso: 1 polígono(s) quedan fuera de México (20001)" in result.output


BAD_CODES = {
    "ancho-completo": (["２００６７"], "claves INEGI inválidas: «２００６７»"),
    "arabe-indico": (["٢٠٠٦٧"], "claves INEGI inválidas"),
    "devanagari": (["२००६७"], "claves INEGI inválidas"),
    "cuatro-digitos": (["2006"], "se esperan exactamente 5 dígitos"),
    "con-letras": (["2006A"], "se esperan exactamente 5 dígitos"),
    "otro-estado": (["20067", "21001"], "las claves 21001 son de otro estado"),
}


@pytest.mark.parametrize("kind", sorted(BAD_CODES))
def test_codes_are_five_ascii_digits_of_one_state(app, runner, tmp_path, kind):
    codes, message = BAD_CODES[kind]
    path = write_frame(tmp_path / "limites.geojson", codes)
    assert_refused(app, runner, path, message)


def test_a_null_code_is_refused(app, runner, tmp_path):
    path = write_frame(tmp_path / "limites.geojson", ["20001", None])
    assert_refused(app, runner, path, "1 polígono(s) no tienen clave en el campo «cvegeo»")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 201, "tiene 201 caracteres; el máximo es 200"),
        ("Oaxaca\x1b[31m de Juárez", "caracteres de control"),
        ("   ", "no tiene nombre"),
    ],
)
def test_names_are_bounded(app, runner, tmp_path, name, message):
    path = write_frame(tmp_path / "limites.geojson", ["20001"], names=[name])
    assert_refused(app, runner, path, message)


def test_a_name_of_200_characters_is_accepted(app, runner, tmp_path):
    path = write_frame(tmp_path / "limites.geojson", ["20001"], names=["x" * 200])
    assert import_file(runner, path).exit_code == 0


@pytest.fixture
def app_on(database_url):
    """The app on a fresh database of each engine."""
    from geo_app import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "TILES": ""})
    yield app
    app.extensions["limites_engine"].dispose()


def test_a_second_import_at_once_is_told_to_wait(app_on, tmp_path):
    runner = app_on.test_cli_runner()
    path = write_frame(tmp_path / "limites.geojson", ["20001", "20002"])
    before = row_counts(app_on)
    with import_lock(app_on.extensions["limites_engine"]):
        result = import_file(runner, path)
    assert result.exit_code == 1, result.output
    assert "otra importación está en curso" in result.output
    assert "Traceback" not in result.output
    assert row_counts(app_on) == before
    # Released at the end of the first import: the next one runs.
    again = import_file(runner, path)
    assert again.exit_code == 0, again.output
    assert "2 versiones agregadas" in again.output
