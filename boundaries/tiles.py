"""Web-mercator XYZ tiles: their bounds, points grouped on a grid, lines thinned to pixels.

A map that loads its points and lines by view asks for 256-pixel tiles (``z/x/y``, ``y``
growing southwards, as Leaflet and OpenStreetMap count them). Everything here works in
*global pixel coordinates* at a zoom: the world is ``256 · 2**z`` pixels wide, ``x`` grows
eastwards and ``y`` southwards from the north-west corner (latitude 85.05°).

- :func:`tile_bounds` and :func:`is_tile`: the box of a tile, and whether ``z/x/y`` is one;
- :func:`to_pixels` and :func:`to_lonlat`: between lon/lat (EPSG:4326) and pixels at ``z``;
- :func:`in_tile` and :func:`group_points`: which points a tile holds, and those points
  grouped on a grid of cells aligned with the tiles, so the groups of neighbouring tiles
  never overlap and their counts add up;
- :func:`thin_parts`, :func:`coarser` and :func:`clip_parts`: lines snapped to the pixel grid
  of a zoom without repeated vertices, and the pieces of them a tile shows, with no segment
  drawn twice however many lines run along it; :func:`to_lonlat_parts` writes them back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

__all__ = [
    "TILE_SIZE",
    "MAX_ZOOM",
    "MAX_LATITUDE",
    "is_tile",
    "tile_bounds",
    "pixel_size_m",
    "to_pixels",
    "to_lonlat",
    "in_tile",
    "PointGroups",
    "group_points",
    "thin_parts",
    "coarser",
    "ClippedLines",
    "clip_parts",
    "lonlat_digits",
    "to_lonlat_parts",
]

TILE_SIZE = 256
# The deepest zoom Leaflet's default layers ask for; a pixel is then about 4 cm.
MAX_ZOOM = 22
# Where web mercator stops: the map is square.
MAX_LATITUDE = math.degrees(math.atan(math.sinh(math.pi)))
# Metres per pixel at the equator at zoom 0 (the WGS 84 semi-major axis, 256-pixel tiles).
_EQUATOR_PIXEL_M = 2 * math.pi * 6378137.0 / TILE_SIZE


def is_tile(z: int, x: int, y: int) -> bool:
    """Whether ``z/x/y`` names a tile: ``0 ≤ z ≤ MAX_ZOOM`` and ``x``, ``y`` on its grid.

    Examples
    --------
    >>> is_tile(0, 0, 0), is_tile(2, 3, 3), is_tile(2, 4, 0), is_tile(23, 0, 0)
    (True, True, False, False)
    """
    if not 0 <= z <= MAX_ZOOM:
        return False
    side = 1 << z
    return 0 <= x < side and 0 <= y < side


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The ``(west, south, east, north)`` of tile ``z/x/y`` in degrees.

    Examples
    --------
    >>> [round(v, 4) for v in tile_bounds(1, 0, 0)]
    [-180.0, 0.0, 0.0, 85.0511]
    >>> [round(v, 4) for v in tile_bounds(10, 236, 462)]
    [-97.0312, 16.9727, -96.6797, 17.3087]
    """
    west, north = to_lonlat(x * TILE_SIZE, y * TILE_SIZE, z)
    east, south = to_lonlat((x + 1) * TILE_SIZE, (y + 1) * TILE_SIZE, z)
    return float(west), float(south), float(east), float(north)


def pixel_size_m(z: int, lat: float = 0.0) -> float:
    """The ground size of a pixel at zoom ``z`` and latitude ``lat``, in metres.

    Examples
    --------
    >>> round(pixel_size_m(0), 1), round(pixel_size_m(17, 17.06), 3)
    (156543.0, 1.142)
    """
    return _EQUATOR_PIXEL_M * math.cos(math.radians(lat)) / (1 << z)


