import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import (
    BOWTIE,
    CLAIM_A,
    HOLE,
    ISLAND,
    RING_A,
    RING_B,
    RING_C,
    SQUARE_A,
    SQUARE_B,
    SQUARE_B_EXTRA_VERTEX,
    convex_polygons,
    frame,
    jittered_grid,
    series,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString, Point, box

from boundaries.errors import (
    CRSMismatchError,
    EmptyLayerError,
    GeometryTypeError,
    InvalidGeometryError,
    MissingColumnError,
    MissingCRSError,
)
from boundaries.topology import (
    analyze_topology,
    overlap_zones,
    topology_to_dict,
    unattended_areas,
)


def test_neighbours_share_a_border_and_nothing_else():
    result = analyze_topology(frame({"A": SQUARE_A, "B": SQUARE_B}))
    assert result.overlaps.empty and result.gaps.empty
    assert result.overlap_slivers == result.gap_slivers == 0
    border = result.shared_borders.iloc[0]
    assert (border.party_a, border.party_b, border.length_m) == ("A", "B", 100.0)
    assert result.shared_borders.crs.to_epsg() == 4326


def test_claim_reaching_into_the_neighbour_is_an_overlap():
    result = analyze_topology(frame({"A": SQUARE_A, "B": SQUARE_B}), {"A": frame({"A": CLAIM_A})})
    (overlap,) = result.overlaps.itertuples()
    assert overlap.parties == ("A", "B")
    assert overlap.area_m2 == pytest.approx(2000)
    assert overlap.area_ha == pytest.approx(0.2)
    back = gpd.GeoSeries([overlap.geometry], crs=4326).to_crs(6372)[0]
    assert back.symmetric_difference(box(100, 0, 120, 100)).area == pytest.approx(0, abs=1e-3)


def test_claim_inside_its_own_territory_is_no_dispute():
    result = analyze_topology(
        frame({"A": SQUARE_A, "B": SQUARE_B}), {"A": frame({"A": box(10, 10, 50, 50)})}
    )
    assert result.overlaps.empty


def test_three_claimants_split_into_zones_by_who_claims():
    layer = frame({"A": box(0, 0, 20, 20), "B": box(10, 0, 30, 20), "C": box(10, 10, 30, 30)})
    result = analyze_topology(layer)
    zones = {row.parties: row.area_m2 for row in result.overlaps.itertuples()}
    assert zones == pytest.approx({("A", "B"): 100, ("A", "B", "C"): 100, ("B", "C"): 100})


def test_overlap_zones_on_metre_arrays():
    parties, zones = overlap_zones(["A", "B"], np.array([box(0, 0, 2, 2), box(1, 1, 3, 3)]))
    assert parties == [("A", "B")] and zones[0].area == 1


def test_enclosed_area_nobody_claims_is_a_gap():
    result = analyze_topology(frame({"A": RING_A, "B": RING_B, "C": RING_C}))
    (gap,) = result.gaps.itertuples()
    assert gap.neighbours == ("A", "B", "C")
    assert gap.area_m2 == pytest.approx(HOLE.area)
    assert result.overlaps.empty


def test_island_inside_a_gap_is_not_part_of_it():
    layer = frame({"A": RING_A, "B": RING_B, "C": RING_C, "D": ISLAND})
    (gap,) = analyze_topology(layer).gaps.itertuples()
    assert gap.area_m2 == pytest.approx(HOLE.area - ISLAND.area)
    assert gap.neighbours == ("A", "B", "C", "D")


def test_open_bay_is_not_a_gap():
    result = analyze_topology(frame({"A": RING_A, "B": RING_B}))
    assert result.gaps.empty


@pytest.mark.parametrize(("min_area", "reported", "slivers"), [(1.0, 0, 1), (0.1, 1, 0)])
def test_slivers_below_the_threshold_are_counted_not_listed(min_area, reported, slivers):
    claim = frame({"A": box(0, 0, 100.005, 100)})
    result = analyze_topology(
        frame({"A": SQUARE_A, "B": SQUARE_B}), {"claim": claim}, min_area_m2=min_area
    )
    assert len(result.overlaps) == reported
    assert result.overlap_slivers == slivers


def test_gap_slivers_are_counted():
    layer = frame({"A": RING_A, "B": RING_B, "C": RING_C, "D": box(100, 100, 200, 199.999)})
    result = analyze_topology(layer)
    assert result.gaps.empty and result.gap_slivers == 1


def test_unmatched_vertices_on_a_common_limit_still_give_its_length():
    result = analyze_topology(frame({"A": SQUARE_A, "B": SQUARE_B_EXTRA_VERTEX}))
    assert result.overlaps.empty and result.gaps.empty
    assert result.shared_borders.length_m.tolist() == pytest.approx([100.0])


def test_partial_border():
    result = analyze_topology(frame({"A": SQUARE_A, "B": box(100, 50, 200, 150)}))
    assert result.shared_borders.length_m.tolist() == pytest.approx([50.0])


def test_touching_at_a_corner_is_no_border():
    result = analyze_topology(frame({"A": SQUARE_A, "B": box(100, 100, 200, 200)}))
    assert result.shared_borders.empty


def test_layers_in_lon_lat_are_measured_in_metres():
    metres = frame({"A": SQUARE_A, "B": SQUARE_B})
    metres.geometry = metres.geometry.translate(2_950_000, 800_000)
    result = analyze_topology(metres.to_crs(4326))
    assert result.shared_borders.length_m.iloc[0] == pytest.approx(100.0, abs=1e-6)


def test_json_shape():
    result = analyze_topology(frame({"A": SQUARE_A, "B": SQUARE_B}), {"A": frame({"A": CLAIM_A})})
    doc = json.loads(json.dumps(topology_to_dict(result)))
    assert doc["measure_crs"] == "EPSG:6372"
    assert doc["slivers"] == {"overlaps": 0, "gaps": 0, "unattended": 0}
    (overlap,) = doc["overlaps"]
    assert overlap["parties"] == ["A", "B"]
    assert (overlap["area_m2"], overlap["area_ha"]) == (2000.0, 0.2)
    assert overlap["geometry"]["type"] == "Polygon"
    assert doc["gaps"] == []
    # Where the parties overlap their limits only coincide along the zone's top and bottom.
    assert doc["shared_borders"] == [{"parties": ["A", "B"], "length_m": 40.0}]


def test_integer_codes_are_kept():
    layer = gpd.GeoDataFrame({"cve": [7, 3]}, geometry=[SQUARE_A, SQUARE_B], crs=6372)
    doc = topology_to_dict(analyze_topology(layer, code_col="cve"))
    assert json.dumps(doc["shared_borders"]) == '[{"parties": [3, 7], "length_m": 100.0}]'


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (
            lambda: (frame({"A": SQUARE_A}), {"c": frame({"B": SQUARE_B}, crs=32614)}),
            CRSMismatchError,
            "distintos",
        ),
        (lambda: (frame({"A": LineString([(0, 0), (1, 1)])}), None), GeometryTypeError, "líneas"),
        (lambda: (frame({"A": Point(0, 0)}), None), GeometryTypeError, "puntos"),
        (lambda: (frame({}), None), EmptyLayerError, "no tiene elementos"),
        (lambda: (frame({"A": SQUARE_A}), {"vacía": frame({})}), EmptyLayerError, "vacía"),
        (
            lambda: (frame({"A": SQUARE_A, "X": BOWTIE}), None),
            InvalidGeometryError,
            "polígono X no es válido: Self-intersection",
        ),
        (
            lambda: (frame({"A": SQUARE_A}).rename(columns={"code": "cvegeo"}), None),
            MissingColumnError,
            "«code»",
        ),
        (
            lambda: (frame({"A": SQUARE_A}).set_crs(None, allow_override=True), None),
            MissingCRSError,
            "CRS",
        ),
    ],
    ids=["mixed-crs", "lines", "points", "empty", "empty-claim", "invalid", "no-code", "no-crs"],
)
def test_bad_input_is_refused_in_spanish(make, error, words):
    layer, claims = make()
    with pytest.raises(error, match=words) as info:
        analyze_topology(layer, claims)
    assert isinstance(info.value, ValueError)


