"""XYZ tiles: each point in one tile, groups that add up, lines thinned and clipped to pixels."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from boundaries.tiles import (
    TILE_SIZE,
    clip_parts,
    coarser,
    group_points,
    in_tile,
    thin_parts,
    tile_bounds,
    to_pixels,
)

OAXACA = (-96.7266, 17.0606)


def walk(points: int, seed: int = 1, step_m: float = 1.4) -> np.ndarray:
    """A GPS-like walk from Oaxaca: ``points`` steps of about ``step_m`` metres."""
    rng = np.random.default_rng(seed)
    heading = np.cumsum(rng.normal(0, 0.3, points))
    degrees = step_m / 111_000
    lon = OAXACA[0] + np.cumsum(np.cos(heading)) * degrees
    lat = OAXACA[1] + np.cumsum(np.sin(heading)) * degrees
    return np.stack([lon, lat], axis=1)


def test_points_on_tile_edges_belong_to_exactly_one_tile():
    z = 12
    px, py = to_pixels(*OAXACA, z)
    x, y = int(px // TILE_SIZE), int(py // TILE_SIZE)
    west, south, east, north = tile_bounds(z, x, y)
    rng = np.random.default_rng(3)
    lon = np.concatenate([rng.uniform(west, east, 500), [west, east, west, east]])
    lat = np.concatenate([rng.uniform(south, north, 500), [south, north, north, south]])
    owners = sum(in_tile(lon, lat, z, x + dx, y + dy).astype(int)
                 for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    assert owners.tolist() == [1] * len(lon)
    assert in_tile(lon[:500], lat[:500], z, x, y).all()


@pytest.mark.parametrize("z", [8, 12, 15])
def test_groups_and_singles_add_up_to_the_points(z):
    rng = np.random.default_rng(z)
    lon = OAXACA[0] + rng.normal(0, 0.02, 2000)
    lat = OAXACA[1] + rng.normal(0, 0.02, 2000)
    groups = group_points(lon, lat, z, 64)
    assert len(groups.singles) + groups.counts.sum() == 2000
    assert (groups.counts >= 2).all()
    # No two groups, nor a group and a single, share a cell.
    cells = lambda a, b: {tuple(c) for c in np.floor(np.stack(to_pixels(a, b, z), 1) / 64)}  # noqa: E731
    single_cells = cells(lon[groups.singles], lat[groups.singles])
    group_cells = cells(groups.lon, groups.lat)
    assert len(group_cells) == len(groups.counts)
    assert not single_cells & group_cells


def test_no_points_no_groups():
    groups = group_points([], [], 10)
    assert groups.singles.size == 0 and groups.counts.size == 0


@pytest.mark.parametrize("z", [11, 14, 17])
def test_a_long_walk_is_thinned_within_a_pixel(z):
    line = walk(4_000)
    parts = thin_parts([line], z)
    px, py = to_pixels(line[:, 0], line[:, 1], z)
    original = shapely.linestrings(np.stack([px, py], 1))
    thinned = shapely.multilinestrings([shapely.linestrings(p) for p in parts])
    assert shapely.hausdorff_distance(original, thinned) <= 1.0
    assert sum(len(p) for p in parts) < 4_000 / 2
    # From a deeper zoom, as the route cache derives shallower ones.
    derived = coarser(thin_parts([line], z + 3), 3)
    assert shapely.hausdorff_distance(
        original, shapely.multilinestrings([shapely.linestrings(p) for p in derived])
    ) <= 1.5


def test_hundreds_of_routes_along_one_path_weigh_one_route():
    z = 15
    line = walk(5_000)
    one = thin_parts([line], z)
    px, py = to_pixels(*line[0], z)
    x, y = int(px // TILE_SIZE), int(py // TILE_SIZE)
    alone = clip_parts([one], x, y).pieces
    # Some routes walk it the other way round.
    many = clip_parts([one if i % 2 else [p[::-1] for p in one] for i in range(300)], x, y).pieces
    vertices = lambda lines: sum(len(p) for pieces in lines for p in pieces)  # noqa: E731
    assert vertices(alone) > 10
    assert vertices(many) == vertices(alone)
    assert sum(1 for pieces in many if pieces) == 1


def test_clipped_pieces_stay_near_the_tile():
    z = 16
    line = walk(20_000, seed=4)
    parts = thin_parts([line], z)
    px, py = to_pixels(*line[10_000], z)
    x, y = int(px // TILE_SIZE), int(py // TILE_SIZE)
    (pieces,) = clip_parts([parts], x, y, margin_px=8).pieces
    assert pieces
    box = shapely.box(x * 256 - 8, y * 256 - 8, (x + 1) * 256 + 8, (y + 1) * 256 + 8)
    for piece in pieces:
        segments = [shapely.linestrings(piece[i:i + 2]) for i in range(len(piece) - 1)]
        assert shapely.intersects(shapely.envelope(segments), box).all()
    # Everything of the route inside the tile is drawn.
    tile = shapely.box(x * 256, y * 256, (x + 1) * 256, (y + 1) * 256)
    route = shapely.multilinestrings([shapely.linestrings(p) for p in parts])
    drawn = shapely.multilinestrings([shapely.linestrings(p) for p in pieces])
    assert shapely.difference(route.intersection(tile), drawn.buffer(0.01)).length < 1e-6


def test_a_vertex_budget_keeps_the_first_lines_and_counts_the_rest():
    z = 14
    lines = [thin_parts([walk(3_000, seed=seed)], z) for seed in range(40)]
    px, py = to_pixels(*OAXACA, z)
    x, y = int(px // TILE_SIZE), int(py // TILE_SIZE)
    full = clip_parts(lines, x, y)
    budget = clip_parts(lines, x, y, max_vertices=300)
    drawn = [bool(pieces) for pieces in budget.pieces]
    assert full.omitted == 0 and budget.omitted > 0
    assert not any(drawn[len(lines) - budget.omitted:])
    kept = sum(len(p) for pieces in budget.pieces for p in pieces)
    last = max(i for i, d in enumerate(drawn) if d)
    assert kept - sum(len(p) for p in budget.pieces[last]) < 300
    # The lines kept are the first ones, drawn as without a budget.
    assert [len(p) for p in budget.pieces[0]] == [len(p) for p in full.pieces[0]]
