"""The Unidad's quarterly report, built from its records.

:func:`build_report` returns a :class:`QuarterReport`: the header facts, one section per
indicator (its computed level and the activities behind it, in date order) and the activities
of the quarter that no indicator counts. Renderers (PDF, DOCX, HTML) live in ``geo_app``.
An empty or partial quarter is still a report; :attr:`QuarterReport.missing` says what lacks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.frames.derived import RiverStretch, river_names, river_stretches
from cases.frames.in_force import frame_in_force
from cases.records.agreements import AgreementAsOf, agreements_as_of
from cases.reporting.indicators import (
    HOME_MUNICIPALITY,
    Activity,
    CountedItem,
    Excluded,
    IndicatorLevel,
    activities_without_indicator,
    quarter_levels,
)
from cases.reporting.quarters import Quarter, quarter_of
from cases.reporting.signers import signer_of
from cases.storage.models import (
    Attachment,
    AttachmentKind,
    BoundaryKind,
    BoundaryVersion,
    DisputeZone,
    Evidence,
    Finding,
    Indicator,
    IndicatorSource,
    Inspection,
    Meeting,
    Watercourse,
)
from cases.storage.spatial import intersecting

__all__ = [
    "ReportSettings",
    "Signer",
    "EntryPhoto",
    "EntryMap",
    "ReportEntry",
    "IndicatorSection",
    "QuarterReport",
    "build_report",
    "default_quarter",
]

INSPECTION_LABEL = "Recorrido conjunto"


@dataclass(frozen=True)
class ReportSettings:
    """Who the report is from (who signs it is data: :mod:`cases.reporting.signers`)."""

    municipality: str = "Municipio de Oaxaca de Juárez"
    government_period: str = "2025-2027"
    unit: str = "Unidad de Atención de Asuntos Metropolitanos"
    home_municipality: str = HOME_MUNICIPALITY


@dataclass(frozen=True)
class Signer:
    """Who signs "Autorizó" under a sheet (empty: nobody registered, said visibly)."""

    name: str
    position: str

    MISSING = "Sin firmante registrado"

    @classmethod
    def of(cls, session: Session, indicator: Indicator | None, quarter: Quarter) -> Signer:
        """Who signs ``indicator``'s sheet (``None``: «Otras actividades») for ``quarter``."""
        person = signer_of(session, indicator, quarter.last_day)
        if person is None:
            return cls("", "")
        return cls(person.name or "", person.position)

    @property
    def missing(self) -> bool:
        """Whether nobody is registered to sign."""
        return not (self.name or self.position)


@dataclass(frozen=True)
class EntryPhoto:
    """A photo attached to an activity or to one of its findings."""

    attachment: Attachment
    caption: str


