"""Read models of the app's pages: the Tablero, the lists and each record's page.

Records come back as ORM objects and maps as :class:`~cases.map_data.MapData`; no HTML, no
URLs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from cases.errors import NotFoundError
from cases.map_data import (
    MapData,
    boundaries_frame,
    empty_map,
    findings_frame,
    focus_of,
    nearby,
    overview_map,
    river_frame,
    routes_frame,
    sites_frame,
    zones_frame,
)
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
    Watercourse,
    ZoneStatus,
)

__all__ = [
    "overview_map",
    "Dashboard",
    "IndicatorProgress",
    "RecordPage",
    "dashboard",
    "list_zones",
    "list_cases",
    "list_meetings",
    "list_inspections",
    "zone_page",
    "case_page",
    "meeting_page",
    "inspection_page",
]


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
            boundaries=boundaries_frame(nearby(session, BoundaryVersion, zone.geometry)),
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
            boundaries=boundaries_frame(nearby(session, BoundaryVersion, union)),
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
            boundaries=boundaries_frame(nearby(session, BoundaryVersion, union)),
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
            boundaries=boundaries_frame(nearby(session, BoundaryVersion, inspection.route)),
            zones=zones_frame([inspection.zone] if inspection.zone else []),
            river=river_frame(nearby(session, Watercourse, inspection.route)),
            routes=routes_frame([inspection]),
            findings=findings_frame(inspection.findings),
        ),
        findings=sorted(
            inspection.findings,
            key=lambda f: (f.river_km is None, f.river_km or 0.0, f.id),
        ),
    )
