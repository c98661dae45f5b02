import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import SQUARE_A, SQUARE_B, frame, jittered_grid, series
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import Point, box

from boundaries.assign import ResponsibilityIndex, assign_points
from boundaries.errors import CRSMismatchError, EmptyLayerError, GeometryTypeError

BIG_A = box(0, 0, 500, 500)
BIG_B = box(500, 0, 1000, 500)


def test_deep_inside_is_one_municipality():
    row = assign_points(series(Point(200, 250)), frame({"A": BIG_A, "B": BIG_B})).iloc[0]
    assert row.official == "A"
    assert not row.shared and not row.dispute
    assert np.isnan(row.limit_distance_m)
    assert row.parties == ("A",)


def test_near_a_limit_concerns_both_sides():
    row = assign_points(series(Point(480, 250)), frame({"A": BIG_A, "B": BIG_B})).iloc[0]
    assert row.official == "A" and row.shared and not row.dispute
    assert row.limit_distance_m == pytest.approx(20)
    assert row.parties == ("A", "B")


def test_distance_is_configurable():
    result = assign_points(
        series(Point(480, 250)), frame({"A": BIG_A, "B": BIG_B}), shared_distance_m=10
    )
    assert not result.shared.iloc[0] and result.parties.iloc[0] == ("A",)


def test_on_the_limit_goes_to_the_lowest_code_and_is_shared():
    row = assign_points(series(Point(500, 250)), frame({"B": BIG_B, "A": BIG_A})).iloc[0]
    assert row.official == "A" and row.shared and not row.dispute
    assert row.limit_distance_m == 0


def test_outside_everything():
    row = assign_points(series(Point(5000, 5000)), frame({"A": BIG_A})).iloc[0]
    assert row.official is None and row.parties == () and not row.shared


def test_outer_limit_counts_as_a_limit():
    row = assign_points(series(Point(10, 250)), frame({"A": BIG_A, "B": BIG_B})).iloc[0]
    assert row.shared and row.parties == ("A",)


def test_claims_get_their_own_column_and_disputes_are_flagged():
    claims = {"B 2019": frame({"B": box(300, 0, 1000, 500)})}
    points = gpd.GeoSeries([Point(200, 250), Point(400, 250)], index=["x", "y"], crs=6372)
    result = assign_points(points, frame({"A": BIG_A, "B": BIG_B}), claims)
    assert result.columns.tolist() == [
        "official",
        "claim:B 2019",
        "dispute",
        "shared",
        "limit_distance_m",
        "parties",
    ]
    assert result.index.tolist() == ["x", "y"]
    assert result.loc["x", "claim:B 2019"] is None and not result.loc["x", "dispute"]
    assert result.loc["y", "official"] == "A" and result.loc["y", "claim:B 2019"] == "B"
    assert result.loc["y", "dispute"] and result.loc["y", "shared"]
    assert result.loc["y", "parties"] == ("A", "B")


def test_index_can_be_reused():
    index = ResponsibilityIndex(frame({"A": SQUARE_A, "B": SQUARE_B}), shared_distance_m=5)
    first = index.assign(series(Point(50, 50)))
    second = index.assign(series(Point(150, 50), Point(99, 50)))
    assert first.official.tolist() == ["A"]
    assert second.official.tolist() == ["B", "A"]
    assert second.shared.tolist() == [False, True]


@pytest.mark.parametrize(
    ("points", "error"),
    [
        (series(box(0, 0, 1, 1)), GeometryTypeError),
        (series(Point(0, 0), crs=32614), CRSMismatchError),
        (gpd.GeoSeries([], crs=6372), EmptyLayerError),
    ],
    ids=["polygon", "mixed-crs", "empty"],
)
def test_bad_points(points, error):
    with pytest.raises(error):
        assign_points(points, frame({"A": SQUARE_A}))


def test_negative_distance_is_refused():
    with pytest.raises(ValueError, match="distancia"):
        ResponsibilityIndex(frame({"A": SQUARE_A}), shared_distance_m=-1)


def test_far_from_limits_is_settled_by_the_grid_including_overlapping_claims():
    # 20 km squares: most points fall in blocks of cells far from any limit.
    a, b = box(0, 0, 20_000, 20_000), box(20_000, 0, 40_000, 20_000)
    claims = {"B": frame({"B": box(10_000, 0, 40_000, 20_000)})}
    index = ResponsibilityIndex(frame({"A": a, "B": b}), claims)
    points = series(Point(5000, 5000), Point(15_000, 5000), Point(30_000, 5000), Point(9990, 50))
    result = index.assign(points)
    signature, _ = index._far.classify(np.array([[5000, 5000], [15_000, 5000], [30_000, 5000]]))
    assert (signature > 0).all()
    assert result.official.tolist() == ["A", "A", "B", "A"]
    assert result["claim:B"].tolist() == [None, "B", "B", None]
    assert result.dispute.tolist() == [False, True, False, False]
    assert result.parties.tolist() == [("A",), ("A", "B"), ("B",), ("A", "B")]
    assert result.shared.tolist() == [False, True, False, True]


@settings(max_examples=40, deadline=None, database=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
    st.floats(0, 40),
    st.sampled_from([100.0, 3000.0]),
)
def test_matches_sjoin_and_brute_force_distance(nx, ny, seed, distance, size):
    grid = jittered_grid(nx, ny, seed, size=size)
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-50, size * max(nx, ny) + 50, (300, 2))
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*xy.T), crs=6372)
    result = assign_points(points, grid, shared_distance_m=distance)
    joined = gpd.sjoin(points, grid, predicate="within")["code"]
    assert result.official.reindex(joined.index).tolist() == joined.tolist()
    limits = shapely.union_all(grid.boundary.array)
    true_distance = shapely.distance(points.geometry.array, limits)
    assert result.shared.tolist() == (true_distance <= distance).tolist()
    near = true_distance <= distance
    assert np.allclose(result.limit_distance_m[near], true_distance[near])
