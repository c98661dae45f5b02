"""Page models of the overview map and of each record's page."""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from sqlalchemy.orm import Session

from cases import queries
from cases.models import Finding, Inspection
from geo_app.pages.layers import MapData, around, focus_of, record_map

__all__ = [
    "OVERVIEW_MARGIN",
    "RecordPage",
    "overview_map",
    "zone_page",
    "case_page",
    "meeting_page",
    "inspection_page",
]

# How far around the unit's records the overview map reaches, in degrees (about 3 km).
OVERVIEW_MARGIN = 0.03


@dataclass
class RecordPage:
    """A record, the map of everything about it and its related inspections and findings."""

    record: object
    map: MapData
    inspections: list[Inspection] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def overview_map(session: Session) -> MapData:
    """Every layer around the unit's records (limits only in that area)."""
    bounds = queries.records_bounds(session)
    area = shapely.box(*bounds).buffer(OVERVIEW_MARGIN, join_style="mitre") if bounds else None
    records = queries.overview_records(session, area)
    return record_map(
        versions=records.versions,
        zones=records.zones,
        rivers=records.rivers,
        inspections=records.inspections,
        findings=records.findings,
        sites=records.sites,
    )


def zone_page(session: Session, zone_id: int) -> RecordPage:
    """A zone with its meetings' sites, its inspections and the limits around it."""
    found = queries.zone_record(session, zone_id)
    zone = found.zone
    return RecordPage(
        zone,
        record_map(
            focus_of(zone.geometry, *(s.geometry for s in found.sites)),
            versions=queries.versions_near(session, around(zone.geometry)),
            zones=[zone],
            inspections=found.inspections,
            findings=[f for i in found.inspections for f in i.findings],
            sites=found.sites,
        ),
        found.inspections,
    )


def case_page(session: Session, case_id: int) -> RecordPage:
    """A case with its zones, meetings' sites and inspections."""
    case = queries.get_case(session, case_id)
    union = shapely.union_all([z.geometry for z in case.zones]) if case.zones else None
    return RecordPage(
        case,
        record_map(
            focus_of(union, *(i.route for i in case.inspections)),
            versions=queries.versions_near(session, around(union)),
            zones=case.zones,
            inspections=case.inspections,
            findings=[f for i in case.inspections for f in i.findings],
            sites=queries.meeting_sites(case.meetings),
        ),
    )


def meeting_page(session: Session, meeting_id: int) -> RecordPage:
    """A meeting with the zones and sites it dealt with and where it was held."""
    meeting = queries.get_meeting(session, meeting_id)
    sites = queries.meeting_sites([meeting])
    shapes = [z.geometry for z in meeting.zones] + [s.geometry for s in sites]
    union = shapely.union_all(shapes) if shapes else None
    return RecordPage(
        meeting,
        record_map(
            focus_of(union),
            versions=queries.versions_near(session, around(union)),
            zones=meeting.zones,
            sites=sites,
        ),
    )


def inspection_page(session: Session, inspection_id: int) -> RecordPage:
    """An inspection with its route, findings, zone and the river nearby."""
    inspection = queries.get_inspection(session, inspection_id)
    nearby = around(inspection.route)
    return RecordPage(
        inspection,
        record_map(
            focus_of(inspection.route, *(f.geometry for f in inspection.findings)),
            versions=queries.versions_near(session, nearby),
            zones=[inspection.zone] if inspection.zone else [],
            rivers=queries.watercourses_near(session, nearby),
            inspections=[inspection],
            findings=inspection.findings,
        ),
        findings=sorted(
            inspection.findings,
            key=lambda f: (f.river_km is None, f.river_km or 0.0, f.id),
        ),
    )
