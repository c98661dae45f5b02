import math

import geopandas as gpd
import numpy as np
import pytest
from common import SQUARE_A, series
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString, MultiLineString, Point

from boundaries.errors import CRSMismatchError, GeometryTypeError
from boundaries.linref import locate_along_river, river_line

# Flows south for 3 km, then east for 2 km.
RIVER = series(LineString([(0, 0), (0, -3000), (2000, -3000)]))


def test_chainage_distance_and_bank():
    findings = gpd.GeoSeries(
        [Point(1000, -3100), Point(-40, -2500), Point(10, -500)], index=["c", "b", "a"], crs=6372
    )
    result = locate_along_river(findings, RIVER)
    assert result.index.tolist() == ["c", "b", "a"]
    assert result.km.tolist() == pytest.approx([4.0, 2.5, 0.5])
    assert result.distance_m.tolist() == pytest.approx([100, 40, 10])
    # Looking downstream: flowing south, east is on the left; flowing east, south is right.
    assert result.bank.tolist() == ["right", "right", "left"]
    assert result.sort_values("km").index.tolist() == ["a", "b", "c"]


def test_reference_point_moves_the_origin():
    result = locate_along_river(series(Point(5, -500)), RIVER, reference=Point(30, -1000))
    assert result.km.iloc[0] == pytest.approx(-0.5)


def test_reversed_river():
    result = locate_along_river(series(Point(10, -500)), RIVER, reverse=True)
    assert result.km.iloc[0] == pytest.approx(4.5)
    assert result.bank.iloc[0] == "right"


def test_point_on_the_channel():
    row = locate_along_river(series(Point(0, -1000)), RIVER).iloc[0]
    assert (row.km, row.distance_m, row.bank) == (1.0, 0.0, "on")


def test_river_in_pieces_is_merged():
    pieces = series(LineString([(0, 0), (0, -3000)]), LineString([(0, -3000), (2000, -3000)]))
    assert river_line(pieces).length == 5000
    multi = series(MultiLineString([[(0, 0), (0, -3000)], [(0, -3000), (2000, -3000)]]))
    assert river_line(multi).coords[0] == (0, 0)


def test_disconnected_river_is_refused():
    gap = series(LineString([(0, 0), (0, -10)]), LineString([(0, -20), (0, -30)]))
    with pytest.raises(GeometryTypeError, match="una sola línea continua"):
        river_line(gap)


@pytest.mark.parametrize(
    ("findings", "river", "reference", "error"),
    [
        (series(LineString([(0, 0), (1, 1)])), RIVER, None, GeometryTypeError),
        (series(Point(0, 0)), series(SQUARE_A), None, GeometryTypeError),
        (series(Point(0, 0), crs=32614), RIVER, None, CRSMismatchError),
        (series(Point(0, 0)), RIVER, LineString([(0, 0), (1, 1)]), GeometryTypeError),
    ],
    ids=["line-findings", "polygon-river", "mixed-crs", "line-reference"],
)
def test_bad_input(findings, river, reference, error):
    with pytest.raises(error):
        locate_along_river(findings, river, reference=reference)


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.floats(0, 2 * math.pi),
    st.lists(
        st.tuples(st.floats(0, 1), st.floats(-200, 200).filter(lambda o: abs(o) > 1e-3)),
        min_size=1,
        max_size=20,
    ),
)
def test_points_placed_along_a_straight_river_are_found_again(angle, placements):
    direction = np.array([math.cos(angle), math.sin(angle)])
    normal = np.array([-direction[1], direction[0]])  # to the left of the flow
    river = series(LineString([(0, 0), tuple(5000 * direction)]))
    spots = [Point(*(5000 * t * direction + o * normal)) for t, o in placements]
    result = locate_along_river(series(*spots), river)
    assert result.km.tolist() == pytest.approx([5 * t for t, _ in placements], abs=1e-6)
    assert result.distance_m.tolist() == pytest.approx([abs(o) for _, o in placements])
    assert result.bank.tolist() == ["left" if o > 0 else "right" for _, o in placements]
