"""Read models of the app's pages: the Tablero, the lists and each record with its relations.

Records come back as ORM objects and plain dataclasses of them; the pages in
:mod:`geo_app.pages` turn them into labels, links and map layers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, selectinload

from cases.errors import NotFoundError
from cases.records.agreements import AgreementTally, local_today, tally
from cases.reporting.indicators import IndicatorLevel, quarter_levels
from cases.reporting.quarterly import default_quarter
from cases.reporting.quarters import Quarter
from cases.storage.models import (
    Agreement,
    Attachment,
    AttachmentKind,
    BoundaryKind,
    BoundaryVersion,
    Case,
    CaseStatus,
    DisputeZone,
    Finding,
    FindingCategory,
    Frame,
    Inspection,
    Institution,
    InstitutionKind,
    Meeting,
    Site,
    Watercourse,
    ZoneStatus,
)
from cases.storage.spatial import bbox_filter, intersecting

__all__ = [
    "Dashboard",
    "OverviewRecords",
    "FindingPoint",
    "finding_points",
    "findings_of",
    "finding_counts",
    "ZoneRecord",
    "dashboard",
    "list_zones",
    "zone_ids_by_name",
    "list_cases",
    "list_meetings",
    "list_inspections",
    "PAGE_SIZE",
    "Page",
    "paginate",
    "paginate_list",
    "zones_page",
    "cases_page",
    "meetings_page",
    "inspections_page",
    "InspectionRow",
    "records_bounds",
    "overview_records",
    "versions_near",
    "versions_by_id",
    "watercourses_near",
    "get_zone",
    "get_case",
    "get_meeting",
    "get_inspection",
    "zone_record",
    "zones_with_meetings",
    "meeting_sites",
    "official_versions_of",
    "get_site",
    "site_meetings",
]


# -- dashboard ---------------------------------------------------------------------------

@dataclass
class Dashboard:
    """What the Tablero shows."""

    open_cases: int
    cases_total: int
    zones_by_status: list[tuple[ZoneStatus, int]]
    next_agreements: list[Agreement]
    overdue_agreements: list[Agreement]
    latest_meetings: list[Meeting]
    latest_inspections: list[Inspection]
    # Every agreement by its status today (the Tablero's as-of date).
    agreements: AgreementTally | None = None
    # The levels of the quarter of the latest activity, computed as on the Indicadores page.
    indicator_quarter: Quarter | None = None
    indicators: list[IndicatorLevel] = field(default_factory=list)


def _agreements():
    return (
        select(Agreement)
        .options(selectinload(Agreement.meeting), selectinload(Agreement.inspection),
                 selectinload(Agreement.responsible))
    )


def dashboard(session: Session, limit: int = 5, today: dt.date | None = None,
              overdue_limit: int = 10, next_limit: int = 10) -> Dashboard:
    """Counts, agreements due next and overdue, latest meetings and inspections, indicators.

    Indicators are given for the quarter of the latest recorded activity (else ``today``'s),
    with the same levels as the Indicadores page and the report.

    An open agreement whose date is before ``today`` (default: today in Oaxaca) is overdue
    and listed apart, the ``overdue_limit`` oldest ones (the count says how many in all); the
    next ones due are the ``next_limit`` nearest dates from ``today`` on, then those without a
    date.
    """
    today = today or local_today()
    counts = dict(
        session.execute(select(DisputeZone.status, func.count()).group_by(DisputeZone.status))

        .all()
    )
    quarter = default_quarter(session, today)
    return Dashboard(
        open_cases=session.scalar(
            select(func.count()).select_from(Case).where(Case.status != CaseStatus.CLOSED)
        ),
        cases_total=session.scalar(select(func.count()).select_from(Case)),
        zones_by_status=[(status, counts.get(status, 0)) for status in ZoneStatus],
        next_agreements=session.scalars(
            _agreements()
            .where(Agreement.is_upcoming(today))
            .order_by(Agreement.due_date.is_(None), Agreement.due_date, Agreement.id)
            .limit(next_limit)
        ).all(),
        overdue_agreements=session.scalars(
            _agreements()
            .where(Agreement.is_overdue(today))
            .order_by(Agreement.due_date, Agreement.id)
            .limit(overdue_limit)
        ).all(),
        agreements=tally(session, today),
        latest_meetings=session.scalars(
            select(Meeting).order_by(Meeting.date.desc(), Meeting.id.desc()).limit(limit)
        ).all(),
        latest_inspections=session.scalars(
            select(Inspection).order_by(Inspection.started_on.desc()).limit(limit)
        ).all(),
        indicator_quarter=quarter,
        indicators=quarter_levels(session, quarter),
    )


# -- lists -------------------------------------------------------------------------------

# Rows per page of every list.
PAGE_SIZE = 50

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of a list: its rows, which page it is (from 1) and how many there are."""

    items: list[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.number < self.pages


def _page_number(number: int | None, total: int, size: int) -> int:
    last = max(1, -(-total // size))
    return min(max(number or 1, 1), last)


def paginate(session: Session, query, number: int | None, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` of the ORM ``query`` (SQL LIMIT/OFFSET); out of range: the nearest.

    The count runs on the same query, so soft-deleted rows are left out of both.
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = _page_number(number, total, size)
    items = session.scalars(query.limit(size).offset((number - 1) * size)).all()
    return Page(list(items), number, size, total)


def paginate_list(items: list[T], number: int | None, size: int = PAGE_SIZE) -> Page[T]:
    """Page ``number`` of ``items``, a list already in memory (a short catalogue)."""
    number = _page_number(number, len(items), size)
    return Page(items[(number - 1) * size:number * size], number, size, len(items))


def list_zones(session: Session) -> list[DisputeZone]:
    """Every dispute zone, by name."""
    return session.scalars(
        select(DisputeZone).options(selectinload(DisputeZone.municipalities))
        .order_by(DisputeZone.name)
    ).all()


def zone_ids_by_name(session: Session) -> dict[str, int]:
    """Every dispute zone's id by its name (no geometry read)."""
    return dict(session.execute(select(DisputeZone.name, DisputeZone.id)).all())


def zones_page(session: Session, number: int | None) -> Page[DisputeZone]:
    """Page ``number`` of the dispute zones, by name."""
    return paginate(session, select(DisputeZone).options(
        selectinload(DisputeZone.municipalities)).order_by(DisputeZone.name, DisputeZone.id),
        number)


def list_cases(session: Session) -> list[Case]:
    """Every case, newest first."""
    return session.scalars(
        select(Case).options(selectinload(Case.zones)).order_by(Case.opened_on.desc())
    ).all()


def cases_page(session: Session, number: int | None) -> Page[Case]:
    """Page ``number`` of the cases, newest first."""
    return paginate(session, select(Case).options(selectinload(Case.zones))
                    .order_by(Case.opened_on.desc(), Case.id.desc()), number)


def list_meetings(session: Session) -> list[Meeting]:
    """Every meeting, newest first."""
    return session.scalars(
        select(Meeting).options(selectinload(Meeting.indicator))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    ).all()


def meetings_page(session: Session, number: int | None) -> Page[Meeting]:
    """Page ``number`` of the meetings, newest first."""
    return paginate(session, select(Meeting).options(selectinload(Meeting.indicator))
                    .order_by(Meeting.date.desc(), Meeting.id.desc()), number)


def list_inspections(session: Session) -> list[Inspection]:
    """Every inspection, newest first."""
    return session.scalars(
        select(Inspection).options(selectinload(Inspection.findings))
        .order_by(Inspection.started_on.desc())
    ).all()


@dataclass
class InspectionRow:
    """An inspection of the list and how many findings it has."""

    inspection: Inspection
    findings: int


def inspections_page(session: Session, number: int | None) -> Page[InspectionRow]:
    """Page ``number`` of the inspections, newest first, with their number of findings.

    Findings are counted in SQL: a year of inspections has thousands of them.
    """
    page = paginate(session, select(Inspection).options(defer(Inspection.route)).order_by(
        Inspection.started_on.desc(), Inspection.id.desc()), number)
    counts = finding_counts(session, page.items)
    page.items = [InspectionRow(i, counts[i.id]) for i in page.items]
    return page


# -- the overview map ---------------------------------------------------------------------

@dataclass
class OverviewRecords:
    """What the overview map draws as records (findings and routes come by view, in tiles)."""

    versions: list[BoundaryVersion]
    zones: list[DisputeZone]
    rivers: list[Watercourse]
    sites: list[Site]


@dataclass(frozen=True)
class FindingPoint:
    """What a map marker of a finding needs, read without loading the finding itself."""

    id: int
    inspection_id: int
    inspection_title: str
    category: FindingCategory
    description: str
    lon: float
    lat: float
    illustrative: bool
    photo_id: int | None

    @property
    def geometry(self) -> Point:
        """The finding's point."""
        return Point(self.lon, self.lat)


def finding_points(
    session: Session, inspection_ids: Iterable[int] | None = None,
    ids: Iterable[int] | None = None,
) -> list[FindingPoint]:
    """Findings as :class:`FindingPoint` rows by id, each with its first photo, in one query.

    Every finding, or those of ``inspection_ids`` or those ``ids`` when given.

    A map draws thousands of findings: loading each as a record with its inspection and
    attachments would cost more than drawing them.
    """
    photo = (
        select(func.min(Attachment.id))
        .where(Attachment.finding_id == Finding.id, Attachment.kind == AttachmentKind.PHOTO)
        .correlate(Finding)
        .scalar_subquery()
    )
    query = (
        select(
            Finding.id, Finding.inspection_id, Inspection.title, Finding.category,
            # A point's bounding box is the point: no geometry to decode for thousands.
            Finding.description, Finding.min_x, Finding.min_y, Finding.illustrative, photo,
        )
        .join(Inspection, Finding.inspection_id == Inspection.id)
        .order_by(Finding.id)
    )
    if inspection_ids is not None:
        query = query.where(Finding.inspection_id.in_(list(inspection_ids)))
    if ids is not None:
        query = query.where(Finding.id.in_(list(ids)))
    return [FindingPoint(*row) for row in session.execute(query)]


def findings_of(session: Session, inspections: Iterable[Inspection]) -> list[FindingPoint]:
    """The findings of ``inspections`` as :class:`FindingPoint` rows, for a map."""
    return finding_points(session, [i.id for i in inspections])


def finding_counts(session: Session, inspections: Iterable[Inspection]) -> dict[int, int]:
    """How many findings each of ``inspections`` has, by inspection id (counted in SQL)."""
    ids = [i.id for i in inspections]
    if not ids:
        return {}
    counts = dict(session.execute(
        select(Finding.inspection_id, func.count()).where(Finding.inspection_id.in_(ids))
        .group_by(Finding.inspection_id)
    ).all())
    return {i: counts.get(i, 0) for i in ids}


def _with_meetings(model):
    return select(model).options(selectinload(model.meetings))


def records_bounds(session: Session) -> tuple[float, float, float, float] | None:
    """The bounding box ``(west, south, east, north)`` of the unit's own records."""
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
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _versions_query():
    return select(BoundaryVersion).options(
        selectinload(BoundaryVersion.municipality), selectinload(BoundaryVersion.claimant)
    )


def overview_records(session: Session, area: BaseGeometry | None) -> OverviewRecords:
    """Zones, rivers and sites; boundary versions only those whose box meets ``area``."""
    versions = _versions_query()
    if area is not None:
        versions = bbox_filter(versions, BoundaryVersion, area)
    return OverviewRecords(
        versions=list(session.scalars(versions.order_by(BoundaryVersion.id))),
        zones=list(session.scalars(_with_meetings(DisputeZone).order_by(DisputeZone.id))),
        rivers=list(session.scalars(select(Watercourse).order_by(Watercourse.id))),
        sites=list(session.scalars(_with_meetings(Site).order_by(Site.id))),
    )


def versions_near(session: Session, area: BaseGeometry | None) -> list[BoundaryVersion]:
    """Boundary versions whose geometry meets ``area`` (none when there is no area)."""
    return [] if area is None else intersecting(session, BoundaryVersion, area)


def versions_by_id(
    session: Session, ids: Iterable[int], area: BaseGeometry | None = None
) -> list[BoundaryVersion]:
    """The versions ``ids``, only those whose bounding box meets ``area`` when given."""
    query = _versions_query().where(BoundaryVersion.id.in_(list(ids)))
    if area is not None:
        query = bbox_filter(query, BoundaryVersion, area)
    return list(session.scalars(query.order_by(BoundaryVersion.id)))


def watercourses_near(session: Session, area: BaseGeometry | None) -> list[Watercourse]:
    """Watercourses whose geometry meets ``area``."""
    return [] if area is None else intersecting(session, Watercourse, area)


def zones_with_meetings(session: Session) -> list[DisputeZone]:
    """Every dispute zone with its meetings loaded, by id."""
    return list(session.scalars(_with_meetings(DisputeZone).order_by(DisputeZone.id)))


# -- records ---------------------------------------------------------------------------------

def _get(session: Session, model, record_id: int, what: str, options=()):
    row = session.get(model, record_id, options=options)
    if row is None:
        raise NotFoundError(f"No existe {what} con número {record_id}.")
    return row


def _meeting_places(model):
    """Load options: the record's meetings with their sites and venue, in two queries."""
    meetings = selectinload(model.meetings)
    return (meetings.selectinload(Meeting.sites), meetings.selectinload(Meeting.venue))


def get_zone(session: Session, zone_id: int) -> DisputeZone:
    """The dispute zone ``zone_id`` or :class:`~cases.errors.NotFoundError`."""
    return _get(session, DisputeZone, zone_id, "la zona", _meeting_places(DisputeZone))


def get_case(session: Session, case_id: int) -> Case:
    """The case ``case_id`` or :class:`~cases.errors.NotFoundError`."""
    return _get(session, Case, case_id, "el expediente", _meeting_places(Case))


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting ``meeting_id`` or :class:`~cases.errors.NotFoundError`."""
    return _get(session, Meeting, meeting_id, "la reunión")


def get_inspection(session: Session, inspection_id: int) -> Inspection:
    """The inspection ``inspection_id`` or :class:`~cases.errors.NotFoundError`."""
    return _get(session, Inspection, inspection_id, "el recorrido")


def meeting_sites(meetings: Iterable[Meeting]) -> list[Site]:
    """The sites the ``meetings`` dealt with or were held at, each once."""
    sites = {s.id: s for m in meetings for s in [*m.sites, m.venue] if s is not None}
    return list(sites.values())


@dataclass
class ZoneRecord:
    """A zone with the sites of its meetings and every inspection about it or its cases."""

    zone: DisputeZone
    sites: list[Site] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)


def zone_record(session: Session, zone_id: int) -> ZoneRecord:
    """A zone with its meetings' sites and its (and its cases') inspections.

    The inspections come without their routes (a route of 20,000 points weighs 320 KB, and
    the zone's page lists the inspections; its map loads routes by view): reading one's
    route still works, with a query of its own.
    """
    no_route = defer(Inspection.route)
    zone = _get(session, DisputeZone, zone_id, "la zona", (
        *_meeting_places(DisputeZone),
        selectinload(DisputeZone.inspections).options(no_route),
        selectinload(DisputeZone.cases).selectinload(Case.inspections).options(no_route),
    ))
    inspections = list(zone.inspections)
    for case in zone.cases:
        inspections.extend(i for i in case.inspections if i not in inspections)
    return ZoneRecord(zone, meeting_sites(zone.meetings), inspections)


def official_versions_of(
    session: Session, institutions: Iterable[Institution]
) -> list[BoundaryVersion]:
    """The official limits of the municipalities among ``institutions`` (a meeting's parties).

    A security table or a coordinated-command session deals with no zone or site; its
    participating municipalities still say where it matters.
    """
    ids = sorted({
        i.municipality_id for i in institutions
        if i.kind == InstitutionKind.MUNICIPALITY and i.municipality_id is not None
    })
    if not ids:
        return []
    query = (
        _versions_query()
        .where(BoundaryVersion.municipality_id.in_(ids))
        .where(BoundaryVersion.kind == BoundaryKind.OFFICIAL)
    )
    in_force = session.scalar(select(Frame.id).where(Frame.active.is_(True)))
    if in_force is not None:  # only the frame in force says where they are
        query = query.where(BoundaryVersion.frame_id == in_force)
    return list(session.scalars(query.order_by(BoundaryVersion.id)))


def get_site(session: Session, site_id: int) -> Site:
    """The site ``site_id`` or :class:`~cases.errors.NotFoundError`."""
    return _get(session, Site, site_id, "el sitio")


def site_meetings(session: Session, site: Site) -> list[Meeting]:
    """Meetings about ``site`` or held there (its venue), newest first, each once."""
    return list(session.scalars(
        select(Meeting).options(selectinload(Meeting.zones))
        .where(Meeting.sites.any(Site.id == site.id) | (Meeting.venue_id == site.id))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    ))