@dataclass
class EntryMap:
    """What a small map of an activity shows, in EPSG:4326."""

    limits: list[BaseGeometry] = field(default_factory=list)
    rivers: list[BaseGeometry] = field(default_factory=list)
    zones: list[DisputeZone] = field(default_factory=list)
    routes: list[BaseGeometry] = field(default_factory=list)
    # Numbered on the map in this order, the order of ReportEntry.findings.
    findings: list[Finding] = field(default_factory=list)
    sites: list[BaseGeometry] = field(default_factory=list)
    illustrative: bool = False

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The bounds of what the map is about (limits only give context)."""
        shapes = [
            *(z.geometry for z in self.zones), *self.routes,
            *(f.geometry for f in self.findings), *self.sites,
        ]
        return shapely.GeometryCollection(shapes).bounds


@dataclass
class ReportEntry(CountedItem):
    """One numbered activity of the report: a meeting, or the inspections of one case.

    ``agreements`` are the activities' agreements as they stood at the quarter's end.
    """

    map: EntryMap | None = None
    agreements: list[AgreementAsOf] = field(default_factory=list)
    # The river each finding's km is measured along, by finding id.
    rivers: dict[int, str] = field(default_factory=dict)
    # The stretches of river the inspections' routes walked along.
    stretches: list[RiverStretch] = field(default_factory=list)

    @property
    def is_inspection(self) -> bool:
        """Whether the entry is made of field inspections."""
        return isinstance(self.activities[0], Inspection)

    @property
    def kind_label(self) -> str:
        """The kind of activity: a meeting kind or "Recorrido conjunto"."""
        first = self.activities[0]
        return INSPECTION_LABEL if isinstance(first, Inspection) else first.kind.label

    @property
    def titles(self) -> list[str]:
        """The records' titles."""
        return [a.title for a in self.activities]

    @property
    def photos(self) -> list[EntryPhoto]:
        """Photos of the activities, then of their findings (numbered as in the list)."""
        photos = [
            EntryPhoto(a, a.label) for activity in self.activities
            for a in activity.attachments if a.kind is AttachmentKind.PHOTO
        ]
        for number, finding in enumerate(self.findings, start=1):
            photos.extend(
                EntryPhoto(a, f"Hallazgo {number}: {a.label}") for a in finding.attachments
                if a.kind is AttachmentKind.PHOTO
            )
        return photos

    @property
    def purpose(self) -> str:
        """What the activity was for."""
        return _join_unique(a.purpose for a in self.activities)

    @property
    def done(self) -> str:
        """What was done, when the record says more than its purpose."""
        return _join_unique(
            a.summary for a in self.activities if a.summary and a.summary != a.purpose
        )

    @property
    def places(self) -> list[str]:
        """Where the activity took place, as recorded (a venue's name when no place)."""
        names: dict[str, None] = {}
        for activity in self.activities:
            place = (activity.place or "").strip()
            if not place and isinstance(activity, Meeting) and activity.venue is not None:
                place = activity.venue.name
            if place:
                names.setdefault(place)
        return list(names)

    @property
    def times(self) -> list[tuple[dt.time | None, dt.time | None]]:
        """The recorded start and end times of each activity that has them."""
        return [(a.start_time, a.end_time) for a in self.activities
                if a.start_time is not None or a.end_time is not None]

    @property
    def zones(self) -> list[str]:
        """The dispute zones the activity dealt with."""
        names: dict[str, None] = {}
        for activity in self.activities:
            for zone in activity.zones:
                names.setdefault(zone.name)
        return list(names)

    @property
    def findings(self) -> list[Finding]:
        """Findings of the inspections, in the order they were recorded."""
        return [
            f for a in self.activities if isinstance(a, Inspection)
            for f in sorted(a.findings, key=lambda f: f.id)
        ]

    @property
    def evidence(self) -> list[Evidence]:
        """Evidence links of the meetings."""
        return [e for a in self.activities if isinstance(a, Meeting) for e in a.evidence]


@dataclass
class IndicatorSection:
    """One indicator's sheet: its level, the entries counted, and what was left out."""

    level: IndicatorLevel
    entries: list[ReportEntry]
    signer: Signer = Signer("", "")

    @property
    def excluded(self) -> list[Excluded]:
        """Activities assigned to the indicator that its rule does not count."""
        return self.level.excluded

    @property
    def empty_text(self) -> str:
        """What the sheet says when it lists no activity of its own."""
        level = self.level
        if level.parts and level.source is not IndicatorSource.OWN:
            keys = [p.indicator.key for p in level.parts]
            listed = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " y " + keys[-1]
            return (f"Se integra con las actividades de sus indicadores {listed}, que se "
                    "detallan en sus hojas.")
        return f"No hay actividades registradas para este indicador en el {level.quarter.ordinal}."


@dataclass
class QuarterReport:
    """The quarter's report, ready to render."""

    quarter: Quarter
    settings: ReportSettings
    sections: list[IndicatorSection]
    other_activities: list[ReportEntry]
    generated_on: dt.date

    @property
    def programs(self) -> list[str]:
        """The budget programs of the report's indicators."""
        return list(dict.fromkeys(s.level.indicator.program for s in self.sections))

    signer: Signer = Signer("", "")

    @property
    def activity_count(self) -> int:
        """How many activities the report carries."""
        return sum(len(s.entries) for s in self.sections) + len(self.other_activities)

    @property
    def missing(self) -> list[str]:
        """What the report lacks, in Spanish: a partial quarter says so instead of failing."""
        notes = []
        if not self.sections:
            notes.append(
                f"No hay indicadores registrados para {self.quarter.year}: el informe solo "
                "lista las actividades."
            )
        if self.activity_count == 0:
            notes.append(f"No hay actividades registradas en el {self.quarter.ordinal}.")
        for section in self.sections:
            notes.extend(section.level.missing)
        signers = [s.signer for s in self.sections] or [self.signer]
        if self.other_activities:
            signers.append(self.signer)
        if any(signer.missing for signer in signers):
            notes.append("Falta quien autoriza el informe: regístrelo en Indicadores → "
                         "«Quién autoriza».")
        return notes


