"""Read models for the app's pages: plain records and GeoDataFrames, no HTML, no URLs.

Every map layer comes out as an EPSG:4326 GeoDataFrame with an ``id`` column and the
columns its map builder draws; the web layer adds links.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from cases.errors import NotFoundError
from cases.models import (
    Agreement,
    AgreementStatus,
    BoundaryVersion,
    Case,
    CaseStatus,
    DisputeZone,
    Finding,
    Indicator,
    Inspection,
    Meeting,
    Site,
    Watercourse,
    ZoneStatus,
)
from cases.spatial import bbox_filter, intersecting

__all__ = [
    "MapData",
    "area_of_interest",
    "boundaries_frame",
    "empty_map",
    "focus_of",
    "with_meetings",
    "zones_frame",
    "Dashboard",
    "dashboard",
    "overview_map",
    "list_zones",
    "list_cases",
    "list_meetings",
    "list_inspections",
    "zone_page",
    "case_page",
    "meeting_page",
    "inspection_page",
]

CRS = "EPSG:4326"
# How far around the unit's records the overview map reaches, in degrees (about 3 km).
AREA_MARGIN = 0.03


@dataclass
class MapData:
    """The layers of one map, each an EPSG:4326 GeoDataFrame (possibly empty)."""

    boundaries: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    river: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    findings: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    focus: tuple[float, float, float, float] | None = None
    # Analysis results drawn over the other layers: "overlaps", "gaps", "gained", "lost".
    analysis: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the layers by name, in drawing order."""
        return {
            "boundaries": self.boundaries,
            "zones": self.zones,
            "river": self.river,
            "routes": self.routes,
            "findings": self.findings,
            "sites": self.sites,
        }

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """``(west, south, east, north)`` to fit the map to: the focus or every layer."""
        if self.focus is not None:
            return self.focus
        frames = [f for f in self.layers().values() if len(f) and f.geometry.notna().any()]
        if not frames:
            return None
        boxes = [f.total_bounds for f in frames]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


