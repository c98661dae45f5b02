"""Typed SQLAlchemy 2 models of the domain.

Every geometry is stored in EPSG:4326 (see :mod:`cases.storage.geometry`); geometry-bearing tables
also keep their bounding box in ``min_x``, ``min_y``, ``max_x``, ``max_y`` for the SQL
pre-filter of spatial queries, filled automatically on flush.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable

from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    and_,
    event,
    false,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    backref,
    declared_attr,
    mapped_column,
    relationship,
    with_loader_criteria,
)

from cases.storage.geometry import Geometry, bounds_of
from cases.storage.statuses import (
    AgreementStatus,
    AttachmentKind,
    AuditAction,
    BoundaryKind,
    CaseStatus,
    FindingCategory,
    IndicatorRule,
    IndicatorSource,
    InstitutionKind,
    MeetingKind,
    ParticipantRole,
    ProposalOrigin,
    ProposalStatus,
    Role,
    ZoneKind,
    ZoneStatus,
)

__all__ = [
    "MAX_RECORD_ID",
    "Base",
    "EditableMixin",
    "StatusChange",
    "INCLUDE_DELETED",
    "UTCDateTime",
    "utcnow",
    "Role",
    "AuditAction",
    "User",
    "AuditEntry",
    "ShareLink",
    "ApiToken",
    "CalendarFeed",
    "ShareAccess",
    "BoundaryKind",
    "ZoneKind",
    "ZoneStatus",
    "CaseStatus",
    "InstitutionKind",
    "MeetingKind",
    "AgreementStatus",
    "FindingCategory",
    "IndicatorRule",
    "IndicatorSource",
    "ParticipantRole",
    "Municipality",
    "BoundaryVersion",
    "BoundaryImport",
    "DisputeZone",
    "Case",
    "Institution",
    "Site",
    "Meeting",
    "Evidence",
    "Agreement",
    "Inspection",
    "Finding",
    "Indicator",
    "IndicatorGoal",
    "IndicatorOverride",
    "IndicatorSigner",
    "Watercourse",
    "DataVersion",
    "LAYERS",
    "TABLE_LAYERS",
    "bump_layers",
    "data_version",
    "layer_versions",
    "pending_layers",
    "AttachmentKind",
    "Attachment",
    "Frame",
    "Person",
    "MeetingParticipant",
    "InspectionParticipant",
    "ProposalStatus",
    "ProposalOrigin",
    "LimitProposal",
]


#: The largest id a BIGINT (PostgreSQL) or INTEGER (SQLite) column holds; a larger one
#: overflows the database driver, so lookups treat it as unknown.
MAX_RECORD_ID = 2**63 - 1


def _enum(cls: type[enum.StrEnum]) -> Enum:
    """Store an enum by value as a plain string (portable, readable in QGIS)."""
    return Enum(
        cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        validate_strings=True,
        length=40,
        name=cls.__name__.lower(),
    )


class Base(DeclarativeBase):
    """Declarative base of every model."""


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A moment stored as naive UTC on every backend and read back as aware UTC.

    SQLite has no time zones; storing UTC everywhere keeps both backends comparable.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        """Convert an aware moment to naive UTC; a naive one is taken as UTC already."""
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        """Attach UTC to the stored naive moment."""
        return value.replace(tzinfo=dt.UTC) if value is not None else None


class EditableMixin:
    """What every record staff edit shares: an optimistic-lock version and soft deletion.

    ``version`` is SQLAlchemy's ``version_id_col``: every UPDATE checks and increments it,
    so a write based on a stale read fails instead of overwriting someone else's change
    (:func:`cases.records.lifecycle.check_version` compares it with the version a form was built
    from). Changing only a many-to-many collection does not update the row; call
    :func:`cases.records.lifecycle.touch` then. ``deleted_at`` moves the record to the Papelera:
    :mod:`cases.records.lifecycle` hides such rows from every ORM query unless asked for them.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def deleted_by_id(cls) -> Mapped[int | None]:  # noqa: N805 - declared_attr takes the class
        """Who sent the record to the Papelera."""
        return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - declared_attr takes the class
        """Make ``version`` the optimistic-lock column."""
        return {"version_id_col": cls.version}

    @property
    def is_deleted(self) -> bool:
        """Whether the record is in the Papelera."""
        return self.deleted_at is not None


# Execution option that lifts the soft-delete filter for one statement
# (see cases.records.lifecycle.including_deleted).
INCLUDE_DELETED = "include_deleted"


@event.listens_for(Session, "do_orm_execute")
def _hide_deleted(state: ORMExecuteState) -> None:
    """Hide soft-deleted rows from every ORM SELECT, relationship loads included."""
    if (
        state.is_select
        and not state.is_column_load
        and not state.execution_options.get(INCLUDE_DELETED, False)
    ):
        state.statement = state.statement.options(
            with_loader_criteria(
                EditableMixin, lambda cls: cls.deleted_at.is_(None), include_aliases=True
            )
        )


