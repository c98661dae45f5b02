import geopandas as gpd
import pytest
import shapely
from common import SQUARE_A, frame, jittered_grid, series
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import Polygon, box

from boundaries.errors import CoverageError, GeometryTypeError
from boundaries.simplify import simplify_coverage
from boundaries.topology import analyze_topology

WIGGLY = Polygon([(0, 0), (50, 1), (100, 0), (100, 100), (0, 100)])
REST = Polygon([(100, 0), (200, 0), (200, 100), (100, 100)])


def vertices(layer: gpd.GeoDataFrame | gpd.GeoSeries) -> int:
    return int(shapely.get_num_coordinates(layer.geometry.array).sum())


def test_rows_columns_and_index_are_kept():
    layer = frame({"A": WIGGLY, "B": REST})
    layer["pob"] = [10, 20]
    layer.index = [5, 9]
    simple = simplify_coverage(layer, 10)
    assert simple.crs.to_epsg() == 4326
    assert simple.index.tolist() == [5, 9]
    assert simple[["code", "pob"]].equals(layer[["code", "pob"]])
    assert vertices(simple) < vertices(layer)
    assert layer.crs.to_epsg() == 6372  # the input is untouched


def test_geoseries_in_geoseries_out():
    simple = simplify_coverage(series(WIGGLY, REST).rename("limits"), 10)
    assert isinstance(simple, gpd.GeoSeries) and simple.name == "limits"


def test_zero_tolerance_changes_nothing():
    layer = frame({"A": WIGGLY, "B": REST})
    assert vertices(simplify_coverage(layer, 0)) == vertices(layer)


def test_boundary_can_be_kept():
    square = Polygon([(0, 0), (50, 1), (100, 0), (100, 100), (0, 100)])
    simple = simplify_coverage(series(square), 10, simplify_boundary=False)
    assert vertices(simple) == 6


def test_overlapping_polygons_are_not_a_coverage():
    with pytest.raises(CoverageError, match="no se puede simplificar"):
        simplify_coverage(series(SQUARE_A, box(50, 0, 150, 100)), 1)


def test_check_can_be_skipped():
    assert len(simplify_coverage(series(SQUARE_A, box(50, 0, 150, 100)), 1, check=False)) == 2


@pytest.mark.parametrize("tolerance", [-1, float("nan")])
def test_tolerance_must_be_a_distance(tolerance):
    with pytest.raises(ValueError, match="tolerancia"):
        simplify_coverage(series(SQUARE_A), tolerance)


def test_lines_are_refused():
    with pytest.raises(GeometryTypeError):
        simplify_coverage(series(shapely.LineString([(0, 0), (1, 1)])), 1)


@settings(max_examples=30, deadline=None, database=None)
@given(
    st.integers(1, 5),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
    st.floats(0.5, 60),
    st.booleans(),
)
def test_simplification_leaves_no_gap_in_a_coverage(nx, ny, seed, tolerance, boundary):
    grid = jittered_grid(nx, ny, seed)
    simple = simplify_coverage(grid, tolerance, simplify_boundary=boundary)
    assert vertices(simple) <= vertices(grid)
    assert shapely.coverage_is_valid(simple.to_crs(6372).geometry.array)
    topology = analyze_topology(simple, min_area_m2=0)
    assert topology.gaps.empty and topology.overlaps.empty
    assert topology.gap_slivers == topology.overlap_slivers == 0
    assert simple.to_crs(6372).union_all().geom_type == "Polygon"
