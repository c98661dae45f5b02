"""Budget-program (MIR) indicators: their level per quarter, computed from the activities.

An indicator counts the meetings and inspections assigned to it that its rule accepts
(meeting kinds, inspections, linkages with other municipalities); inspections of one case in
a quarter are one activity when the indicator groups them. A component may instead be the
sum (or the mean level) of its activity indicators (12 = 12.1 + 12.2: the indicators of the
same program and year whose key continues its own).

The reached level of a quarter follows the indicator's rule (:class:`IndicatorRule`), as the
MIR defines it:

- the quarter's count ÷ the quarter's programmed goal;
- the count so far in the year ÷ the annual goal ("4 vinculaciones de 20 programadas en el
  año = 20 %");
- the quarter's count ÷ the annual goal.

An administrator may record the official figure when it differs (an override with its
reason and author); the computed figure is always kept next to it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cases.errors import ConflictError, InvalidInputError, NotFoundError
from cases.records.audit import record_change
from cases.records.text import clean_text
from cases.reporting.quarters import Quarter
from cases.storage.models import (
    AuditAction,
    Indicator,
    IndicatorGoal,
    IndicatorOverride,
    IndicatorRule,
    IndicatorSource,
    Inspection,
    InstitutionKind,
    Meeting,
    MeetingKind,
    Person,
    User,
)

__all__ = [
    "HOME_MUNICIPALITY",
    "Activity",
    "CountedItem",
    "PersonPart",
    "Excluded",
    "IndicatorLevel",
    "IndicatorYear",
    "indicators_of_year",
    "indicator_years",
    "quarter_levels",
    "quarter_number",
    "parts_of",
    "count_text",
    "year_progress",
    "activities_without_indicator",
    "find_indicator",
    "create_indicator",
    "signer_candidates",
    "configure_indicator",
    "override_level",
]

# The unit's own municipality (INEGI code): a meeting with any other one is a linkage.
HOME_MUNICIPALITY = "20067"

Activity = Meeting | Inspection


def activity_date(activity: Activity) -> dt.date:
    """The day an activity took place (an inspection's first day)."""
    return activity.date if isinstance(activity, Meeting) else activity.started_on


@dataclass(frozen=True)
class PersonPart:
    """A person named in an activity and what they did there ("Presidió")."""

    person: Person
    role: str


@dataclass
class CountedItem:
    """One counted activity: a meeting, or the inspections of one case in the quarter."""

    activities: list[Activity]

    @property
    def dates(self) -> list[dt.date]:
        """Every day of the item, in order and without repeats."""
        days = set()
        for activity in self.activities:
            days.add(activity_date(activity))
            if isinstance(activity, Inspection):
                days.update(activity.days)  # "los días 15 y 22 de mayo"
                if activity.ended_on:
                    days.add(activity.ended_on)
        return sorted(days)

    @property
    def first_date(self) -> dt.date:
        """The item's first day."""
        return self.dates[0]

    @property
    def participants(self) -> list[str]:
        """The institutions that took part, without repeats, in record order."""
        names: dict[str, None] = {}
        for activity in self.activities:
            for institution in activity.institutions:
                names.setdefault(institution.name)
        return list(names)

    @property
    def participants_text(self) -> str:
        """Who took part in the record's own words ("representantes del Gobierno del Estado")."""
        texts = [
            a.participants if isinstance(a, Meeting) else ", ".join(a.participants or [])
            for a in self.activities
        ]
        return "; ".join(dict.fromkeys(t.strip().rstrip(".") for t in texts if t and t.strip()))

    @property
    def people(self) -> list[PersonPart]:
        """The people the records name, with their role, each once, in record order."""
        parts: dict[int, PersonPart] = {}
        for activity in self.activities:
            for part in activity.people:
                parts.setdefault(part.person_id, PersonPart(part.person, part.role.label))
        return list(parts.values())


@dataclass
class Excluded:
    """An activity assigned to an indicator that its rule does not count, and why."""

    activity: Activity
    reason: str


@dataclass
class IndicatorLevel:
    """An indicator's level in one quarter, with everything it was computed from.

    ``year_to_date`` counts the activities of the year up to the quarter's end (this
    quarter included); ``parts`` are the activity indicators a summed or averaged component
    is made of.
    """

    indicator: Indicator
    quarter: Quarter
    items: list[CountedItem] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    quarter_goal: float | None = None
    override: IndicatorOverride | None = None
    year_to_date: int = 0
    parts: list[IndicatorLevel] = field(default_factory=list)

    @property
    def rule(self) -> IndicatorRule:
        """How the level is computed."""
        return self.indicator.rule or IndicatorRule.QUARTER_OF_YEAR

    @property
    def source(self) -> IndicatorSource:
        """What the indicator counts: its own activities or its activity indicators'."""
        return self.indicator.source or IndicatorSource.OWN

    @property
    def counted(self) -> int:
        """How many activities count in the quarter (a summed component: its parts')."""
        if self.source is IndicatorSource.OWN:
            return len(self.items)
        return sum(part.counted for part in self.parts)

    @property
    def annual_goal(self) -> float | None:
        """Activities programmed for the year (None when no goal was set)."""
        goal = self.indicator.annual_goal
        return goal if goal else None

    @property
    def numerator(self) -> int:
        """What the rule divides: the quarter's count or the year's so far."""
        return self.year_to_date if self.rule is IndicatorRule.YEAR_TO_DATE else self.counted

    @property
    def denominator(self) -> float | None:
        """What the rule divides by: the quarter's or the year's goal (None when unset)."""
        if self.rule is IndicatorRule.QUARTER_OF_QUARTER:
            return self.quarter_goal if self.quarter_goal else None
        return self.annual_goal

    @property
    def computed_percent(self) -> float | None:
        """The level by the indicator's rule (None without the goal the rule needs)."""
        if self.source is IndicatorSource.MEAN:
            levels = [part.computed_percent for part in self.parts]
            if not levels or any(level is None for level in levels):
                return None
            return round(sum(levels) / len(levels), 1)
        if self.denominator is None:
            return None
        return round(100.0 * self.numerator / self.denominator, 1)

    @property
    def official_percent(self) -> float | None:
        """The override when there is one, otherwise the computed level."""
        if self.override is not None:
            return self.override.value_percent
        return self.computed_percent

    @property
    def overridden(self) -> bool:
        """Whether the official figure is an override different from the computed one."""
        return self.override is not None and self.override.value_percent != self.computed_percent

    @property
    def agreements(self) -> list:
        """The agreements made in the counted activities (a summed component: its parts')."""
        if self.source is not IndicatorSource.OWN:
            return [a for part in self.parts for a in part.agreements]
        return [a for item in self.items for activity in item.activities
                for a in activity.agreements]

    @property
    def done_text(self) -> str:
        """What was counted, in words: "4 vinculaciones", "1 vinculación"."""
        return count_text(self.counted, self.indicator.unit)

    @property
    def missing(self) -> list[str]:
        """What the level lacks, in Spanish, for the report to say so.

        A missing goal is not reported when an official figure gives the level.
        """
        notes = []
        name = f"{self.indicator.level} {self.indicator.key}"
        official = self.override is not None
        if self.source is not IndicatorSource.OWN:
            if not self.parts:
                notes.append(f"{name}: se define por sus indicadores de actividad, pero no "
                             f"hay indicadores {self.indicator.key}.N en {self.quarter.year}.")
            elif not official and self.computed_percent is None:
                notes.append(f"{name}: falta la meta que su regla necesita (o la de alguno "
                             "de sus indicadores de actividad).")
            return notes
        if not official and self.rule is IndicatorRule.QUARTER_OF_QUARTER:
            if self.quarter_goal is None:
                notes.append(f"{name}: sin meta programada para el {self.quarter.ordinal}.")
        elif not official and self.annual_goal is None:
            notes.append(f"{name}: sin meta anual programada.")
        if not self.items:
            notes.append(f"{name}: no hay actividades registradas en el trimestre.")
        return notes


@dataclass
class IndicatorYear:
    """An indicator over its year: one level per quarter and the year to date."""

    indicator: Indicator
    quarters: list[IndicatorLevel]

    @property
    def counted(self) -> int:
        """Activities counted in the whole year."""
        return sum(level.counted for level in self.quarters)

    @property
    def percent(self) -> float | None:
        """The year's level: every counted activity over the annual goal."""
        goal = self.indicator.annual_goal
        return round(100.0 * self.counted / goal, 1) if goal else None


def count_text(count: int, unit: str | None) -> str:
    """A count with its unit in the right number.

    Examples
    --------
    >>> count_text(4, "vinculaciones"), count_text(1, "vinculaciones")
    ('4 vinculaciones', '1 vinculación')
    """
    unit = unit or "actividades"
    return f"{count} {singular(unit) if count == 1 else unit}"


def singular(unit: str) -> str:
    """The singular of a Spanish plural unit.

    Examples
    --------
    >>> [singular(u) for u in ("vinculaciones", "actividades", "eventos", "estrategias")]
    ['vinculación', 'actividad', 'evento', 'estrategia']
    """
    if unit.endswith("iones"):
        return unit[:-5] + "ión"
    if unit.endswith("des"):
        return unit[:-2]
    return unit.removesuffix("s")


def _natural_key(indicator: Indicator) -> tuple:
    parts = tuple(int(p) if p.isdigit() else 0 for p in re.split(r"\D+", indicator.key) if p)
    return indicator.program, parts, indicator.key


def indicators_of_year(session: Session, year: int) -> list[Indicator]:
    """The indicators of a year, by program and key (12, 12.1, 12.2, 12.10)."""
    rows = session.scalars(
        select(Indicator)
        .options(selectinload(Indicator.goals), selectinload(Indicator.overrides))
        .where(Indicator.year == year)
    ).all()
    return sorted(rows, key=_natural_key)


def indicator_years(session: Session) -> list[int]:
    """The years that have indicators, oldest first."""
    return list(session.scalars(
        select(Indicator.year).where(Indicator.year.is_not(None)).distinct().order_by(Indicator.year)
    ))


def _is_linkage(meeting: Meeting, home: str) -> bool:
    return any(
        i.kind is InstitutionKind.MUNICIPALITY
        and (i.municipality is None or i.municipality.cvegeo != home)
        for i in meeting.institutions
    )


def _meeting_exclusion(indicator: Indicator, meeting: Meeting, home: str) -> str | None:
    kinds = indicator.meeting_kinds
    if kinds is not None and meeting.kind.value not in kinds:
        allowed = ", ".join(MeetingKind(k).label.lower() for k in kinds) or "ningún tipo"
        return f"{meeting.kind.label}: el indicador solo cuenta {allowed}."
    if indicator.linkages_only and not _is_linkage(meeting, home):
        return "Sin otro municipio entre los participantes: no es una vinculación."
    return None


def _group_inspections(indicator: Indicator, inspections: list[Inspection]) -> list[CountedItem]:
    if not indicator.group_inspections:
        return [CountedItem([i]) for i in inspections]
    groups: dict[tuple, list[Inspection]] = {}
    for inspection in inspections:
        if inspection.cases:
            key = ("case", tuple(sorted(c.id for c in inspection.cases)))
        elif inspection.zones:
            key = ("zone", tuple(sorted(z.id for z in inspection.zones)))
        else:
            key = ("inspection", inspection.id)
        groups.setdefault(key, []).append(inspection)
    return [CountedItem(group) for group in groups.values()]


# What the report reads of each activity, loaded with it rather than one query per record.
_EAGER = {
    Meeting: (Meeting.institutions, Meeting.zones, Meeting.sites, Meeting.evidence,
              Meeting.agreements, Meeting.people),
    Inspection: (Inspection.institutions, Inspection.findings, Inspection.zones,
                 Inspection.cases, Inspection.agreements, Inspection.people),
}


def _between(session: Session, model, first: dt.date, last: dt.date,
             indicator_ids: Iterable[int]):
    day = model.date if model is Meeting else model.started_on
    return session.scalars(
        select(model)
        .options(*(selectinload(attribute) for attribute in _EAGER[model]))
        .where(day >= first, day <= last)
        .where(model.indicator_id.in_(list(indicator_ids)))
        .order_by(day, model.id)
    ).all()


def _counted(indicator: Indicator, meetings, inspections, home: str,
             level: IndicatorLevel | None = None) -> list[CountedItem]:
    """The counted items of ``indicator`` among the activities (exclusions noted on ``level``)."""
    items = []
    for meeting in meetings:
        reason = _meeting_exclusion(indicator, meeting, home)
        if reason:
            if level is not None:
                level.excluded.append(Excluded(meeting, reason))
        else:
            items.append(CountedItem([meeting]))
    if indicator.counts_inspections:
        items.extend(_group_inspections(indicator, list(inspections)))
    elif level is not None:
        level.excluded.extend(
            Excluded(i, "El indicador no cuenta recorridos.") for i in inspections
        )
    items.sort(key=lambda item: (item.first_date, activity_date(item.activities[0])))
    return items


def _level(
    indicator: Indicator, quarter: Quarter, by_quarter: dict[int, tuple[list, list]], home: str
) -> IndicatorLevel:
    """The level of ``indicator`` in ``quarter``.

    ``by_quarter`` holds each quarter's (meetings, inspections) of the year up to
    ``quarter``, already filtered to the indicator.
    """
    level = IndicatorLevel(indicator, quarter)
    level.quarter_goal = next(
        (g.goal for g in indicator.goals if g.quarter == quarter.number), None
    )
    overrides = [o for o in indicator.overrides if o.quarter == quarter.number]
    latest = max(overrides, key=lambda o: (o.created_at, o.id), default=None)
    level.override = latest if latest is not None and latest.value_percent is not None else None
    meetings, inspections = by_quarter.get(quarter.number, ([], []))
    level.items = _counted(indicator, meetings, inspections, home, level)
    level.year_to_date = len(level.items) + sum(
        len(_counted(indicator, *by_quarter[n], home))
        for n in range(1, quarter.number) if n in by_quarter
    )
    return level


def parts_of(indicator: Indicator, indicators: Iterable[Indicator]) -> list[Indicator]:
    """The activity indicators a component is made of.

    Same program and year, key one level below its own (12 → 12.1, 12.2; not 12.1.1 nor 120).
    """
    prefix = indicator.key + "."
    return sorted(
        (i for i in indicators
         if i.id != indicator.id and i.program == indicator.program and i.year == indicator.year
         and i.key.startswith(prefix) and "." not in i.key[len(prefix):]),
        key=_natural_key,
    )


def quarter_levels(
    session: Session, quarter: Quarter, home: str = HOME_MUNICIPALITY
) -> list[IndicatorLevel]:
    """The level of every indicator of the quarter's year, computed by its rule."""
    indicators = indicators_of_year(session, quarter.year)
    ids = [i.id for i in indicators]
    first = Quarter(quarter.year, 1).first_day
    meetings = _between(session, Meeting, first, quarter.last_day, ids) if ids else []
    inspections = _between(session, Inspection, first, quarter.last_day, ids) if ids else []
    levels: dict[int, IndicatorLevel] = {}
    for indicator in indicators:
        by_quarter: dict[int, tuple[list, list]] = {}
        for meeting in meetings:
            if meeting.indicator_id == indicator.id:
                by_quarter.setdefault(quarter_number(meeting.date), ([], []))[0].append(meeting)
        for inspection in inspections:
            if inspection.indicator_id == indicator.id:
                by_quarter.setdefault(quarter_number(inspection.started_on),
                                      ([], []))[1].append(inspection)
        levels[indicator.id] = _level(indicator, quarter, by_quarter, home)
    for indicator in indicators:
        level = levels[indicator.id]
        if level.source is not IndicatorSource.OWN:
            level.parts = [levels[p.id] for p in parts_of(indicator, indicators)]
            level.year_to_date = sum(part.year_to_date for part in level.parts)
    return [levels[i.id] for i in indicators]


def quarter_number(day: dt.date) -> int:
    """The quarter (1–4) of ``day``.

    Examples
    --------
    >>> quarter_number(dt.date(2025, 6, 30)), quarter_number(dt.date(2025, 7, 1))
    (2, 3)
    """
    return (day.month - 1) // 3 + 1


def year_progress(
    session: Session, year: int, home: str = HOME_MUNICIPALITY
) -> list[IndicatorYear]:
    """Every indicator of ``year`` with its four quarterly levels."""
    by_quarter = [quarter_levels(session, Quarter(year, n), home) for n in range(1, 5)]
    return [
        IndicatorYear(levels[0].indicator, list(levels)) for levels in zip(*by_quarter, strict=True)
    ]


def activities_without_indicator(session: Session, quarter: Quarter) -> list[Activity]:
    """Meetings and inspections of the quarter that no indicator of its year counts for."""
    own = {i.id for i in indicators_of_year(session, quarter.year)}
    rows: list[Activity] = []
    for model in (Meeting, Inspection):
        day = model.date if model is Meeting else model.started_on
        rows.extend(
            r for r in session.scalars(
                select(model).where(day >= quarter.first_day, day <= quarter.last_day)
            )
            if r.indicator_id not in own
        )
    return sorted(rows, key=lambda r: (activity_date(r), r.id))


def find_indicator(
    session: Session, key: str, year: int, program: str | None = None
) -> Indicator:
    """The indicator ``key`` of ``year`` (and ``program`` when several programs have it)."""
    query = select(Indicator).where(Indicator.key == key.strip(), Indicator.year == year)
    if program:
        query = query.where(Indicator.program.startswith(program.strip()))
    rows = session.scalars(query).all()
    if not rows:
        raise NotFoundError(f"No existe el indicador {key} de {year}.")
    if len(rows) > 1:
        programs = "; ".join(sorted(r.program for r in rows))
        raise ConflictError(
            f"Varios programas tienen el indicador {key} de {year} ({programs}): indique el "
            "programa."
        )
    return rows[0]


def indicator_by_id(session: Session, indicator_id: int) -> Indicator:
    """The indicator ``indicator_id`` or :class:`~cases.errors.NotFoundError`."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFoundError(f"No existe el indicador número {indicator_id}.")
    return indicator


def _check_goal(value: float | None, what: str) -> None:
    if value is not None and not value >= 0:
        raise InvalidInputError(f"La meta {what} debe ser un número mayor o igual a cero.")


# MIR levels, top to bottom, as the unit's report names them.
MIR_LEVELS = ("Fin", "Propósito", "Componente", "Actividad")
_KEY = re.compile(r"^\d{1,3}(\.\d{1,3}){0,2}$")
def signer_candidates(session: Session) -> list[Person]:
    """The people who may sign an indicator's sheet, by name."""
    return sorted(session.scalars(select(Person)).all(), key=lambda p: p.label.lower())


def create_indicator(
    session: Session,
    *,
    program: str,
    level: str,
    key: str,
    name: str,
    year: int,
    unit: str = "actividades",
    actor: User | None = None,
) -> Indicator:
    """A new indicator of ``year``, audited.

    Its goals and counting rule are set afterwards with :func:`configure_indicator`, its
    signers with :func:`cases.reporting.signers.add_signer`. The
    same program, key and year may exist only once: a second one is a
    :class:`~cases.errors.ConflictError` and nothing is written.
    """
    program = clean_text(program, "el programa presupuestario", 200, required=True)
    if level not in MIR_LEVELS:
        raise InvalidInputError(
            f"Nivel inválido «{level}»: use {', '.join(MIR_LEVELS[:-1])} o {MIR_LEVELS[-1]}."
        )
    key = clean_text(key, "la clave del indicador", 20, required=True)
    if not _KEY.match(key):
        raise InvalidInputError(
            f"Clave inválida «{key}»: escriba números separados por puntos, p. ej. 12 o 12.1."
        )
    name = clean_text(name, "el nombre del indicador", 300, required=True)
    unit = clean_text(unit, "la unidad de medida", 60, required=True)
    if not 2000 <= year <= 2100:
        raise InvalidInputError(f"Año inválido {year}: escriba un año entre 2000 y 2100.")
    existing = session.scalars(
        select(Indicator).where(
            Indicator.program == program, Indicator.key == key, Indicator.year == year
        )
    ).first()
    if existing is not None:
        raise ConflictError(
            f"Ya existe el indicador {key} de {year} en el programa «{program}»."
        )
    indicator = Indicator(
        program=program, level=level, key=key, name=name, period=str(year), year=year,
        unit=unit,
    )
    session.add(indicator)
    session.flush()
    record_change(session, actor, AuditAction.CREATE, indicator,
                  after={"programa": program, "nivel": level, "clave": key, "nombre": name,
                         "anio": year, "unidad": unit})
    return indicator


def configure_indicator(
    session: Session,
    indicator: Indicator,
    *,
    annual_goal: float | None = None,
    quarterly_goals: dict[int, float] | None = None,
    formula: str | None = None,
    unit: str | None = None,
    meeting_kinds: list[MeetingKind] | None = None,
    counts_inspections: bool | None = None,
    linkages_only: bool | None = None,
    group_inspections: bool | None = None,
    rule: IndicatorRule | None = None,
    source: IndicatorSource | None = None,
    actor: User | None = None,
) -> Indicator:
    """Change what an administrator edits of an indicator; ``None`` leaves a field as it is.

    ``meeting_kinds=[]`` means "every kind of meeting counts". Nothing is changed when any
    value is invalid.
    """
    _check_goal(annual_goal, "anual")
    for number, goal in (quarterly_goals or {}).items():
        if number not in (1, 2, 3, 4):
            raise InvalidInputError(f"Trimestre inválido: T{number} (use T1 a T4).")
        _check_goal(goal, f"del trimestre T{number}")
    if unit is not None and not unit.strip():
        raise InvalidInputError("La unidad de medida no puede quedar vacía.")
    before = _settings(indicator)
    if annual_goal is not None:
        indicator.annual_goal = annual_goal
    goals = {g.quarter: g for g in indicator.goals}
    for number, goal in sorted((quarterly_goals or {}).items()):
        if number in goals:
            goals[number].goal = goal
        else:
            indicator.goals.append(IndicatorGoal(quarter=number, goal=goal))
    if formula is not None:
        indicator.formula = formula.strip()
    if unit is not None:
        indicator.unit = unit.strip()
    if meeting_kinds is not None:
        indicator.meeting_kinds = [MeetingKind(k).value for k in meeting_kinds] or None
    if rule is not None:
        indicator.rule = IndicatorRule(rule)
    if source is not None:
        indicator.source = IndicatorSource(source)
    for name, value in (
        ("counts_inspections", counts_inspections),
        ("linkages_only", linkages_only),
        ("group_inspections", group_inspections),
    ):
        if value is not None:
            setattr(indicator, name, value)
    session.flush()
    after = _settings(indicator)
    if after != before:
        record_change(session, actor, AuditAction.UPDATE, indicator, before=before, after=after)
    return indicator


def _settings(indicator: Indicator) -> dict:
    """What an administrator edits of ``indicator``, as the audit log records it."""
    return {
        "meta_anual": indicator.annual_goal,
        **{f"meta_T{g.quarter}": g.goal for g in indicator.goals},
        "formula": indicator.formula,
        "unidad": indicator.unit,
        "tipos_de_reunion": list(indicator.meeting_kinds or []),
        "cuenta_recorridos": indicator.counts_inspections,
        "solo_vinculaciones": indicator.linkages_only,
        "agrupa_recorridos": indicator.group_inspections,
        "regla": (indicator.rule or IndicatorRule.QUARTER_OF_YEAR).label,
        "se_calcula_con": (indicator.source or IndicatorSource.OWN).label,
    }


def override_level(
    session: Session,
    indicator: Indicator,
    quarter: int,
    value_percent: float | None,
    reason: str,
    author: str,
    now: dt.datetime | None = None,
    actor: User | None = None,
) -> IndicatorOverride:
    """Record the official level of a quarter (``None`` withdraws the override).

    The reason and the author are required; earlier overrides are kept. The change is
    written to the audit log (by ``actor``; ``None`` is the command line or the demo).
    """
    if quarter not in (1, 2, 3, 4):
        raise InvalidInputError(f"Trimestre inválido: T{quarter} (use T1 a T4).")
    if value_percent is not None and not 0 <= value_percent <= 1000:
        raise InvalidInputError("El nivel oficial debe ser un porcentaje entre 0 y 1000.")
    if not (reason or "").strip():
        raise InvalidInputError("Indique el motivo del ajuste del nivel alcanzado.")
    if not (author or "").strip():
        raise InvalidInputError("Indique quién registra el ajuste del nivel alcanzado.")
    override = IndicatorOverride(
        quarter=quarter,
        value_percent=value_percent,
        reason=reason.strip(),
        author=author.strip(),
        created_at=now or dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
    indicator.overrides.append(override)
    session.flush()
    record_change(
        session, actor, AuditAction.UPDATE, indicator,
        before={f"nivel_oficial_T{quarter}": None},
        after={
            f"nivel_oficial_T{quarter}": value_percent,
            "motivo": override.reason,
            "registrado_por": override.author,
        },
    )
    return override
