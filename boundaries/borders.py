"""Shared borders: the length of the common limit between each pair of neighbouring parties.

Where two parties' polygons share their vertices exactly (a valid coverage, such as the INEGI
frame) the common limit is the set of segments that appear, with identical ends, in both rings:
a hash sort in numpy finds them all at once, with no GEOS overlay. Pairs whose edges do not
match go through :func:`shapely.intersection` of the two boundaries. Lengths are in the metric
CRS of the input arrays; lines are returned in EPSG:4326.

Examples
--------
>>> import numpy as np
>>> from shapely import box
>>> parties = np.array([box(0, 0, 100, 100), box(100, 0, 200, 100)])
>>> none = np.empty(0, dtype=int)
>>> shared_borders(["A", "B"], parties, np.array([False, False]), none, none)[
...     ["party_a", "party_b", "length_m"]].to_dict("records")
[{'party_a': 'A', 'party_b': 'B', 'length_m': 100.0}]
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from boundaries.layers import atomic_parts, boundary_segments, storage_frame

__all__ = ["shared_borders", "sorted_codes"]


def shared_borders(
    codes: list[Any], parties: np.ndarray, dirty: np.ndarray, left: np.ndarray, right: np.ndarray
) -> gpd.GeoDataFrame:
    """Length and line of the common limit of each pair of parties that share one.

    Parameters
    ----------
    codes : list
        Party codes.
    parties : numpy.ndarray
        One polygon per party, in metres.
    dirty : numpy.ndarray of bool
        Parties whose edges do not all match their neighbours' exactly
        (:func:`shapely.coverage_invalid_edges` not empty).
    left, right : numpy.ndarray of int
        Candidate pairs involving a dirty party (bounding boxes touch); pairs of clean
        parties are found by segment matching.

    Returns
    -------
    GeoDataFrame
        ``party_a``, ``party_b`` (sorted), ``length_m`` and the limit in EPSG:4326, one row per
        pair with a common limit of positive length, sorted by codes.

    Examples
    --------
    A pair with unmatched vertices goes through GEOS:

    >>> from shapely import Polygon, box
    >>> b = Polygon([(100, 0), (200, 0), (200, 100), (100, 100), (100, 50)])
    >>> parties = np.array([box(0, 0, 100, 100), b])
    >>> rows = shared_borders(["A", "B"], parties, np.array([True, True]), np.array([0]),
    ...                       np.array([1]))
    >>> rows.length_m.tolist()
    [100.0]
    """
    clean_a, clean_b, clean_lines = _matched_borders(parties, ~dirty)
    lines, index = atomic_parts(
        shapely.intersection(shapely.boundary(parties[left]), shapely.boundary(parties[right]))
    )
    linear = shapely.get_type_id(lines) == 1
    pair, index = np.unique(index[linear], return_inverse=True)
    dirty_lines = shapely.line_merge(shapely.multilinestrings(lines[linear], indices=index))
    a = np.concatenate([clean_a, left[pair]]).astype(int)
    b = np.concatenate([clean_b, right[pair]]).astype(int)
    geoms = np.concatenate([clean_lines, dirty_lines])
    pairs = [sorted_codes((codes[i], codes[j])) for i, j in zip(a, b, strict=True)]
    order = sorted(range(len(pairs)), key=lambda k: tuple(str(c) for c in pairs[k]))
    return storage_frame(
        {
            "party_a": pd.Series([pairs[k][0] for k in order], dtype=object),
            "party_b": pd.Series([pairs[k][1] for k in order], dtype=object),
            "length_m": shapely.length(geoms[order]) if order else np.empty(0),
        },
        geoms[order],
    )


def _matched_borders(
    parties: np.ndarray, clean: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # In a valid coverage neighbours share their vertices exactly, so a common limit is the set
    # of segments that appear, with identical ends, in both parties' rings.
    n = len(parties)
    start, end, owner = boundary_segments(parties[clean])
    owner = np.flatnonzero(clean)[owner]
    first, second = _identical_segments(start, end)
    apart = owner[first] != owner[second]
    first, second = first[apart], second[apart]
    if len(first) == 0:
        return np.empty(0, int), np.empty(0, int), np.empty(0, dtype=object)
    a = np.minimum(owner[first], owner[second])
    b = np.maximum(owner[first], owner[second])
    # Draw each border along the ring of its lower-numbered party, where it is one chain.
    seg = np.where(owner[first] == a, first, second)
    order = np.argsort(seg)
    seg, pair = seg[order], (a * n + b)[order]
    chained = (
        (seg[1:] == seg[:-1] + 1)
        & (pair[1:] == pair[:-1])
        & np.all(end[seg[:-1]] == start[seg[1:]], axis=1)
    )
    run = np.concatenate([[0], np.cumsum(~chained)])
    last = np.flatnonzero(np.append(~chained, True))
    position = np.concatenate([np.arange(len(seg)), last + 0.5])
    along = np.argsort(position, kind="stable")
    xy = np.concatenate([start[seg], end[seg[last]]])[along]
    lines = shapely.linestrings(xy, indices=np.concatenate([run, run[last]])[along])
    pair_key, index = np.unique(pair[last], return_inverse=True)
    by_pair = np.argsort(index, kind="stable")
    merged = shapely.line_merge(shapely.multilinestrings(lines[by_pair], indices=index[by_pair]))
    return pair_key // n, pair_key % n, merged


def _identical_segments(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    swap = (start[:, 0] > end[:, 0]) | ((start[:, 0] == end[:, 0]) & (start[:, 1] > end[:, 1]))
    low = np.where(swap[:, None], end, start)
    key = np.column_stack([low, np.where(swap[:, None], start, end)])
    # Sorting on a 64-bit hash of the exact bits is twice as fast as a four-key lexsort; equal
    # neighbours are then confirmed on the coordinates themselves.
    bits = np.ascontiguousarray(key).view(np.uint64)
    digest = (
        bits[:, 0] * np.uint64(0x9E3779B97F4A7C15)
        ^ bits[:, 1] * np.uint64(0xC2B2AE3D27D4EB4F)
        ^ bits[:, 2] * np.uint64(0x165667B19E3779F9)
        ^ bits[:, 3] * np.uint64(0x27D4EB2F165667C5)
    )
    order = np.argsort(digest)
    same = np.all(key[order][1:] == key[order][:-1], axis=1)
    return order[:-1][same], order[1:][same]


def sorted_codes(codes: Any) -> tuple[Any, ...]:
    """Return the distinct ``codes`` as a tuple sorted by their text.

    Examples
    --------
    >>> sorted_codes(["20157", "20067", "20157"])
    ('20067', '20157')
    """
    return tuple(sorted(set(codes), key=str))
