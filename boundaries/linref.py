"""Linear referencing along a river (the Atoyac): how far downstream, how far from the channel.

Each finding is projected onto the river line: its chainage (km along the river from a
reference point, the line's start by default) lets findings be listed upstream to downstream,
and its distance from the channel and bank side say where it lies. The river line is taken as
digitised from upstream to downstream (pass ``reverse=True`` otherwise). Everything is measured
in :data:`~boundaries.crs.MEASURE_CRS`.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import LineString, Point
>>> river = gpd.GeoSeries([LineString([(0, 0), (0, -3000)])], crs=6372)
>>> findings = gpd.GeoSeries([Point(-40, -2500), Point(10, -500)], crs=6372, index=["b", "a"])
>>> locate_along_river(findings, river).sort_values("km")
    km  distance_m   bank
a  0.5        10.0   left
b  2.5        40.0  right
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.crs import MEASURE_CRS, require_crs, require_same_crs
from boundaries.errors import GeometryTypeError
from boundaries.layers import Layer, line_geometries, point_geometries, project

__all__ = ["locate_along_river", "river_line"]

logger = logging.getLogger(__name__)


def river_line(river: Layer, *, reverse: bool = False) -> shapely.LineString:
    """Merge a river layer into one LineString in metres, upstream to downstream.

    Parameters
    ----------
    river : GeoDataFrame or GeoSeries
        The river as one or more (Multi)LineStrings that join end to end.
    reverse : bool
        The line is digitised downstream to upstream: flip it.

    Returns
    -------
    shapely.LineString
        In :data:`~boundaries.crs.MEASURE_CRS`.

    Raises
    ------
    GeometryTypeError
        The pieces do not join into one continuous line.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> pieces = gpd.GeoSeries([LineString([(0, 0), (0, 5)]), LineString([(0, 5), (3, 9)])],
    ...                        crs=6372)
    >>> river_line(pieces).length
    10.0
    """
    lines = line_geometries(river, "el río")
    merged = shapely.line_merge(shapely.union_all(lines)) if len(lines) > 1 else lines[0]
    if merged.geom_type == "MultiLineString":
        merged = shapely.line_merge(merged, directed=True)
    if merged.geom_type != "LineString":
        raise GeometryTypeError(
            f"el río debe ser una sola línea continua; sus tramos forman "
            f"{shapely.get_num_geometries(merged)} líneas separadas"
        )
    return merged.reverse() if reverse else merged


def locate_along_river(
    findings: Layer,
    river: Layer,
    *,
    reference: BaseGeometry | None = None,
    reverse: bool = False,
) -> pd.DataFrame:
    """Chainage, distance from the channel and bank of each finding.

    Parameters
    ----------
    findings : GeoDataFrame or GeoSeries
        Points, same CRS as ``river``.
    river : GeoDataFrame or GeoSeries
        The river line (see :func:`river_line`).
    reference : shapely Point, optional
        The origin of the chainage, in the CRS of ``river`` (projected onto the river); the
        river's upstream end by default.
    reverse : bool
        The river is digitised downstream to upstream.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``findings``: ``km`` (chainage downstream of the reference, negative
        upstream of it; sort on it to list upstream to downstream), ``distance_m`` (to the
        nearest point of the channel) and ``bank`` ("left" or "right" looking downstream,
        "on" on the line itself).

    Raises
    ------
    CRSMismatchError, MissingCRSError, EmptyLayerError, GeometryTypeError

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, Point
    >>> river = gpd.GeoSeries([LineString([(0, 0), (4000, 0)])], crs=6372)
    >>> spot = gpd.GeoSeries([Point(500, 0)], crs=6372)
    >>> locate_along_river(spot, river, reference=Point(1000, 20)).iloc[0].to_dict()
    {'km': -0.5, 'distance_m': 0.0, 'bank': 'on'}
    """
    crs = require_same_crs(findings, river)
    line = river_line(river, reverse=reverse)
    points = point_geometries(findings, "los hallazgos", crs=crs)
    origin = 0.0
    if reference is not None:
        if not isinstance(reference, shapely.Point) or reference.is_empty:
            raise GeometryTypeError("el punto de referencia debe ser un Point")
        origin = line.project(project(np.array([reference]), require_crs(river), MEASURE_CRS)[0])
    along = shapely.line_locate_point(line, points)
    on_line = shapely.line_interpolate_point(line, along)
    distance = shapely.distance(points, on_line)
    bank = np.full(len(points), "on", dtype=object)
    side = _side(line, along, points, on_line)
    bank[(distance > 0) & (side > 0)] = "left"
    bank[(distance > 0) & (side < 0)] = "right"
    logger.debug("%d hallazgos referidos a un río de %.1f km", len(points), line.length / 1000)
    return pd.DataFrame(
        {"km": (along - origin) / 1000, "distance_m": distance, "bank": bank},
        index=findings.index,
    )


def _side(
    line: shapely.LineString, along: np.ndarray, points: np.ndarray, on_line: np.ndarray
) -> np.ndarray:
    # Sign of the cross product between the flow direction at the foot of each point and the
    # vector to the point: positive on the left bank.
    step = min(0.5, line.length / 2)
    ahead = shapely.line_interpolate_point(line, np.minimum(along + step, line.length))
    behind = shapely.line_interpolate_point(line, np.maximum(along - step, 0))
    flow = shapely.get_coordinates(ahead) - shapely.get_coordinates(behind)
    offset = shapely.get_coordinates(points) - shapely.get_coordinates(on_line)
    return flow[:, 0] * offset[:, 1] - flow[:, 1] * offset[:, 0]
