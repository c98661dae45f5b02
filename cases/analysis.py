"""Boundary analysis applied to stored records.

Loads the current official frame, the claims and the dispute zones as GeoDataFrames and
keeps the derived fields of findings (who is responsible, position along the Atoyac) and
inspections (route length by municipality and dispute zone) up to date. The geometry itself
lives in :mod:`boundaries`; this module only feeds it and stores its answers.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable

import geopandas as gpd
import numpy as np
from shapely import MultiLineString, Point
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from boundaries.assign import DEFAULT_SHARED_DISTANCE_M, ResponsibilityIndex
from boundaries.linref import locate_along_river
from boundaries.routes import split_route
from cases.errors import InvalidInputError
from cases.importer import ImportSummary, add_boundaries
from cases.models import (
    BoundaryKind,
    BoundaryVersion,
    DisputeZone,
    Finding,
    FindingCategory,
    Inspection,
    Municipality,
    Watercourse,
)

__all__ = [
    "RIVER_NAME",
    "latest_versions",
    "official_frame",
    "claim_layers",
    "disputes_frame",
    "responsibility",
    "versions_frame",
    "annotate_findings",
    "annotate_route",
    "annotate_routes",
    "add_finding",
    "set_route",
    "refresh_all",
    "refresh_derived",
    "import_and_refresh",
    "stored_river",
]

log = logging.getLogger(__name__)

CRS = "EPSG:4326"
RIVER_NAME = "Río Atoyac"


def _latest(versions: Iterable[BoundaryVersion], key) -> list[BoundaryVersion]:
    """Keep the newest version per ``key`` (by date, then by id)."""
    newest: dict = {}
    for version in versions:
        k = key(version)
        rank = (version.valid_from.toordinal() if version.valid_from else 0, version.id)
        if k not in newest or rank > newest[k][0]:
            newest[k] = (rank, version)
    return [v for _, v in sorted(newest.values(), key=lambda item: item[1].id)]


def _versions(session: Session, kind: BoundaryKind) -> list[BoundaryVersion]:
    return session.scalars(
        select(BoundaryVersion)
        .options(selectinload(BoundaryVersion.municipality), selectinload(BoundaryVersion.claimant))
        .where(BoundaryVersion.kind == kind)
        .order_by(BoundaryVersion.id)
    ).all()


def versions_frame(versions: Iterable[BoundaryVersion], party_of_claimant: bool = False):
    """Versions as a GeoDataFrame with ``code`` (the party), ``name`` and ``version_id``."""
    rows = []
    for v in versions:
        party = v.claimant if (party_of_claimant and v.claimant) else v.municipality
        rows.append(
            {"code": party.cvegeo, "name": party.name, "version_id": v.id, "geometry": v.geometry}
        )
    if not rows:
        return gpd.GeoDataFrame(
            {"code": [], "name": [], "version_id": []}, geometry=gpd.GeoSeries([], crs=CRS)
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def latest_versions(session: Session, kind: BoundaryKind) -> list[BoundaryVersion]:
    """The newest stored version of ``kind`` of each municipality."""
    return _latest(_versions(session, kind), lambda v: v.municipality_id)


def official_frame(session: Session) -> gpd.GeoDataFrame:
    """The current official frame: the newest official version of each municipality."""
    return versions_frame(latest_versions(session, BoundaryKind.OFFICIAL))


def claim_layers(session: Session) -> dict[str, gpd.GeoDataFrame]:
    """Each party's current claims, by the claiming party's name, code = the party."""
    versions = _latest(
        _versions(session, BoundaryKind.CLAIM),
        lambda v: (v.claimant_id or v.municipality_id, v.municipality_id),
    )
    layers: dict[str, list[BoundaryVersion]] = {}
    for version in versions:
        party = version.claimant or version.municipality
        layers.setdefault(party.name, []).append(version)
    return {name: versions_frame(vs, party_of_claimant=True) for name, vs in layers.items()}


def disputes_frame(session: Session) -> gpd.GeoDataFrame:
    """Dispute zones as a layer for the analyses.

    ``parties`` holds the zone's name (so route lengths come out per zone) and
    ``municipalities`` the codes of the municipalities involved.
    """
    zones = session.scalars(
        select(DisputeZone).options(selectinload(DisputeZone.municipalities))
        .order_by(DisputeZone.id)
    ).all()
    return gpd.GeoDataFrame(
        {
            "parties": [(z.name,) for z in zones],
            "zone_id": [z.id for z in zones],
            "municipalities": [tuple(m.cvegeo for m in z.municipalities) for z in zones],
        },
        geometry=gpd.GeoSeries([z.geometry for z in zones], crs=CRS),
        crs=CRS,
    )


def responsibility(
    session: Session,
    points: gpd.GeoSeries,
    frame: gpd.GeoDataFrame,
    claims: dict[str, gpd.GeoDataFrame],
    shared_distance_m: float = DEFAULT_SHARED_DISTANCE_M,
):
    """Who is responsible for each point, stored dispute zones included.

    The columns of :meth:`boundaries.assign.ResponsibilityIndex.assign`, where a point inside
    a stored dispute zone is also ``dispute`` and ``shared`` and its ``parties`` include the
    zone's municipalities; ``zones`` lists the names of the zones it lies in.
    """
    index = ResponsibilityIndex(frame, claims, shared_distance_m=shared_distance_m)
    table = index.assign(points)
    disputes = disputes_frame(session)
    point_pos, zone_pos = disputes.sindex.query(points.to_crs(CRS), predicate="intersects")
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


def stored_river(session: Session) -> Watercourse | None:
    """The stored Río Atoyac, or ``None`` when there is none."""
    return session.scalar(select(Watercourse).where(Watercourse.name == RIVER_NAME))


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def annotate_findings(
    session: Session,
    findings: list[Finding],
    shared_distance_m: float = DEFAULT_SHARED_DISTANCE_M,
) -> None:
    """Fill the derived fields of ``findings`` (no transaction handling: the caller's).

    Responsibility comes from the official frame and each claim, "shared" from the dispute
    zones and the distance to a limit; the river fields from the Atoyac, when stored.
    """
    if not findings:
        return
    points = gpd.GeoSeries([f.geometry for f in findings], crs=CRS)
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
            finding.limit_distance_m = _number(row["limit_distance_m"])
    river = stored_river(session)
    if river is not None:
        located = locate_along_river(points, gpd.GeoSeries([river.geometry], crs=CRS))
        for finding, row in zip(findings, located.to_dict("records"), strict=True):
            finding.river_km = float(row["km"])
            finding.river_distance_m = float(row["distance_m"])
            finding.river_bank = row["bank"]


def annotate_routes(session: Session, inspections: list[Inspection]) -> None:
    """Fill the route length by municipality and by dispute zone (caller's transaction).

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


def annotate_route(session: Session, inspection: Inspection) -> None:
    """Fill one inspection's route split (caller's transaction)."""
    annotate_routes(session, [inspection])


def _store_split(
    inspection: Inspection,
    frame: gpd.GeoDataFrame,
    disputes: gpd.GeoDataFrame | None,
    names: dict[str, str],
) -> None:
    result = split_route(gpd.GeoSeries([inspection.route], crs=CRS), frame, disputes)
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
    """Add a finding to ``inspection`` with its derived fields (caller's transaction)."""
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
    """Replace the route of ``inspection`` and recompute its split (caller's transaction)."""
    if route is not None and (not isinstance(route, MultiLineString) or route.is_empty):
        raise InvalidInputError("la ruta de un recorrido debe ser una MultiLineString no vacía")
    inspection.route = route
    annotate_route(session, inspection)


def refresh_derived(session: Session) -> dict[str, int]:
    """Recompute every finding and route inside the caller's transaction."""
    findings = session.scalars(select(Finding).order_by(Finding.id)).all()
    annotate_findings(session, list(findings))
    inspections = session.scalars(select(Inspection).order_by(Inspection.id)).all()
    annotate_routes(session, list(inspections))
    return {"hallazgos": len(findings), "recorridos": len(inspections)}


def refresh_all(session: Session) -> dict[str, int]:
    """Recompute every finding and route, in one transaction of its own."""
    with session.begin():
        return refresh_derived(session)


def import_and_refresh(
    session: Session,
    frame: gpd.GeoDataFrame,
    progress: Callable[[str], None] | None = None,
    **options,
) -> ImportSummary:
    """Import boundary polygons and recompute what depends on them, in one transaction.

    Takes the options of :func:`cases.importer.add_boundaries`. New limits change who is
    responsible for each finding and how routes split, so both are recomputed before the
    commit; an error anywhere leaves the database as it was.
    """
    with session.begin():
        summary = add_boundaries(session, frame, progress=progress, **options)
        if summary.added:
            if progress:
                progress("Recalculando responsables de hallazgos y longitudes de recorridos…")
            session.flush()
            refresh_derived(session)
    return summary
