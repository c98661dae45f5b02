import json

import numpy as np
import pytest
import shapely
from common import BOWTIE, SQUARE_A, convex_polygons, series
from hypothesis import given, settings
from shapely import LineString, Point, box

from boundaries.compare import compare_versions, comparison_to_dict, hausdorff_distance
from boundaries.errors import CRSMismatchError, GeometryTypeError, InvalidGeometryError


def test_gained_and_lost_polygons_with_their_areas():
    result = compare_versions(series(box(0, 0, 100, 100)), series(box(0, 0, 120, 90)))
    assert (result.old_area_m2, result.new_area_m2) == (10_000, 10_800)
    assert (result.gained_m2, result.lost_m2, result.net_m2) == (1800, 1000, 800)
    assert result.gained.area_m2.tolist() == [1800]
    assert result.lost.area_ha.tolist() == [0.1]
    assert result.gained.crs.to_epsg() == 4326
    back = result.gained.to_crs(6372).geometry[0]
    assert back.symmetric_difference(box(100, 0, 120, 90)).area == pytest.approx(0, abs=1e-3)
    assert result.hausdorff_m == pytest.approx(20)


def test_identical_versions():
    result = compare_versions(series(SQUARE_A), series(SQUARE_A))
    assert result.gained.empty and result.lost.empty
    assert result.hausdorff_m == 0 and result.net_m2 == 0


def test_several_rows_are_one_municipality():
    old = series(box(0, 0, 50, 100), box(50, 0, 100, 100))
    result = compare_versions(old, series(SQUARE_A))
    assert result.gained_m2 == pytest.approx(0) and result.lost_m2 == pytest.approx(0)
    assert result.hausdorff_m == pytest.approx(0)


def test_disjoint_pieces_are_listed_largest_first():
    old = series(box(0, 0, 100, 100))
    new = series(box(0, 0, 100, 100).union(box(200, 0, 210, 10)).union(box(-50, 0, 0, 50)))
    assert compare_versions(old, new).gained.area_m2.tolist() == [2500, 100]


def test_slivers_are_counted_but_not_listed():
    result = compare_versions(series(SQUARE_A), series(box(0, 0, 100.001, 100)))
    assert result.gained.empty and result.slivers == 1
    assert result.gained_m2 == pytest.approx(0.1)


def test_hausdorff_finds_the_largest_gap_between_vertices():
    # The JTS example where the vertex-only distance (22.36) misses the real one (47.89).
    a = LineString([(0, 0), (100, 0), (10, 100), (10, 100)])
    b = LineString([(0, 100), (0, 10), (80, 10)])
    assert shapely.hausdorff_distance(a, b) == pytest.approx(22.36, abs=0.01)
    assert hausdorff_distance(a, b, precision_m=0.01) == pytest.approx(47.89, abs=0.01)
    assert abs(hausdorff_distance(a, b) - 47.89) <= 0.5


def test_precision_must_be_positive():
    with pytest.raises(ValueError, match="precisión"):
        hausdorff_distance(LineString([(0, 0), (1, 0)]), LineString([(0, 1), (1, 1)]), 0)


def test_json_shape():
    result = compare_versions(series(box(0, 0, 100, 100)), series(box(0, 0, 120, 90)))
    doc = json.loads(json.dumps(comparison_to_dict(result)))
    assert doc["measure_crs"] == "EPSG:6372"
    assert (doc["gained_m2"], doc["lost_m2"], doc["net_m2"], doc["hausdorff_m"]) == (
        1800.0,
        1000.0,
        800.0,
        20.0,
    )
    assert doc["gained"][0]["geometry"]["type"] == "Polygon"
    assert doc["lost"][0]["area_ha"] == 0.1


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (series(SQUARE_A), series(SQUARE_A, crs=32614), CRSMismatchError),
        (series(SQUARE_A), series(LineString([(0, 0), (1, 1)])), GeometryTypeError),
        (series(BOWTIE), series(SQUARE_A), InvalidGeometryError),
        (series(SQUARE_A), series(Point(0, 0)), GeometryTypeError),
    ],
    ids=["mixed-crs", "line", "invalid", "point"],
)
def test_bad_input(old, new, error):
    with pytest.raises(error):
        compare_versions(old, new)


convex = convex_polygons(300)


@settings(max_examples=60, deadline=None, database=None)
@given(convex, convex)
def test_net_change_is_gained_minus_lost_and_hausdorff_brackets_geos(a, b):
    result = compare_versions(series(a), series(b), min_area_m2=0)
    assert result.new_area_m2 - result.old_area_m2 == pytest.approx(result.net_m2, abs=1e-6)
    assert result.gained_m2 <= b.area + 1e-6 and result.lost_m2 <= a.area + 1e-6
    vertex_only = shapely.hausdorff_distance(a.boundary, b.boundary)
    dense = shapely.hausdorff_distance(a.boundary, b.boundary, densify=0.001)
    assert result.hausdorff_m >= vertex_only - 1e-9
    assert result.hausdorff_m == pytest.approx(dense, abs=0.5)
    assert hausdorff_distance(b.boundary, a.boundary) == pytest.approx(result.hausdorff_m)
    assert np.isfinite(result.hausdorff_m)