class SpatialMixin:
    """Bounding-box columns for the SQL pre-filter of spatial queries."""

    min_x: Mapped[float | None] = mapped_column(Float, index=True)
    min_y: Mapped[float | None] = mapped_column(Float)
    max_x: Mapped[float | None] = mapped_column(Float, index=True)
    max_y: Mapped[float | None] = mapped_column(Float)

    _geometry_attribute = "geometry"

    def refresh_bounds(self) -> None:
        """Copy the bounding box of the record's geometry into its bbox columns."""
        geometry: BaseGeometry | None = getattr(self, self._geometry_attribute)
        self.min_x, self.min_y, self.max_x, self.max_y = bounds_of(geometry)


@event.listens_for(Session, "before_flush")
def _refresh_bounds(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, SpatialMixin):
            obj.refresh_bounds()


def _link_table(name: str, *sides: tuple[str, str]) -> Table:
    """A many-to-many table whose columns together are its primary key.

    Each ``(prefix, table)`` is a column ``prefix_id``: a foreign key to ``table.id``, deleted
    with its row.
    """
    return Table(name, Base.metadata, *(
        Column(f"{prefix}_id", ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True)
        for prefix, table in sides
    ))


zone_municipalities = _link_table(
    "zone_municipality", ("zone", "dispute_zone"), ("municipality", "municipality")
)
case_zones = _link_table("case_zone", ("case", "case_file"), ("zone", "dispute_zone"))
case_parties = _link_table("case_party", ("case", "case_file"), ("institution", "institution"))
meeting_institutions = _link_table(
    "meeting_institution", ("meeting", "meeting"), ("institution", "institution")
)
meeting_zones = _link_table("meeting_zone", ("meeting", "meeting"), ("zone", "dispute_zone"))
meeting_cases = _link_table("meeting_case", ("meeting", "meeting"), ("case", "case_file"))
meeting_sites = _link_table("meeting_site", ("meeting", "meeting"), ("site", "site"))
inspection_institutions = _link_table(
    "inspection_institution", ("inspection", "inspection"), ("institution", "institution")
)
inspection_zones = _link_table(
    "inspection_zone", ("inspection", "inspection"), ("zone", "dispute_zone")
)
inspection_cases = _link_table(
    "inspection_case", ("inspection", "inspection"), ("case", "case_file")
)


class Municipality(Base):
    """A municipality, keyed by its INEGI code (cvegeo)."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    cvegeo: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    population: Mapped[int | None] = mapped_column(Integer)

    versions: Mapped[list[BoundaryVersion]] = relationship(
        back_populates="municipality",
        foreign_keys="BoundaryVersion.municipality_id",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Municipality {self.cvegeo} {self.name}>"


class Frame(Base):
    """A named, dated set of official versions: the INEGI frame, the demo's illustrative one.

    At most one frame is *in force* (``active``); analyses and derived figures use only its
    versions.
    """

    __tablename__ = "boundary_frame"
    __table_args__ = (
        Index("uq_boundary_frame_active", "active", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(String(500))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    illustrative: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=False)

    versions: Mapped[list[BoundaryVersion]] = relationship(back_populates="frame")


class BoundaryVersion(SpatialMixin, Base):
    """One version of a municipality's limit: official frame, claim, agreement or ruling."""

    __tablename__ = "boundary_version"
    __table_args__ = (UniqueConstraint("fingerprint", name="uq_boundary_version_fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[BoundaryKind] = mapped_column(_enum(BoundaryKind))
    claimant_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(String(500))
    legal_reference: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    geometry: Mapped[BaseGeometry] = mapped_column(Geometry("MULTIPOLYGON"))
    area_m2: Mapped[float] = mapped_column(Float)
    illustrative: Mapped[bool] = mapped_column(default=False)
    repair_note: Mapped[str | None] = mapped_column(Text)
    # sha256 of kind, claimant, source and WKB: re-importing the same source adds nothing.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The frame an official version belongs to (None for claims, agreements, rulings).
    frame_id: Mapped[int | None] = mapped_column(
        ForeignKey("boundary_frame.id", ondelete="SET NULL"), index=True
    )

    municipality: Mapped[Municipality] = relationship(
        back_populates="versions", foreign_keys=[municipality_id]
    )
    claimant: Mapped[Municipality | None] = relationship(foreign_keys=[claimant_id])
    frame: Mapped[Frame | None] = relationship(back_populates="versions")


class BoundaryImport(Base):
    """One run of the boundary import: what file, into which frame, and how many versions.

    Written by :func:`cases.frames.importer.import_boundaries` in the import's own transaction, with
    its audit entry (who ran it), so a failed import leaves neither behind.
    """

    __tablename__ = "boundary_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(500))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[BoundaryKind] = mapped_column(_enum(BoundaryKind))
    frame_id: Mapped[int | None] = mapped_column(
        ForeignKey("boundary_frame.id", ondelete="SET NULL")
    )
    frame_name: Mapped[str] = mapped_column(String(200), default="")
    activated: Mapped[bool] = mapped_column(default=False)
    read: Mapped[int] = mapped_column(Integer, default=0)
    selected: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    municipalities_created: Mapped[int] = mapped_column(Integer, default=0)
    repaired: Mapped[int] = mapped_column(Integer, default=0)

    frame: Mapped[Frame | None] = relationship()


class DisputeZone(EditableMixin, SpatialMixin, Base):
    """A disputed area (fraccionamiento, colonia, rancho…) between municipalities."""

    __tablename__ = "dispute_zone"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[ZoneKind] = mapped_column(_enum(ZoneKind))
    status: Mapped[ZoneStatus] = mapped_column(_enum(ZoneStatus), default=ZoneStatus.IDENTIFIED)
    description: Mapped[str] = mapped_column(Text, default="")
    geometry: Mapped[BaseGeometry] = mapped_column(Geometry("MULTIPOLYGON"))
    illustrative: Mapped[bool] = mapped_column(default=False)

    municipalities: Mapped[list[Municipality]] = relationship(secondary=zone_municipalities)
    cases: Mapped[list[Case]] = relationship(secondary=case_zones, back_populates="zones")
    meetings: Mapped[list[Meeting]] = relationship(
        secondary=meeting_zones, back_populates="zones"
    )
    inspections: Mapped[list[Inspection]] = relationship(
        secondary=inspection_zones, back_populates="zones"
    )


class Institution(EditableMixin, Base):
    """An institution of the catalogue: municipalities, their areas, state and federal bodies."""

    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    short_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[InstitutionKind] = mapped_column(_enum(InstitutionKind))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="SET NULL")
    )

    municipality: Mapped[Municipality | None] = relationship()


