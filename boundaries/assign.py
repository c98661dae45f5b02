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
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from boundaries.layers import (
    OFFICIAL,
    Layer,
    boundary_segments,
    point_geometries,
    polygon_layers,
)

__all__ = ["ResponsibilityIndex", "assign_points", "DEFAULT_SHARED_DISTANCE_M"]

logger = logging.getLogger(__name__)

DEFAULT_SHARED_DISTANCE_M = 50.0
"""A finding closer than this to a limit concerns the municipalities on both sides."""


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
        shared_distance_m: float = DEFAULT_SHARED_DISTANCE_M,
    ):
        if not shared_distance_m >= 0:
            raise ValueError(
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
        pts = point_geometries(points, "los puntos", crs=self.crs)
        n, n_codes = len(pts), len(self._codes)
        poly, pt = STRtree(pts).query(self._polygons, predicate="intersects")
        near_pt, near_seg = self._segment_tree.query(
            pts, predicate="dwithin", distance=self.shared_distance_m
        )
        distance = shapely.distance(pts[near_pt], self._segments[near_seg])
        limit_distance = np.full(n, np.nan)
        np.fmin.at(limit_distance, near_pt, distance)
        # A point on a polygon's own limit is not inside it for the purpose of a dispute.
        touching = distance == 0
        n_polygons = len(self._polygons)
        on_limit = near_pt[touching] * n_polygons + self._segment_owner[near_seg[touching]]
        inside = ~np.isin(pt * n_polygons + poly, on_limit)
        code = self._code_id[poly]
        claimed = np.unique(pt[inside] * n_codes + code[inside]) // n_codes
        dispute = np.bincount(claimed, minlength=n) >= 2
        result = pd.DataFrame(index=points.index)
        for k, column in enumerate(self.columns):
            codes = self._layer_column(n, pt, code, inside, self._layer[poly] == k)
            result[column] = pd.Series(codes, index=result.index, dtype=object)
        result["dispute"] = dispute
        result["shared"] = dispute | (limit_distance <= self.shared_distance_m)
        result["limit_distance_m"] = limit_distance
        near_code = self._code_id[self._segment_owner[near_seg]]
        result["parties"] = self._parties(
            n, np.concatenate([pt, near_pt]), np.concatenate([code, near_code])
        )
        logger.debug(
            "%d puntos asignados: %d en disputa, %d compartidos",
            n,
            int(dispute.sum()),
            int(result["shared"].sum()),
        )
        return result

    def _layer_column(
        self, n: int, pt: np.ndarray, code: np.ndarray, inside: np.ndarray, mine: np.ndarray
    ) -> np.ndarray:
        # Per point, prefer a polygon that contains it properly, then the lowest code.
        pt, code, inside = pt[mine], code[mine], inside[mine]
        order = np.lexsort((code, ~inside, pt))
        first = order[np.unique(pt[order], return_index=True)[1]]
        column = np.full(n, None, dtype=object)
        column[pt[first]] = self._codes[code[first]]
        return column

    def _parties(self, n: int, pt: np.ndarray, code: np.ndarray) -> np.ndarray:
        n_codes = len(self._codes)
        key = np.unique(pt * n_codes + code)
        pt, code = key // n_codes, key % n_codes
        count = np.bincount(pt, minlength=n)
        parties = np.empty(n, dtype=object)
        parties.fill(())
        alone = count[pt] == 1
        parties[pt[alone]] = self._alone[code[alone]]
        several = ~alone
        for p in np.unique(pt[several]):
            parties[p] = tuple(self._codes[code[pt == p]])
        return parties


def assign_points(
    points: Layer,
    frame: gpd.GeoDataFrame,
    claims: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    code_col: str = "code",
    shared_distance_m: float = DEFAULT_SHARED_DISTANCE_M,
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