def _frame(rows: list[dict], columns: Sequence[str]) -> gpd.GeoDataFrame:
    if not rows:
        return gpd.GeoDataFrame(
            {c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def _meeting_refs(meetings: Iterable[Meeting]) -> list[dict]:
    return [
        {"id": m.id, "date": m.date, "title": m.title}
        for m in sorted(meetings, key=lambda m: m.date)
    ]


BOUNDARY_COLUMNS = ("id", "municipality", "cvegeo", "kind", "kind_label", "claimant",
                    "source", "illustrative", "geometry")
ZONE_COLUMNS = ("id", "name", "kind_label", "status", "status_label", "description",
                "illustrative", "meetings", "geometry")
RIVER_COLUMNS = ("id", "name", "illustrative", "geometry")
ROUTE_COLUMNS = ("id", "title", "date", "illustrative", "geometry")
FINDING_COLUMNS = ("id", "category", "category_label", "description", "inspection_id",
                   "inspection", "illustrative", "geometry")
SITE_COLUMNS = ("id", "name", "description", "illustrative", "meetings", "geometry")


def boundaries_frame(versions: Iterable[BoundaryVersion]) -> gpd.GeoDataFrame:
    """Boundary versions as a layer."""
    return _frame(
        [
            {
                "id": v.id,
                "municipality": v.municipality.name,
                "cvegeo": v.municipality.cvegeo,
                "kind": v.kind.value,
                "kind_label": v.kind.label,
                "claimant": v.claimant.name if v.claimant else None,
                "source": v.source,
                "illustrative": v.illustrative,
                "geometry": v.geometry,
            }
            for v in versions
        ],
        BOUNDARY_COLUMNS,
    )


def zones_frame(zones: Iterable[DisputeZone]) -> gpd.GeoDataFrame:
    """Dispute zones as a layer, each with the meetings that dealt with it."""
    return _frame(
        [
            {
                "id": z.id,
                "name": z.name,
                "kind_label": z.kind.label,
                "status": z.status.value,
                "status_label": z.status.label,
                "description": z.description,
                "illustrative": z.illustrative,
                "meetings": _meeting_refs(z.meetings),
                "geometry": z.geometry,
            }
            for z in zones
        ],
        ZONE_COLUMNS,
    )


def river_frame(rivers: Iterable[Watercourse]) -> gpd.GeoDataFrame:
    """Watercourses as a layer."""
    return _frame(
        [{"id": r.id, "name": r.name, "illustrative": r.illustrative, "geometry": r.geometry}
         for r in rivers],
        RIVER_COLUMNS,
    )


def routes_frame(inspections: Iterable[Inspection]) -> gpd.GeoDataFrame:
    """Inspection routes as a layer (inspections without a route are left out)."""
    return _frame(
        [
            {"id": i.id, "title": i.title, "date": i.started_on,
             "illustrative": i.illustrative, "geometry": i.route}
            for i in inspections
            if i.route is not None
        ],
        ROUTE_COLUMNS,
    )


def findings_frame(findings: Iterable[Finding]) -> gpd.GeoDataFrame:
    """Findings as a point layer."""
    return _frame(
        [
            {
                "id": f.id,
                "category": f.category.value,
                "category_label": f.category.label,
                "description": f.description,
                "inspection_id": f.inspection_id,
                "inspection": f.inspection.title,
                "illustrative": f.illustrative,
                "geometry": f.geometry,
            }
            for f in findings
        ],
        FINDING_COLUMNS,
    )


def sites_frame(sites: Iterable[Site]) -> gpd.GeoDataFrame:
    """Sites as a point layer, each with the meetings held there or about it."""
    return _frame(
        [
            {
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "illustrative": s.illustrative,
                "meetings": _meeting_refs(s.meetings),
                "geometry": s.geometry,
            }
            for s in sites
        ],
        SITE_COLUMNS,
    )


def with_meetings(model):
    """Select ``model`` with its meetings loaded."""
    return select(model).options(selectinload(model.meetings))


def area_of_interest(session: Session) -> tuple[float, float, float, float] | None:
    """The bounding box of the unit's own records, widened by :data:`AREA_MARGIN`."""
    boxes = []
    for model in (DisputeZone, Inspection, Site, Finding):
        row = session.execute(
            select(func.min(model.min_x), func.min(model.min_y),
                   func.max(model.max_x), func.max(model.max_y))
        ).one()
        if row[0] is not None:
            boxes.append(row)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes) - AREA_MARGIN,
        min(b[1] for b in boxes) - AREA_MARGIN,
        max(b[2] for b in boxes) + AREA_MARGIN,
        max(b[3] for b in boxes) + AREA_MARGIN,
    )


def overview_map(session: Session) -> MapData:
    """Every layer around the unit's records (boundaries limited to that area)."""
    area = area_of_interest(session)
    versions = select(BoundaryVersion).options(
        selectinload(BoundaryVersion.municipality), selectinload(BoundaryVersion.claimant)
    )
    if area is not None:
        versions = bbox_filter(versions, BoundaryVersion, shapely.box(*area))
    return MapData(
        boundaries=boundaries_frame(session.scalars(versions.order_by(BoundaryVersion.id))),
        zones=zones_frame(session.scalars(with_meetings(DisputeZone).order_by(DisputeZone.id))),
        river=river_frame(session.scalars(select(Watercourse).order_by(Watercourse.id))),
        routes=routes_frame(session.scalars(select(Inspection).order_by(Inspection.id))),
        findings=findings_frame(
            session.scalars(
                select(Finding).options(selectinload(Finding.inspection)).order_by(Finding.id)
            )
        ),
        sites=sites_frame(session.scalars(with_meetings(Site).order_by(Site.id))),
    )


def empty_map(focus=None, analysis=None, **layers: gpd.GeoDataFrame) -> MapData:
    """A map whose layers not given are empty."""
    empty = {
        "boundaries": boundaries_frame([]),
        "zones": zones_frame([]),
        "river": river_frame([]),
        "routes": routes_frame([]),
        "findings": findings_frame([]),
        "sites": sites_frame([]),
    }
    empty.update(layers)
    return MapData(**empty, focus=focus, analysis=analysis or {})


