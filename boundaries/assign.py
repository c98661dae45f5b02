"""Who is responsible for a site: the municipality containing it under each layer.

A point gets the code of the polygon that contains it in the official frame and in each claim.
It is flagged ``shared`` — a finding there concerns every municipality listed in ``parties`` —
when it lies in a dispute zone (two or more parties claim it) or within ``shared_distance_m`` of
any limit of any layer. Distances are measured in :data:`~boundaries.crs.MEASURE_CRS`.

:class:`ResponsibilityIndex` prepares the layers once (polygons, an STRtree of every limit
segment) for callers that assign many batches; :func:`assign_points` is the one-shot form.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import Point, box
>>> frame = gpd.GeoDataFrame({"code": ["A", "B"]},
...                          geometry=[box(0, 0, 500, 500), box(500, 0, 1000, 500)], crs=6372)
>>> points = gpd.GeoSeries([Point(200, 250), Point(480, 250)], crs=6372)
>>> assign_points(points, frame)[["official", "shared", "parties"]]
  official  shared parties
0        A   False    (A,)
1        A    True  (A, B)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from boundaries.errors import InvalidParameterError
from boundaries.layers import (
    OFFICIAL,
    Layer,
    boundary_segments,
    point_coordinates,
    polygon_layers,
)

__all__ = ["ResponsibilityIndex", "assign_points", "SHARED_DISTANCE_M"]

logger = logging.getLogger(__name__)

SHARED_DISTANCE_M = 50.0
"""The 50 m rule: a finding closer than this (metres) to a limit concerns the municipalities
on both sides. The one place the distance is written; every other module reads it."""


class ResponsibilityIndex:
    """The official frame and the claims, prepared for assigning points.

    Parameters
    ----------
    frame : GeoDataFrame
        The official frame, party code in ``code_col``.
    claims : mapping of str to GeoDataFrame, optional
        Claim layers by name, same CRS as ``frame``.
    code_col : str
        Column with the party code.
    shared_distance_m : float
        Points closer than this to a limit are flagged ``shared``.

    Raises
    ------
    CRSMismatchError, MissingCRSError, EmptyLayerError, MissingColumnError,
    GeometryTypeError, InvalidGeometryError

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point, box
    >>> frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 100, 100)], crs=6372)
    >>> claim = gpd.GeoDataFrame({"code": ["B"]}, geometry=[box(50, 0, 150, 100)], crs=6372)
    >>> index = ResponsibilityIndex(frame, {"B 2019": claim}, shared_distance_m=10)
    >>> index.columns
    ['official', 'claim:B 2019']
    >>> index.assign(gpd.GeoSeries([Point(75, 50)], crs=6372)).iloc[0].to_dict()
    {'official': 'A', 'claim:B 2019': 'B', 'dispute': True, 'shared': True, \
'limit_distance_m': nan, 'parties': ('A', 'B')}
    """

    def __init__(
        self,
        frame: gpd.GeoDataFrame,
        claims: Mapping[str, gpd.GeoDataFrame] | None = None,
        *,
        code_col: str = "code",
        shared_distance_m: float = SHARED_DISTANCE_M,
    ):
        if not shared_distance_m >= 0:
            raise InvalidParameterError(
                f"la distancia al límite debe ser un número de metros ≥ 0, no {shared_distance_m!r}"
            )
        layers = polygon_layers(frame, claims, code_col=code_col)
        self.crs = frame.crs
        self.shared_distance_m = float(shared_distance_m)
        self.columns = [
            OFFICIAL if layer.key == OFFICIAL else f"claim:{layer.key}" for layer in layers
        ]
        self._polygons = np.concatenate([layer.geoms for layer in layers])
        self._layer = np.concatenate([np.full(len(lyr.geoms), i) for i, lyr in enumerate(layers)])
        codes = np.concatenate([layer.codes for layer in layers])
        # Code ids numbered in sorted order, so sorted ids give sorted ``parties`` tuples.
        self._codes = np.array(sorted(set(codes.tolist()), key=str), dtype=object)
        self._code_id = pd.Index(self._codes).get_indexer(pd.Index(codes, dtype=object))
        self._alone = np.empty(len(self._codes), dtype=object)
        for i, code in enumerate(self._codes):
            self._alone[i] = (code,)
        shapely.prepare(self._polygons)
        start, end, self._segment_owner = boundary_segments(self._polygons)
        self._segments = shapely.linestrings(np.stack([start, end], axis=1))
        self._segment_tree = STRtree(self._segments)
        self._far = _FarField(self, start, end)

    def assign(self, points: Layer) -> pd.DataFrame:
        """Assign each point to its municipality under every layer.

        Parameters
        ----------
        points : GeoDataFrame or GeoSeries
            Points in the CRS of the layers.

        Returns
        -------
        pandas.DataFrame
            Indexed like ``points``, with columns:

            - ``official`` and one ``claim:<name>`` per claim: the code of the polygon that
              contains the point in that layer, or None. (If several polygons of one layer
              contain it, the lowest code; the point is then in a dispute.)
            - ``dispute`` (bool): two or more parties claim the point.
            - ``shared`` (bool): ``dispute``, or a limit is within ``shared_distance_m``.
            - ``limit_distance_m`` (float): distance to the nearest limit of any layer when it
              is within ``shared_distance_m``, NaN otherwise.
            - ``parties`` (tuple): sorted codes of every party that claims the point or whose
              limit is within ``shared_distance_m`` — whom a finding there concerns.

        Raises
        ------
        CRSMismatchError, MissingCRSError, EmptyLayerError, GeometryTypeError
        """
        xy = point_coordinates(points, "los puntos", crs=self.crs)
        n = len(xy)
        signature, near = self._far.classify(xy)
        ids = self._far.layer_ids[signature]
        dispute = self._far.dispute[signature]
        parties = self._far.parties[signature]
        limit_distance = np.full(n, np.nan)
        todo = np.flatnonzero(signature < 0)
        if len(todo):
            found = self._close_look(shapely.points(xy[todo]), near[todo])
            ids[todo], dispute[todo], limit_distance[todo], parties[todo] = found
        result = pd.DataFrame(index=points.index)
        for k, column in enumerate(self.columns):
            codes = np.full(n, None, dtype=object)
            known = ids[:, k] >= 0
            codes[known] = self._codes[ids[known, k]]
            result[column] = pd.Series(codes, index=result.index, dtype=object)
        result["dispute"] = dispute
        result["shared"] = dispute | (limit_distance <= self.shared_distance_m)
        result["limit_distance_m"] = limit_distance
        result["parties"] = parties
        logger.debug(
            "%d puntos asignados (%d examinados con GEOS): %d en disputa, %d compartidos",
            n,
            len(todo),
            int(dispute.sum()),
            int(result["shared"].sum()),
        )
        return result

    def _close_look(
        self, pts: np.ndarray, near: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        # Points the grid could not settle: containment and distance to limits through GEOS.
        n, n_codes, n_polygons = len(pts), len(self._codes), len(self._polygons)
        poly, pt = STRtree(pts).query(self._polygons, predicate="intersects")
        near_idx = np.flatnonzero(near)
        near_pt, near_seg = self._segment_tree.query(
            pts[near_idx], predicate="dwithin", distance=self.shared_distance_m
        )
        near_pt = near_idx[near_pt]
        distance = shapely.distance(pts[near_pt], self._segments[near_seg])
        limit_distance = np.full(n, np.nan)
        np.fmin.at(limit_distance, near_pt, distance)
        # A point on a polygon's own limit is not inside it for the purpose of a dispute.
        touching = distance == 0
        on_limit = near_pt[touching] * n_polygons + self._segment_owner[near_seg[touching]]
        inside = ~np.isin(pt * n_polygons + poly, on_limit)
        code = self._code_id[poly]
        claimed = np.unique(pt[inside] * n_codes + code[inside]) // n_codes
        dispute = np.bincount(claimed, minlength=n) >= 2
        ids = np.full((n, len(self.columns)), -1)
        layer = self._layer[poly]
        # Per point and layer, prefer a polygon that contains it properly, then the lowest code.
        order = np.lexsort((code, ~inside, layer, pt))
        first = order[np.unique((pt * len(self.columns) + layer)[order], return_index=True)[1]]
        ids[pt[first], layer[first]] = code[first]
        near_code = self._code_id[self._segment_owner[near_seg]]
        parties = self._parties(n, np.concatenate([pt, near_pt]), np.concatenate([code, near_code]))
        return ids, dispute, limit_distance, parties

    def _parties(self, n: int, pt: np.ndarray, code: np.ndarray) -> np.ndarray:
        n_codes = len(self._codes)
        key = np.unique(pt * n_codes + code)
        pt, code = key // n_codes, key % n_codes
        count = np.bincount(pt, minlength=n)
        parties = np.empty(n, dtype=object)
        parties.fill(())
        alone = count[pt] == 1
        parties[pt[alone]] = self._alone[code[alone]]
        several = np.flatnonzero(~alone)
        if len(several):
            groups = np.split(several, np.flatnonzero(np.diff(pt[several])) + 1)
            for group in groups:
                parties[pt[group[0]]] = tuple(self._codes[code[group]])
        return parties


def assign_points(
    points: Layer,
    frame: gpd.GeoDataFrame,
    claims: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    code_col: str = "code",
    shared_distance_m: float = SHARED_DISTANCE_M,
) -> pd.DataFrame:
    """Assign points to municipalities under the official frame and each claim.

    One-shot form of ``ResponsibilityIndex(frame, claims, ...).assign(points)``; see
    :meth:`ResponsibilityIndex.assign` for the columns returned.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point, box
    >>> frame = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 100, 100)], crs=6372)
    >>> assign_points(gpd.GeoSeries([Point(500, 500)], crs=6372), frame).iloc[0].to_dict()
    {'official': None, 'dispute': False, 'shared': False, 'limit_distance_m': nan, 'parties': ()}
    """
    index = ResponsibilityIndex(
        frame, claims, code_col=code_col, shared_distance_m=shared_distance_m
    )
    return index.assign(points)


class _FarField:
    """A grid settling, without GEOS, the points that are far from every limit.

    Cells are marked "near" when some point of theirs may lie within the shared distance of a
    limit segment (sampled every ``spacing`` metres, each sample marking the cells it reaches
    within ``reach``). A block of cells none of which is near holds no limit, so one point-in-
    polygon test at its centre answers for every point in it: its *signature* (the polygons
    containing it) is computed once, at build time. Points elsewhere get signature -1 and go to
    GEOS; only those in near cells need the distance to the limits.
    """

    BLOCK, COARSE = 4, 4  # blocks of 4×4 cells, settled 4×4 blocks at a time where possible
    MAX_CELLS = 16_000_000

    def __init__(self, index: ResponsibilityIndex, start: np.ndarray, end: np.ndarray):
        spacing = max(index.shared_distance_m, 25.0)
        reach = index.shared_distance_m + spacing / 2
        ends = np.concatenate([start, end])
        self.origin = ends.min(axis=0) - 2 * reach
        span = ends.max(axis=0) + 2 * reach - self.origin
        self.cell = max(2 * reach, math.sqrt(span[0] * span[1] / self.MAX_CELLS))
        tile = self.BLOCK * self.COARSE
        self.shape = (np.ceil(span / self.cell / tile).astype(int) * tile).tolist()
        samples = _samples(start, end, spacing)
        low = np.floor((samples - reach - self.origin) / self.cell).astype(int)
        high = np.floor((samples + reach - self.origin) / self.cell).astype(int)
        self.near = np.zeros(self.shape, dtype=bool)
        for ix in (low[:, 0], high[:, 0]):
            for iy in (low[:, 1], high[:, 1]):
                self.near[ix, iy] = True
        self._polygons, self._n_signatures = index._polygons, 1 + len(index._polygons)
        self._extra: dict[tuple[int, ...], int] = {}
        fine_mixed = _any_in_blocks(self.near, self.BLOCK)
        coarse_mixed = _any_in_blocks(fine_mixed, self.COARSE)
        coarse = np.full(coarse_mixed.shape, -1)
        coarse[~coarse_mixed] = self._signatures(np.argwhere(~coarse_mixed), tile)
        self.block_signature = np.repeat(np.repeat(coarse, self.COARSE, 0), self.COARSE, 1)
        todo = ~fine_mixed & (self.block_signature < 0)
        self.block_signature[todo] = self._signatures(np.argwhere(todo), self.BLOCK)
        signatures = [(), *((p,) for p in range(len(self._polygons))), *self._extra]
        self._tables(index, signatures)

    def _signatures(self, blocks: np.ndarray, size: int) -> np.ndarray:
        # Signature of each block from the polygons containing its centre: 0 for none, 1 + p
        # for polygon p alone, further ids for combinations (overlapping layers).
        centres = shapely.points(self.origin + (blocks + 0.5) * size * self.cell)
        poly, block = STRtree(centres).query(self._polygons, predicate="intersects")
        count = np.bincount(block, minlength=len(blocks))
        signature = np.zeros(len(blocks), dtype=int)
        alone = count[block] == 1
        signature[block[alone]] = 1 + poly[alone]
        for b in np.flatnonzero(count > 1):
            members = tuple(sorted(poly[block == b].tolist()))
            if members not in self._extra:
                self._extra[members] = self._n_signatures + len(self._extra)
            signature[b] = self._extra[members]
        return signature

    def _tables(self, index: ResponsibilityIndex, signatures: list[tuple[int, ...]]) -> None:
        # What a point inside exactly these polygons gets: codes per layer, dispute, parties.
        self.layer_ids = np.full((len(signatures), len(index.columns)), -1)
        self.dispute = np.zeros(len(signatures), dtype=bool)
        self.parties = np.empty(len(signatures), dtype=object)
        for s, members in enumerate(signatures):
            codes = index._code_id[list(members)]
            for poly, code in sorted(zip(members, codes, strict=True), key=lambda pc: -pc[1]):
                self.layer_ids[s, index._layer[poly]] = code
            self.dispute[s] = len(set(codes.tolist())) >= 2
            self.parties[s] = tuple(index._codes[np.unique(codes)])

    def classify(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return each point's signature (-1: ask GEOS) and whether its cell is near a limit."""
        cell = np.floor((xy - self.origin) / self.cell).astype(int)
        in_grid = np.all((cell >= 0) & (cell < self.shape), axis=1)
        near = np.zeros(len(xy), dtype=bool)
        signature = np.zeros(len(xy), dtype=int)
        ix, iy = cell[in_grid, 0], cell[in_grid, 1]
        near[in_grid] = self.near[ix, iy]
        block = self.block_signature[ix // self.BLOCK, iy // self.BLOCK]
        signature[in_grid] = np.where(near[in_grid], -1, block)
        return signature, near


def _any_in_blocks(grid: np.ndarray, size: int) -> np.ndarray:
    nx, ny = grid.shape
    return grid.reshape(nx // size, size, ny // size, size).any(axis=(1, 3))


def _samples(start: np.ndarray, end: np.ndarray, spacing: float) -> np.ndarray:
    # Points along every segment, ends included, at most ``spacing`` apart.
    steps = np.maximum(np.ceil(np.hypot(*(end - start).T) / spacing), 1).astype(int)
    segment = np.repeat(np.arange(len(start)), steps + 1)
    first = np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
    t = (np.arange(len(segment)) - first) / steps[segment]
    return start[segment] + t[:, None] * (end - start)[segment]
