"""Derived fields of stored records, recomputed from the boundary analysis.

Who is responsible for each finding (and whether it is shared), where it lies along the
nearest river, and how each inspection's route splits by municipality and dispute zone. The facts
come from the process-wide index of the layers (:func:`cases.frames.index.frame_index`) and
are computed before anything is written: :func:`finding_facts` and :func:`route_facts` only
read, so a caller can compute them first and keep its write transaction short. Every
function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from shapely import MultiLineString, Point, to_wkb
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.assign import SHARED_DISTANCE_M, ResponsibilityIndex
from boundaries.crs import STORAGE_CRS
from boundaries.routes import split_route
from boundaries.values import plain_number
from cases.errors import InvalidInputError, boundary_errors
from cases.frames.index import (
    FrameIndex,
    frame_index,
    nearest_river_positions,
    with_dispute_zones,
)
from cases.frames.stored_layers import disputes_frame, stored_rivers
from cases.storage.models import (
    Finding,
    FindingCategory,
    Inspection,
    Municipality,
    layer_versions,
    pending_layers,
)

__all__ = [
    "FindingFacts",
    "RouteFacts",
    "responsibility",
    "finding_facts",
    "route_facts",
    "annotate_findings",
    "annotate_routes",
    "add_finding",
    "set_route",
    "refresh_derived",
    "river_positions",
    "river_names",
    "RiverStretch",
    "river_stretches",
    "route_split",
]

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class FindingFacts:
    """The derived fields of one finding, by attribute name.

    ``responsibility`` is ``None`` when no frame is in force and ``river`` when no river is
    stored: those fields are then left as they are.
    """

    responsibility: dict[str, Any] | None
    river: dict[str, Any] | None

    def apply(self, finding: Finding) -> None:
        """Set the fields on ``finding``."""
        for name, value in {**(self.responsibility or {}), **(self.river or {})}.items():
            setattr(finding, name, value)
        if self.responsibility is not None:
            # The column too, so a snapshot taken before the next flush (the audit) sees it.
            municipality = self.responsibility["official_municipality"]
            finding.official_municipality_id = municipality.id if municipality else None


@dataclass(frozen=True)
class RouteFacts:
    """A route's length and its split by municipality and dispute zone (``None``: unknown)."""

    length_m: float | None
    split: list[dict[str, Any]] | None

    def apply(self, inspection: Inspection) -> None:
        """Set the fields on ``inspection``."""
        inspection.route_length_m, inspection.route_split = self.length_m, self.split


def responsibility(
    session: Session,
    points: gpd.GeoSeries,
    frame: gpd.GeoDataFrame,
    claims: dict[str, gpd.GeoDataFrame],
    shared_distance_m: float = SHARED_DISTANCE_M,
):
    """Who is responsible for each point under ``frame`` and ``claims``, stored zones included.

    The columns of :meth:`boundaries.assign.ResponsibilityIndex.assign`, where a point inside
    a stored dispute zone is also ``dispute`` and ``shared`` and its ``parties`` include the
    zone's municipalities; ``zones`` lists the names of the zones it lies in. For layers
    given by the caller (files); stored records use :func:`finding_facts`.
    """
    with boundary_errors():
        index = ResponsibilityIndex(frame, claims, shared_distance_m=shared_distance_m)
        table = index.assign(points)
    return with_dispute_zones(table, points, disputes_frame(session))


def finding_facts(
    session: Session,
    points: Sequence[Point],
    shared_distance_m: float = SHARED_DISTANCE_M,
) -> list[FindingFacts]:
    """The derived fields of a finding at each of ``points`` (lon/lat); only reads.

    Responsibility comes from the official frame and each claim, "shared" from the dispute
    zones and the distance to a limit; the river fields from the nearest stored river within
    :data:`~cases.frames.index.RIVER_REACH_M` (none farther away).
    """
    if not points:
        return []
    series = gpd.GeoSeries(list(points), crs=STORAGE_CRS)
    index = frame_index(session)
    table = index.responsibility(series, shared_distance_m)
    located = index.river_positions(series)
    assigned: list[dict[str, Any] | None] = [None] * len(series)
    if table is not None:
        codes = {code for code in table["official"] if code is not None}
        by_code = {
            m.cvegeo: m
            for m in session.scalars(select(Municipality).where(Municipality.cvegeo.in_(codes)))
        } if codes else {}
        claim_columns = [c for c in table.columns if c.startswith("claim:")]
        assigned = [
            {
                "official_municipality": by_code.get(row["official"]),
                "claims": {c.removeprefix("claim:"): row[c] for c in claim_columns},
                "parties": list(row["parties"]),
                "in_dispute": bool(row["dispute"]),
                "shared": bool(row["shared"]),
                "limit_distance_m": plain_number(row["limit_distance_m"]),
            }
            for row in table.to_dict("records")
        ]
    river: list[dict[str, Any] | None] = [None] * len(series)
    if located is not None:
        river = [
            {"river_km": plain_number(row["km"]),
             "river_distance_m": plain_number(row["distance_m"]), "river_bank": row["bank"]}
            for row in located.to_dict("records")
        ]
    return [FindingFacts(a, r) for a, r in zip(assigned, river, strict=True)]


