"""Derived fields of stored records, recomputed from the boundary analysis.

Who is responsible for each finding (and whether it is shared), where it lies along the
Atoyac, and how each inspection's route splits by municipality and dispute zone. Every
function works inside the caller's transaction and never commits.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
from shapely import MultiLineString, Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from boundaries.assign import DEFAULT_SHARED_DISTANCE_M, ResponsibilityIndex
from boundaries.crs import STORAGE_CRS
from boundaries.linref import locate_along_river
from boundaries.routes import split_route
from boundaries.values import plain_number
from cases.errors import InvalidInputError, boundary_errors
from cases.layers import (
    RIVER_NAME,
    claim_layers,
    disputes_frame,
    official_frame,
    stored_river,
)
from cases.models import Finding, FindingCategory, Inspection, Municipality

__all__ = [
    "SHARED_DISTANCE_M",
    "responsibility",
    "annotate_findings",
    "annotate_routes",
    "add_finding",
    "set_route",
    "refresh_derived",
    "river_positions",
    "route_split",
]

log = logging.getLogger(__name__)

# A finding this close to a limit (in metres) concerns both municipalities.
SHARED_DISTANCE_M = DEFAULT_SHARED_DISTANCE_M


def responsibility(
    session: Session,
    points: gpd.GeoSeries,
    frame: gpd.GeoDataFrame,
    claims: dict[str, gpd.GeoDataFrame],
    shared_distance_m: float = SHARED_DISTANCE_M,
):
    """Who is responsible for each point, stored dispute zones included.

    The columns of :meth:`boundaries.assign.ResponsibilityIndex.assign`, where a point inside
    a stored dispute zone is also ``dispute`` and ``shared`` and its ``parties`` include the
    zone's municipalities; ``zones`` lists the names of the zones it lies in.
    """
    with boundary_errors():
        index = ResponsibilityIndex(frame, claims, shared_distance_m=shared_distance_m)
        table = index.assign(points)
    disputes = disputes_frame(session)
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


def annotate_findings(
    session: Session,
    findings: list[Finding],
    shared_distance_m: float = SHARED_DISTANCE_M,
) -> None:
    """Fill the derived fields of ``findings``.

    Responsibility comes from the official frame and each claim, "shared" from the dispute
    zones and the distance to a limit; the river fields from the Atoyac, when stored.
    """
    if not findings:
        return
    points = gpd.GeoSeries([f.geometry for f in findings], crs=STORAGE_CRS)
    frame = official_frame(session)
    if len(frame):
        table = responsibility(
            session, points, frame, claim_layers(session), shared_distance_m
        )
        by_code = {
            m.cvegeo: m
            for m in session.scalars(
                select(Municipality).where(Municipality.cvegeo.in_(frame["code"].tolist()))
            )
        }
        for finding, row in zip(findings, table.to_dict("records"), strict=True):
            finding.official_municipality = by_code.get(row["official"])
            finding.claims = {
                column.removeprefix("claim:"): row[column]
                for column in table.columns
                if column.startswith("claim:")
            }
            finding.parties = list(row["parties"])
            finding.in_dispute = bool(row["dispute"])
            finding.shared = bool(row["shared"])
            finding.limit_distance_m = plain_number(row["limit_distance_m"])
    river = stored_river(session)
    if river is not None:
        with boundary_errors():
            located = locate_along_river(points, gpd.GeoSeries([river.geometry], crs=STORAGE_CRS))
        for finding, row in zip(findings, located.to_dict("records"), strict=True):
            finding.river_km = float(row["km"])
            finding.river_distance_m = float(row["distance_m"])
            finding.river_bank = row["bank"]


def annotate_routes(session: Session, inspections: list[Inspection]) -> None:
    """Fill the route length by municipality and by dispute zone.

    The official frame and the dispute zones are loaded once for all ``inspections``.
    """
    routed = [i for i in inspections if i.route is not None]
    for inspection in inspections:
        inspection.route_length_m, inspection.route_split = None, None
    if not routed:
        return
    frame = official_frame(session)
    if not len(frame):
        return
    names = dict(zip(frame["code"], frame["name"], strict=True))
    disputes = disputes_frame(session)
    for inspection in routed:
        _store_split(inspection, frame, disputes if len(disputes) else None, names)


def river_positions(session: Session, points: gpd.GeoSeries, reverse: bool = False):
    """Kilometre along the stored Atoyac, distance to it and bank of each of ``points``.

    The columns of :func:`boundaries.linref.locate_along_river`; an error when no river is
    stored.
    """
    river = stored_river(session)
    if river is None:
        raise InvalidInputError(
            f"no hay un río guardado con el nombre «{RIVER_NAME}»; "
            "cárguelo (p. ej. con «limites demo») antes de usar este comando"
        )
    with boundary_errors():
        line = gpd.GeoSeries([river.geometry], crs=STORAGE_CRS)
        return locate_along_river(points, line, reverse=reverse)


def route_split(
    lines: gpd.GeoSeries | gpd.GeoDataFrame,
    frame: gpd.GeoDataFrame,
    disputes: gpd.GeoDataFrame | None,
):
    """Split ``lines`` (one route) by the municipalities of ``frame`` and by ``disputes``."""
    with boundary_errors():
        zones = disputes if disputes is not None and len(disputes) else None
        return split_route(lines, frame, zones)


def _store_split(
    inspection: Inspection,
    frame: gpd.GeoDataFrame,
    disputes: gpd.GeoDataFrame | None,
    names: dict[str, str],
) -> None:
    result = route_split(gpd.GeoSeries([inspection.route], crs=STORAGE_CRS), frame, disputes)
    inspection.route_length_m = float(result.length_m)
    inspection.route_split = [
        {
            "kind": row["kind"],
            "parties": list(row["parties"]),
            "names": [names.get(p, p) for p in row["parties"]],
            "length_m": float(row["length_m"]),
            "share": float(row["share"]),
        }
        for row in result.parts.drop(columns=result.parts.geometry.name).to_dict("records")
    ]


def add_finding(
    session: Session,
    inspection: Inspection,
    category: FindingCategory,
    point: Point,
    description: str,
    *,
    illustrative: bool = False,
) -> Finding:
    """Add a finding to ``inspection`` with its derived fields."""
    if not isinstance(point, Point) or point.is_empty:
        raise InvalidInputError("un hallazgo necesita un punto (longitud, latitud)")
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        raise InvalidInputError(
            f"coordenadas fuera de rango: {point.x}, {point.y} (se espera longitud, latitud)"
        )
    finding = Finding(
        category=category, geometry=point, description=description, illustrative=illustrative
    )
    inspection.findings.append(finding)
    annotate_findings(session, [finding])
    return finding


def set_route(session: Session, inspection: Inspection, route: MultiLineString | None) -> None:
    """Replace the route of ``inspection`` and recompute its split."""
    if route is not None and (not isinstance(route, MultiLineString) or route.is_empty):
        raise InvalidInputError("la ruta de un recorrido debe ser una MultiLineString no vacía")
    inspection.route = route
    annotate_routes(session, [inspection])


def refresh_derived(session: Session) -> dict[str, int]:
    """Recompute every finding and route; returns how many of each."""
    findings = session.scalars(select(Finding).order_by(Finding.id)).all()
    annotate_findings(session, list(findings))
    inspections = session.scalars(select(Inspection).order_by(Inspection.id)).all()
    annotate_routes(session, list(inspections))
    return {"hallazgos": len(findings), "recorridos": len(inspections)}