def to_pixels(lon, lat, z: int) -> tuple[np.ndarray, np.ndarray]:
    """Global pixel coordinates at zoom ``z`` of points in lon/lat (scalars or arrays).

    Latitudes beyond :data:`MAX_LATITUDE` are held at the edge of the map.

    Examples
    --------
    >>> px, py = to_pixels([-180.0, 0.0], [MAX_LATITUDE, 0.0], 1)
    >>> px.tolist(), np.abs(py.round(6)).tolist()
    ([0.0, 256.0], [0.0, 256.0])
    """
    world = TILE_SIZE * float(1 << z)
    lon = np.asarray(lon, dtype=float)
    lat = np.radians(np.clip(np.asarray(lat, dtype=float), -MAX_LATITUDE, MAX_LATITUDE))
    px = (lon + 180.0) / 360.0 * world
    py = (1.0 - np.arcsinh(np.tan(lat)) / math.pi) / 2.0 * world
    return px, py


def to_lonlat(px, py, z: int) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat of global pixel coordinates at zoom ``z``; the inverse of :func:`to_pixels`.

    Examples
    --------
    >>> lon, lat = to_lonlat(*to_pixels(-96.7266, 17.0606, 15), 15)
    >>> round(float(lon), 6), round(float(lat), 6)
    (-96.7266, 17.0606)
    """
    world = TILE_SIZE * float(1 << z)
    px = np.asarray(px, dtype=float)
    py = np.asarray(py, dtype=float)
    lon = px / world * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(math.pi * (1.0 - 2.0 * py / world))))
    return lon, lat


def in_tile(lon, lat, z: int, x: int, y: int) -> np.ndarray:
    """Which points fall in tile ``z/x/y``; a point on an edge belongs to one tile only.

    Examples
    --------
    >>> west, south, east, north = tile_bounds(1, 0, 0)
    >>> in_tile([west, east, -90.0], [north - 1, 10.0, south], 1, 0, 0).tolist()
    [True, False, False]
    """
    px, py = to_pixels(lon, lat, z)
    return (np.floor(px / TILE_SIZE) == x) & (np.floor(py / TILE_SIZE) == y)


@dataclass(frozen=True)
class PointGroups:
    """Points of one tile grouped on a grid.

    Attributes
    ----------
    singles : ndarray of int
        Indices of the points alone in their cell, ascending.
    lon, lat : ndarray of float
        Where each group of two or more points is drawn: the mean of its points.
    counts : ndarray of int
        How many points each group holds.
    """

    singles: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    counts: np.ndarray


def group_points(lon, lat, z: int, cell_px: int = 64) -> PointGroups:
    """Group points lying in the same ``cell_px``-pixel cell of zoom ``z``'s grid.

    Cells are aligned with the tiles when ``cell_px`` divides :data:`TILE_SIZE`, so each
    group lies in one tile and the counts of a tile's groups and singles add up to its
    points.

    Examples
    --------
    >>> groups = group_points([-96.7, -96.70001, -96.5], [17.0, 17.00001, 17.0], 10)
    >>> groups.singles.tolist(), groups.counts.tolist()
    ([2], [2])
    >>> round(float(groups.lon[0]), 6), round(float(groups.lat[0]), 6)
    (-96.700005, 17.000005)
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if not lon.size:
        empty = np.empty(0)
        return PointGroups(np.empty(0, dtype=int), empty, empty, np.empty(0, dtype=int))
    px, py = to_pixels(lon, lat, z)
    cells = np.stack([np.floor(px / cell_px), np.floor(py / cell_px)], axis=1).astype(np.int64)
    _, which, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
    which = which.ravel()
    alone = counts[which] == 1
    groups = np.flatnonzero(counts > 1)
    # Renumber the groups of two or more 0..n-1 and average their points.
    number = np.full(len(counts), -1)
    number[groups] = np.arange(len(groups))
    member = number[which]
    kept = member >= 0
    sizes = counts[groups]
    mean_lon = np.bincount(member[kept], weights=lon[kept], minlength=len(groups)) / sizes
    mean_lat = np.bincount(member[kept], weights=lat[kept], minlength=len(groups)) / sizes
    return PointGroups(np.flatnonzero(alone), mean_lon, mean_lat, sizes)


