"""A route's segments cut where they cross the limits of a set of polygons.

The machinery of :mod:`boundaries.routes`, on plain arrays in metres. The route is taken in
chunks of consecutive segments. A chunk that meets no polygon is outside whole, and one inside
the interior of the only polygon it meets belongs to it whole (two prepared queries per
polygon over an STRtree of the chunks). Only the segments of the other chunks are tested one
by one, and only those that cross a limit are cut, against the stretches of limit that meet
their chunk; each piece then belongs to the lowest-numbered polygon its middle touches.

Examples
--------
>>> import numpy as np
>>> from shapely import box
>>> start = np.array([[50.0, 50.0], [150.0, 50.0]])
>>> end = np.array([[150.0, 50.0], [250.0, 50.0]])
>>> squares = np.array([box(0, 0, 100, 100), box(100, 0, 200, 100)])
>>> owner, seg, t0, t1 = route_pieces(start, end, squares)
>>> owner.tolist(), seg.tolist(), t0.tolist(), t1.tolist()
([0, 1, 1, -1], [0, 0, 1, 1], [0.0, 0.5, 0.0, 0.5], [0.5, 1.0, 0.5, 1.0])
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import STRtree

from boundaries.layers import boundary_segments

__all__ = ["CHUNK", "route_pieces", "along", "differ", "chain_runs"]

CHUNK = 32
"""Segments per chunk: big enough that the chunks cost little, small enough that few of them
need the segment-by-segment treatment (a 20 m step route crosses a limit every few km)."""


def route_pieces(
    start: np.ndarray, end: np.ndarray, polygons: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut the segments ``start``-``end`` (in route order) into pieces, each in one polygon.

    Returns
    -------
    owner, seg, t0, t1 : numpy.ndarray
        For each piece in route order: the index in ``polygons`` of the polygon it lies in
        (the lowest-numbered if it runs along a shared limit; -1 outside every one), its
        segment and the fractions of that segment where it starts and ends (exactly 0 and 1
        at the segment's ends).
    """
    n = len(start)
    chunks, chunk_of = _chunk_lines(start, end)
    tree = STRtree(chunks)
    # Private copies of the polygons near the route, prepared once for every query of this
    # call (the splitter's own may be shared between threads; preparing is not thread-safe).
    used = np.unique(tree.query(polygons)[0])
    prepared = shapely.transform(polygons[used], lambda xy: xy)
    shapely.prepare(prepared)
    met_poly, met_chunk = tree.query(prepared, predicate="intersects")
    met_poly = used[met_poly]
    met = np.bincount(met_chunk, minlength=len(chunks))
    in_poly, in_chunk = tree.query(prepared, predicate="contains_properly")
    alone = met[in_chunk] == 1
    chunk_owner = np.full(len(chunks), -1)
    chunk_owner[in_chunk[alone]] = used[in_poly[alone]]
    is_open = (met > 0) & (chunk_owner < 0)
    owner = chunk_owner[chunk_of]
    if not is_open.any():
        return owner, np.arange(n), np.zeros(n), np.ones(n)
    near = np.unique(met_poly[is_open[met_chunk]])
    seg = np.flatnonzero(is_open[chunk_of])
    whole, cut_seg, cut_t0, cut_t1, cut_owner = _cut(
        start[seg], end[seg], prepared[np.searchsorted(used, near)], chunks[is_open]
    )
    owner[seg] = np.where(whole < len(near), near[np.minimum(whole, len(near) - 1)], -1)
    cut_seg = seg[cut_seg]
    cut_owner = np.where(cut_owner < len(near), near[np.minimum(cut_owner, len(near) - 1)], -1)
    # Lay the pieces out in route order: one per whole segment, the cut ones in their place.
    count = np.bincount(cut_seg, minlength=n)
    count[count == 0] = 1
    piece_seg = np.repeat(np.arange(n), count)
    place = np.cumsum(count)[cut_seg] - count[cut_seg]
    place += np.arange(len(cut_seg)) - np.searchsorted(cut_seg, cut_seg)
    piece_owner, t0, t1 = owner[piece_seg], np.zeros(len(piece_seg)), np.ones(len(piece_seg))
    piece_owner[place], t0[place], t1[place] = cut_owner, cut_t0, cut_t1
    return piece_owner, piece_seg, t0, t1


