"""The layers derived facts are computed from, indexed once per process and shared by threads.

A finding's responsible municipality (and whether it is «Compartido»), its km along the
Atoyac and a route's split by municipality and dispute zone all read the same layers: the
frame in force, the claims, the dispute zones and the river. Indexing them (limits checked
and projected to metres, STRtrees, the far-field grid of
:class:`~boundaries.assign.ResponsibilityIndex`) takes about a second and a couple of hundred
megabytes with INEGI's 570 municipalities: done for every saved finding, it made each one cost
a second inside the write transaction and left every server thread holding its own copy.

:func:`frame_index` builds the index once per database and keeps it for every thread of the
process. It is keyed by :func:`layers_fingerprint`, a cheap read of what the layers are made
of (ids, versions, content hashes), so the index is built again, once, when any of them
changes (another frame put in force, a zone edited, a river replaced), by this process or
any other. The index is read-only; its computations run one at a time (GEOS' prepared
geometries complete their own caches on first use, which is not safe from two threads).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import logging
import math
import threading
from collections import OrderedDict
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.assign import SHARED_DISTANCE_M, ResponsibilityIndex
from boundaries.crs import STORAGE_CRS
from boundaries.linref import locate_along_river
from boundaries.routes import RouteSplit, RouteSplitter
from cases.errors import boundary_errors
from cases.frames.stored_layers import (
    claim_layers,
    disputes_frame,
    official_frame,
    stored_rivers,
)
from cases.storage.models import (
    BoundaryVersion,
    DisputeZone,
    Frame,
    Municipality,
    Watercourse,
    zone_municipalities,
)

__all__ = [
    "FrameIndex",
    "RIVER_REACH_M",
    "nearest_river_positions",
    "frame_index",
    "layers_fingerprint",
    "with_dispute_zones",
    "index_builds",
]

log = logging.getLogger(__name__)

# Databases whose index is kept (one index each: the one of its current layers). A server
# has one; the test suite goes through many small ones.
MAX_DATABASES = 4
#: A point farther than this from every stored river has no river km.
RIVER_REACH_M = 5_000.0


class FrameIndex:
    """The frame in force, the claims, the dispute zones and the river, ready to query.

    Built by :func:`frame_index`; every method returns ``None`` when the layer it needs is
    not stored (no frame in force, no river).
    """

    def __init__(self, key: str, frame, claims, disputes, river) -> None:
        self.key = key
        self.frame: gpd.GeoDataFrame = frame
        self.claims: dict[str, gpd.GeoDataFrame] = claims
        self.names: dict[str, str] = dict(zip(frame["code"], frame["name"], strict=True))
        self._disputes: gpd.GeoDataFrame = disputes
        disputes.sindex  # noqa: B018 - built now, not lazily by two threads at once
        self._river = river
        self._lock = threading.Lock()
        self._assigner = None
        self._splitter = None
        if len(frame):
            with boundary_errors():
                self._assigner = ResponsibilityIndex(frame, claims)
                self._splitter = RouteSplitter(frame, disputes if len(disputes) else None)

    def responsibility(
        self, points: gpd.GeoSeries, shared_distance_m: float = SHARED_DISTANCE_M
    ) -> pd.DataFrame | None:
        """Who is responsible for each point, stored dispute zones included.

        The columns of :meth:`boundaries.assign.ResponsibilityIndex.assign` merged with the
        dispute zones by :func:`with_dispute_zones`.
        """
        if self._assigner is None:
            return None
        with self._lock, boundary_errors():
            if shared_distance_m == self._assigner.shared_distance_m:
                table = self._assigner.assign(points)
            else:
                table = ResponsibilityIndex(
                    self.frame, self.claims, shared_distance_m=shared_distance_m
                ).assign(points)
            return with_dispute_zones(table, points, self._disputes)

    def river_positions(self, points: gpd.GeoSeries) -> pd.DataFrame | None:
        """Km along the nearest stored river, distance, bank and river of each point."""
        if self._river is None:
            return None
        with self._lock, boundary_errors():
            return nearest_river_positions(points, self._river)

    def split(self, route: gpd.GeoSeries, *, with_disputes: bool = True) -> RouteSplit | None:
        """Split ``route`` by the municipalities of the frame and by the dispute zones."""
        if self._splitter is None:
            return None
        with self._lock, boundary_errors():
            return self._splitter.split(route, with_disputes=with_disputes)


def with_dispute_zones(
    table: pd.DataFrame, points: gpd.GeoSeries, disputes: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Add the stored dispute zones to an assignment ``table`` of ``points``.

    A point inside a zone is also ``dispute`` and ``shared`` and its ``parties`` include the
    zone's municipalities; ``zones`` lists the names of the zones it lies in.
    """
    point_pos, zone_pos = disputes.sindex.query(points.to_crs(STORAGE_CRS), predicate="intersects")
    zones: list[list[str]] = [[] for _ in range(len(points))]
    parties = [set(p) for p in table["parties"]]
    for p, z in zip(point_pos, zone_pos, strict=True):
        zones[p].append(disputes["parties"].iloc[z][0])
        parties[p].update(disputes["municipalities"].iloc[z])
    inside = np.array([bool(z) for z in zones], dtype=bool)
    table["dispute"] = table["dispute"].astype(bool) | inside
    table["shared"] = table["shared"].astype(bool) | inside
    table["parties"] = [tuple(sorted(p)) for p in parties]
    table["zones"] = zones
    return table