def _snapped(points: np.ndarray, tolerance: float) -> np.ndarray | None:
    """``points`` (pixels) simplified by ``tolerance`` px, rounded, without repeats."""
    if tolerance > 0 and len(points) > 2:
        points = shapely.get_coordinates(
            shapely.simplify(shapely.linestrings(points), tolerance, preserve_topology=False)
        )
    snapped = np.rint(points).astype(np.int64)
    keep = np.ones(len(snapped), dtype=bool)
    keep[1:] = np.any(snapped[1:] != snapped[:-1], axis=1)
    snapped = snapped[keep]
    return snapped if len(snapped) >= 2 else None


def thin_parts(parts: Iterable[np.ndarray], z: int, tolerance_px: float = 0.5) -> list[np.ndarray]:
    """Lines in lon/lat as integer pixel coordinates at zoom ``z``, about one pixel apart.

    Each part (an ``(n, 2)`` array of lon, lat) is simplified by ``tolerance_px`` pixels
    (Douglas–Peucker), snapped to the pixel grid and rid of repeated vertices; a part that
    shrinks to one pixel is left out. A 20,000-point route keeps a few dozen vertices at a
    zoom that shows it whole.

    Examples
    --------
    >>> line = np.array([[-96.7, 17.0], [-96.69999, 17.0], [-96.6, 17.0], [-96.6, 17.0001]])
    >>> [p.tolist() for p in thin_parts([line], 10)]
    [[[60657, 118507], [60730, 118507]]]
    """
    out = []
    for part in parts:
        part = np.asarray(part, dtype=float)
        if len(part) < 2:
            continue
        px, py = to_pixels(part[:, 0], part[:, 1], z)
        snapped = _snapped(np.stack([px, py], axis=1), tolerance_px)
        if snapped is not None:
            out.append(snapped)
    return out


def coarser(
    parts: Iterable[np.ndarray], levels: int, tolerance_px: float = 0.5
) -> list[np.ndarray]:
    """Pixel lines of a zoom (from :func:`thin_parts`) at the zoom ``levels`` shallower.

    Cheaper than thinning the original lines again: the lines are already close to one
    pixel apart. Each level's error is half the one before, so the result stays within
    about one pixel of the original.

    Examples
    --------
    >>> [p.tolist() for p in coarser([np.array([[0, 0], [1, 0], [2, 1], [9, 1]])], 1)]
    [[[0, 0], [4, 0]]]
    """
    scale = float(1 << levels)
    out = []
    for part in parts:
        snapped = _snapped(np.asarray(part, dtype=float) / scale, tolerance_px)
        if snapped is not None:
            out.append(snapped)
    return out


