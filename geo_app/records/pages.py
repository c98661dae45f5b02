"""Page models of the overview map and of each record's page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import shapely
from sqlalchemy.orm import Session

from cases.frames.derived import river_names, river_stretches
from cases.records import queries
from cases.records.audit import history, references
from cases.storage.models import Finding, Inspection, Meeting
from geo_app.formatting import HistoryEntry, readable_history
from geo_app.records.map_layers import MapData, around, focus_of, record_map, viewport_source

__all__ = [
    "CASE_MAP_LAYERS",
    "OVERVIEW_LAYERS",
    "OVERVIEW_MARGIN",
    "RECORD_MAP_LAYERS",
    "ZONE_MAP_LAYERS",
    "RecordPage",
    "overview_map",
    "zone_page",
    "case_page",
    "meeting_page",
    "inspection_page",
    "site_page",
]

# How far around the unit's records the overview map reaches, in degrees (about 3 km).
OVERVIEW_MARGIN = 0.03
# The layers of data each map shows, under whose versions geo_app.map_cache keeps it.
# Findings and routes come by view (/mapa/teselas/), so writing them leaves the overview's and
# the zone's maps alone (the overview's limits reach as far as the unit's inspections and
# findings, queries.records_bounds: its map is kept per that box too), and a case's map opens
# on its routes.
OVERVIEW_LAYERS = ("limits", "zones", "sites", "meetings")
ZONE_MAP_LAYERS = ("limits", "zones", "sites", "meetings")
CASE_MAP_LAYERS = ("limits", "zones", "sites", "meetings", "inspections", "cases")
# An inspection's, a site's or a meeting's map draws its routes and findings (with their
# photos) in the page.
RECORD_MAP_LAYERS = (*ZONE_MAP_LAYERS, "inspections", "findings", "attachments")
# How far around the dispute zones the overview opens (about 500 m).
ZONES_PAD = 0.005
# How far around a site its page's map reaches (about 400 m: the streets around it).
SITE_PAD = 0.004

MUNICIPALITIES_NOTE = (
    "Esta reunión no trató zonas ni sitios con ubicación; el mapa muestra los límites de los "
    "municipios que participaron."
)
CASE_MUNICIPALITIES_NOTE = (
    "Este expediente no tiene zonas, recorridos ni sitios con ubicación; el mapa muestra los "
    "límites de los municipios que son parte."
)
CASE_NO_PLACE_NOTE = (
    "Sin mapa: este expediente no tiene zonas, recorridos ni sitios con ubicación y entre sus "
    "partes no hay un municipio con límite registrado."
)
NO_PLACE_NOTE = (
    "Sin mapa: esta reunión no trató zonas ni sitios con ubicación y entre sus participantes "
    "no hay un municipio con límite registrado."
)


@dataclass
class RecordPage:
    """A record, the map of everything about it and its related inspections and findings.

    ``map`` is ``None`` when nothing about the record has a place; ``map_note`` then says
    why there is no map (or, with a map, what it shows instead of the record). The map's
    layers may be given as a function: they are then built only when ``map`` is read, so
    a page whose rendered map is cached does not build them at all.
    """

    record: object
    map_layers: MapData | Callable[[], MapData] | None
    inspections: list[Inspection] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    map_note: str | None = None
    meetings: list[Meeting] = field(default_factory=list)
    # Zone pages by zone name, to link the names a page quotes (e.g. a route's split).
    zone_ids: dict[str, int] = field(default_factory=dict)
    # The record's audit entries, newest first.
    history: list[HistoryEntry] = field(default_factory=list)
    # How many findings each inspection listed on the page has, by inspection id.
    finding_counts: dict[int, int] = field(default_factory=dict)
    # The river each listed finding's km is measured along, by finding id.
    river_of: dict[int, str] = field(default_factory=dict)
    # The stretches of river an inspection's route walked along.
    stretches: list = field(default_factory=list)

    @property
    def km_heading(self) -> str:
        """«Km del Atoyac» when the findings' km are along one river, else «Km del río»."""
        names = set(self.river_of.values())
        return f"Km del {_short_river(names.pop())}" if len(names) == 1 else "Km del río"

    @property
    def several_rivers(self) -> bool:
        """Whether the findings' km are along more than one river (each row names its own)."""
        return len(set(self.river_of.values())) > 1

    @property
    def has_map(self) -> bool:
        """Whether the page has a map (without building it)."""
        return self.map_layers is not None

    @functools.cached_property
    def map(self) -> MapData | None:
        """The map's layers, built on first use."""
        return self.map_layers() if callable(self.map_layers) else self.map_layers


def _with_history(page_of):
    """Add the record's audit entries to the page ``page_of`` builds."""

    @functools.wraps(page_of)
    def build(session: Session, record_id: int) -> RecordPage:
        page = page_of(session, record_id)
        entries = history(session, page.record)
        page.history = readable_history(entries, references(session, entries))
        return page

    return build


def overview_map(session: Session, bounds: tuple[float, float, float, float] | None = None
                 ) -> MapData:
    """Limits around the unit's records, zones, rivers and sites; findings and routes by view.

    ``bounds`` is :func:`queries.records_bounds` (read here if not given): the limits drawn
    are those around it. The map opens on the dispute zones, the unit's subject, rather than
    on everything: the river, sites and routes reach further and are a pan or a zoom away.
    Findings and routes are fetched tile by tile as the view changes
    (:func:`viewport_source`): ten years of them would not fit in a page.
    """
    if bounds is None:
        bounds = queries.records_bounds(session)
    area = shapely.box(*bounds).buffer(OVERVIEW_MARGIN, join_style="mitre") if bounds else None
    records = queries.overview_records(session, area)
    return record_map(
        focus_of(*(z.geometry for z in records.zones), pad=ZONES_PAD),
        versions=records.versions,
        zones=records.zones,
        rivers=records.rivers,
        sites=records.sites,
        viewport=viewport_source(),
    )


