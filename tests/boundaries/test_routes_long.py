"""Long routes: chunks inside one municipality, outside everything, and along the limits.

The property tests in ``test_routes.py`` use routes shorter than one chunk; these walk
thousands of segments so every path of :mod:`boundaries.routes` runs.
"""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import BOWTIE, jittered_grid
from shapely import LineString

from boundaries.errors import InvalidGeometryError
from boundaries.routes import RouteSplitter, split_route

SHIFT = (2_950_000, 800_000)


def walk(seed: int, steps: int, step_m: float, start=(150.0, 150.0)) -> LineString:
    """A wandering walk from ``start`` (EPSG:6372 metres, grid coordinates)."""
    rng = np.random.default_rng(seed)
    heading = np.cumsum(rng.normal(0, 0.4, steps))
    xy = np.column_stack([np.cos(heading), np.sin(heading)]).cumsum(axis=0) * step_m
    return LineString(np.vstack([start, xy + start]))


def per_segment_lengths(route: LineString, grid: gpd.GeoDataFrame) -> np.ndarray:
    xy = shapely.get_coordinates(route)
    segments = shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1))
    cells = np.asarray(grid.geometry.array)[:, None]
    return shapely.length(shapely.intersection(segments, cells)).sum(axis=1)


def lengths(split) -> dict:
    return {(row.kind, row.parties): row.length_m for row in split.parts.itertuples()}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_long_walk_matches_geos_segment_by_segment(seed):
    grid = jittered_grid(3, 3, seed)
    route = walk(seed, 3000, 1.5)
    split = split_route(gpd.GeoSeries([route], crs=6372), grid)
    assert split.length_m == pytest.approx(route.length, rel=1e-12)
    assert split.parts.length_m[split.parts.kind != "dispute"].sum() == pytest.approx(
        route.length, rel=1e-9
    )
    for code, expected in zip(grid.code, per_segment_lengths(route, grid), strict=True):
        assert lengths(split).get(("municipality", (code,)), 0.0) == pytest.approx(
            expected, abs=1e-6
        )


def test_walk_along_the_limits_counts_each_stretch_once():
    # Around the outline of cell C1-1, four times: every segment lies on a limit.
    grid = jittered_grid(3, 3, 5)
    ring = shapely.get_coordinates(grid.geometry.iloc[4].exterior)
    route = LineString(np.vstack([ring[:-1]] * 4 + [ring[:1]]))
    split = split_route(gpd.GeoSeries([route], crs=6372), grid)
    municipal = split.parts[split.parts.kind == "municipality"]
    assert municipal.length_m.sum() == pytest.approx(route.length, rel=1e-9)
    neighbours = {"C1-1", "C0-1", "C1-0", "C2-1", "C1-2"}
    assert {code for (code,) in municipal.parties} <= neighbours
    assert "outside" not in set(split.parts.kind)


def in_lon_lat(grid: gpd.GeoDataFrame, route: LineString):
    frame = gpd.GeoDataFrame(
        grid.drop(columns="geometry"), geometry=grid.translate(*SHIFT), crs=6372
    ).to_crs(4326)
    return frame, gpd.GeoSeries([route], crs=6372).translate(*SHIFT).to_crs(4326)


def test_route_in_lon_lat_keeps_its_own_vertices():
    grid = jittered_grid(3, 3, 3)
    frame, route = in_lon_lat(grid, walk(3, 800, 4.0))
    split = split_route(route, frame)
    given = {tuple(xy) for xy in shapely.get_coordinates(route.iloc[0])}
    output = shapely.get_coordinates(split.parts.geometry.array)
    kept = np.array([tuple(xy) in given for xy in output])
    # Every output vertex is one of the route's, bit for bit, except the cut points.
    assert kept.mean() > 0.9
    cuts = shapely.points(output[~kept])
    assert shapely.distance(cuts, frame.boundary.union_all()).max() < 1e-9


def test_one_shot_split_equals_a_splitter_of_the_whole_frame():
    # A 5 × 5 grid of 100 m cells; the walk visits a corner of it and leaves it.
    grid = jittered_grid(5, 5, 4)
    frame, route = in_lon_lat(grid, walk(4, 1500, 2.0, start=(60.0, 60.0)))
    one_shot = split_route(route, frame)
    whole = RouteSplitter(frame).split(route)
    assert one_shot.length_m == whole.length_m
    assert lengths(one_shot) == lengths(whole)
    assert len(one_shot.parts) < len(grid)


def test_invalid_municipality_is_refused_when_the_route_comes_near_it():
    grid = jittered_grid(3, 3, 6)
    far = grid.copy()
    far.loc[8, "geometry"] = shapely.affinity.translate(BOWTIE, 5_000, 5_000)
    route = gpd.GeoSeries([LineString([(120, 120), (180, 180)])], crs=6372)
    assert split_route(route, far).length_m == pytest.approx(np.hypot(60, 60))
    near = grid.copy()
    near.loc[8, "geometry"] = shapely.affinity.translate(BOWTIE, 100, 100)
    with pytest.raises(InvalidGeometryError):
        split_route(route, near)
