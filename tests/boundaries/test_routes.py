import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import CLAIM_A, ROUTE, SQUARE_A, SQUARE_B, frame, jittered_grid, series
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString, MultiLineString

from boundaries.errors import CRSMismatchError, GeometryTypeError, MissingColumnError
from boundaries.routes import route_split_to_dict, split_route
from boundaries.topology import analyze_topology

FRAME = frame({"A": SQUARE_A, "B": SQUARE_B})


def lengths(split) -> dict:
    return {(row.kind, row.parties): row.length_m for row in split.parts.itertuples()}


def test_route_split_by_municipality_and_outside():
    split = split_route(series(ROUTE), FRAME)
    assert split.length_m == 200
    assert lengths(split) == {
        ("municipality", ("A",)): 50,
        ("municipality", ("B",)): 100,
        ("outside", ()): 50,
    }
    assert split.parts.share.sum() == pytest.approx(1)
    assert split.parts.crs.to_epsg() == 4326
    pieces = split.parts.to_crs(6372).set_index("kind").geometry
    assert pieces["outside"].equals_exact(LineString([(200, 50), (250, 50)]), 1e-6)


def test_route_along_a_limit_is_counted_once():
    split = split_route(series(LineString([(100, 10), (100, 90)])), FRAME)
    assert lengths(split) == {("municipality", ("A",)): 80}


def test_going_in_and_out_of_a_municipality_is_one_row():
    zigzag = LineString([(50, 10), (150, 10), (150, 20), (50, 20), (50, 30), (150, 30)])
    split = split_route(series(zigzag), FRAME)
    assert lengths(split) == pytest.approx(
        {("municipality", ("A",)): 160, ("municipality", ("B",)): 160}
    )
    piece_a = split.parts.to_crs(6372).geometry.iloc[0]
    assert piece_a.geom_type == "MultiLineString" and len(piece_a.geoms) == 2


def test_several_rows_and_parts_are_one_route():
    route = gpd.GeoSeries(
        [
            MultiLineString([[(10, 10), (20, 10)], [(110, 10), (130, 10)]]),
            LineString([(10, 50), (40, 50)]),
        ],
        crs=6372,
    )
    split = split_route(route, FRAME)
    assert split.length_m == 60
    assert lengths(split) == {("municipality", ("A",)): 40, ("municipality", ("B",)): 20}


def test_dispute_zones_from_the_topology():
    zones = analyze_topology(FRAME, {"claim": frame({"A": CLAIM_A})}).overlaps
    split = split_route(series(ROUTE), FRAME, zones)
    assert lengths(split)[("dispute", ("A", "B"))] == pytest.approx(20, abs=1e-6)
    kinds = split.parts.kind
    assert split.parts.length_m[kinds != "dispute"].sum() == pytest.approx(split.length_m)


def test_json_shape():
    doc = json.loads(json.dumps(route_split_to_dict(split_route(series(ROUTE), FRAME))))
    assert doc["measure_crs"] == "EPSG:6372" and doc["length_m"] == 200
    assert [part["parties"] for part in doc["parts"]] == [["B"], ["A"], []]
    assert doc["parts"][0]["share"] == 0.5
    assert doc["parts"][0]["geometry"]["type"] == "LineString"


@pytest.mark.parametrize(
    ("route", "disputes", "error"),
    [
        (series(SQUARE_A), None, GeometryTypeError),
        (series(ROUTE, crs=32614), None, CRSMismatchError),
        (series(ROUTE), frame({"A": SQUARE_A}), MissingColumnError),
    ],
    ids=["polygon-route", "mixed-crs", "disputes-without-parties"],
)
def test_bad_input(route, disputes, error):
    with pytest.raises(error):
        split_route(route, FRAME, disputes)


coordinate = st.floats(-60, 360, allow_nan=False)


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
    st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=30),
)
def test_parts_add_up_to_the_route(nx, ny, seed, vertices):
    route = LineString(vertices)
    if route.length == 0:
        return
    grid = jittered_grid(nx, ny, seed)
    split = split_route(series(route), grid)
    assert split.length_m == pytest.approx(route.length, rel=1e-12)
    assert split.parts.length_m.sum() == pytest.approx(route.length, rel=1e-9, abs=1e-9)
    # Segment by segment: a route that doubles back is walked twice, GEOS would dissolve it.
    segments = [LineString(pair) for pair in zip(vertices[:-1], vertices[1:], strict=True)]
    cells = np.asarray(grid.geometry.array)[:, None]
    inside = shapely.length(shapely.intersection(segments, cells)).sum(axis=1)
    for code, expected in zip(grid.code, inside, strict=True):
        got = lengths(split).get(("municipality", (code,)), 0.0)
        assert got == pytest.approx(expected, abs=1e-6)


def test_route_outside_everything():
    split = split_route(series(LineString([(500, 500), (600, 500)])), FRAME)
    assert lengths(split) == {("outside", ()): 100}


def test_repeated_vertices_are_harmless():
    route = LineString([(10, 10), (10, 10), (150, 10), (150, 10)])
    assert lengths(split_route(series(route), FRAME)) == {
        ("municipality", ("A",)): 90,
        ("municipality", ("B",)): 50,
    }


def test_route_in_lon_lat():
    shifted = FRAME.translate(2_950_000, 800_000)
    route = series(ROUTE).translate(2_950_000, 800_000).to_crs(4326)
    split = split_route(
        route,
        gpd.GeoDataFrame(FRAME.drop(columns="geometry"), geometry=shifted, crs=6372).to_crs(4326),
    )
    assert split.length_m == pytest.approx(200, abs=1e-6)
    assert np.allclose(sorted(split.parts.length_m), [50, 50, 100], atol=1e-6)