def test_invalid_geometry_error_names_feature_and_reason():
    with pytest.raises(InvalidGeometryError) as info:
        analyze_topology(frame({"A": SQUARE_A, "X": BOWTIE}))
    assert info.value.code == "X"
    assert info.value.reason.startswith("Self-intersection")


def test_missing_code_is_refused():
    layer = gpd.GeoDataFrame({"code": ["A", None]}, geometry=[SQUARE_A, SQUARE_B], crs=6372)
    with pytest.raises(MissingColumnError, match="no tiene clave"):
        analyze_topology(layer)


def test_null_geometry_is_refused():
    layer = gpd.GeoDataFrame({"code": ["A", "B"]}, geometry=[SQUARE_A, None], crs=6372)
    with pytest.raises(EmptyLayerError):
        analyze_topology(layer)


def test_geoseries_is_not_a_frame():
    with pytest.raises(TypeError, match="GeoDataFrame"):
        analyze_topology(series(SQUARE_A))


convex = convex_polygons(200)


@settings(max_examples=60, deadline=None, database=None)
@given(convex, convex)
def test_overlap_never_exceeds_either_polygon(a, b):
    result = analyze_topology(frame({"A": a}), {"claim": frame({"B": b})}, min_area_m2=0)
    total = result.overlaps.to_crs(6372).area.sum() if len(result.overlaps) else 0.0
    reported = result.overlaps.area_m2.sum()
    assert reported <= min(a.area, b.area) + 1e-6
    assert reported == pytest.approx(a.intersection(b).area, abs=1e-6)
    assert total == pytest.approx(reported, abs=1e-3)


