"""Cutting polygons along lines without moving a vertex: the machinery of a re-cut.

Three pieces, used by :mod:`boundaries.exchange`:

- :class:`ProjectedPlane` works in a projected CRS and brings every original vertex back to
  its longitude/latitude bit for bit, so polygons cut in metres still match their neighbours
  edge for edge;
- :func:`insert_vertices` puts points that lie on a ring or line into it as vertices;
- :func:`polygon_faces` nodes polygons and lines together once and returns the faces, each
  with the polygon it belongs to, so every union of faces shares the same vertices;
- :func:`odd_region` is the inside of a closed, possibly self-crossing, linework by the
  even–odd rule.

Examples
--------
>>> from shapely import LineString, box
>>> faces, owner = polygon_faces([box(0, 0, 2, 2)], [LineString([(1, 0), (1, 2)])])
>>> sorted(faces.tolist(), key=lambda f: f.bounds)[0].bounds, owner.tolist()
((0.0, 0.0, 1.0, 2.0), [0, 0])
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.crs import STORAGE_CRS

__all__ = ["ProjectedPlane", "insert_vertices", "polygon_faces", "odd_region"]


class ProjectedPlane:
    """A projected CRS to work in, and the way back to the exact longitude/latitude.

    :meth:`back` returns every vertex that :meth:`forward` projected to its original
    coordinates, bit for bit; only vertices made in the plane are reprojected. A polygon cut
    in metres thus keeps the outer limit it had in EPSG:4326 exactly.

    Examples
    --------
    >>> from shapely import LineString
    >>> plane = ProjectedPlane(pyproj.CRS.from_epsg(6369))
    >>> line = plane.forward(LineString([(-96.75, 17.08), (-96.745, 17.085)]))
    >>> middle = line.interpolate(0.5, normalized=True)
    >>> back = plane.back(LineString([line.coords[0], middle, line.coords[1]]))
    >>> back.coords[0], back.coords[2]
    ((-96.75, 17.08), (-96.745, 17.085))
    """

    def __init__(self, crs: pyproj.CRS):
        self.crs = pyproj.CRS.from_user_input(crs)
        self._to = pyproj.Transformer.from_crs(STORAGE_CRS, self.crs, always_xy=True)
        self._from = pyproj.Transformer.from_crs(self.crs, STORAGE_CRS, always_xy=True)
        self._origin: dict[tuple[float, float], tuple[float, float]] = {}

    def forward(self, geom: BaseGeometry) -> BaseGeometry:
        """Project ``geom`` from EPSG:4326 into the plane, remembering each vertex."""
        return shapely.transform(geom, self._project)

    def back(self, geom: BaseGeometry) -> BaseGeometry:
        """Return ``geom`` from the plane to EPSG:4326, original vertices exactly."""
        return shapely.transform(geom, self._unproject)

    def _project(self, lonlat: np.ndarray) -> np.ndarray:
        x, y = self._to.transform(lonlat[:, 0], lonlat[:, 1])
        xy = np.column_stack([x, y])
        for key, value in zip(map(tuple, xy), map(tuple, lonlat), strict=True):
            self._origin.setdefault(key, value)
        return xy

    def _unproject(self, xy: np.ndarray) -> np.ndarray:
        out = np.empty_like(xy)
        new = []
        for i, key in enumerate(map(tuple, xy)):
            original = self._origin.get(key)
            if original is None:
                new.append(i)
            else:
                out[i] = original
        if new:
            lon, lat = self._from.transform(xy[new, 0], xy[new, 1])
            out[new] = np.column_stack([lon, lat])
        return out


def insert_vertices(
    geom: BaseGeometry, points: Sequence[shapely.Point], tolerance: float
) -> BaseGeometry:
    """``geom`` with each point within ``tolerance`` of a segment inserted there as a vertex.

    ``geom`` is a LineString or a (Multi)Polygon (returned as a MultiPolygon). A point
    already a vertex, or far from every segment, changes nothing.

    Examples
    --------
    >>> from shapely import LineString, Point, box
    >>> insert_vertices(LineString([(0, 0), (2, 0)]), [Point(1, 0), Point(5, 5)], 1e-9).wkt
    'LINESTRING (0 0, 1 0, 2 0)'
    >>> len(insert_vertices(box(0, 0, 2, 2), [Point(2, 1)], 1e-9).geoms[0].exterior.coords)
    6
    """
    if isinstance(geom, shapely.LineString):
        return shapely.LineString(_insert(np.asarray(geom.coords), points, tolerance))
    polygons = []
    for polygon in shapely.get_parts(geom):
        rings = [_insert(np.asarray(ring.coords), points, tolerance)
                 for ring in (polygon.exterior, *polygon.interiors)]
        polygons.append(shapely.Polygon(rings[0], rings[1:]))
    return shapely.MultiPolygon(polygons)


def _insert(coords: np.ndarray, points: Sequence[shapely.Point], tolerance: float) -> np.ndarray:
    for point in points:
        xy = np.asarray(point.coords[0])
        if (coords == xy).all(axis=1).any():
            continue
        segments = shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1))
        distances = shapely.distance(segments, point)
        index = int(np.argmin(distances))
        if distances[index] <= tolerance:
            coords = np.insert(coords, index + 1, xy, axis=0)
    return coords


def polygon_faces(
    polygons: Sequence[BaseGeometry], lines: Sequence[shapely.LineString]
) -> tuple[np.ndarray, np.ndarray]:
    """Node the polygons' rings and the lines together once and return the faces inside.

    Returns
    -------
    faces : ndarray of Polygon
        The faces that lie inside one of ``polygons`` (faces in their holes are left out).
    owner : ndarray of int
        For each face, the index of the polygon it lies in.

    Examples
    --------
    >>> from shapely import LineString, box
    >>> faces, owner = polygon_faces([box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                              [LineString([(0.5, 0), (1.5, 1)])])
    >>> sorted(zip(owner.tolist(), [round(f.area, 3) for f in faces]))
    [(0, 0.125), (0, 0.875), (1, 0.125), (1, 0.875)]
    """
    rings = [shapely.LineString(ring.coords)
             for geom in polygons for polygon in shapely.get_parts(geom)
             for ring in (polygon.exterior, *polygon.interiors)]
    edges = shapely.union_all([*rings, *lines])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(edges)))
    inside = shapely.point_on_surface(faces)
    owner = np.full(len(faces), -1)
    for index, geom in enumerate(polygons):
        owner[(owner < 0) & shapely.contains(geom, inside)] = index
    keep = owner >= 0
    return faces[keep], owner[keep]


def odd_region(lines: Sequence[shapely.LineString]) -> BaseGeometry:
    """The inside of closed linework by the even–odd rule.

    The lines are noded and polygonized; a face is inside when a path to it from outside
    crosses the lines an odd number of times, which holds for a loop that crosses itself
    (a bow tie gives both triangles).

    Examples
    --------
    >>> from shapely import LineString
    >>> bow_tie = odd_region([LineString([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])])
    >>> bow_tie.geom_type, bow_tie.area
    ('MultiPolygon', 2.0)
    """
    loop = shapely.union_all(list(lines))
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(loop))))
    if not faces:
        return shapely.Polygon()
    outline = shapely.boundary(shapely.union_all(faces))
    parity: list[int | None] = [None] * len(faces)
    queue: deque[int] = deque()
    for i, face in enumerate(faces):
        if _share_edge(face.boundary, outline):
            parity[i] = 1
            queue.append(i)
    while queue:
        i = queue.popleft()
        for j, other in enumerate(faces):
            if parity[j] is None and _share_edge(faces[i].boundary, other.boundary):
                parity[j] = 1 - parity[i]
                queue.append(j)
    return shapely.union_all([f for f, p in zip(faces, parity, strict=True) if p == 1])


def _share_edge(one: BaseGeometry, other: BaseGeometry) -> bool:
    return shapely.length(shapely.intersection(one, other)) > 0