def river_names(session: Session, points: Sequence[Point]) -> list[str | None]:
    """The stored river each of ``points`` (lon/lat) is measured along (``None``: none near).

    The same rule as the river fields of :func:`finding_facts`, for pages that show the km;
    it reads only the rivers, not the frame index (a page must not build it).
    """
    if not points:
        return []

    def measure(rivers: gpd.GeoDataFrame) -> list[str | None]:
        if not len(rivers):
            return [None] * len(points)
        with boundary_errors():
            located = nearest_river_positions(
                gpd.GeoSeries(list(points), crs=STORAGE_CRS), rivers)
        return list(located["river"])

    return _remembered(session, "names", points, measure)


@dataclass(frozen=True)
class RiverStretch:
    """The stretch of a river a route walked along: from km to km, as findings are measured."""

    river: str
    km_from: float
    km_to: float


# Vertices of a route read to find its stretch of river (a long track is sampled evenly).
_STRETCH_SAMPLE = 2000
# Answers already measured along the rivers, by what was asked and the rivers stored: each
# view of an inspection's page asks the same (measuring takes ≈ 10–15 ms each time).
_MEASURED: OrderedDict[tuple, list] = OrderedDict()
_MEASURED_LOCK = threading.Lock()
_MEASURED_MAX = 1024


def _remembered(session: Session, what: str, shapes: Sequence[BaseGeometry],
                measure: Callable[[gpd.GeoDataFrame], list]) -> list:
    """``measure(rivers)`` with the stored rivers, or its answer for the same ``shapes``.

    Rivers are in the "limits" layer: its version names them, so they are read only when
    something must be measured. A transaction that has written limits measures afresh.
    """
    if "limits" in pending_layers(session):
        return measure(stored_rivers(session))
    key = (what, hashlib.sha256(b"".join(to_wkb(list(shapes)))).digest(),
           layer_versions(session).get("limits"))
    with _MEASURED_LOCK:
        if key in _MEASURED:
            _MEASURED.move_to_end(key)
            return list(_MEASURED[key])
    answer = measure(stored_rivers(session))
    with _MEASURED_LOCK:
        _MEASURED[key] = answer
        while len(_MEASURED) > _MEASURED_MAX:
            _MEASURED.popitem(last=False)
    return list(answer)


def river_stretches(session: Session, route: MultiLineString | None) -> list[RiverStretch]:
    """The stretches of the stored rivers ``route`` runs along, upstream first.

    Each vertex of the route (sampled evenly beyond 2,000) is measured as a finding would be
    (:func:`nearest_river_positions`, within the same reach); the stretch of each river is
    from its least to its greatest km. Only reads.
    """
    if route is None:
        return []
    return _remembered(session, "stretches", [route],
                       lambda rivers: _measure_stretches(route, rivers))


def _measure_stretches(route: MultiLineString, rivers: gpd.GeoDataFrame) -> list[RiverStretch]:
    import numpy as np
    from shapely import get_coordinates, points

    if not len(rivers):
        return []
    coordinates = get_coordinates(route)
    if len(coordinates) > _STRETCH_SAMPLE:
        coordinates = coordinates[np.linspace(0, len(coordinates) - 1, _STRETCH_SAMPLE,
                                              dtype=int)]
    with boundary_errors():
        located = nearest_river_positions(
            gpd.GeoSeries(points(coordinates), crs=STORAGE_CRS), rivers)
    located = located[located["river"].notna()]
    stretches = [
        RiverStretch(str(name), float(min(group["km"])), float(max(group["km"])))
        for name, group in located.groupby("river", sort=True)
    ]
    return sorted(stretches, key=lambda s: (s.river, s.km_from))


def route_facts(session: Session, route: MultiLineString | None) -> RouteFacts:
    """The length and split of ``route`` (lon/lat) under the frame in force; only reads."""
    if route is None:
        return RouteFacts(None, None)
    return _route_facts(frame_index(session), route)


