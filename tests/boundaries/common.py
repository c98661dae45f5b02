"""Tiny shapes with known answers, in EPSG:6372 metres, and a coverage generator."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from hypothesis import strategies as st
from shapely import LineString, MultiPoint, Polygon, box

CRS = 6372

INEGI = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "inegi"
INEGI_FILE = INEGI / "oaxaca_municipios.geojson"
OAXACA_DE_JUAREZ = "20067"
SAN_JACINTO_AMILPAS = "20157"
XOXOCOTLAN = "20385"
SANTA_LUCIA = "20390"

# Two 100 m squares side by side: they share 100 m of limit.
SQUARE_A = box(0, 0, 100, 100)
SQUARE_B = box(100, 0, 200, 100)
# A claim of A reaching 20 m into B: 2000 m² in dispute.
CLAIM_A = box(0, 0, 120, 100)
# B's square digitised with an extra vertex on the shared edge: same limit, unmatched vertices.
SQUARE_B_EXTRA_VERTEX = Polygon([(100, 0), (200, 0), (200, 100), (100, 100), (100, 50)])
# A bow tie: invalid.
BOWTIE = Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
# Three squares around an empty 100 m square: the 3x3 block minus its centre.
RING_A = box(0, 0, 300, 100)
RING_B = box(0, 100, 100, 200)
RING_C = shapely.union(box(200, 100, 300, 200), box(0, 200, 300, 300))
HOLE = box(100, 100, 200, 200)
ISLAND = box(140, 140, 160, 160)
ROUTE = LineString([(50, 50), (150, 50), (250, 50)])


def convex_polygons(extent: int) -> st.SearchStrategy[Polygon]:
    """Convex polygons with 3 to 8 integer vertices in [0, extent]² (hypothesis strategy)."""
    corners = st.tuples(st.integers(0, extent), st.integers(0, extent))
    return (
        st.lists(corners, min_size=3, max_size=8)
        .map(lambda pts: shapely.convex_hull(MultiPoint(pts)))
        .filter(lambda hull: hull.geom_type == "Polygon")
    )


def frame(geometries: dict[str, object], crs: int = CRS) -> gpd.GeoDataFrame:
    """A layer with a ``code`` column from ``{code: geometry}``."""
    return gpd.GeoDataFrame({"code": list(geometries)}, geometry=list(geometries.values()), crs=crs)


def series(*geometries: object, crs: int = CRS) -> gpd.GeoSeries:
    """A GeoSeries in the test CRS."""
    return gpd.GeoSeries(list(geometries), crs=crs)


def jittered_grid(
    nx: int, ny: int, seed: int, size: float = 100.0, wiggles: int = 4
) -> gpd.GeoDataFrame:
    """A valid coverage of ``nx`` × ``ny`` cells whose shared edges wiggle (exactly matched).

    Vertices are jittered by up to 15 % of ``size``, and every edge carries ``wiggles``
    intermediate points pushed sideways by up to 8 % of ``size``; both cells of an edge use the
    same points, so the result is edge-matched.
    """
    rng = np.random.default_rng(seed)
    corners = np.stack(np.meshgrid(np.arange(nx + 1), np.arange(ny + 1), indexing="ij"), -1)
    corners = corners * size + rng.uniform(-0.15, 0.15, corners.shape) * size

    def edge(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        t = np.arange(1, wiggles + 1) / (wiggles + 1)
        normal = np.array([-(q - p)[1], (q - p)[0]]) / np.hypot(*(q - p))
        side = rng.uniform(-0.08, 0.08, wiggles) * size
        return p + t[:, None] * (q - p) + side[:, None] * normal

    horizontal = {
        (i, j): edge(corners[i, j], corners[i + 1, j]) for i in range(nx) for j in range(ny + 1)
    }
    vertical = {
        (i, j): edge(corners[i, j], corners[i, j + 1]) for i in range(nx + 1) for j in range(ny)
    }
    cells, codes = [], []
    for i in range(nx):
        for j in range(ny):
            ring = np.concatenate(
                [
                    [corners[i, j]],
                    horizontal[i, j],
                    [corners[i + 1, j]],
                    vertical[i + 1, j],
                    [corners[i + 1, j + 1]],
                    horizontal[i, j + 1][::-1],
                    [corners[i, j + 1]],
                    vertical[i, j][::-1],
                ]
            )
            cells.append(Polygon(ring))
            codes.append(f"C{i}-{j}")
    grid = gpd.GeoDataFrame({"code": codes}, geometry=cells, crs=CRS)
    assert grid.is_valid.all()
    return grid
