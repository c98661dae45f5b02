"""«¿Dónde estoy?» on the phone gives the server's answer, with nothing but the offline layers.

The phone's function (geo_app/static/field/where.js) runs in Node on the document of
/campo/capas.json; the server answers through `limites responsible`. For random points of
the work area, and for points close to the limits where the 50 m rule decides, both must
name the same municipality, «Compartido», dispute and zones, with the demo's illustrative
frame and with INEGI's frame in force.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from limites_testing import demo_app, missing, signed_in_client

from boundaries.crs import MEASURE_CRS, STORAGE_CRS
from boundaries.io import read_layer
from cases.frames.derived import river_positions
from cases.frames.importer import import_boundaries
from cases.records.queries import records_bounds

ROOT = Path(__file__).resolve().parents[2]
WHERE_JS = ROOT / "geo_app" / "static" / "field" / "where.js"
RANDOM_POINTS = 1000
NEAR_LIMIT_POINTS = 400

# Reads the layers' document and the points as JSON on stdin; prints one answer per point.
NODE_SCRIPT = """
const where = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const {doc, points} = JSON.parse(input);
  const index = where.prepare(doc);
  const answers = points.map(([lon, lat]) => {
    const a = where.where(index, lon, lat);
    return {official: a.official, shared: a.shared, dispute: a.dispute, parties: a.parties,
            zones: a.zones, limit: a.limitDistance, xy: index.project(lon, lat),
            river: a.river, covered: a.covered};
  });
  process.stdout.write(JSON.stringify(answers));
});
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        missing("node is not installed (apt-get install nodejs)")
    return node


def _phone_answers(doc: dict, points: np.ndarray) -> list[dict]:
    run = subprocess.run(
        [_node(), "-e", NODE_SCRIPT, str(WHERE_JS)],
        input=json.dumps({"doc": doc, "points": points.tolist()}),
        capture_output=True, text=True, check=True, timeout=120,
    )
    return json.loads(run.stdout)


