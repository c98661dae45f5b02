"""The analysis on the real INEGI frame of Oaxaca (read at run time, never copied)."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import (
    INEGI_FILE,
    OAXACA_DE_JUAREZ,
    SAN_JACINTO_AMILPAS,
    SANTA_LUCIA,
    XOXOCOTLAN,
)
from shapely import LineString

from boundaries.assign import assign_points
from boundaries.compare import compare_versions
from boundaries.routes import split_route
from boundaries.simplify import simplify_coverage
from boundaries.topology import analyze_topology

pytestmark = pytest.mark.slow

# Measured by this code and cross-checked against GEOS' intersection of the two boundaries.
OAXACA_JACINTO_BORDER_M = 8606.95


@pytest.fixture(scope="module")
def state() -> gpd.GeoDataFrame:
    if not INEGI_FILE.exists():
        pytest.fail(f"missing {INEGI_FILE} (the shared INEGI data)")
    return gpd.read_file(INEGI_FILE)


@pytest.fixture(scope="module")
def topology(state):
    return analyze_topology(state, code_col="cvegeo", min_area_m2=0)


def test_clean_coverage_has_no_overlap_nor_gap(topology):
    assert topology.overlaps.empty and topology.gaps.empty
    assert topology.overlap_slivers == topology.gap_slivers == 0


def border(topology, a, b) -> float:
    rows = topology.shared_borders
    (length,) = rows.length_m[(rows.party_a == a) & (rows.party_b == b)]
    return length


def test_oaxaca_de_juarez_san_jacinto_amilpas_border(topology):
    assert border(topology, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS) == pytest.approx(
        OAXACA_JACINTO_BORDER_M, abs=1.0
    )


def test_borders_agree_with_geos(state, topology):
    metres = state.set_index("cvegeo").to_crs(6372).boundary
    for neighbour in (SAN_JACINTO_AMILPAS, XOXOCOTLAN, SANTA_LUCIA):
        geos = metres[OAXACA_DE_JUAREZ].intersection(metres[neighbour]).length
        assert border(topology, OAXACA_DE_JUAREZ, neighbour) == pytest.approx(geos, abs=1e-6)


def test_every_municipality_has_a_neighbour(state, topology):
    rows = topology.shared_borders
    assert set(rows.party_a) | set(rows.party_b) == set(state.cvegeo)


def test_a_claim_over_the_neighbour_is_found(state):
    metres = state.set_index("cvegeo").to_crs(6372).geometry
    jacinto = metres[SAN_JACINTO_AMILPAS]
    grab = jacinto.intersection(metres[OAXACA_DE_JUAREZ].buffer(300))
    claim = gpd.GeoDataFrame(
        {"cvegeo": [OAXACA_DE_JUAREZ]},
        geometry=[metres[OAXACA_DE_JUAREZ].union(grab)],
        crs=6372,
    ).to_crs(state.crs)
    result = analyze_topology(state, {"Oaxaca 2024": claim}, code_col="cvegeo")
    assert set(result.overlaps.parties) == {(OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS)}
    assert result.overlaps.area_m2.sum() == pytest.approx(grab.area, rel=1e-6)
    assert result.gaps.empty


def test_simplified_state_stays_gap_free(state):
    simple = simplify_coverage(state, 10)
    before = shapely.get_num_coordinates(state.geometry.array).sum()
    after = shapely.get_num_coordinates(simple.geometry.array).sum()
    assert after < 0.8 * before
    check = analyze_topology(simple, code_col="cvegeo", min_area_m2=0)
    assert check.overlaps.empty and check.gaps.empty and check.gap_slivers == 0


def test_points_assigned_like_sjoin(state):
    rng = np.random.default_rng(20067)
    minx, miny, maxx, maxy = state.total_bounds
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(rng.uniform(minx, maxx, 5000), rng.uniform(miny, maxy, 5000)),
        crs=state.crs,
    )
    result = assign_points(points, state, code_col="cvegeo")
    joined = gpd.sjoin(points, state, predicate="within").cvegeo
    assert result.official.reindex(joined.index).tolist() == joined.tolist()
    assert result.official.notna().sum() == len(joined)


def test_town_halls_are_in_their_municipality(state):
    sites = state.set_index("cvegeo").representative_point()
    keys = [OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS, XOXOCOTLAN, SANTA_LUCIA]
    result = assign_points(sites[keys], state, code_col="cvegeo")
    assert result.official.tolist() == keys


def test_route_across_the_valley_adds_up(state):
    sites = state.set_index("cvegeo").to_crs(6372).representative_point()
    route = gpd.GeoSeries(
        [LineString([sites[XOXOCOTLAN], sites[OAXACA_DE_JUAREZ], sites[SANTA_LUCIA]])],
        crs=6372,
    ).to_crs(state.crs)
    split = split_route(route, state, code_col="cvegeo")
    municipal = split.parts[split.parts.kind == "municipality"]
    assert municipal.length_m.sum() == pytest.approx(split.length_m, rel=1e-9)
    assert {OAXACA_DE_JUAREZ, XOXOCOTLAN, SANTA_LUCIA} <= {p[0] for p in municipal.parties}


def test_version_against_its_simplification(state):
    one = state[state.cvegeo == OAXACA_DE_JUAREZ]
    result = compare_versions(one, simplify_coverage(one, 10), min_area_m2=0)
    assert 0 < result.hausdorff_m < 50
    assert result.new_area_m2 - result.old_area_m2 == pytest.approx(result.net_m2, abs=1e-3)