class Case(EditableMixin, Base):
    """An expediente."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.OPEN)
    description: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    # A demonstration record: its number is the app's own, not one the unit assigned.
    illustrative: Mapped[bool] = mapped_column(default=False)

    zones: Mapped[list[DisputeZone]] = relationship(secondary=case_zones, back_populates="cases")
    parties: Mapped[list[Institution]] = relationship(secondary=case_parties)
    meetings: Mapped[list[Meeting]] = relationship(
        secondary=meeting_cases, back_populates="cases"
    )
    inspections: Mapped[list[Inspection]] = relationship(
        secondary=inspection_cases, back_populates="cases"
    )


class Site(EditableMixin, SpatialMixin, Base):
    """A named place on the map: where meetings are held or what they deal with."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    geometry: Mapped[BaseGeometry] = mapped_column(Geometry("POINT"))
    illustrative: Mapped[bool] = mapped_column(default=False)

    meetings: Mapped[list[Meeting]] = relationship(
        secondary=meeting_sites, back_populates="sites"
    )


def _year_of_period(context) -> int | None:
    """Default year of an indicator: the first four-digit number of its period label."""
    match = re.search(r"\b(\d{4})\b", context.get_current_parameters().get("period") or "")
    return int(match.group(1)) if match else None


class Indicator(Base):
    """A budget-program (MIR) indicator of one year and the rule that computes its level.

    The reached level of a quarter is computed from the activities assigned to it
    (:mod:`cases.reporting.indicators`); an official figure that differs is an
    :class:`IndicatorOverride`.
    """

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("program", "key", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(40))
    year: Mapped[int | None] = mapped_column(Integer, default=_year_of_period, index=True)
    formula: Mapped[str] = mapped_column(Text, default="", server_default="")
    unit: Mapped[str] = mapped_column(
        String(60), default="actividades", server_default="actividades"
    )
    annual_goal: Mapped[float | None] = mapped_column(Float)
    # Which assigned activities count: meeting kinds (None: every kind), inspections, and
    # whether a meeting must include another municipality (a "vinculación").
    meeting_kinds: Mapped[list | None] = mapped_column(JSON)
    counts_inspections: Mapped[bool] = mapped_column(default=True, server_default=true())
    linkages_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Inspections of one case in a quarter are one activity (the 15 and 22 May recorridos).
    group_inspections: Mapped[bool] = mapped_column(default=True, server_default=true())
    # How the level is computed, and whether it counts its own activities or its activity
    # indicators' (a component 12 = 12.1 + 12.2).
    rule: Mapped[IndicatorRule] = mapped_column(
        _enum(IndicatorRule), default=IndicatorRule.QUARTER_OF_YEAR,
        server_default=IndicatorRule.QUARTER_OF_YEAR.value,
    )
    source: Mapped[IndicatorSource] = mapped_column(
        _enum(IndicatorSource), default=IndicatorSource.OWN,
        server_default=IndicatorSource.OWN.value,
    )

    signers: Mapped[list[IndicatorSigner]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by="IndicatorSigner.valid_from",
    )
    meetings: Mapped[list[Meeting]] = relationship(back_populates="indicator")
    inspections: Mapped[list[Inspection]] = relationship(back_populates="indicator")
    goals: Mapped[list[IndicatorGoal]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="IndicatorGoal.quarter"
    )
    overrides: Mapped[list[IndicatorOverride]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by="IndicatorOverride.created_at",
    )