def _segments_meeting(part: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Which segments of ``part`` have a bounding box meeting ``box``."""
    x0, y0, x1, y1 = box
    a, b = part[:-1], part[1:]
    low, high = np.minimum(a, b), np.maximum(a, b)
    return (low[:, 0] <= x1) & (high[:, 0] >= x0) & (low[:, 1] <= y1) & (high[:, 1] >= y0)


@dataclass(frozen=True)
class ClippedLines:
    """The pieces of lines a tile shows.

    Attributes
    ----------
    pieces : list of list of ndarray
        For each line, its pieces in the tile (possibly none), pixel ``(n, 2)`` arrays.
    omitted : int
        Lines left out once the vertex budget was spent (not looked at: some may not
        cross the tile).
    """

    pieces: list[list[np.ndarray]]
    omitted: int


def _segment_keys(part: np.ndarray, index: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """Segments ``index`` of ``part`` as 64-bit keys of their ends, lower end first.

    Ends are in tile pixels held to 16 bits: a segment reaching that far is one of few long
    ones, and two of them sharing a key only hides one of them in one tile.
    """
    a = np.clip(part[index] - origin, -32768, 32767)
    b = np.clip(part[index + 1] - origin, -32768, 32767)
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    a[swap], b[swap] = b[swap], a[swap].copy()
    ends = np.ascontiguousarray(np.concatenate([a, b], axis=1).astype(np.int16))
    return ends.view(np.int64).ravel()


def clip_parts(
    lines: Sequence[Sequence[np.ndarray]], x: int, y: int, margin_px: int = 8,
    max_vertices: int | None = None,
) -> ClippedLines:
    """The pieces of pixel ``lines`` that tile ``x/y`` (of their zoom) shows, each segment once.

    ``lines`` holds each line's parts as from :func:`thin_parts` at the tile's zoom, the
    most important first. A piece is a run of segments whose bounding boxes meet the tile
    grown by ``margin_px`` pixels (so a line's stroke is not cut at the tile's edge). A
    segment already drawn by an earlier line (in either direction) is left out of later
    ones: a tile where hundreds of routes run along the same path weighs what one route
    does. Once the pieces hold ``max_vertices`` vertices, the lines after the one that
    reached it are left out unread (the first line is always kept) and counted as omitted;
    give only lines whose bounds meet the tile.

    Examples
    --------
    >>> along = np.array([[10, 10], [20, 10], [30, 10]])
    >>> back = np.array([[30, 10], [20, 10], [20, 30]])
    >>> away = np.array([[900, 900], [901, 900]])
    >>> clipped = clip_parts([[along], [back], [away]], 0, 0)
    >>> [[p.tolist() for p in pieces] for pieces in clipped.pieces], clipped.omitted
    ([[[[10, 10], [20, 10], [30, 10]]], [[[20, 10], [20, 30]]], []], 0)
    >>> clip_parts([[along], [back], [away]], 0, 0, max_vertices=2).omitted
    2
    """
    box = (x * TILE_SIZE - margin_px, y * TILE_SIZE - margin_px,
           (x + 1) * TILE_SIZE + margin_px, (y + 1) * TILE_SIZE + margin_px)
    origin = np.array([x * TILE_SIZE, y * TILE_SIZE])
    out: list[list[np.ndarray]] = [[] for _ in lines]
    seen = np.empty(0, dtype=np.int64)  # sorted keys of the segments drawn so far
    vertices = omitted = 0
    for line, parts in enumerate(lines):
        if max_vertices is not None and vertices >= max_vertices:
            omitted = len(lines) - line
            break
        found = [(part, np.flatnonzero(_segments_meeting(part, box))) for part in parts]
        found = [(part, index) for part, index in found if index.size]
        if not found:
            continue
        keys = [_segment_keys(part, index, origin) for part, index in found]
        every = np.concatenate(keys)
        first = np.zeros(len(every), dtype=bool)
        first[np.unique(every, return_index=True)[1]] = True
        fresh = first & ~np.isin(every, seen)
        start = 0
        for part, index in found:
            kept = index[fresh[start:start + len(index)]]
            start += len(index)
            if not kept.size:
                continue
            # Runs of consecutive segments become one piece each.
            breaks = np.flatnonzero(np.diff(kept) != 1) + 1
            for run in np.split(kept, breaks):
                out[line].append(part[run[0]:run[-1] + 2])
                vertices += len(run) + 1
        seen = np.union1d(seen, every)
    return ClippedLines(out, omitted)


def lonlat_digits(z: int) -> int:
    """Decimals of a degree that place a point within about a tenth of a pixel at zoom ``z``.

    Examples
    --------
    >>> [lonlat_digits(z) for z in (5, 10, 13, 17, 22)]
    [3, 4, 5, 6, 6]
    """
    pixel = 360.0 / (TILE_SIZE * (1 << z))
    return min(6, max(0, math.ceil(-math.log10(pixel / 8))))


def to_lonlat_parts(
    parts: Iterable[np.ndarray], z: int, digits: int = 6
) -> list[list[list[float]]]:
    """Pixel pieces at zoom ``z`` as ``[[lon, lat], ...]`` lists rounded to ``digits``.

    Examples
    --------
    >>> to_lonlat_parts([np.array([[0, 0], [256, 256]])], 1)
    [[[-180.0, 85.051129], [0.0, 0.0]]]
    """
    out = []
    for part in parts:
        lon, lat = to_lonlat(part[:, 0], part[:, 1], z)
        out.append(np.stack([lon, lat], axis=1).round(digits).tolist())
    return out