def _nearby(session: Session, model, geometry, margin: float = 0.01):
    """Rows of ``model`` within ``margin`` degrees (about 1 km) of ``geometry``'s bounds."""
    if geometry is None:
        return []
    return intersecting(session, model, shapely.box(*geometry.bounds).buffer(margin))


def focus_of(*geometries, pad: float = 0.002) -> tuple[float, float, float, float] | None:
    """Bounds of ``geometries`` padded by ``pad`` degrees (about 200 m).

    The padding lets a lone point still show its surroundings.
    """
    shapes = [g for g in geometries if g is not None and not g.is_empty]
    if not shapes:
        return None
    west, south, east, north = shapely.GeometryCollection(shapes).bounds
    return (west - pad, south - pad, east + pad, north + pad)


# -- dashboard ---------------------------------------------------------------------------

@dataclass
class IndicatorProgress:
    """An indicator with the activities recorded for it."""

    indicator: Indicator
    activities: int

    @property
    def percent_of_goal(self) -> float:
        """Reached level as a share of the goal, 0–100."""
        reached = self.indicator.reached_percent or 0.0
        goal = self.indicator.goal_percent or 100.0
        return max(0.0, min(100.0, 100.0 * reached / goal))


@dataclass
class Dashboard:
    """What the Tablero shows."""

    open_cases: int
    cases_total: int
    zones_by_status: list[tuple[ZoneStatus, int]]
    next_agreements: list[Agreement]
    latest_meetings: list[Meeting]
    latest_inspections: list[Inspection]
    indicators: list[IndicatorProgress] = field(default_factory=list)


def dashboard(session: Session, limit: int = 5) -> Dashboard:
    """Counts, next agreements due, latest meetings and inspections, indicator progress."""
    counts = dict(
        session.execute(select(DisputeZone.status, func.count()).group_by(DisputeZone.status))

        .all()
    )
    activities = dict(
        session.execute(
            select(Meeting.indicator_id, func.count()).group_by(Meeting.indicator_id)
        ).all()
    )
    for indicator_id, n in session.execute(
        select(Inspection.indicator_id, func.count()).group_by(Inspection.indicator_id)
    ):
        activities[indicator_id] = activities.get(indicator_id, 0) + n
    return Dashboard(
        open_cases=session.scalar(
            select(func.count()).select_from(Case).where(Case.status != CaseStatus.CLOSED)
        ),
        cases_total=session.scalar(select(func.count()).select_from(Case)),
        zones_by_status=[(status, counts.get(status, 0)) for status in ZoneStatus],
        next_agreements=session.scalars(
            select(Agreement)
            .options(selectinload(Agreement.meeting), selectinload(Agreement.responsible))
            .where(Agreement.status.in_([AgreementStatus.PENDING, AgreementStatus.IN_PROGRESS]))
            .order_by(Agreement.due_date.is_(None), Agreement.due_date, Agreement.id)
            .limit(limit)
        ).all(),
        latest_meetings=session.scalars(
            select(Meeting).order_by(Meeting.date.desc(), Meeting.id.desc()).limit(limit)
        ).all(),
        latest_inspections=session.scalars(
            select(Inspection).order_by(Inspection.started_on.desc()).limit(limit)
        ).all(),
        indicators=[
            IndicatorProgress(indicator, activities.get(indicator.id, 0))
            for indicator in session.scalars(select(Indicator).order_by(Indicator.key))
        ],
    )


# -- lists -------------------------------------------------------------------------------

def list_zones(session: Session) -> list[DisputeZone]:
    """Every dispute zone, by name."""
    return session.scalars(
        select(DisputeZone).options(selectinload(DisputeZone.municipalities))
        .order_by(DisputeZone.name)
    ).all()


def list_cases(session: Session) -> list[Case]:
    """Every case, newest first."""
    return session.scalars(
        select(Case).options(selectinload(Case.zones)).order_by(Case.opened_on.desc())
    ).all()