class IndicatorGoal(Base):
    """How many activities of an indicator are programmed for one quarter of its year."""

    __tablename__ = "indicator_goal"
    __table_args__ = (UniqueConstraint("indicator_id", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    quarter: Mapped[int] = mapped_column(Integer)
    goal: Mapped[float] = mapped_column(Float)

    indicator: Mapped[Indicator] = relationship(back_populates="goals")


class IndicatorOverride(Base):
    """The official level of an indicator in a quarter when it differs from the computed one.

    Never updated nor deleted: the latest record of a quarter wins, and a record without
    ``value_percent`` withdraws the override.
    """

    __tablename__ = "indicator_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    quarter: Mapped[int] = mapped_column(Integer)
    value_percent: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    indicator: Mapped[Indicator] = relationship(back_populates="overrides")


class IndicatorSigner(Base):
    """Who authorizes («Autorizó») a report sheet from a date on.

    With an indicator, its sheet; without one, the unit's default signer: the sheets of
    indicators that have none of their own and the «Otras actividades» sheet. The signer of a
    quarter is the entry with the latest ``valid_from`` on or before the quarter's last day
    (:func:`cases.reporting.signers.signer_of`): a new head signs from the date they took office.
    """

    __tablename__ = "indicator_signer"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator | None] = relationship(back_populates="signers")
    person: Mapped[Person] = relationship()


class Meeting(EditableMixin, Base):
    """A meeting: working meeting, security table or Mando Coordinado session."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("date", "kind", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind))
    title: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(300), default="")
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # Who took part, in the record's own words ("representantes del Gobierno del Estado").
    participants: Mapped[str] = mapped_column(Text, default="")
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="SET NULL")
    )

    venue: Mapped[Site | None] = relationship()
    people: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    indicator: Mapped[Indicator | None] = relationship(back_populates="meetings")
    institutions: Mapped[list[Institution]] = relationship(secondary=meeting_institutions)
    zones: Mapped[list[DisputeZone]] = relationship(
        secondary=meeting_zones, back_populates="meetings"
    )
    cases: Mapped[list[Case]] = relationship(secondary=meeting_cases, back_populates="meetings")
    sites: Mapped[list[Site]] = relationship(secondary=meeting_sites, back_populates="meetings")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    agreements: Mapped[list[Agreement]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )


class Evidence(Base):
    """A link to evidence of a meeting (a social-media post, minutes, photos)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(1000))

    meeting: Mapped[Meeting] = relationship(back_populates="evidence")


class Agreement(EditableMixin, Base):
    """An agreement reached in a meeting or an inspection: who answers for it, by when.

    Who answers is an institution and a person.

    Its status on any day is the latest :class:`StatusChange` that happened on or before that
    day (:mod:`cases.records.agreements`); ``status`` is the current one.

    It is «vencido» (overdue) on a day when it is still open and was due before that day;
    ``Agreement.is_overdue(day)`` is the same rule as a SQL condition.

    Examples
    --------
    >>> due, day = dt.date(2025, 7, 31), dt.date(2025, 8, 1)
    >>> Agreement(due_date=due, status=AgreementStatus.PENDING).is_overdue(day)
    True
    >>> Agreement(due_date=due, status=AgreementStatus.PENDING).is_overdue(due)
    False
    >>> Agreement(due_date=due, status=AgreementStatus.DONE).is_overdue(day)
    False
    >>> Agreement(status=AgreementStatus.PENDING).is_overdue(day)
    False
    """

    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint("(meeting_id IS NULL) <> (inspection_id IS NULL)",
                        name="ck_agreement_one_activity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("institution.id", ondelete="SET NULL")
    )
    responsible_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[AgreementStatus] = mapped_column(
        _enum(AgreementStatus), default=AgreementStatus.PENDING
    )

    meeting: Mapped[Meeting | None] = relationship(back_populates="agreements")
    inspection: Mapped[Inspection | None] = relationship(back_populates="agreements")
    responsible: Mapped[Institution | None] = relationship()
    responsible_person: Mapped[Person | None] = relationship()

    @property
    def activity(self) -> Meeting | Inspection | None:
        """The meeting or inspection where the agreement was made."""
        return self.meeting if self.meeting is not None else self.inspection

    @property
    def activity_date(self) -> dt.date | None:
        """The day of the activity where the agreement was made."""
        if self.meeting is not None:
            return self.meeting.date
        return self.inspection.started_on if self.inspection is not None else None

    # The statuses of an agreement still to be fulfilled; the others are settled.
    OPEN_STATUSES = (AgreementStatus.PENDING, AgreementStatus.IN_PROGRESS)

    @hybrid_property
    def is_open(self) -> bool:
        """Whether the agreement is still to be fulfilled (pending or in progress)."""
        return self.status in self.OPEN_STATUSES

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls) -> ColumnElement[bool]:
        return cls.status.in_(cls.OPEN_STATUSES)

    @hybrid_method
    def is_overdue(self, today: dt.date) -> bool:
        """Whether the agreement is «vencido» on ``today``: still open and due before it.

        In a query, ``Agreement.is_overdue(today)`` is the same rule as a SQL condition.
        """
        return self.is_open and self.due_date is not None and self.due_date < today

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue_expression(cls, today: dt.date) -> ColumnElement[bool]:
        return and_(cls.is_open, cls.due_date.is_not(None), cls.due_date < today)

    @hybrid_method
    def is_upcoming(self, today: dt.date) -> bool:
        """Whether the agreement is still open and due on ``today`` or later, or undated."""
        return self.is_open and (self.due_date is None or self.due_date >= today)

    @is_upcoming.inplace.expression
    @classmethod
    def _is_upcoming_expression(cls, today: dt.date) -> ColumnElement[bool]:
        return and_(cls.is_open, or_(cls.due_date.is_(None), cls.due_date >= today))


