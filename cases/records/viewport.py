"""Findings and routes of one map tile: what a map that loads by view draws there.

A tile (``z/x/y``, see :mod:`boundaries.tiles`) holds the findings inside it, grouped on a
grid below :data:`FINDINGS_SINGLE_ZOOM`, and the pieces of the routes that cross it, thinned
to about one pixel, newest first up to :data:`MAX_ROUTE_VERTICES`. Where they are comes from
a :class:`RecordIndex`: the positions of every finding and the bounds of every route (read
from the bounding-box columns of :class:`~cases.storage.models.SpatialMixin`, no geometry),
kept by the caller while findings and inspections do not change (:class:`IndexCache`), or
read for the tile's box alone. Only the findings drawn one by one are then read in full.
Soft-deleted records are hidden as everywhere (the ORM's criteria).

Routes are long (a phone records 20,000 points a walk): each is read and thinned once per
version of its inspection and kept in a :class:`RouteShapes` of the process, at every zoom
asked for; tiles cut their pieces from there.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from boundaries.tiles import (
    TILE_SIZE,
    clip_parts,
    coarser,
    group_points,
    in_tile,
    lonlat_digits,
    thin_parts,
    tile_bounds,
    to_lonlat,
    to_lonlat_parts,
)
from cases.errors import NotFoundError
from cases.records.queries import FindingPoint, finding_points
from cases.storage.models import (
    Case,
    DisputeZone,
    Finding,
    Inspection,
)

__all__ = [
    "FINDINGS_SINGLE_ZOOM",
    "CELL_PX",
    "ROUTE_MARGIN_PX",
    "MAX_ROUTE_VERTICES",
    "RouteRow",
    "TileRecords",
    "RouteShapes",
    "scope_inspections",
    "RecordIndex",
    "IndexCache",
    "record_index",
    "findings_by_id",
    "route_lines",
    "tile_records",
]

# From this zoom on every finding is drawn on its own (a tile is about 300 m wide there).
FINDINGS_SINGLE_ZOOM = 17
# Findings closer than a cell of this many pixels are drawn as one group.
CELL_PX = 64
# How far around a tile its route pieces reach, in pixels: a stroke is not cut at the edge.
ROUTE_MARGIN_PX = 8
# Routes are thinned once at this zoom (a pixel is about half a metre, finer than a GPS
# fix), and every shallower zoom is derived from it; deeper zooms scale it up.
BASE_ZOOM = 18
# Shallower zooms are derived with this tolerance, in pixels of their own.
ROUTE_TOLERANCE_PX = 1.0
# Vertices of route pieces a tile carries at most (about 15 KB of JSON, 6 KB gzipped): where
# years of routes cover every pixel, the newest are drawn and the rest counted, and a deeper
# zoom shows more of them.
MAX_ROUTE_VERTICES = 600
# Routes whose thinned shapes a process keeps; a year of work has about fifty.
MAX_ROUTES = 2048


@dataclass(frozen=True)
class RouteRow:
    """What a route's line on a map needs besides its shape: its inspection's label."""

    id: int
    version: int
    title: str
    started_on: dt.date
    visit_dates: list | None

    @property
    def days(self) -> list[dt.date]:
        """The days in the field (as :attr:`cases.storage.models.Inspection.days`)."""
        if self.visit_dates:
            return [dt.date.fromisoformat(day) for day in self.visit_dates]
        return [self.started_on]


@dataclass
class TileRecords:
    """What one tile draws.

    Attributes
    ----------
    clusters : list of (lon, lat, count)
        Groups of two or more findings, drawn as one.
    findings : list of FindingPoint
        Findings drawn one by one.
    routes : list of (RouteRow, pieces)
        Routes crossing the tile, newest first, with their pieces there (``[[lon, lat],
        ...]`` lists).
    routes_omitted : int
        Routes near the tile left out past :data:`MAX_ROUTE_VERTICES`.
    """

    clusters: list[tuple[float, float, int]]
    findings: list[FindingPoint]
    routes: list[tuple[RouteRow, list[list[list[float]]]]]
    routes_omitted: int = 0


def _exists(session: Session, model, record_id: int, what: str) -> None:
    if session.scalar(select(model.id).where(model.id == record_id)) is None:
        raise NotFoundError(f"No existe {what} con número {record_id}.")


def scope_inspections(
    session: Session, *, zone_id: int | None = None, case_id: int | None = None,
    inspection_id: int | None = None,
) -> list[int] | None:
    """Ids of the inspections of a zone, a case or one inspection; ``None`` for all of them.

    A zone's are its own and its cases' (as :func:`cases.records.queries.zone_record`).

    Raises :class:`~cases.errors.NotFoundError` when the record does not exist (or is in
    the Papelera).
    """
    if zone_id is not None:
        _exists(session, DisputeZone, zone_id, "la zona")
        # As the zone's page lists them: its own inspections and those of its cases.
        of_zone = DisputeZone.id == zone_id
        query = select(Inspection.id).where(or_(
            Inspection.zones.any(of_zone), Inspection.cases.any(Case.zones.any(of_zone))
        ))
    elif case_id is not None:
        _exists(session, Case, case_id, "el expediente")
        query = select(Inspection.id).join(Inspection.cases).where(Case.id == case_id)
    elif inspection_id is not None:
        _exists(session, Inspection, inspection_id, "el recorrido")
        return [inspection_id]
    else:
        return None
    return list(session.scalars(query.order_by(Inspection.id)))


@dataclass(frozen=True)
class RecordIndex:
    """Where findings and routes are, to pick a tile's in memory.

    Attributes
    ----------
    finding_id, finding_lon, finding_lat, finding_inspection : ndarray
        Each finding's id, position and inspection, by id.
    routes : list of RouteRow
        The inspections with a route, newest first.
    route_bounds : ndarray
        ``(n, 4)``: each route's (west, south, east, north), in ``routes`` order.
    """

    finding_id: np.ndarray
    finding_lon: np.ndarray
    finding_lat: np.ndarray
    finding_inspection: np.ndarray
    routes: list[RouteRow]
    route_bounds: np.ndarray

    def findings_in(
        self, box: tuple[float, float, float, float], inspection_ids: Sequence[int] | None
    ) -> np.ndarray:
        """Indices of the findings inside ``box`` (edges included), of ``inspection_ids``."""
        west, south, east, north = box
        hit = ((self.finding_lon >= west) & (self.finding_lon <= east)
               & (self.finding_lat >= south) & (self.finding_lat <= north))
        if inspection_ids is not None:
            hit &= np.isin(self.finding_inspection, np.asarray(list(inspection_ids), dtype=int))
        return np.flatnonzero(hit)

    def routes_in(
        self, box: tuple[float, float, float, float], inspection_ids: Sequence[int] | None
    ) -> list[RouteRow]:
        """The routes whose bounding box meets ``box``, of ``inspection_ids``, newest first."""
        west, south, east, north = box
        b = self.route_bounds
        hit = (b[:, 0] <= east) & (b[:, 2] >= west) & (b[:, 1] <= north) & (b[:, 3] >= south)
        wanted = None if inspection_ids is None else set(inspection_ids)
        return [self.routes[i] for i in np.flatnonzero(hit)
                if wanted is None or self.routes[i].id in wanted]


def record_index(
    session: Session, box: tuple[float, float, float, float] | None = None
) -> RecordIndex:
    """Positions of the findings and bounds of the routes (those meeting ``box`` if given).

    Two queries of a few columns, through the indexed bounding-box columns: ten years
    (50,000 findings) are read in a few tenths of a second, a tile's box in milliseconds.
    """
    findings = (
        # A point's bounding box is the point: no geometry to decode.
        select(Finding.id, Finding.min_x, Finding.min_y, Finding.inspection_id)
        .join(Inspection, Finding.inspection_id == Inspection.id)
        .order_by(Finding.id)
    )
    routes = (
        select(Inspection.id, Inspection.version, Inspection.title, Inspection.started_on,
               Inspection.visit_dates, Inspection.min_x, Inspection.min_y,
               Inspection.max_x, Inspection.max_y)
        .where(Inspection.min_x.is_not(None))
        .order_by(Inspection.started_on.desc(), Inspection.id.desc())
    )
    if box is not None:
        west, south, east, north = box
        findings = findings.where(Finding.min_x >= west, Finding.min_x <= east,
                                  Finding.min_y >= south, Finding.min_y <= north)
        routes = routes.where(Inspection.min_x <= east, Inspection.max_x >= west,
                              Inspection.min_y <= north, Inspection.max_y >= south)
    # Columns at once: numpy reads plain tuples far faster than rows.
    columns = list(zip(*session.execute(findings).all(), strict=True)) or [(), (), (), ()]
    rows = session.execute(routes).all()
    return RecordIndex(
        finding_id=np.array(columns[0], dtype=np.int64),
        finding_lon=np.array(columns[1], dtype=float),
        finding_lat=np.array(columns[2], dtype=float),
        finding_inspection=np.array(columns[3], dtype=np.int64),
        routes=[RouteRow(*row[:5]) for row in rows],
        route_bounds=np.array([row[5:] for row in rows], dtype=float).reshape(-1, 4),
    )


class IndexCache:
    """The :class:`RecordIndex` of the latest versions seen; built once per version."""

    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, RecordIndex] = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, session: Session, version: Hashable) -> RecordIndex:
        """The index at ``version`` (the versions of findings and inspections)."""
        with self._lock:  # readers of a new version wait for the first one's index
            found = self._entries.get(version)
            if found is None:
                found = self._entries[version] = record_index(session)
                self.builds += 1
                while len(self._entries) > 2:  # a request begun before the last write
                    self._entries.popitem(last=False)
            return found


def findings_by_id(session: Session, ids: Sequence[int]) -> list[FindingPoint]:
    """The findings ``ids`` as :class:`FindingPoint` rows by id, each with its first photo."""
    ids = sorted(int(i) for i in ids)
    return [
        point
        for start in range(0, len(ids), 500)  # a few hundred bound parameters at a time
        for point in finding_points(session, ids=ids[start:start + 500])
    ]


def route_lines(session: Session, ids: Iterable[int]) -> dict[int, list[np.ndarray]]:
    """The routes of inspections ``ids`` as ``(n, 2)`` lon/lat arrays, one per part."""
    ids = list(ids)
    out: dict[int, list[np.ndarray]] = {}
    # A few at a time: each route may hold 20,000 points.
    for start in range(0, len(ids), 32):
        rows = session.execute(
            select(Inspection.id, Inspection.route)
            .where(Inspection.id.in_(ids[start:start + 32]))
        )
        for inspection_id, route in rows:
            parts = [] if route is None else shapely.get_parts(route)
            out[inspection_id] = [shapely.get_coordinates(part) for part in parts]
    return out


class RouteShapes:
    """Routes thinned to pixels at each zoom asked for, per inspection and its version.

    A route is read once per version of its inspection (any edit gives a new one) and kept
    until :data:`MAX_ROUTES` others push it out. Thread-safe; two readers missing the same
    route at once may both build it.
    """

    def __init__(self, max_routes: int = MAX_ROUTES) -> None:
        self.max_routes = max_routes
        self._routes: OrderedDict[tuple[int, int], dict[int, list[np.ndarray]]] = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0

    def at_zoom(self, session: Session, rows: Sequence[RouteRow], z: int) -> list[list[np.ndarray]]:
        """The parts of the routes of ``rows`` in pixels at zoom ``z``, in ``rows`` order."""
        keys = [(row.id, row.version) for row in rows]
        with self._lock:
            found = {key: self._routes[key] for key in keys if key in self._routes}
            for key in found:
                self._routes.move_to_end(key)
        missing = [key for key in keys if key not in found]
        if missing:
            lines = route_lines(session, [key[0] for key in missing])
            for key in missing:
                found[key] = {BASE_ZOOM: [p.astype(np.int32) for p in
                                          thin_parts(lines.get(key[0], []), BASE_ZOOM)]}
            with self._lock:
                self.reads += len(missing)
                for key in missing:
                    self._routes[key] = found[key]
                while len(self._routes) > self.max_routes:
                    self._routes.popitem(last=False)
        return [self._zoom(found[key], z) for key in keys]

    @property
    def nbytes(self) -> int:
        """Bytes of the coordinates kept, every zoom of every route."""
        with self._lock:
            zooms = [zoom for route in self._routes.values() for zoom in route.values()]
        return sum(part.nbytes for parts in zooms for part in parts)

    @staticmethod
    def _zoom(zooms: dict[int, list[np.ndarray]], z: int) -> list[np.ndarray]:
        if z > BASE_ZOOM:
            return [part * (1 << (z - BASE_ZOOM)) for part in zooms[BASE_ZOOM]]
        parts = zooms.get(z)
        if parts is None:
            # From the nearest deeper zoom already made (a dict write is atomic).
            deeper = min(level for level in zooms if level > z)
            parts = [p.astype(np.int32)
                     for p in coarser(zooms[deeper], deeper - z, ROUTE_TOLERANCE_PX)]
            zooms[z] = parts
        return parts


def _pixel_box(z: int, x: int, y: int, margin_px: int) -> tuple[float, float, float, float]:
    """The lon/lat box of tile ``z/x/y`` grown by ``margin_px`` pixels."""
    size = TILE_SIZE
    west, north = to_lonlat(x * size - margin_px, y * size - margin_px, z)
    east, south = to_lonlat((x + 1) * size + margin_px, (y + 1) * size + margin_px, z)
    return float(west), float(south), float(east), float(north)


def tile_records(
    session: Session, z: int, x: int, y: int, shapes: RouteShapes,
    inspection_ids: Sequence[int] | None = None, index: RecordIndex | None = None,
) -> TileRecords:
    """The findings (grouped below :data:`FINDINGS_SINGLE_ZOOM`) and route pieces of a tile.

    ``inspection_ids`` restricts both to those inspections (a zone's, a case's). ``index``
    is where the tile's records are picked from (every record's, kept by the caller); by
    default the tile's are read. Route pieces and groups are rounded to the decimals their
    zoom needs (:func:`lonlat_digits`), findings to six.
    """
    # The box grown by a hair: the exact test in pixels then gives each point one tile.
    west, south, east, north = tile_bounds(z, x, y)
    hair = 1e-9
    box = (west - hair, south - hair, east + hair, north + hair)
    routes_box = _pixel_box(z, x, y, ROUTE_MARGIN_PX)
    if index is None:
        index = record_index(session, (
            min(box[0], routes_box[0]), min(box[1], routes_box[1]),
            max(box[2], routes_box[2]), max(box[3], routes_box[3]),
        ))
    picked = index.findings_in(box, inspection_ids)
    lon, lat = index.finding_lon[picked], index.finding_lat[picked]
    inside = in_tile(lon, lat, z, x, y)
    ids, lon, lat = index.finding_id[picked][inside], lon[inside], lat[inside]
    clusters: list[tuple[float, float, int]] = []
    if z >= FINDINGS_SINGLE_ZOOM:
        singles = findings_by_id(session, ids)
    else:
        groups = group_points(lon, lat, z, CELL_PX)
        singles = findings_by_id(session, ids[groups.singles])
        digits = lonlat_digits(z)
        clusters = [
            (round(float(a), digits), round(float(b), digits), int(n))
            for a, b, n in zip(groups.lon, groups.lat, groups.counts, strict=True)
        ]
    rows = index.routes_in(routes_box, inspection_ids)
    clipped = clip_parts(shapes.at_zoom(session, rows, z), x, y, ROUTE_MARGIN_PX,
                         MAX_ROUTE_VERTICES)
    routes = [
        (row, to_lonlat_parts(found, z, lonlat_digits(z)))
        for row, found in zip(rows, clipped.pieces, strict=True) if found
    ]
    return TileRecords(clusters, singles, routes, clipped.omitted)