@settings(max_examples=25, deadline=None, database=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_a_coverage_has_no_overlap_nor_gap_and_borders_add_up(nx, ny, seed):
    grid = jittered_grid(nx, ny, seed)
    result = analyze_topology(grid, min_area_m2=0)
    assert result.overlaps.empty and result.gaps.empty
    assert result.overlap_slivers == result.gap_slivers == 0
    perimeters = grid.length.sum()
    outline = grid.union_all().length
    assert result.shared_borders.length_m.sum() == pytest.approx((perimeters - outline) / 2)


# -- areas nobody attends (vacíos de atención) ---------------------------------------------

def _in_metres(areas: gpd.GeoDataFrame) -> shapely.Geometry:
    # The trip to EPSG:4326 and back can fold a vertex that sits a nanometre from an edge.
    parts = shapely.make_valid(areas.to_crs(6372).geometry.to_numpy())
    return shapely.union_all(parts) if len(areas) else None


def test_strip_a_claim_gives_up_and_nobody_claims_is_unattended():
    claims = {"A": frame({"A": box(0, 0, 70, 100)}), "B": frame({"B": SQUARE_B})}
    result = analyze_topology(frame({"A": SQUARE_A, "B": SQUARE_B}), claims)
    (row,) = result.unattended.itertuples()
    assert (row.party, row.neighbours) == ("A", ("B",))
    assert row.area_m2 == pytest.approx(3000) and row.area_ha == pytest.approx(0.3)
    assert _in_metres(result.unattended).symmetric_difference(box(70, 0, 100, 100)).area < 1e-3
    assert result.unattended.crs.to_epsg() == 4326
    assert result.gaps.empty  # the frame covers it: not a gap in the frame


def test_what_a_neighbour_claims_is_attended():
    claims = {"A": frame({"A": box(0, 0, 70, 100)}), "B": frame({"B": box(70, 0, 200, 100)})}
    result = analyze_topology(frame({"A": SQUARE_A, "B": SQUARE_B}), claims)
    assert result.unattended.empty
    assert len(result.overlaps) == 1  # B's claim into A is a dispute instead


@pytest.mark.parametrize(
    ("claims", "parties"),
    [
        ({}, set()),  # nobody claims anything: the frame stands
        ({"A": frame({"A": box(0, 0, 120, 100)})}, set()),  # A's claim covers its frame
        ({"B": frame({"B": box(100, 0, 150, 100)})}, {"B"}),  # A, with no claim, gives nothing up
    ],
)
def test_only_a_party_that_gives_up_its_frame_leaves_it_unattended(claims, parties):
    areas = unattended_areas(frame({"A": SQUARE_A, "B": SQUARE_B}), claims)
    assert set(areas.party) == parties


def test_unattended_slivers_are_counted_and_left_out():
    claims = {"A": frame({"A": box(0, 0, 99.995, 100)})}
    result = analyze_topology(frame({"A": SQUARE_A, "B": SQUARE_B}), claims, min_area_m2=1)
    assert result.unattended.empty and result.unattended_slivers == 1
    doc = topology_to_dict(result)
    assert doc["unattended"] == [] and doc["slivers"]["unattended"] == 1


def test_unattended_areas_in_json():
    claims = {"A": frame({"A": box(0, 0, 70, 100)})}
    doc = json.loads(json.dumps(topology_to_dict(
        analyze_topology(frame({"A": SQUARE_A, "B": SQUARE_B}), claims)
    )))
    (row,) = doc["unattended"]
    assert (row["party"], row["neighbours"], row["area_m2"]) == ("A", ["B"], 3000.0)
    assert row["geometry"]["type"] == "Polygon"


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.union_all([p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"])


@settings(max_examples=25, deadline=None, database=None)
@given(
    st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1),
    st.floats(0.1, 0.9), st.floats(0.05, 0.9),
)
def test_unattended_is_exactly_the_frame_that_no_claim_covers(nx, ny, seed, keep, reach):
    grid = jittered_grid(nx, ny, seed)
    first, second = grid.geometry.iloc[0], grid.geometry.iloc[-1]
    x0, y0, x1, y1 = first.bounds
    own = box(x0, y0, x0 + keep * (x1 - x0), y1)  # the first cell keeps its west part
    claims = {"own": frame({grid.code.iloc[0]: _polygonal(shapely.intersection(first, own))})}
    if len(grid) > 1:  # the last cell reaches into the first
        sx0, sy0, sx1, sy1 = second.bounds
        claims["other"] = frame({grid.code.iloc[-1]: _polygonal(shapely.union(
            second, box(x1 - reach * (x1 - x0), y0, x1, y1)))})
    result = analyze_topology(grid, claims, min_area_m2=0)
    areas = result.unattended
    claimed = shapely.union_all([c.geometry.iloc[0] for c in claims.values()])
    expected = shapely.difference(first, claimed)
    found = _in_metres(areas)
    assert set(areas.party) <= {grid.code.iloc[0]}
    if found is None:
        assert expected.area < 1e-6
        return
    assert found.symmetric_difference(expected).area < 1e-3 * max(expected.area, 1.0)
    assert areas.area_m2.sum() == pytest.approx(expected.area, rel=1e-6, abs=1e-6)
    assert shapely.intersection(found, claimed).area < 1e-3
    assert list(areas.area_m2) == sorted(areas.area_m2, reverse=True)