class Inspection(EditableMixin, SpatialMixin, Base):
    """A joint field inspection (recorrido) with its route."""

    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("started_on", "title"),)
    _geometry_attribute = "route"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    started_on: Mapped[dt.date] = mapped_column(Date, index=True)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    # The days in the field (ISO dates) when they are not every day from start to end:
    # "los días 15 y 22 de mayo" is one inspection of two days, not of eight.
    visit_dates: Mapped[list | None] = mapped_column(JSON)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(300), default="", server_default="")
    purpose: Mapped[str] = mapped_column(Text, default="", server_default="")
    # What was done («lo realizado»), as a meeting's summary.
    summary: Mapped[str] = mapped_column(Text, default="")
    route: Mapped[BaseGeometry | None] = mapped_column(Geometry("MULTILINESTRING"))
    illustrative: Mapped[bool] = mapped_column(default=False)
    # Derived when the route is saved (boundaries.routes.split_route): the route's length
    # and, per municipality or dispute zone, {"kind", "parties", "names", "length_m", "share"}.
    route_length_m: Mapped[float | None] = mapped_column(Float)
    route_split: Mapped[list | None] = mapped_column(JSON)
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="SET NULL")
    )
    # Who took part, as names, until people are records of their own.
    participants: Mapped[list | None] = mapped_column(JSON)
    # Points in the route file and points kept after filtering (jitter, accuracy).
    route_points_read: Mapped[int | None] = mapped_column(Integer)
    route_points_kept: Mapped[int | None] = mapped_column(Integer)
    # Generated by the phone that captured it: a repeated upload finds the same record.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)

    zones: Mapped[list[DisputeZone]] = relationship(
        secondary=inspection_zones, back_populates="inspections"
    )
    cases: Mapped[list[Case]] = relationship(
        secondary=inspection_cases, back_populates="inspections"
    )
    indicator: Mapped[Indicator | None] = relationship(back_populates="inspections")
    institutions: Mapped[list[Institution]] = relationship(secondary=inspection_institutions)
    agreements: Mapped[list[Agreement]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )
    people: Mapped[list[InspectionParticipant]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )

    @property
    def days(self) -> list[dt.date]:
        """The days in the field: the recorded visit dates, else the start day."""
        if self.visit_dates:
            return [dt.date.fromisoformat(day) for day in self.visit_dates]
        return [self.started_on]