def _cut(
    start: np.ndarray, end: np.ndarray, polygons: np.ndarray, chunks: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Segment by segment, for the segments of ``chunks``: ``whole`` is the lowest polygon that
    # contains each segment (len(polygons) if none); the others are cut where they meet a
    # limit, each piece (segment, t0, t1) owned by the lowest polygon its middle touches.
    n = len(start)
    segments = shapely.linestrings(np.stack([start, end], axis=1))
    poly, seg = STRtree(segments).query(polygons, predicate="contains")
    whole = np.full(n, len(polygons))
    np.minimum.at(whole, seg, poly)
    crossing = np.flatnonzero(whole == len(polygons))
    # Only the limit segments of the stretches of limit that meet the chunks can cut them.
    limit_start, limit_end, _ = boundary_segments(polygons)
    stretches, stretch_of = _chunk_lines(limit_start, limit_end)
    met = np.zeros(len(stretches), dtype=bool)
    met[STRtree(stretches).query(chunks, predicate="intersects")[1]] = True
    near = met[stretch_of]
    limits = shapely.linestrings(np.stack([limit_start[near], limit_end[near]], axis=1))
    cand_seg, cand_limit = STRtree(limits).query(segments[crossing], predicate="intersects")
    cuts = shapely.intersection(segments[crossing[cand_seg]], limits[cand_limit])
    xy, which = shapely.get_coordinates(cuts, return_index=True)
    cut_seg = crossing[cand_seg[which]]
    step = end - start
    t = np.einsum("ij,ij->i", xy - start[cut_seg], step[cut_seg]) / np.einsum(
        "ij,ij->i", step[cut_seg], step[cut_seg]
    )
    inner = (t > 0) & (t < 1)
    piece_seg = np.concatenate([crossing, cut_seg[inner]])
    piece_t = np.concatenate([np.zeros(len(crossing)), t[inner]])
    order = np.lexsort((piece_t, piece_seg))
    piece_seg, piece_t = piece_seg[order], piece_t[order]
    keep = _last_of_run(piece_seg) | _last_of_run(piece_t)
    piece_seg, piece_t = piece_seg[keep], piece_t[keep]
    next_t = np.append(piece_t[1:], 1.0)[: len(piece_t)]
    next_t[_last_of_run(piece_seg)] = 1.0
    middle = (_at(start, end, piece_seg, piece_t) + _at(start, end, piece_seg, next_t)) / 2
    mid_poly, mid_idx = STRtree(shapely.points(middle)).query(polygons, predicate="intersects")
    piece_owner = np.full(len(piece_seg), len(polygons))
    np.minimum.at(piece_owner, mid_idx, mid_poly)
    return whole, piece_seg, piece_t, next_t, piece_owner


def _chunk_lines(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Consecutive segments CHUNK at a time as LineStrings, and the chunk of each segment. A
    # chunk joins the gaps between segments that do not follow on, so it covers them all.
    n = len(start)
    chunk_of = np.arange(n) // CHUNK
    # Every segment gives its start; its end too where the next one does not start there.
    tail = np.append((chunk_of[1:] != chunk_of[:-1]) | differ(end[:-1], start[1:]), True)
    at = np.arange(n) + np.append(0, np.cumsum(tail[:-1]))
    xy = np.empty((n + int(tail.sum()), 2))
    ids = np.empty(len(xy), dtype=np.intp)
    xy[at], ids[at] = start, chunk_of
    tail = np.flatnonzero(tail)
    xy[at[tail] + 1], ids[at[tail] + 1] = end[tail], chunk_of[tail]
    return shapely.linestrings(xy, indices=ids), chunk_of


def _at(start: np.ndarray, end: np.ndarray, seg: np.ndarray, t: np.ndarray) -> np.ndarray:
    # Exact ends at t = 0 and 1, so consecutive pieces share their coordinates bit for bit.
    point = along(start, end, seg, t)
    point[t == 0] = start[seg[t == 0]]
    point[t == 1] = end[seg[t == 1]]
    return point


def along(start: np.ndarray, end: np.ndarray, seg: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The points at fractions ``t`` of segments ``seg``."""
    return start[seg] + t[:, None] * (end[seg] - start[seg])


def differ(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Row by row, whether two ``(n, 2)`` coordinate arrays differ.

    Ten times faster than ``np.any(p != q, axis=1)`` on two columns.
    """
    return (p[:, 0] != q[:, 0]) | (p[:, 1] != q[:, 1])


def _last_of_run(values: np.ndarray) -> np.ndarray:
    # True where the next value differs (and at the end).
    return np.append(values[1:] != values[:-1], True)[: len(values)]


def chain_runs(
    owner: np.ndarray, a: np.ndarray, b: np.ndarray, a_out: np.ndarray, b_out: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Chain consecutive pieces with the same owner into LineStrings.

    ``a``, ``b`` are the pieces' ends in metres (they decide what chains); the lines are made
    of ``a_out``, ``b_out``, the same points in the output coordinates: each piece's start,
    then the end of the run's last piece. Returns the owner of each run and its line.
    """
    chained = (owner[1:] == owner[:-1]) & ~differ(b[:-1], a[1:])
    run = np.concatenate([[0], np.cumsum(~chained)])
    last = np.flatnonzero(np.append(~chained, True))
    xy = np.empty((len(a) + len(last), 2))
    run_of = np.empty(len(xy), dtype=np.intp)
    xy[np.arange(len(a)) + run], run_of[np.arange(len(a)) + run] = a_out, run
    xy[last + run[last] + 1], run_of[last + run[last] + 1] = b_out[last], run[last]
    if a_out is not a:
        # Run ends that meet in metres meet in the output too (a cut point and a route vertex
        # can differ there by a rounding), so line_merge joins the same runs either way.
        first = np.append(0, last[:-1] + 1)
        key = np.concatenate([a[first], b[last]])
        at = np.concatenate([first + run[first], last + run[last] + 1])
        order = np.lexsort((key[:, 1], key[:, 0]))
        new_group = np.append(True, differ(key[order][1:], key[order][:-1]))
        leader = at[order][np.flatnonzero(new_group)][np.cumsum(new_group) - 1]
        xy[at[order]] = xy[leader]
    return owner[last], shapely.linestrings(xy, indices=run_of)