def list_meetings(session: Session) -> list[Meeting]:
    """Every meeting, newest first."""
    return session.scalars(
        select(Meeting).options(selectinload(Meeting.indicator))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    ).all()


def list_inspections(session: Session) -> list[Inspection]:
    """Every inspection, newest first."""
    return session.scalars(
        select(Inspection).options(selectinload(Inspection.findings))
        .order_by(Inspection.started_on.desc())
    ).all()


# -- record pages ------------------------------------------------------------------------

def _get(session: Session, model, record_id: int, what: str):
    row = session.get(model, record_id)
    if row is None:
        raise NotFoundError(f"No existe {what} con número {record_id}.")
    return row


@dataclass
class RecordPage:
    """A record, the map of everything about it and its related inspections."""

    record: object
    map: MapData
    inspections: list[Inspection] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def zone_page(session: Session, zone_id: int) -> RecordPage:
    """A zone with its meetings' sites, its inspections and the limits around it."""
    zone: DisputeZone = _get(session, DisputeZone, zone_id, "la zona")
    sites = {s.id: s for m in zone.meetings for s in [*m.sites, m.venue] if s is not None}
    inspections = list(zone.inspections)
    for case in zone.cases:
        inspections.extend(i for i in case.inspections if i not in inspections)
    return RecordPage(
        zone,
        empty_map(
            focus=focus_of(zone.geometry, *(s.geometry for s in sites.values())),
            boundaries=boundaries_frame(_nearby(session, BoundaryVersion, zone.geometry)),
            zones=zones_frame([zone]),
            routes=routes_frame(inspections),
            findings=findings_frame(f for i in inspections for f in i.findings),
            sites=sites_frame(sites.values()),
        ),
        inspections,
    )


def case_page(session: Session, case_id: int) -> RecordPage:
    """A case with its zones, meetings' sites and inspections."""
    case: Case = _get(session, Case, case_id, "el expediente")
    sites = {s.id: s for m in case.meetings for s in [*m.sites, m.venue] if s is not None}
    union = shapely.union_all([z.geometry for z in case.zones]) if case.zones else None
    return RecordPage(
        case,
        empty_map(
            focus=focus_of(union, *(i.route for i in case.inspections)),
            boundaries=boundaries_frame(_nearby(session, BoundaryVersion, union)),
            zones=zones_frame(case.zones),
            routes=routes_frame(case.inspections),
            findings=findings_frame(f for i in case.inspections for f in i.findings),
            sites=sites_frame(sites.values()),
        ),
    )


def meeting_page(session: Session, meeting_id: int) -> RecordPage:
    """A meeting with the zones and sites it dealt with and where it was held."""
    meeting: Meeting = _get(session, Meeting, meeting_id, "la reunión")
    sites = {s.id: s for s in [*meeting.sites, meeting.venue] if s is not None}
    shapes = [z.geometry for z in meeting.zones] + [s.geometry for s in sites.values()]
    union = shapely.union_all(shapes) if shapes else None
    return RecordPage(
        meeting,
        empty_map(
            focus=focus_of(union),
            boundaries=boundaries_frame(_nearby(session, BoundaryVersion, union)),
            zones=zones_frame(meeting.zones),
            sites=sites_frame(sites.values()),
        ),
    )


def inspection_page(session: Session, inspection_id: int) -> RecordPage:
    """An inspection with its route, findings, zone and the river nearby."""
    inspection: Inspection = _get(session, Inspection, inspection_id, "el recorrido")
    return RecordPage(
        inspection,
        empty_map(
            focus=focus_of(inspection.route, *(f.geometry for f in inspection.findings)),
            boundaries=boundaries_frame(_nearby(session, BoundaryVersion, inspection.route)),
            zones=zones_frame([inspection.zone] if inspection.zone else []),
            river=river_frame(_nearby(session, Watercourse, inspection.route)),
            routes=routes_frame([inspection]),
            findings=findings_frame(inspection.findings),
        ),
        findings=sorted(
            inspection.findings,
            key=lambda f: (f.river_km is None, f.river_km or 0.0, f.id),
        ),
    )
