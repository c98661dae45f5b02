"""Boundary analysis on the 570 Oaxaca municipalities, side by side with geopandas baselines.

Prints, in one run, each figure with its ratio to the baseline:
- full-state topology (overlaps, gaps, shared border of every neighbour pair) against
  ``geopandas.overlay`` of the layer with itself (target ≤ 1 s and ≥ 2× faster);
- responsibility for 100,000 random points against ``geopandas.sjoin`` (target ≤ 1.5×);
- splitting a 50,000-vertex route by municipality against ``overlay`` of the route with the
  state, timed in turns (target ≤ 1.0× overlay);
- coverage simplification at 10 m: vertices, time, and proof that no gap opened — against
  simplifying each polygon on its own, which does open gaps.

Run: ``.venv/bin/python benchmarks/bench_boundaries.py [topology|assign|route|simplify …]``
(all four when none is named)
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
import warnings

import geopandas as gpd
import numpy as np
import shapely
from common import STATE, timed

from boundaries.assign import ResponsibilityIndex
from boundaries.routes import split_route
from boundaries.simplify import simplify_coverage
from boundaries.topology import analyze_topology

RUNS = 5
ROUTE_RUNS = 21
N_POINTS = 100_000
N_ROUTE = 50_000


def line(label: str, seconds: float, baseline: float, note: str = "") -> None:
    print(f"  {label:<44} {seconds:8.3f} s   {seconds / baseline:6.2f}× baseline  {note}")


def bench_topology(state: gpd.GeoDataFrame) -> None:
    print("Topology of the whole state (570 municipalities)")
    result = analyze_topology(state, code_col="cvegeo")
    ours = timed(lambda: analyze_topology(state, code_col="cvegeo"), RUNS)
    overlay = timed(lambda: gpd.overlay(state, state), runs=1)
    union = timed(lambda: gpd.overlay(state, state, how="union"), runs=1)
    print(f"  baseline geopandas.overlay(state, state)     {overlay:8.3f} s   (how='intersection')")
    line("analyze_topology", ours, overlay, f"{overlay / ours:.1f}× faster")
    line(
        "  vs overlay how='union' " + f"({union:.2f} s)", ours, union, f"{union / ours:.1f}× faster"
    )
    print(
        f"  found {len(result.overlaps)} overlaps, {len(result.gaps)} gaps, "
        f"{len(result.shared_borders)} shared borders, slivers "
        f"{result.overlap_slivers}+{result.gap_slivers}"
    )


def random_points(state: gpd.GeoDataFrame, n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(2024)
    minx, miny, maxx, maxy = state.total_bounds
    xy = rng.uniform([minx, miny], [maxx, maxy], (n, 2))
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(*xy.T), crs=state.crs)


def bench_assign(state: gpd.GeoDataFrame) -> None:
    print(f"Responsibility for {N_POINTS:,} random points (official frame, 50 m rule)")
    points = random_points(state, N_POINTS)
    sjoin = timed(lambda: gpd.sjoin(points, state, predicate="within"), RUNS)
    index = ResponsibilityIndex(state, code_col="cvegeo")
    warm = timed(lambda: index.assign(points), RUNS)
    cold = timed(lambda: ResponsibilityIndex(state, code_col="cvegeo").assign(points), RUNS)
    result = index.assign(points)
    print(f"  baseline geopandas.sjoin(predicate='within') {sjoin:8.3f} s")
    line("ResponsibilityIndex.assign (index built)", warm, sjoin)
    line("assign_points (index built in the call)", cold, sjoin)
    print(
        f"  {result.official.notna().sum():,} inside the state, "
        f"{result.shared.sum():,} shared (within 50 m of a limit)"
    )


def random_route(state: gpd.GeoDataFrame, n: int) -> gpd.GeoSeries:
    # A wandering 20 m-step walk from the middle of the state: 1,000 km, 50,000 vertices.
    rng = np.random.default_rng(7)
    metres = state.to_crs(6372)
    start = metres.union_all().representative_point()
    heading = np.cumsum(rng.normal(0, 0.05, n))
    xy = np.column_stack([np.cos(heading), np.sin(heading)]).cumsum(axis=0) * 20
    route = shapely.LineString(xy + [start.x, start.y])
    return gpd.GeoSeries([route], crs=6372).to_crs(state.crs)


def timed_side_by_side(first, second, runs: int) -> tuple[float, float]:
    """Medians of ``runs`` timings of each, taken in turns so both see the same machine load."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, times in zip((first, second), samples, strict=True):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1])