def nearest_river_positions(
    points: gpd.GeoSeries,
    rivers: gpd.GeoDataFrame,
    reach_m: float = RIVER_REACH_M,
    reverse: bool = False,
) -> pd.DataFrame:
    """Km along the nearest of ``rivers``, distance to it, bank and its name, per point.

    The columns of :func:`boundaries.linref.locate_along_river` plus ``river`` (the name);
    a point farther than ``reach_m`` from every river has ``None`` in all four.

    Examples
    --------
    >>> from shapely import LineString, Point
    >>> rivers = gpd.GeoDataFrame({"name": ["Río A", "Río B"]}, geometry=[
    ...     LineString([(0, 0), (0, -3000)]), LineString([(9000, 0), (9000, -3000)])], crs=6372)
    >>> points = gpd.GeoSeries([Point(10, -500), Point(8900, -1000), Point(4500, 0)], crs=6372)
    >>> nearest_river_positions(points, rivers, reach_m=1000)[["km", "river"]].values.tolist()
    [[0.5, 'Río A'], [1.0, 'Río B'], [None, None]]
    """
    best = pd.DataFrame(
        {"km": None, "distance_m": math.inf, "bank": None, "river": None}, index=points.index
    )
    for name, geometry in zip(rivers["name"], rivers.geometry, strict=True):
        located = locate_along_river(
            points, gpd.GeoSeries([geometry], crs=rivers.crs), reverse=reverse
        )
        closer = (located["distance_m"] < best["distance_m"]).to_numpy()
        for column in ("km", "distance_m", "bank"):
            best.loc[closer, column] = located.loc[closer, column].to_numpy()
        best.loc[closer, "river"] = name
    best = best.astype(object)
    far = (best["distance_m"] > reach_m).to_numpy()
    best.loc[far, ["km", "distance_m", "bank", "river"]] = None
    return best


def _geometry_digest(geometry: BaseGeometry | None) -> str:
    return hashlib.sha256(geometry.wkb).hexdigest() if geometry is not None else ""


def layers_fingerprint(session: Session) -> str:
    """A digest of what the derived facts are computed from; it changes when any of it does.

    Reads no limit geometry: the stored versions carry the hash of theirs; the few dispute
    zones and the river are hashed here.
    """
    digest = hashlib.sha256()
    statements: list[Any] = [
        select(Frame.id, Frame.active, Frame.illustrative).order_by(Frame.id),
        select(BoundaryVersion.id, BoundaryVersion.kind, BoundaryVersion.municipality_id,
               BoundaryVersion.claimant_id, BoundaryVersion.frame_id,
               BoundaryVersion.valid_from, BoundaryVersion.fingerprint)
        .order_by(BoundaryVersion.id),
        select(Municipality.id, Municipality.cvegeo, Municipality.name).order_by(Municipality.id),
        select(zone_municipalities.c.zone_id, zone_municipalities.c.municipality_id)
        .order_by(zone_municipalities.c.zone_id, zone_municipalities.c.municipality_id),
        select(DisputeZone.id, DisputeZone.version, DisputeZone.name).order_by(DisputeZone.id),
    ]
    for statement in statements:
        for row in session.execute(statement):
            digest.update(repr(tuple(row)).encode())
        digest.update(b"|")
    for zone_id, geometry in session.execute(
        select(DisputeZone.id, DisputeZone.geometry).order_by(DisputeZone.id)
    ):
        digest.update(f"{zone_id}:{_geometry_digest(geometry)}".encode())
    for river in session.execute(
        select(Watercourse.id, Watercourse.name, Watercourse.geometry).order_by(Watercourse.id)
    ):
        digest.update(f"río {river.id} {river.name}:{_geometry_digest(river.geometry)}".encode())
    return digest.hexdigest()


class _IndexCache:
    """The index of each database's current layers; one build per key at a time."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, FrameIndex] = OrderedDict()
        self._building: dict[tuple[str, str], threading.Lock] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, session: Session) -> FrameIndex:
        bind = session.get_bind()
        database = bind.engine.url.render_as_string(hide_password=True)
        key = layers_fingerprint(session)
        with self._lock:
            found = self._lookup(database, key)
            if found is not None:
                return found
            building = self._building.setdefault((database, key), threading.Lock())
        with building:  # the other threads asking for this key wait for the first one's build
            with self._lock:
                found = self._lookup(database, key)
            if found is not None:
                return found
            try:
                index = _build(session, key)
            finally:
                with self._lock:
                    self._building.pop((database, key), None)
            with self._lock:
                self.builds += 1
                self._entries[database] = index  # replaces the index of older layers
                self._entries.move_to_end(database)
                while len(self._entries) > MAX_DATABASES:
                    self._entries.popitem(last=False)
            return index

    def _lookup(self, database: str, key: str) -> FrameIndex | None:
        index = self._entries.get(database)
        if index is None or index.key != key:
            return None
        self._entries.move_to_end(database)
        return index


def _build(session: Session, key: str) -> FrameIndex:
    frame = official_frame(session)
    rivers = stored_rivers(session)
    index = FrameIndex(
        key, frame, claim_layers(session), disputes_frame(session),
        rivers if len(rivers) else None,
    )
    log.info("derived-facts index built: %d municipalities, %d claim layers", len(frame),
             len(index.claims))
    _return_freed_memory()
    return index


def _return_freed_memory() -> None:
    # The build's temporaries (every limit sampled every 25 m: ~100 MB with INEGI's frame)
    # are freed, but glibc keeps their pages in the heap; give them back to the system.
    # Elsewhere (Windows, macOS) there is no malloc_trim and nothing to do.
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


_CACHE = _IndexCache()


def frame_index(session: Session) -> FrameIndex:
    """The index of the layers stored in ``session``'s database, built once per process.

    Only reads. Callers that then write compute what they need from it first, so the write
    transaction holds no geometry work.
    """
    return _CACHE.get(session)


def index_builds() -> int:
    """How many indexes this process has built (each change of the layers builds one)."""
    return _CACHE.builds