def _join_unique(texts) -> str:
    return " ".join(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def _entry_map(session: Session, activities: list[Activity]) -> EntryMap | None:
    zones: dict[int, DisputeZone] = {}
    routes, findings, sites = [], [], []
    illustrative = False
    for activity in activities:
        if isinstance(activity, Meeting):
            zones.update((z.id, z) for z in activity.zones)
            sites.extend(s.geometry for s in activity.sites)
            illustrative |= any(s.illustrative for s in activity.sites)
        else:
            zones.update((z.id, z) for z in activity.zones)
            if activity.route is not None:
                routes.append(activity.route)
            findings.extend(sorted(activity.findings, key=lambda f: f.id))
            illustrative |= activity.illustrative
    if not (zones or routes or findings):
        return None
    illustrative |= any(z.illustrative for z in zones.values())
    drawn = EntryMap(
        zones=list(zones.values()), routes=routes, findings=findings, sites=sites,
        illustrative=illustrative,
    )
    area = shapely.box(*drawn.bounds).buffer(0.01)
    in_force = frame_in_force(session)
    drawn.limits = [
        v.geometry for v in intersecting(session, BoundaryVersion, area)
        if v.kind is BoundaryKind.OFFICIAL and (in_force is None or v.frame_id == in_force.id)
    ]
    drawn.rivers = [w.geometry for w in intersecting(session, Watercourse, area)]
    return drawn


def _entry(session: Session, item: CountedItem, maps: bool, quarter: Quarter) -> ReportEntry:
    agreements = [a for activity in item.activities
                  for a in sorted(activity.agreements, key=lambda a: a.id)]
    measured = [f for a in item.activities if isinstance(a, Inspection)
                for f in a.findings if f.river_km is not None]
    names = river_names(session, [f.geometry for f in measured]) if measured else []
    stretches = [s for a in item.activities if isinstance(a, Inspection)
                 for s in river_stretches(session, a.route)]
    return ReportEntry(
        item.activities, _entry_map(session, item.activities) if maps else None,
        agreements_as_of(session, agreements, quarter.last_day),
        {f.id: n for f, n in zip(measured, names, strict=True) if n},
        stretches,
    )


def build_report(
    session: Session,
    quarter: Quarter,
    settings: ReportSettings | None = None,
    maps: bool = True,
    today: dt.date | None = None,
) -> QuarterReport:
    """Build the report of ``quarter`` from the recorded activities and indicators.

    Parameters
    ----------
    session
        An open session; nothing is written.
    quarter
        The quarter reported.
    settings
        Municipality, government period and unit (signers are data, per period).
    maps
        Whether entries with geometry carry what their small map shows.
    today
        The generation date printed on the report (default: today).
    """
    settings = settings or ReportSettings()
    sections = [
        IndicatorSection(
            level, [_entry(session, item, maps, quarter) for item in level.items],
            Signer.of(session, level.indicator, quarter),
        )
        for level in quarter_levels(session, quarter, settings.home_municipality)
    ]
    others = [
        _entry(session, CountedItem([activity]), maps, quarter)
        for activity in activities_without_indicator(session, quarter)
    ]
    return QuarterReport(quarter, settings, sections, others, today or dt.date.today(),
                         Signer.of(session, None, quarter))


def default_quarter(session: Session, today: dt.date | None = None) -> Quarter:
    """The quarter to show first: that of the latest recorded activity, or today's."""
    latest = max(
        (d for d in (session.scalar(select(func.max(Meeting.date))),
                     session.scalar(select(func.max(Inspection.started_on))))
         if d is not None),
        default=None,
    )
    return quarter_of(latest or today or dt.date.today())