def bench_route(state: gpd.GeoDataFrame) -> None:
    print(f"Splitting a {N_ROUTE:,}-vertex route by municipality "
          f"(median of {ROUTE_RUNS}, taken in turns)")
    route = random_route(state, N_ROUTE)
    frame = gpd.GeoDataFrame(geometry=route)
    overlay, ours = timed_side_by_side(
        lambda: gpd.overlay(frame, state, keep_geom_type=True),
        lambda: split_route(route, state, code_col="cvegeo"),
        ROUTE_RUNS,
    )
    split = split_route(route, state, code_col="cvegeo")
    municipal = split.parts[split.parts.kind != "dispute"].length_m.sum()
    print(f"  baseline geopandas.overlay(route, state)     {overlay:8.3f} s")
    line("split_route", ours, overlay, "target ≤ 1.0× overlay")
    print(
        f"  {split.length_m / 1000:,.1f} km through {len(split.parts) - 1} municipalities; "
        f"parts add up to the route within {abs(municipal - split.length_m):.2e} m"
    )


def bench_simplify(state: gpd.GeoDataFrame) -> None:
    print("Display simplification of the state at 10 m")
    vertices = int(shapely.get_num_coordinates(state.geometry.array).sum())
    naive = timed(lambda: state.to_crs(6372).simplify(10).to_crs(4326), RUNS)
    ours = timed(lambda: simplify_coverage(state, 10), RUNS)
    simple = simplify_coverage(state, 10)
    kept = int(shapely.get_num_coordinates(simple.geometry.array).sum())
    proof = analyze_topology(simple, code_col="cvegeo", min_area_m2=0)
    valid = shapely.coverage_is_valid(simple.to_crs(6372).geometry.array)
    broken = state.to_crs(6372)
    broken.geometry = broken.simplify(10)
    damage = analyze_topology(broken, code_col="cvegeo", min_area_m2=0)
    print(f"  baseline GeoSeries.simplify(10 m) per polygon {naive:7.3f} s")
    line("simplify_coverage", ours, naive, f"{vertices:,} → {kept:,} vertices")
    print(
        f"  proof: {len(proof.gaps)} gaps, {len(proof.overlaps)} overlaps "
        f"(slivers {proof.gap_slivers}+{proof.overlap_slivers}), coverage valid: {valid}"
    )
    print(
        f"  per-polygon simplify instead opens {len(damage.gaps) + damage.gap_slivers} gaps "
        f"and {len(damage.overlaps) + damage.overlap_slivers} overlaps"
    )


def main() -> None:
    # overlay tells, as a UserWarning, that it dropped the lines where neighbours touch.
    warnings.filterwarnings("ignore", "`keep_geom_type=True` in overlay", UserWarning)
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, shapely {shapely.__version__} "
        f"(GEOS {shapely.geos_version_string}), geopandas {gpd.__version__}; "
        f"median of {RUNS} runs (1 for overlay of the state)"
    )
    state = gpd.read_file(STATE)
    benches = {
        "topology": bench_topology,
        "assign": bench_assign,
        "route": bench_route,
        "simplify": bench_simplify,
    }
    for name in sys.argv[1:] or benches:
        benches[name](state)


if __name__ == "__main__":
    main()