class Finding(EditableMixin, SpatialMixin, Base):
    """Something found at a point during an inspection."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[FindingCategory] = mapped_column(_enum(FindingCategory))
    description: Mapped[str] = mapped_column(Text)
    geometry: Mapped[BaseGeometry] = mapped_column(Geometry("POINT"))
    illustrative: Mapped[bool] = mapped_column(default=False)
    # Derived when the finding is saved (boundaries.assign and boundaries.linref).
    official_municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="SET NULL")
    )
    claims: Mapped[dict | None] = mapped_column(JSON)
    parties: Mapped[list | None] = mapped_column(JSON)
    shared: Mapped[bool | None] = mapped_column()
    in_dispute: Mapped[bool | None] = mapped_column()
    limit_distance_m: Mapped[float | None] = mapped_column(Float)
    river_km: Mapped[float | None] = mapped_column(Float)
    river_distance_m: Mapped[float | None] = mapped_column(Float)
    river_bank: Mapped[str | None] = mapped_column(String(10))
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    official_municipality: Mapped[Municipality | None] = relationship()


class Watercourse(SpatialMixin, Base):
    """A river or stream used as a reference line (the Atoyac)."""

    __tablename__ = "watercourse"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    geometry: Mapped[BaseGeometry] = mapped_column(Geometry("LINESTRING"))
    illustrative: Mapped[bool] = mapped_column(default=False)


# What each table's rows are part of, for the caches: a map or a page of features depends on
# a few layers and is built again only when one of them changes. Tables not named here count
# as "other". A new table that a cached map or feature shows must be named here.
# The order is the order in which a transaction locks the rows at commit (PostgreSQL row
# locks): always the same, so two writers never wait on each other in a circle. "findings"
# comes first because the phone's sync takes it at its start (cases.fieldwork.phone_sync).
LAYERS: tuple[str, ...] = (
    "findings", "inspections", "attachments", "limits", "zones", "sites", "meetings",
    "agreements", "cases", "people", "other",
)
TABLE_LAYERS: dict[str, str] = {
    "finding": "findings",
    "inspection": "inspections",
    "inspection_institution": "inspections",
    "inspection_zone": "inspections",
    "inspection_case": "inspections",
    "inspection_participant": "inspections",
    "attachment": "attachments",
    "municipality": "limits",
    "boundary_frame": "limits",
    "boundary_version": "limits",
    "boundary_import": "limits",
    "watercourse": "limits",
    "limit_proposal": "limits",
    "dispute_zone": "zones",
    "zone_municipality": "zones",
    "site": "sites",
    # Maps show a meeting where it took place or what it dealt with: in the popups of its
    # zones and sites, and the sites of a case's meetings. A meeting with none of them (and
    # its people, institutions and evidence) is on no map: see _layer_of.
    "meeting": "meetings",
    "meeting_zone": "meetings",
    "meeting_case": "meetings",
    "meeting_site": "meetings",
    "agreement": "agreements",
    "status_change": "agreements",
    "case_file": "cases",
    "case_zone": "cases",
    "case_party": "cases",
    "person": "people",
    "institution": "people",
}


class DataVersion(Base):
    """One row per layer of data (:data:`LAYERS`) counting the transactions that changed it.

    Caches of rendered maps and of features are keyed by the versions of the layers they
    show: a write in any process, the web app or a ``limites`` command, bumps the rows of the
    layers it touched in its own transaction, just before it commits, so the next reader sees
    a new version and nothing stale is served once the write commits. The reads' bookkeeping
    (a share link's access log, an API key's last use) is no change of the data.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer: Mapped[str] = mapped_column(String(20), unique=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


def layer_versions(session: Session) -> dict[str, int]:
    """Return the version of every layer (empty if the table has no rows yet)."""
    return dict(session.execute(select(DataVersion.layer, DataVersion.version)).all())


def data_version(session: Session) -> int | None:
    """Return the version of all the data: the sum of the layers' (``None`` if missing).

    Every write raises at least one layer by one, so the sum grows with every write.
    """
    versions = layer_versions(session)
    return sum(versions.values()) if versions else None


def bump_layers(session: Session, layers: Iterable[str]) -> None:
    """Raise the versions of ``layers`` by one, in :data:`LAYERS` order.

    In the session's transaction, with Core on its connection: no autoflush, no ORM event.
    """
    table = DataVersion.__table__
    wanted = set(layers)
    for layer in LAYERS:
        if layer in wanted:
            session.connection().execute(
                update(table).where(table.c.layer == layer).values(version=table.c.version + 1)
            )


# Tables whose writes are no change of the data: the version itself, and the bookkeeping of
# reads (a share link's access log, an API key's last use). Counting them would make every
# read through a link invalidate every cached map.
_NOT_DATA = frozenset({"data_version", "share_access", "api_token", "calendar_feed"})
_CHANGED = "limites_changed_layers"


def _note(session: Session, table_name: str | None, layer: str | None = None) -> None:
    if table_name not in _NOT_DATA:
        session.info.setdefault(_CHANGED, set()).add(
            layer or TABLE_LAYERS.get(table_name, "other"))


def _on_maps(meeting: Meeting) -> bool:
    """Whether ``meeting`` is, or was before this change, linked to a zone, site or case.

    Reads the links when they are not loaded: a meeting renamed without its zones in
    memory is still in its zones' popups.
    """
    state = sa_inspect(meeting)
    for key in ("zones", "sites", "cases", "venue_id"):
        history = state.attrs[key].load_history()
        if any(value is not None for value in (*history.added, *history.unchanged,
                                               *history.deleted)):
            return True
    return False


def pending_layers(session: Session) -> frozenset[str]:
    """The layers ``session``'s transaction has written so far (bumped when it commits)."""
    return frozenset(session.info.get(_CHANGED, ()))


@event.listens_for(Session, "before_flush")
def _count_flushed_write(session: Session, flush_context, instances) -> None:
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            layer = None
            if isinstance(obj, Meeting) and not _on_maps(obj):
                layer = "other"  # a meeting on no map: no map is renewed for it
            _note(session, getattr(obj, "__tablename__", None), layer)


@event.listens_for(Session, "do_orm_execute")
def _count_statement_write(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _note(state.session, getattr(getattr(state.statement, "table", None), "name", None))


@event.listens_for(Session, "before_commit")
def _bump_changed_layers(session: Session) -> None:
    # The commit's own flush comes after this hook: flush first, so its writes are counted.
    session.flush()
    changed = session.info.pop(_CHANGED, None)
    if changed:
        bump_layers(session, changed)


@event.listens_for(Session, "after_transaction_end")
def _forget_changed_layers(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended (rolled back)
        session.info.pop(_CHANGED, None)


_ONE_OWNER = " + ".join(
    f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
    for column in ("meeting_id", "inspection_id", "finding_id", "proposal_id")
) + " = 1"


class Attachment(Base):
    """A file or link attached to exactly one meeting, inspection, finding or limit proposal.

    Files live outside the web root, named by the SHA-256 of their stored bytes (see
    :mod:`cases.fieldwork.attachments`); photos are stored re-encoded, so ``sha256`` is that of the
    re-encoded image. A photo's EXIF place and time are kept in ``lon``, ``lat`` and
    ``taken_at`` (UTC).
    """

    __tablename__ = "attachment"
    __table_args__ = (CheckConstraint(_ONE_OWNER, name="ck_attachment_one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AttachmentKind] = mapped_column(_enum(AttachmentKind))
    label: Mapped[str] = mapped_column(String(300), default="")
    original_name: Mapped[str | None] = mapped_column(String(255))
    media_type: Mapped[str | None] = mapped_column(String(60))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(1000))
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("limit_proposal.id", ondelete="CASCADE"), index=True
    )

    # Backrefs keep the attachment's three owners untouched above.
    meeting: Mapped[Meeting | None] = relationship(
        backref=backref("attachments", cascade="all, delete-orphan", order_by="Attachment.id")
    )
    inspection: Mapped[Inspection | None] = relationship(
        backref=backref("attachments", cascade="all, delete-orphan", order_by="Attachment.id")
    )
    # Loaded with their findings in one query: map popups show each finding's photo.
    finding: Mapped[Finding | None] = relationship(
        backref=backref(
            "attachments", cascade="all, delete-orphan", order_by="Attachment.id",
            lazy="selectin",
        )
    )

    proposal: Mapped[LimitProposal | None] = relationship(
        back_populates="attachments", foreign_keys=[proposal_id]
    )

    @property
    def owner(self) -> Meeting | Inspection | Finding | LimitProposal:
        """The record this is attached to."""
        return self.meeting or self.inspection or self.finding or self.proposal


class Person(EditableMixin, Base):
    """A person named in the records, by name or only by position ("Fiscal General del Estado")."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(300))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institution.id", ondelete="SET NULL")
    )

    institution: Mapped[Institution | None] = relationship()

    @property
    def label(self) -> str:
        """Name and position, or the position alone when the record gives no name."""
        return f"{self.name}, {self.position}" if self.name else self.position


class _Participation:
    """A person's part in a meeting or an inspection: who, and in what role."""

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, sort_order=1
    )
    role: Mapped[ParticipantRole] = mapped_column(
        _enum(ParticipantRole), default=ParticipantRole.PARTICIPATED, sort_order=2
    )

    @declared_attr
    def person(cls) -> Mapped[Person]:
        return relationship()


class MeetingParticipant(_Participation, Base):
    """A person's part in a meeting: presided, took part, was present."""

    __tablename__ = "meeting_participant"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )

    meeting: Mapped[Meeting] = relationship(back_populates="people")


class InspectionParticipant(_Participation, Base):
    """A person's part in an inspection."""

    __tablename__ = "inspection_participant"

    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), primary_key=True
    )

    inspection: Mapped[Inspection] = relationship(back_populates="people")