def _server_answers(app, points: np.ndarray, tmp_path: Path) -> list[dict]:
    path = tmp_path / "puntos.geojson"
    gpd.GeoDataFrame(geometry=gpd.points_from_xy(points[:, 0], points[:, 1]),
                     crs=STORAGE_CRS).to_file(path, engine="pyogrio")
    result = app.test_cli_runner().invoke(args=["responsible", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["points"]


@pytest.fixture(scope="module", params=["demo", "inegi"])
def layers_app(request, tmp_path_factory, inegi_path):
    """The demo, on its illustrative frame or with INEGI's frame in force."""
    def prepare(session):
        if request.param == "inegi":
            import_boundaries(session, read_layer(inegi_path), source="INEGI", activate=True)

    return demo_app(tmp_path_factory.mktemp(f"donde-{request.param}"), prepare=prepare)


@pytest.fixture(scope="module")
def layers_doc(layers_app) -> dict:
    response = signed_in_client(layers_app).get("/campo/capas.json")
    assert response.status_code == 200
    return response.get_json()


def _test_points(app, doc: dict) -> np.ndarray:
    """Random points of the work area, and points scattered within 100 m of the limits."""
    rng = np.random.default_rng(20)
    with app.extensions["limites_sessions"]() as session:
        west, south, east, north = records_bounds(session)
    uniform = np.column_stack([rng.uniform(west, east, RANDOM_POINTS),
                               rng.uniform(south, north, RANDOM_POINTS)])
    frame = gpd.GeoDataFrame.from_features(doc["municipios"]["features"] if isinstance(
        doc["municipios"], dict) else doc["municipios"], crs=STORAGE_CRS).to_crs(MEASURE_CRS)
    limits = shapely.union_all(frame.boundary.values).intersection(
        gpd.GeoSeries([shapely.box(west, south, east, north)], crs=STORAGE_CRS)
        .to_crs(MEASURE_CRS).iloc[0])
    along = shapely.line_interpolate_point(
        limits, rng.uniform(0, 1, NEAR_LIMIT_POINTS), normalized=True)
    angle = rng.uniform(0, 2 * np.pi, NEAR_LIMIT_POINTS)
    radius = rng.uniform(0, 100, NEAR_LIMIT_POINTS)
    near = shapely.get_coordinates(along) + np.column_stack(
        [radius * np.cos(angle), radius * np.sin(angle)])
    near_lonlat = gpd.GeoSeries(gpd.points_from_xy(near[:, 0], near[:, 1]), crs=MEASURE_CRS)\
        .to_crs(STORAGE_CRS)
    return np.vstack([uniform, shapely.get_coordinates(near_lonlat.values)])


def test_the_phone_projects_as_the_server(layers_doc):
    points = np.array([[-96.72, 17.06], [-96.7352, 17.0858], [-97.5, 16.2]])
    phone = np.array([a["xy"] for a in _phone_answers(layers_doc, points)])
    server = shapely.get_coordinates(
        gpd.GeoSeries(gpd.points_from_xy(points[:, 0], points[:, 1]), crs=STORAGE_CRS)
        .to_crs(MEASURE_CRS).values)
    assert np.abs(phone - server).max() < 0.001  # metres


def test_the_phone_answers_as_limites_responsible(layers_app, layers_doc, tmp_path):
    points = _test_points(layers_app, layers_doc)
    phone = _phone_answers(layers_doc, points)
    server = _server_answers(layers_app, points, tmp_path)
    assert len(phone) == len(server) == RANDOM_POINTS + NEAR_LIMIT_POINTS
    assert all(answer["covered"] for answer in phone)
    differ = []
    for n, (mine, theirs) in enumerate(zip(phone, server, strict=True)):
        official = theirs["official"]["code"] if theirs["official"] else None
        expected = (official, theirs["shared"], theirs["dispute"],
                    [p["code"] for p in theirs["parties"]], theirs["zones"])
        got = (mine["official"], mine["shared"], mine["dispute"], mine["parties"],
               mine["zones"])
        if got != expected:
            differ.append((n, points[n].tolist(), got, expected))
    assert not differ, f"{len(differ)} points differ, e.g. {differ[:3]}"
    # The points near the limits do exercise the 50 m rule, both ways.
    shared = [s["shared"] for s in server[RANDOM_POINTS:]]
    assert 0 < sum(shared) < len(shared)
    close = [(m["limit"], s["limit_distance_m"]) for m, s in zip(phone, server, strict=True)
             if s["limit_distance_m"] is not None]
    assert close and max(abs(a - b) for a, b in close) < 0.02  # printed to 0.01 m


def test_the_phone_measures_along_the_river_as_the_server(layers_app, layers_doc):
    points = _test_points(layers_app, layers_doc)[::7]
    phone = _phone_answers(layers_doc, points)
    with layers_app.extensions["limites_sessions"]() as session:
        server = river_positions(session, gpd.GeoSeries(
            gpd.points_from_xy(points[:, 0], points[:, 1]), crs=STORAGE_CRS))
    reach = layers_doc["alcance_rio_m"]
    for mine, (_, theirs) in zip(phone, server.iterrows(), strict=True):
        if theirs["distance_m"] > reach:
            assert mine["river"] is None
            continue
        assert mine["river"]["name"] == theirs["river"]
        assert abs(mine["river"]["km"] - theirs["km"]) < 0.001  # km: a metre
        assert abs(mine["river"]["distance"] - theirs["distance_m"]) < 0.05
        assert mine["river"]["bank"] == theirs["bank"]


def test_beyond_the_work_area_the_phone_does_not_answer(layers_doc):
    west, south, east, north = layers_doc["area"]
    beyond = np.array([[west - 0.01, south], [east + 0.5, north], [(west + east) / 2, north]])
    assert [a["covered"] for a in _phone_answers(layers_doc, beyond)] == [False] * 3


def test_the_bundle_is_small(layers_app):
    response = signed_in_client(layers_app).get("/campo/capas.json")
    assert len(gzip.compress(response.data)) < 1_000_000  # issue 20: ≤ 1 MB compressed


def test_layers_are_for_signed_in_staff_only(layers_app):
    response = layers_app.test_client().get("/campo/capas.json")
    assert response.status_code in (302, 401)
    assert b"municipios" not in response.data


def test_an_unchanged_bundle_is_not_sent_again(layers_app):
    client = signed_in_client(layers_app)
    first = client.get("/campo/capas.json")
    again = client.get("/campo/capas.json", headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
