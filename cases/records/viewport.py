"""Findings and routes of one map tile: what a map that loads by view draws there.

A tile (``z/x/y``, see :mod:`boundaries.tiles`) holds the findings inside it, grouped on a
grid below :data:`FINDINGS_SINGLE_ZOOM`, and the pieces of the routes that cross it, thinned
to about one pixel. Both are read through the indexed bounding-box columns of the records
(:class:`~cases.storage.models.SpatialMixin`): a tile reads its few rows, whatever the years
of work stored. Soft-deleted records are hidden as everywhere (the ORM's criteria).

Routes are long (a phone records 20,000 points a walk): each is read and thinned once per
version of its inspection and kept in a :class:`RouteShapes` of the process, at every zoom
asked for; tiles cut their pieces from there.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import func, select
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
from cases.records.queries import FindingPoint
from cases.storage.models import (
    Attachment,
    AttachmentKind,
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
    "finding_positions",
    "findings_by_id",
    "routes_in_box",
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
        Routes crossing the tile left out past :data:`MAX_ROUTE_VERTICES`.
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

    Raises :class:`~cases.errors.NotFoundError` when the record does not exist (or is in
    the Papelera).
    """
    if zone_id is not None:
        _exists(session, DisputeZone, zone_id, "la zona")
        query = select(Inspection.id).join(Inspection.zones).where(DisputeZone.id == zone_id)
    elif case_id is not None:
        _exists(session, Case, case_id, "el expediente")
        query = select(Inspection.id).join(Inspection.cases).where(Case.id == case_id)
    elif inspection_id is not None:
        _exists(session, Inspection, inspection_id, "el recorrido")
        return [inspection_id]
    else:
        return None
    return list(session.scalars(query.order_by(Inspection.id)))


def finding_positions(
    session: Session, box: tuple[float, float, float, float],
    inspection_ids: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids, longitudes and latitudes of the findings inside ``box`` (edges included).

    ``box`` is (west, south, east, north); only findings of ``inspection_ids`` when given.
    A shallow tile groups thousands of findings and needs nothing else of them.
    """
    west, south, east, north = box
    query = (
        # A point's bounding box is the point: no geometry to decode.
        select(Finding.id, Finding.min_x, Finding.min_y)
        .join(Inspection, Finding.inspection_id == Inspection.id)
        .where(Finding.min_x >= west, Finding.min_x <= east,
               Finding.min_y >= south, Finding.min_y <= north)
        .order_by(Finding.id)
    )
    if inspection_ids is not None:
        query = query.where(Finding.inspection_id.in_(list(inspection_ids)))
    rows = session.execute(query).all()
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0), np.empty(0)
    ids, lon, lat = zip(*rows, strict=True)
    return np.array(ids, dtype=np.int64), np.array(lon, dtype=float), np.array(lat, dtype=float)


def findings_by_id(session: Session, ids: Sequence[int]) -> list[FindingPoint]:
    """The findings ``ids`` as :class:`FindingPoint` rows by id, each with its first photo."""
    if not len(ids):
        return []
    photo = (
        select(func.min(Attachment.id))
        .where(Attachment.finding_id == Finding.id, Attachment.kind == AttachmentKind.PHOTO)
        .correlate(Finding)
        .scalar_subquery()
    )
    query = (
        select(
            Finding.id, Finding.inspection_id, Inspection.title, Finding.category,
            Finding.description, Finding.min_x, Finding.min_y, Finding.illustrative, photo,
        )
        .join(Inspection, Finding.inspection_id == Inspection.id)
        .order_by(Finding.id)
    )
    ids = sorted(int(i) for i in ids)
    return [
        FindingPoint(*row)
        for start in range(0, len(ids), 500)  # a few hundred bound parameters at a time
        for row in session.execute(query.where(Finding.id.in_(ids[start:start + 500])))
    ]


def routes_in_box(
    session: Session, box: tuple[float, float, float, float],
    inspection_ids: Sequence[int] | None = None,
) -> list[RouteRow]:
    """The inspections with a route whose bounding box meets ``box``, newest first; no geometry."""
    west, south, east, north = box
    query = (
        select(Inspection.id, Inspection.version, Inspection.title, Inspection.started_on,
               Inspection.visit_dates)
        .where(Inspection.min_x <= east, Inspection.max_x >= west,
               Inspection.min_y <= north, Inspection.max_y >= south)
        .order_by(Inspection.started_on.desc(), Inspection.id.desc())
    )
    if inspection_ids is not None:
        query = query.where(Inspection.id.in_(list(inspection_ids)))
    return [RouteRow(*row) for row in session.execute(query)]


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
    inspection_ids: Sequence[int] | None = None,
) -> TileRecords:
    """The findings (grouped below :data:`FINDINGS_SINGLE_ZOOM`) and route pieces of a tile.

    ``inspection_ids`` restricts both to those inspections (a zone's, a case's). Route
    pieces and groups are rounded to the decimals their zoom needs (:func:`lonlat_digits`),
    findings to six.
    """
    # The box grown by a hair: the exact test in pixels then gives each point one tile.
    west, south, east, north = tile_bounds(z, x, y)
    hair = 1e-9
    ids, lon, lat = finding_positions(
        session, (west - hair, south - hair, east + hair, north + hair), inspection_ids
    )
    inside = in_tile(lon, lat, z, x, y)
    ids, lon, lat = ids[inside], lon[inside], lat[inside]
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
    rows = routes_in_box(session, _pixel_box(z, x, y, ROUTE_MARGIN_PX), inspection_ids)
    clipped = clip_parts(shapes.at_zoom(session, rows, z), x, y, ROUTE_MARGIN_PX,
                         MAX_ROUTE_VERTICES)
    routes = [
        (row, to_lonlat_parts(found, z, lonlat_digits(z)))
        for row, found in zip(rows, clipped.pieces, strict=True) if found
    ]
    return TileRecords(clusters, singles, routes, clipped.omitted)