class User(Base):
    """A person who signs in: a role, an Argon2 password hash and a session version.

    ``session_version`` is part of every session cookie (see ``geo_app.account.auth``); bumping it
    on logout or password change ends every session of the user at once.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class AuditEntry(Base):
    """One change to one record: who, when (UTC), what, and the fields before and after.

    ``username`` keeps the author's name as it was, so the log stays readable when the
    account is renamed or removed; ``user_id`` is empty for the command line.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction))
    record_type: Mapped[str] = mapped_column(String(40), index=True)
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    record_label: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()


class ShareLink(Base):
    """A read-only link ``/c/<token>`` to a zone, a case or the overview map.

    Only the SHA-256 hash of the token is stored: the token itself is shown once, when the
    link is made. ``scope_kind`` is ``zona``, ``expediente`` or ``mapa`` (``layers`` then
    lists the overview layers shared).
    """

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope_kind: Mapped[str] = mapped_column(String(20))
    zone_id: Mapped[int | None] = mapped_column(
        ForeignKey("dispute_zone.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_file.id", ondelete="CASCADE"), index=True
    )
    layers: Mapped[list | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_by_name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(300), default="")
    include_attachments: Mapped[bool] = mapped_column(Boolean, default=False)
    include_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()
    zone: Mapped[DisputeZone | None] = relationship()
    case: Mapped[Case | None] = relationship()
    accesses: Mapped[list[ShareAccess]] = relationship(
        back_populates="link", cascade="all, delete-orphan", order_by="ShareAccess.at.desc()"
    )