def _route_facts(index: FrameIndex, route: MultiLineString | None) -> RouteFacts:
    if route is None:
        return RouteFacts(None, None)
    result = index.split(gpd.GeoSeries([route], crs=STORAGE_CRS))
    if result is None:
        return RouteFacts(None, None)
    return RouteFacts(float(result.length_m), [
        {
            "kind": row["kind"],
            "parties": list(row["parties"]),
            "names": [index.names.get(p, p) for p in row["parties"]],
            "length_m": float(row["length_m"]),
            "share": float(row["share"]),
        }
        for row in result.parts.drop(columns=result.parts.geometry.name).to_dict("records")
    ])


def annotate_findings(
    session: Session,
    findings: list[Finding],
    shared_distance_m: float = SHARED_DISTANCE_M,
) -> None:
    """Fill the derived fields of ``findings`` (see :func:`finding_facts`)."""
    facts = finding_facts(session, [f.geometry for f in findings], shared_distance_m)
    for finding, fact in zip(findings, facts, strict=True):
        fact.apply(finding)


def annotate_routes(session: Session, inspections: list[Inspection]) -> None:
    """Fill the route length by municipality and by dispute zone (see :func:`route_facts`)."""
    if not any(i.route is not None for i in inspections):
        for inspection in inspections:
            RouteFacts(None, None).apply(inspection)
        return
    index = frame_index(session)
    for inspection in inspections:
        _route_facts(index, inspection.route).apply(inspection)


def river_positions(session: Session, points: gpd.GeoSeries, reverse: bool = False):
    """Kilometre along the nearest stored river, distance to it, bank and river of ``points``.

    The columns of :func:`cases.frames.index.nearest_river_positions`, at any distance; an
    error when no river is stored.
    """
    rivers = stored_rivers(session)
    if not len(rivers):
        raise InvalidInputError(
            "no hay un río guardado; impórtelo con «limites import-lines ARCHIVO --kind rio "
            "--name NOMBRE» (o cargue la demostración) antes de usar este comando"
        )
    with boundary_errors():
        return nearest_river_positions(points, rivers, reach_m=math.inf, reverse=reverse)


def route_split(
    lines: gpd.GeoSeries | gpd.GeoDataFrame,
    frame: gpd.GeoDataFrame,
    disputes: gpd.GeoDataFrame | None,
):
    """Split ``lines`` (one route) by the municipalities of ``frame`` and by ``disputes``."""
    with boundary_errors():
        zones = disputes if disputes is not None and len(disputes) else None
        return split_route(lines, frame, zones)


def add_finding(
    session: Session,
    inspection: Inspection,
    category: FindingCategory,
    point: Point,
    description: str,
    *,
    illustrative: bool = False,
    facts: FindingFacts | None = None,
) -> Finding:
    """Add a finding to ``inspection`` with its derived fields.

    ``facts`` are the point's, computed earlier by :func:`finding_facts` (outside the write
    transaction); they are computed here, before the finding is added, when not given.
    """
    if not isinstance(point, Point) or point.is_empty:
        raise InvalidInputError("un hallazgo necesita un punto (longitud, latitud)")
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        raise InvalidInputError(
            f"coordenadas fuera de rango: {point.x}, {point.y} (se espera longitud, latitud)"
        )
    if facts is None:
        (facts,) = finding_facts(session, [point])
    finding = Finding(
        category=category, geometry=point, description=description, illustrative=illustrative
    )
    inspection.findings.append(finding)
    facts.apply(finding)
    return finding


def set_route(
    session: Session,
    inspection: Inspection,
    route: MultiLineString | None,
    facts: RouteFacts | None = None,
) -> None:
    """Replace the route of ``inspection`` with its split.

    ``facts`` are the route's, from :func:`route_facts`; computed here (before the route is
    set) when not given.
    """
    if route is not None and (not isinstance(route, MultiLineString) or route.is_empty):
        raise InvalidInputError("la ruta de un recorrido debe ser una MultiLineString no vacía")
    if facts is None:
        facts = route_facts(session, route)
    inspection.route = route
    facts.apply(inspection)


def refresh_derived(session: Session) -> dict[str, int]:
    """Recompute every finding and route; returns how many of each."""
    findings = session.scalars(select(Finding).order_by(Finding.id)).all()
    annotate_findings(session, list(findings))
    inspections = session.scalars(select(Inspection).order_by(Inspection.id)).all()
    annotate_routes(session, list(inspections))
    return {"hallazgos": len(findings), "recorridos": len(inspections)}
