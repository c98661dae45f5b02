"""What a proposed limit moves between two municipalities, and the re-cut along it."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import CRS, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS, jittered_grid
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from proposals import COUNTER_PROPOSAL, PROPOSAL
from shapely import LineString, box

from boundaries.assign import assign_points
from boundaries.crs import STORAGE_CRS, SURVEY_CRS
from boundaries.errors import (
    BoundaryError,
    InvalidParameterError,
    LimitLineError,
    MissingColumnError,
)
from boundaries.exchange import ENDPOINT_SNAP_M, common_limit, limit_change, recut_frame
from boundaries.layers import project
from boundaries.topology import analyze_topology

# Two 0.01° squares side by side and a third one north of both, in longitude/latitude.
A = box(-96.76, 17.07, -96.75, 17.08)
B = box(-96.75, 17.07, -96.74, 17.08)
NORTH = box(-96.76, 17.08, -96.74, 17.09)
SQUARES = gpd.GeoDataFrame({"code": ["A", "B", "N"]}, geometry=[A, B, NORTH], crs=STORAGE_CRS)
BULGE_INTO_B = LineString([(-96.75, 17.07), (-96.749, 17.075), (-96.75, 17.08)])


def area_m2(geometry) -> float:
    return float(shapely.area(project(np.array([geometry]), STORAGE_CRS, SURVEY_CRS))[0])


def assert_adds_up(change):
    """Each municipality gains exactly what the other loses, piece by piece, to 0.01 m²."""
    gained_a = change.new_area_a_m2 - change.area_a_m2
    gained_b = change.new_area_b_m2 - change.area_b_m2
    assert gained_a == pytest.approx(change.b_to_a_m2 - change.a_to_b_m2, abs=0.01)
    assert gained_b == pytest.approx(-gained_a, abs=0.01)
    assert change.pieces.area_ha.to_numpy() == pytest.approx(
        change.pieces.area_m2.to_numpy() / 10_000)
    for piece in change.pieces.itertuples():
        assert area_m2(piece.geometry) == pytest.approx(piece.area_m2, abs=0.01)


def assert_clean_recut(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, code_col: str):
    """The two polygons and every neighbour form a coverage: no overlap, no gap."""
    result = analyze_topology(after, code_col=code_col, min_area_m2=0)
    assert result.overlaps.empty and result.gaps.empty
    assert result.overlap_slivers == result.gap_slivers == 0
    assert after.union_all().equals(before.union_all())


def test_a_bulge_moves_one_piece():
    change = limit_change(SQUARES, "A", "B", BULGE_INTO_B)
    (piece,) = change.pieces.itertuples()
    assert (piece.from_code, piece.to_code) == ("B", "A")
    assert piece.geometry.equals(shapely.Polygon([*BULGE_INTO_B.coords]))
    assert change.a_to_b_m2 == 0
    assert change.new_area_a_m2 == pytest.approx(area_m2(change.new_a))
    assert_adds_up(change)
    assert_clean_recut(SQUARES, recut_frame(SQUARES, change), "code")


def test_the_limit_itself_changes_nothing():
    change = limit_change(SQUARES, "A", "B", LineString([(-96.75, 17.08), (-96.75, 17.07)]))
    assert change.pieces.empty
    assert change.new_a.equals(A) and change.new_b.equals(B)
    assert change.new_area_a_m2 == pytest.approx(change.area_a_m2, abs=1e-6)


def test_ends_a_few_metres_off_are_moved_onto_the_limit():
    drawn = LineString([(-96.75003, 17.0701), (-96.749, 17.075), (-96.74998, 17.0799)])
    change = limit_change(SQUARES, "A", "B", drawn)
    assert change.line.coords[0] == pytest.approx((-96.75, 17.0701), abs=1e-9)
    assert change.line.coords[-1] == pytest.approx((-96.75, 17.0799), abs=1e-9)
    assert change.line.coords[1] == drawn.coords[1]
    assert_clean_recut(SQUARES, recut_frame(SQUARES, change), "code")


def test_the_line_may_follow_the_limit_for_a_while():
    line = LineString([(-96.75, 17.07), (-96.75, 17.072), (-96.749, 17.075), (-96.75, 17.078),
                       (-96.75, 17.08)])
    change = limit_change(SQUARES, "A", "B", line)
    assert len(change.pieces) == 1
    assert_adds_up(change)
    assert_clean_recut(SQUARES, recut_frame(SQUARES, change), "code")


@pytest.mark.parametrize(("line", "message"), [
    (LineString([(-96.7505, 17.071), (-96.749, 17.075), (-96.75, 17.079)]),
     "extremo inicial de la línea está a 53.2 m del límite común"),
    (LineString([(-96.75, 17.071), (-96.749, 17.075), (-96.7505, 17.075), (-96.751, 17.073),
                 (-96.745, 17.074), (-96.75, 17.079)]),
     "se cruza a sí misma"),
    (LineString([(-96.75, 17.071), (-96.749, 17.0805), (-96.75, 17.079)]),
     "sale de los dos municipios"),
    (LineString([(-96.75, 17.071), (-96.749, 17.08), (-96.75, 17.079)]),
     "toca el límite con otro municipio"),
    (LineString([(-96.75, 17.071), (-96.749, 17.07), (-96.748, 17.075), (-96.75, 17.079)]),
     "toca el límite con otro municipio"),
    (LineString([(-96.75, 17.075), (-96.749, 17.076), (-96.749, 17.074), (-96.75, 17.075)]),
     "mismo punto"),
])
def test_a_line_that_cannot_be_a_limit_is_refused_in_spanish(line, message):
    with pytest.raises(LimitLineError, match=message):
        limit_change(SQUARES, "A", "B", line)


def test_municipalities_that_do_not_touch_have_no_limit_to_move():
    far = gpd.GeoDataFrame({"code": ["A", "F"]}, geometry=[A, box(-96.70, 17.0, -96.69, 17.01)],
                           crs=STORAGE_CRS)
    with pytest.raises(LimitLineError, match="no comparten límite"):
        limit_change(far, "A", "F", BULGE_INTO_B)


def test_an_enclave_is_refused():
    inner = box(-96.755, 17.075, -96.745, 17.085)
    ring = gpd.GeoDataFrame(
        {"code": ["O", "I"]},
        geometry=[box(-96.76, 17.07, -96.74, 17.09).difference(inner), inner], crs=STORAGE_CRS)
    line = LineString([(-96.755, 17.077), (-96.753, 17.080), (-96.755, 17.083)])
    with pytest.raises(LimitLineError, match="anillo cerrado"):
        limit_change(ring, "O", "I", line)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"a": "A", "b": "X"}, InvalidParameterError),
    ({"a": "A", "b": "A"}, InvalidParameterError),
    ({"a": "A", "b": "B", "code_col": "cvegeo"}, MissingColumnError),
    ({"a": "A", "b": "B", "snap_m": -1}, InvalidParameterError),
    ({"a": "A", "b": "B", "measure_crs": 4326}, BoundaryError),
])
def test_bad_parameters_are_boundary_errors(kwargs, error):
    with pytest.raises(error):
        limit_change(SQUARES, line=BULGE_INTO_B, **kwargs)


def test_a_frame_in_metres_is_read_in_longitude_latitude():
    change = limit_change(SQUARES.to_crs(SURVEY_CRS), "A", "B", BULGE_INTO_B)
    assert len(change.pieces) == 1
    assert recut_frame(SQUARES.to_crs(SURVEY_CRS), change).crs.equals(STORAGE_CRS)


@settings(max_examples=40, deadline=None)
@given(
    start=st.floats(0.05, 0.45), end=st.floats(0.55, 0.95),
    bends=st.lists(st.tuples(st.floats(-0.009, 0.009), st.floats(0.0, 1.0)),
                   min_size=1, max_size=4),
)
def test_any_zigzag_across_the_limit_adds_up_and_recuts_cleanly(start, end, bends):
    y0, y1 = 17.07 + start / 100, 17.07 + end / 100
    middle = [(-96.75 + dx, y0 + t * (y1 - y0)) for dx, t in sorted(bends, key=lambda b: b[1])]
    line = LineString([(-96.75, y0), *middle, (-96.75, y1)])
    assume(line.is_simple)
    change = limit_change(SQUARES, "A", "B", line)
    assert_adds_up(change)
    assert_clean_recut(SQUARES, recut_frame(SQUARES, change), "code")


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 1000),
    ends=st.tuples(st.floats(0.05, 0.4), st.floats(0.6, 0.95)),
    bends=st.lists(st.tuples(st.floats(0.05, 0.95), st.floats(-45, 45)), min_size=1,
                   max_size=5),
)
def test_a_recut_of_two_wiggly_cells_keeps_the_whole_grid_a_coverage(seed, ends, bends):
    # A 3×3 coverage with wiggly shared edges, placed at Oaxaca; the centre cell and its
    # eastern neighbour get a new limit that leaves the old one and crosses it at random.
    grid = jittered_grid(3, 3, seed).translate(3_062_000, 574_000).to_crs(STORAGE_CRS)
    grid = gpd.GeoDataFrame({"code": grid.index.map(lambda i: f"C{i // 3}-{i % 3}")},
                            geometry=grid.values, crs=STORAGE_CRS)
    cells = grid.set_index("code").geometry.to_crs(CRS)
    (limit,) = common_limit(cells["C1-1"], cells["C2-1"])
    start, end = (limit.interpolate(t, normalized=True) for t in ends)
    chord = np.array([end.x - start.x, end.y - start.y])
    normal = np.array([-chord[1], chord[0]]) / np.hypot(*chord)
    middle = [np.array(start.coords[0]) + t * chord + offset * normal
              for t, offset in sorted(bends)]
    line = gpd.GeoSeries([LineString([start, *middle, end])], crs=CRS).to_crs(STORAGE_CRS)[0]
    assume(line.is_simple)
    try:
        change = limit_change(grid, "C1-1", "C2-1", line)
    except LimitLineError as exc:
        assume("sale de los dos municipios" not in str(exc))
        raise
    assert_adds_up(change)
    assert_clean_recut(grid, recut_frame(grid, change), "code")


@pytest.mark.slow
def test_the_inegi_proposal_moves_pieces_both_ways(inegi_change):
    pieces = inegi_change.pieces
    moved = sorted(zip(pieces.from_code, pieces.to_code, strict=True))
    assert moved == [(OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS)] * 2 + [
        (SAN_JACINTO_AMILPAS, OAXACA_DE_JUAREZ)]
    assert inegi_change.measure_crs == "EPSG:6369"
    assert inegi_change.a_to_b_m2 > inegi_change.b_to_a_m2 > 10_000
    assert_adds_up(inegi_change)


@pytest.mark.slow
def test_the_stored_polygons_change_by_exactly_the_exchanged_area(inegi_state, inegi_change):
    # Measured again from the EPSG:4326 polygons, as they would be read from storage.
    polygons = inegi_state.set_index("cvegeo").geometry
    before_a, before_b = (area_m2(polygons[code])
                          for code in (OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS))
    after_a, after_b = area_m2(inegi_change.new_a), area_m2(inegi_change.new_b)
    assert (inegi_change.area_a_m2, inegi_change.area_b_m2) == pytest.approx(
        (before_a, before_b), abs=0.01)
    assert (inegi_change.new_area_a_m2, inegi_change.new_area_b_m2) == pytest.approx(
        (after_a, after_b), abs=0.01)
    net = inegi_change.b_to_a_m2 - inegi_change.a_to_b_m2
    assert after_a - before_a == pytest.approx(net, abs=0.01)
    assert after_b - before_b == pytest.approx(-net, abs=0.01)


@pytest.mark.slow
def test_a_finding_in_a_moved_piece_changes_municipality(inegi_state, inegi_change):
    pieces = inegi_change.pieces
    inside = gpd.GeoSeries(shapely.point_on_surface(pieces.geometry.values), crs=STORAGE_CRS)
    neighbours = inegi_state[inegi_state.intersects(inegi_change.new_a.union(inegi_change.new_b))]
    before = assign_points(inside, neighbours, code_col="cvegeo")
    after = assign_points(inside, recut_frame(neighbours, inegi_change, code_col="cvegeo"),
                          code_col="cvegeo")
    assert before.official.tolist() == pieces.from_code.tolist()
    assert after.official.tolist() == pieces.to_code.tolist()


@pytest.mark.slow
def test_the_inegi_recut_keeps_a_clean_coverage_with_the_neighbours(inegi_state, inegi_change):
    pair = shapely.union(inegi_change.new_a, inegi_change.new_b)
    neighbours = inegi_state[inegi_state.intersects(pair)]
    assert len(neighbours) > 5
    after = recut_frame(neighbours, inegi_change, code_col="cvegeo")
    assert_clean_recut(neighbours, after, "cvegeo")
    assert shapely.area(shapely.intersection(inegi_change.new_a, inegi_change.new_b)) == 0
    (new_limit,) = common_limit(inegi_change.new_a, inegi_change.new_b)
    along, line = project(np.array([new_limit, inegi_change.line]), STORAGE_CRS, SURVEY_CRS)
    assert shapely.difference(line, shapely.buffer(along, 1e-6)).is_empty


@pytest.mark.slow
def test_the_inegi_proposal_ends_on_the_limit(inegi_state, inegi_change):
    polygons = inegi_state.set_index("cvegeo").geometry
    (limit,) = common_limit(polygons[OAXACA_DE_JUAREZ], polygons[SAN_JACINTO_AMILPAS])
    for index in (0, -1):
        drawn, used = shapely.Point(PROPOSAL.coords[index]), shapely.Point(
            inegi_change.line.coords[index])
        limit_m, drawn_m, used_m = project(
            np.array([limit, drawn, used]), STORAGE_CRS, SURVEY_CRS)
        assert limit_m.distance(used_m) < 1e-3
        assert 0 < drawn_m.distance(used_m) <= ENDPOINT_SNAP_M


@pytest.mark.slow
def test_one_proposal_against_another(inegi_state, inegi_change):
    counter = limit_change(inegi_state, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS,
                           COUNTER_PROPOSAL, code_col="cvegeo")
    versus = limit_change(inegi_state, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS, PROPOSAL,
                          against=COUNTER_PROPOSAL, code_col="cvegeo")
    assert versus.baseline.equals(counter.line)
    assert versus.area_a_m2 == pytest.approx(counter.new_area_a_m2, abs=0.01)
    assert versus.new_area_a_m2 == pytest.approx(inegi_change.new_area_a_m2, abs=0.01)
    assert set(versus.pieces.from_code) == {OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS}
    assert_adds_up(versus)
    same = limit_change(inegi_state, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS, PROPOSAL,
                        against=PROPOSAL, code_col="cvegeo")
    assert same.pieces.empty


def test_a_line_along_the_limit_in_force_is_a_spanish_error_not_a_crash(inegi_state):
    from boundaries.errors import LimitLineError
    from boundaries.exchange import common_limit

    state = inegi_state.set_index("cvegeo")
    [limit, *_] = sorted(common_limit(state.geometry[OAXACA_DE_JUAREZ],
                                      state.geometry[SAN_JACINTO_AMILPAS]),
                         key=lambda line: -line.length)
    try:
        change = limit_change(inegi_state, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS, limit,
                              code_col="cvegeo")
    except LimitLineError as error:
        assert "límite" in str(error)
    else:  # a line exactly on the limit may also be read as «nothing changes hands»
        assert change.pieces.empty
