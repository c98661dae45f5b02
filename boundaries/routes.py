"""Inspection routes split by municipality and by dispute zone.

The route is cut where it crosses a limit and every piece is attributed to the municipality of
the official frame it runs through (or to "outside"), so the municipal parts add up to the
route's length exactly. Pieces inside dispute zones — the ``overlaps`` of
:func:`boundaries.topology.analyze_topology` — are reported on top of that. Lengths are
measured in :data:`~boundaries.crs.MEASURE_CRS`; lines are returned in EPSG:4326.

The cutting happens in :mod:`boundaries.route_pieces`, chunk by chunk of the route.
:func:`split_route` first keeps the municipalities whose bounding box comes near the route, so
a one-shot split projects and validates a few dozen polygons rather than the whole state; a
route given in EPSG:4326 keeps its own vertices (only the cut points make the round trip).

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

from boundaries.crs import MEASURE_CRS, STORAGE_CRS, require_crs, require_same_crs
from boundaries.errors import MissingColumnError
from boundaries.layers import (
    Layer,
    atomic_parts,
    line_geometries,
    polygon_geometries,
    polygon_layers,
    project,
    storage_frame,
)
from boundaries.route_pieces import CHUNK, along, chain_runs, differ, route_pieces
from boundaries.validation import require_polygons

__all__ = ["RouteSplit", "RouteSplitter", "split_route", "route_split_to_dict"]

logger = logging.getLogger(__name__)

# How much the bounding boxes grow when choosing the municipalities near a route, as a fraction
# of their size: far more than a straight edge bends between two CRSs, for edges up to
# hundreds of km long.
_NEAR_PAD = 0.01


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
        code_id, code_list = pd.factorize(pd.Index(layer.codes.tolist(), dtype=object))
        self._official = (layer.geoms, code_id, [(c,) for c in code_list])
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
        track = _Track.of(route, self.crs)
        total = float(np.hypot(*(track.end - track.start).T).sum())
        rows = _rows("municipality", track, *self._official)
        if with_disputes and self._zones is not None:
            rows += [row for row in _rows("dispute", track, *self._zones) if row[0] == "dispute"]
        kinds, parties, lengths, geoms = zip(*rows, strict=True) if rows else ((), (), (), ())
        lengths_arr = np.asarray(lengths, dtype=float)
        parts = track.frame(
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

    One-shot form of ``RouteSplitter(frame, disputes, code_col=...).split(route)`` that hands
    the splitter only the municipalities whose bounding box comes near the route: the others
    cannot change the result, so they are neither projected nor checked for validity (their
    codes and geometry types still are).

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
    near = _near(route, frame, code_col)
    return RouteSplitter(near, disputes, code_col=code_col).split(route)


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


@dataclass(frozen=True)
class _Track:
    # The route's segments in metres and, when the route is in the storage CRS, the same ends
    # as given, so the pieces keep the route's own vertices instead of a round trip.
    start: np.ndarray
    end: np.ndarray
    given_start: np.ndarray | None
    given_end: np.ndarray | None

    @classmethod
    def of(cls, route: Layer, crs: Any) -> _Track:
        parts, _ = atomic_parts(line_geometries(route, "la ruta"))
        xy, part = shapely.get_coordinates(parts, return_index=True)
        step = np.flatnonzero((part[:-1] == part[1:]) & differ(xy[:-1], xy[1:]))
        if not crs.equals(STORAGE_CRS):
            return cls(xy[step], xy[step + 1], None, None)
        given = shapely.get_coordinates(atomic_parts(np.asarray(route.geometry.array))[0])
        return cls(xy[step], xy[step + 1], given[step], given[step + 1])

    def ends(
        self, seg: np.ndarray, t0: np.ndarray, t1: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Both ends of each piece in metres, then in the output coordinates."""
        # Most pieces are whole segments: take the ends, then place the cut points.
        a_cut, b_cut = np.flatnonzero(t0 > 0), np.flatnonzero(t1 < 1)
        a, b = self.start[seg], self.end[seg]
        a[a_cut] = along(self.start, self.end, seg[a_cut], t0[a_cut])
        b[b_cut] = along(self.start, self.end, seg[b_cut], t1[b_cut])
        if self.given_start is None or self.given_end is None:
            return a, b, a, b
        a_out, b_out = self.given_start[seg], self.given_end[seg]
        if len(a_cut) or len(b_cut):
            points = shapely.points(np.concatenate([a[a_cut], b[b_cut]]))
            xy = shapely.get_coordinates(project(points, MEASURE_CRS, STORAGE_CRS))
            a_out[a_cut], b_out[b_cut] = xy[: len(a_cut)], xy[len(a_cut) :]
        return a, b, a_out, b_out

    def frame(self, data: dict[str, Any], geoms: np.ndarray) -> gpd.GeoDataFrame:
        """The parts in EPSG:4326."""
        if self.given_start is None:
            return storage_frame(data, geoms)
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=STORAGE_CRS).values)


def _near(route: Layer, frame: gpd.GeoDataFrame, code_col: str) -> gpd.GeoDataFrame:
    # The rows of ``frame`` whose bounding box comes near that of a stretch of the route (both
    # grown by _NEAR_PAD); the whole frame when RouteSplitter is going to refuse its codes.
    if (
        not isinstance(frame, gpd.GeoDataFrame)
        or not len(frame)
        or code_col not in frame.columns
        or frame[code_col].isna().any()
    ):
        return frame
    require_polygons(frame, "el marco oficial")
    xy = shapely.get_coordinates(np.asarray(route.geometry.array))
    if not len(xy):
        return frame.iloc[:1]
    size = 4 * CHUNK
    first = np.arange(0, len(xy), size)
    following = xy[np.minimum(first + size, len(xy) - 1)]
    low = np.minimum(np.minimum.reduceat(xy, first), following)
    high = np.maximum(np.maximum.reduceat(xy, first), following)
    polygons = np.asarray(frame.geometry.array)
    bounds = shapely.bounds(polygons)
    pad = _NEAR_PAD * (np.max(high - low, axis=1) + np.max(bounds[:, 2:] - bounds[:, :2]))
    boxes = shapely.box(*(low - pad[:, None]).T, *(high + pad[:, None]).T)
    near = np.unique(STRtree(polygons).query(boxes)[1])
    return frame.iloc[near if len(near) else [0]]


def _rows(
    kind: str,
    track: _Track,
    polygons: np.ndarray,
    group: np.ndarray,
    labels: list[tuple[Any, ...]],
) -> list[tuple[str, tuple[Any, ...], float, Any]]:
    if not len(track.start):
        return []
    owner, seg, t0, t1 = route_pieces(track.start, track.end, polygons)
    owner = np.where(owner >= 0, group[np.maximum(owner, 0)], -1)
    a, b, a_out, b_out = track.ends(seg, t0, t1)
    lengths = np.bincount(owner + 1, weights=np.hypot(*(b - a).T), minlength=len(labels) + 1)
    run_owner, runs = chain_runs(owner, a, b, a_out, b_out)
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