class ApiToken(Base):
    """A personal key for programs (QGIS, GDAL, OWSLib) to read the OGC API as its owner.

    Sent as ``Authorization: Bearer <token>``; only the SHA-256 hash of the token is stored
    (the token is shown once, when it is made). A revoked key, or one whose owner is
    disabled, opens nothing.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class CalendarFeed(Base):
    """A personal iCalendar feed: meetings and agreement due dates for a calendar program.

    Outlook, Google Calendar and Thunderbird subscribe to ``/calendario/<token>.ics`` without a
    session; only the SHA-256 hash of the token is stored (shown once, when it is made). A
    revoked feed, or one whose owner is disabled, answers 410.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ShareAccess(Base):
    """One request through a share link: when, from where and what was seen or downloaded."""

    __tablename__ = "share_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_link.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
    what: Mapped[str] = mapped_column(String(300), default="")

    link: Mapped[ShareLink] = relationship(back_populates="accesses")
class StatusChange(Base):
    """One change of status of a zone, a case or an agreement: who, when, from, to and why.

    Kept apart from the audit log so a record's page can draw its timeline; written by
    :mod:`cases.records.editing` in the same transaction as the change. ``from_status`` is empty for
    the status a record was created with.
    """

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    username: Mapped[str] = mapped_column(String(80))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    # The day the change happened (an agreement fulfilled on 28 June and typed in July);
    # ``at`` is when it was recorded.
    effective_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_status_change_record", "record_type", "record_id"),)


class LimitProposal(EditableMixin, SpatialMixin, Base):
    """A proposed limit line between two municipalities, usually across a dispute zone.

    Its ends lie on the common limit of ``municipality_a`` and ``municipality_b`` in the frame
    in force when it was made (:mod:`cases.proposals` checks it). Ratification (the convenio
    or the decree: date, reference, document) re-cuts both municipalities along it into the
    new frame ``frame``.
    """

    __tablename__ = "limit_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    zone_id: Mapped[int | None] = mapped_column(
        ForeignKey("dispute_zone.id", ondelete="SET NULL"), index=True
    )
    municipality_a_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    municipality_b_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    geometry: Mapped[BaseGeometry] = mapped_column(Geometry("LINESTRING"))
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("institution.id", ondelete="SET NULL")
    )
    proposed_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ProposalStatus] = mapped_column(
        _enum(ProposalStatus), default=ProposalStatus.PROPOSED
    )
    origin: Mapped[ProposalOrigin] = mapped_column(_enum(ProposalOrigin),
                                                   default=ProposalOrigin.DRAWN)
    description: Mapped[str] = mapped_column(Text, default="")
    ratified_on: Mapped[dt.date | None] = mapped_column(Date)
    ratification_reference: Mapped[str | None] = mapped_column(String(500))
    ratification_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL", use_alter=True,
                   name="fk_limit_proposal_ratification_document")
    )
    frame_id: Mapped[int | None] = mapped_column(
        ForeignKey("boundary_frame.id", ondelete="SET NULL")
    )

    zone: Mapped[DisputeZone | None] = relationship()
    municipality_a: Mapped[Municipality] = relationship(foreign_keys=[municipality_a_id])
    municipality_b: Mapped[Municipality] = relationship(foreign_keys=[municipality_b_id])
    proposed_by: Mapped[Institution | None] = relationship()
    frame: Mapped[Frame | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="proposal", foreign_keys="Attachment.proposal_id",
        cascade="all, delete-orphan", order_by="Attachment.id",
    )
    ratification_document: Mapped[Attachment | None] = relationship(
        foreign_keys=[ratification_document_id], post_update=True
    )


# The full-text index follows every flush of every session (it imports the models above).
from cases.storage import search_index  # noqa: E402, F401
