"""Inspection routes split by municipality and by dispute zone.

The route is cut where it crosses a limit and every piece is attributed to the municipality of
the official frame it runs through (or to "outside"), so the municipal parts add up to the
route's length exactly. Pieces inside dispute zones — the ``overlaps`` of
:func:`boundaries.topology.analyze_topology` — are reported on top of that. Lengths are
measured in :data:`~boundaries.crs.MEASURE_CRS`; lines are returned in EPSG:4326.

Only the segments that cross a limit go through GEOS overlay: the others are attributed whole,
with one prepared ``contains`` query per polygon over an STRtree of the route's segments.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import LineString, box
>>> frame = gpd.GeoDataFrame({"code": ["A", "B"]},
...                          geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=6372)
>>> route = gpd.GeoSeries([LineString([(50, 50), (150, 50), (250, 50)])], crs=6372)
>>> split = split_route(route, frame)
>>> split.length_m, split.parts[["kind", "parties", "length_m"]].to_dict("records")
(200.0, [{'kind': 'municipality', 'parties': ('B',), 'length_m': 100.0}, \
{'kind': 'municipality', 'parties': ('A',), 'length_m': 50.0}, \
{'kind': 'outside', 'parties': (), 'length_m': 50.0}])
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from boundaries.crs import MEASURE_CRS, require_crs, require_same_crs
from boundaries.errors import MissingColumnError
from boundaries.layers import (
    Layer,
    boundary_segments,
    line_geometries,
    polygon_geometries,
    polygon_layers,
    storage_frame,
)

__all__ = ["RouteSplit", "RouteSplitter", "split_route", "route_split_to_dict"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RouteSplit:
    """A route's length by municipality and by dispute zone.

    Attributes
    ----------
    length_m : float
        Length of the whole route.
    parts : GeoDataFrame
        One row per municipality crossed, longest first (``kind`` "municipality",
        ``parties`` the 1-tuple of its code), one for the stretches outside every
        municipality (``kind`` "outside", ``parties`` empty) and one per set of parties whose
        dispute zones the route enters (``kind`` "dispute"). Columns ``kind``, ``parties``,
        ``length_m``, ``share`` (fraction of the route) and the pieces as a (Multi)LineString
        in EPSG:4326. The "municipality" and "outside" rows add up to ``length_m``; "dispute"
        rows overlap them.
    measure_crs : str
        The CRS in which lengths were measured.
    """

    length_m: float
    parts: gpd.GeoDataFrame
    measure_crs: str = MEASURE_CRS.to_string()


class RouteSplitter:
    """The official frame and the dispute zones, checked and projected once for many routes.

    Projecting and validating a frame of hundreds of municipalities costs far more than
    splitting one route; a caller that splits routes one at a time (each saved inspection)
    keeps one splitter. :func:`split_route` is the one-shot form. Splitting reads the
    prepared layers and never changes them.

    Parameters
    ----------
    frame : GeoDataFrame
        The official frame (a coverage), party code in ``code_col``.
    disputes : GeoDataFrame, optional
        Dispute zones with a ``parties`` column, in any CRS.
    code_col : str
        Column with the party code in ``frame``.

    Raises
    ------
    MissingCRSError, EmptyLayerError, MissingColumnError, GeometryTypeError,
    InvalidGeometryError

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, box
    >>> frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 100, 100)], crs=6372)
    >>> splitter = RouteSplitter(frame)
    >>> [splitter.split(gpd.GeoSeries([LineString([(0, 50), (x, 50)])], crs=6372)).length_m
    ...  for x in (10, 20)]
    [10.0, 20.0]
    """

    def __init__(
        self,
        frame: gpd.GeoDataFrame,
        disputes: gpd.GeoDataFrame | None = None,
        *,
        code_col: str = "code",
    ):
        (layer,) = polygon_layers(frame, code_col=code_col)
        self.crs = frame.crs
        self._polygons = layer.geoms
        code_id, code_list = pd.factorize(pd.Index(layer.codes.tolist(), dtype=object))
        self._code_id, self._labels = code_id, [(c,) for c in code_list]
        self._zones = None
        if disputes is not None:
            require_crs(disputes, "las zonas en disputa")
            if "parties" not in disputes.columns:
                raise MissingColumnError("las zonas en disputa no tienen la columna «parties»")
            zones = polygon_geometries(disputes, "las zonas en disputa")
            zone_id, zone_parties = pd.factorize(disputes["parties"].map(tuple))
            self._zones = (zones, zone_id, list(zone_parties))

    def split(self, route: Layer, *, with_disputes: bool = True) -> RouteSplit:
        """Split ``route`` (same CRS as the frame); ``with_disputes=False`` skips the zones.

        Raises
        ------
        CRSMismatchError, MissingCRSError, EmptyLayerError, GeometryTypeError
        """
        require_same_crs(route, gpd.GeoSeries([], crs=self.crs))
        lines = line_geometries(route, "la ruta")
        start, end, _ = boundary_segments(lines)
        moving = np.any(start != end, axis=1)
        start, end = start[moving], end[moving]
        total = float(np.hypot(*(end - start).T).sum())
        rows = _rows("municipality", start, end, self._polygons, self._code_id, self._labels)
        if with_disputes and self._zones is not None:
            zones, zone_id, zone_parties = self._zones
            rows += [
                row
                for row in _rows("dispute", start, end, zones, zone_id, zone_parties)
                if row[0] == "dispute"
            ]
        kinds, parties, lengths, geoms = zip(*rows, strict=True) if rows else ((), (), (), ())
        lengths_arr = np.asarray(lengths, dtype=float)
        parts = storage_frame(
            {
                "kind": list(kinds),
                "parties": pd.Series(list(parties), dtype=object),
                "length_m": lengths_arr,
                "share": lengths_arr / total if total else np.zeros(len(lengths_arr)),
            },
            np.asarray(geoms, dtype=object),
        )
        logger.debug("ruta de %.1f m dividida en %d partes", total, len(parts))
        return RouteSplit(total, parts)


def split_route(
    route: Layer,
    frame: gpd.GeoDataFrame,
    disputes: gpd.GeoDataFrame | None = None,
    *,
    code_col: str = "code",
) -> RouteSplit:
    """Measure the length of a route inside each municipality and each dispute zone.

    One-shot form of ``RouteSplitter(frame, disputes, code_col=...).split(route)``.

    Parameters
    ----------
    route : GeoDataFrame or GeoSeries
        The route as (Multi)LineStrings, same CRS as ``frame``; several rows are one route.
    frame : GeoDataFrame
        The official frame (a coverage), party code in ``code_col``.
    disputes : GeoDataFrame, optional
        Dispute zones with a ``parties`` column, typically ``analyze_topology(frame,
        claims).overlaps``; it may be in its own CRS (EPSG:4326 as returned there).
    code_col : str
        Column with the party code in ``frame``.

    Returns
    -------
    RouteSplit

    Raises
    ------
    CRSMismatchError, MissingCRSError, EmptyLayerError, MissingColumnError,
    GeometryTypeError, InvalidGeometryError

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, box
    >>> frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 100, 100)], crs=6372)
    >>> zone = gpd.GeoDataFrame({"parties": [("A", "B")]}, geometry=[box(80, 0, 100, 100)],
    ...                         crs=6372)
    >>> route = gpd.GeoSeries([LineString([(0, 50), (100, 50)])], crs=6372)
    >>> split_route(route, frame, zone).parts[["kind", "length_m"]].to_dict("records")
    [{'kind': 'municipality', 'length_m': 100.0}, {'kind': 'dispute', 'length_m': 20.0}]
    """
    require_same_crs(route, frame)
    return RouteSplitter(frame, disputes, code_col=code_col).split(route)


def route_split_to_dict(result: RouteSplit) -> dict[str, Any]:
    """Return ``result`` as a JSON-ready dict.

    Shape: ``{"measure_crs", "length_m", "parts": [{"kind", "parties", "length_m", "share",
    "geometry"}]}``, lengths rounded to 0.01 m, geometries as GeoJSON mappings in EPSG:4326.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, box
    >>> frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 100, 100)], crs=6372)
    >>> route = gpd.GeoSeries([LineString([(0, 50), (40, 50)])], crs=6372)
    >>> doc = route_split_to_dict(split_route(route, frame))
    >>> doc["length_m"], doc["parts"][0]["parties"], doc["parts"][0]["share"]
    (40.0, ['A'], 1.0)
    """
    return {
        "measure_crs": result.measure_crs,
        "length_m": round(result.length_m, 2),
        "parts": [
            {
                "kind": row.kind,
                "parties": list(row.parties),
                "length_m": round(row.length_m, 2),
                "share": round(row.share, 6),
                "geometry": shapely.geometry.mapping(row.geometry),
            }
            for row in result.parts.itertuples()
        ],
    }


def _rows(
    kind: str,
    start: np.ndarray,
    end: np.ndarray,
    polygons: np.ndarray,
    group: np.ndarray,
    labels: list[tuple[Any, ...]],
) -> list[tuple[str, tuple[Any, ...], float, Any]]:
    owner, a, b = _pieces(start, end, polygons)
    owner = np.where(owner >= 0, group[np.maximum(owner, 0)], -1)
    lengths = np.bincount(owner + 1, weights=np.hypot(*(b - a).T), minlength=len(labels) + 1)
    run_owner, runs = _runs(owner, a, b)
    order = np.argsort(run_owner, kind="stable")
    ids, index = np.unique(run_owner[order], return_inverse=True)
    lines = shapely.multilinestrings(runs[order], indices=index)
    rows = [
        (kind, labels[g], float(lengths[g + 1]), shapely.line_merge(line))
        for g, line in zip(ids, lines, strict=True)
        if g >= 0
    ]
    rows.sort(key=lambda row: -row[2])
    if (ids < 0).any():
        rows.append(("outside", (), float(lengths[0]), shapely.line_merge(lines[0])))
    return rows


def _pieces(
    start: np.ndarray, end: np.ndarray, polygons: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Route order is segment order; each segment becomes one or more pieces, each wholly in one
    # polygon (the lowest-numbered if it runs along a shared limit) or in none (-1).
    n = len(start)
    segments = shapely.linestrings(np.stack([start, end], axis=1))
    poly, seg = STRtree(segments).query(polygons, predicate="contains")
    whole = np.full(n, len(polygons))
    np.minimum.at(whole, seg, poly)
    crossing = np.flatnonzero(whole == len(polygons))
    # Cut points: intersect the crossing segments with the limit segments they meet, taken
    # only from the polygons whose bounding box they enter.
    _, touched = STRtree(polygons).query(segments[crossing])
    limit_start, limit_end, _ = boundary_segments(polygons[np.unique(touched)])
    limits = shapely.linestrings(np.stack([limit_start, limit_end], axis=1))
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
    a = _at(start, end, piece_seg, piece_t)
    b = _at(start, end, piece_seg, next_t)
    mid_poly, mid_idx = STRtree(shapely.points((a + b) / 2)).query(polygons, predicate="intersects")
    piece_owner = np.full(len(piece_seg), len(polygons))
    np.minimum.at(piece_owner, mid_idx, mid_poly)
    owner = np.concatenate([whole[whole < len(polygons)], piece_owner])
    seg_all = np.concatenate([np.flatnonzero(whole < len(polygons)), piece_seg])
    t_all = np.concatenate([np.zeros(n - len(crossing)), piece_t])
    a_all = np.concatenate([start[whole < len(polygons)], a])
    b_all = np.concatenate([end[whole < len(polygons)], b])
    order = np.lexsort((t_all, seg_all))
    owner = owner[order]
    return np.where(owner < len(polygons), owner, -1), a_all[order], b_all[order]


def _at(start: np.ndarray, end: np.ndarray, seg: np.ndarray, t: np.ndarray) -> np.ndarray:
    # Exact ends at t = 0 and 1, so consecutive pieces share their coordinates bit for bit.
    point = start[seg] + t[:, None] * (end[seg] - start[seg])
    point[t == 0] = start[seg[t == 0]]
    point[t == 1] = end[seg[t == 1]]
    return point


def _last_of_run(values: np.ndarray) -> np.ndarray:
    # True where the next value differs (and at the end).
    return np.append(values[1:] != values[:-1], True)[: len(values)]


def _runs(owner: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Chain consecutive pieces with the same owner into LineStrings.
    chained = (owner[1:] == owner[:-1]) & np.all(b[:-1] == a[1:], axis=1)
    run = np.concatenate([[0], np.cumsum(~chained)])[: len(a)]
    last = np.flatnonzero(np.append(~chained, True)[: len(a)])
    position = np.concatenate([np.arange(len(a)), last + 0.5])
    along = np.argsort(position, kind="stable")
    xy = np.concatenate([a, b[last]])[along]
    lines = shapely.linestrings(xy, indices=np.concatenate([run, run[last]])[along])
    return owner[last], lines