@_with_history
def zone_page(session: Session, zone_id: int) -> RecordPage:
    """A zone with its meetings' sites, its inspections and the limits around it."""
    found = queries.zone_record(session, zone_id)
    zone = found.zone

    def layers() -> MapData:
        return record_map(
            focus_of(zone.geometry),
            versions=queries.versions_near(session, around(zone.geometry)),
            zones=[zone],
            sites=found.sites,
            viewport=viewport_source(zona=zone.id),
        )

    return RecordPage(
        zone, layers, found.inspections,
        finding_counts=queries.finding_counts(session, found.inspections),
    )


@_with_history
def case_page(session: Session, case_id: int) -> RecordPage:
    """A case with its zones, meetings' sites and inspections.

    A case with none of them (the sanitation of the Atoyac and Salado) shows the limits of
    its municipalities instead, saying so; with no municipality either, no map at all.
    """
    case = queries.get_case(session, case_id)
    union = shapely.union_all([z.geometry for z in case.zones]) if case.zones else None
    sites = queries.meeting_sites(case.meetings)
    if union is None and not sites and not any(i.route for i in case.inspections):
        versions = queries.official_versions_of(session, case.parties)
        if not versions:
            return RecordPage(case, None, map_note=CASE_NO_PLACE_NOTE)
        return RecordPage(
            case,
            record_map(focus_of(*(v.geometry for v in versions), pad=0.0), versions=versions),
            map_note=CASE_MUNICIPALITIES_NOTE,
        )
    def layers() -> MapData:
        return record_map(
            focus_of(union, *(i.route for i in case.inspections)),
            versions=queries.versions_near(session, around(union)),
            zones=case.zones,
            sites=sites,
            viewport=viewport_source(expediente=case.id),
        )

    return RecordPage(
        case, layers, finding_counts=queries.finding_counts(session, case.inspections)
    )


@_with_history
def meeting_page(session: Session, meeting_id: int) -> RecordPage:
    """A meeting with the zones and sites it dealt with and where it was held.

    A meeting with neither (a security table, a coordinated-command session) shows the
    limits of its participating municipalities instead, saying so; with no municipality
    either, no map at all and a sentence saying why.
    """
    meeting = queries.get_meeting(session, meeting_id)
    sites = queries.meeting_sites([meeting])
    shapes = [z.geometry for z in meeting.zones] + [s.geometry for s in sites]
    if shapes:
        union = shapely.union_all(shapes)
        return RecordPage(
            meeting,
            lambda: record_map(
                focus_of(union),
                versions=queries.versions_near(session, around(union)),
                zones=meeting.zones,
                sites=sites,
            ),
        )
    versions = queries.official_versions_of(session, meeting.institutions)
    if not versions:
        return RecordPage(meeting, None, map_note=NO_PLACE_NOTE)
    return RecordPage(
        meeting,
        record_map(focus_of(*(v.geometry for v in versions), pad=0.0), versions=versions),
        map_note=MUNICIPALITIES_NOTE,
    )


@_with_history
def site_page(session: Session, site_id: int) -> RecordPage:
    """A site, the meetings about it or held there, and the limits around it."""
    site = queries.get_site(session, site_id)
    meetings = queries.site_meetings(session, site)
    return RecordPage(
        site,
        lambda: record_map(
            focus_of(site.geometry, pad=SITE_PAD),
            versions=queries.versions_near(session, around(site.geometry)),
            zones=sorted({z.id: z for m in meetings for z in m.zones}.values(), key=_by_id),
            sites=[site],
        ),
        meetings=meetings,
    )


def _by_id(record) -> int:
    return record.id


@_with_history
def inspection_page(session: Session, inspection_id: int) -> RecordPage:
    """An inspection with its route, findings, zone and the river nearby."""
    inspection = queries.get_inspection(session, inspection_id)
    nearby = around(inspection.route)
    return RecordPage(
        inspection,
        lambda: record_map(
            focus_of(inspection.route, *(f.geometry for f in inspection.findings)),
            versions=queries.versions_near(session, nearby),
            zones=list(inspection.zones),
            rivers=queries.watercourses_near(session, nearby),
            inspections=[inspection],
            findings=inspection.findings,
        ),
        findings=sorted(
            inspection.findings,
            key=lambda f: (f.river_km is None, f.river_km or 0.0, f.id),
        ),
        zone_ids=queries.zone_ids_by_name(session),
        river_of=_rivers_of(session, inspection.findings),
        stretches=river_stretches(session, inspection.route),
    )


def _short_river(name: str) -> str:
    """«Atoyac» for «Río Atoyac»: the river as a heading names it."""
    return name.removeprefix("Río ")


def _rivers_of(session: Session, findings: list[Finding]) -> dict[int, str]:
    """The river each finding with a km is measured along, by finding id."""
    measured = [f for f in findings if f.river_km is not None]
    names = river_names(session, [f.geometry for f in measured])
    return {f.id: _short_river(n) for f, n in zip(measured, names, strict=True) if n}
