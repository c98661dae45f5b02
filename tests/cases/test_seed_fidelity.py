"""The demo says what the unit's report says, and no more.

Reads ``../shared/seed/informe_asuntos_metropolitanos_2025.md`` (relative to the repository
root) and checks every date, body, person, indicator level and quoted text of the demo
against it. The report shows the year only through the government period; its weekdays
("miércoles 14 de mayo", "viernes 23 de mayo") pin it to 2025.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from cases.demo.dataset import load_demo
from cases.demo.story import OWN_BODIES
from cases.storage.db import make_engine, make_session_factory, upgrade
from cases.storage.models import (
    Agreement,
    Case,
    DisputeZone,
    Indicator,
    Inspection,
    Meeting,
    MeetingKind,
    ParticipantRole,
    Site,
)

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / ".." / "shared" / "seed" / "informe_asuntos_metropolitanos_2025.md"
YEAR = 2025
MONTH_SPAN = "abril–junio 2025"
MONTHS = {"abril": 4, "mayo": 5, "junio": 6, "may": 5, "jun": 6}
HEADER_LINES = {
    "OAXACA", "DE JUÁREZ", "OAXACA DE JUÁREZ", "GOBIERNO MUNICIPAL 2025-2027",
    "VECINOS Y VECINOS", "VECINAS Y VECINOS", "TRANSFORMANDO", "JUNTOS",
}
DATES = re.compile(r"\b((?:\d{1,2}, )*\d{1,2}(?: y \d{1,2})?) de (abril|mayo|junio)\b")
POST_DATE = re.compile(r"^(\d{1,2}) (may|jun)\w*\s*·", re.I | re.M)
ITEM = re.compile(r"^\d+\. ", re.M)
# A zone is named in an activity by these words (the report says "las colonias Ejidal y
# Emiliano Zapata"); the Xoxocotlán limits also need the activity to be about limits.
ZONE_WORDS = {
    "Fraccionamiento Los Sauces": ["los sauces"],
    "Colonia Ejidal": ["ejidal"],
    "Colonia Emiliano Zapata": ["emiliano zapata"],
    "Rancho San Rafael": ["rancho san rafael"],
    "Límites con Santa Cruz Xoxocotlán": ["santa cruz xoxocotlan", "limit"],
}


def norm(text: str) -> str:
    """Lower case, no accents, no Markdown emphasis or links, single spaces."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("*", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().lower()


def quote(text: str) -> str:
    """A demo text as it should appear inside the report (its final period dropped)."""
    return norm(text).rstrip(".")


@dataclass
class Section:
    """One indicator of the report with its activities."""

    key: str
    level: str
    name: str
    reached: float
    program: str
    authorized: tuple[str, str]
    activities: str
    windows: dict[dt.date, list[str]] = field(default_factory=dict)
    items: list[frozenset[dt.date]] = field(default_factory=list)

    def window(self, days) -> str:
        """The report's text about the activity held on ``days``."""
        parts: list[str] = []
        for day in days:
            for part in self.windows.get(day, []):
                if part not in parts:
                    parts.append(part)
        return norm(" ".join(parts))


def dates_in(text: str) -> list[dt.date]:
    found = [
        dt.date(YEAR, MONTHS[month], int(day))
        for days, month in DATES.findall(text)
        for day in re.split(r", | y ", days)
    ]
    found += [dt.date(YEAR, MONTHS[m.lower()], int(d)) for d, m in POST_DATE.findall(text)]
    return found


def clean(raw: str) -> str:
    """The report's text without the header repeated on every page."""
    lines = [
        line for line in raw.splitlines()
        if line.replace("*", "").strip().upper() not in HEADER_LINES
    ]
    return "\n".join(lines)


def units_of(key: str, activities: str) -> list[str]:
    """Numbered items; or, for 12.1, paragraphs and social-media posts."""
    if key != "12.1":
        return [u for u in ITEM.split(activities)[1:] if u.strip()]
    summary, *posts = re.split(r"^Municipio de Oaxaca\s*$", activities, flags=re.M)
    return [p for p in re.split(r"\n\s*\n", summary) if p.strip()] + posts


def parse(raw: str) -> dict[str, Section]:
    sections = {}
    for chunk in re.split(r"\*\*Programa presupuestario:\*\*", clean(raw))[1:]:
        program = chunk.splitlines()[0].strip()
        level, key = re.search(r"\*\*Nivel:\*\*\s*(\w+) ([\d.]+)", chunk).groups()
        name = re.search(r"\*\*Nombre del indicador:\*\*\s*(.+)", chunk).group(1).strip()
        reached = float(re.search(r"\*\*Nivel alcanzado:\*\*\s*(\d+)\s*%", chunk).group(1))
        body, signature = re.split(r"^Autorizó:?\s*$", chunk, flags=re.M)
        signer = [line.strip() for line in signature.splitlines() if line.strip()][:2]
        activities = body.split("**Actividades:**", 1)[1]
        section = Section(key, level.capitalize(), name, reached, program, tuple(signer),
                          activities)
        previous: list[dt.date] = []
        for unit in units_of(key, activities):
            days = dates_in(unit) or previous  # an undated paragraph goes on about the last
            for day in days:
                section.windows.setdefault(day, []).append(unit)
            previous = days
            if key != "12.1":
                section.items.append(frozenset(days))
        sections[key] = section
    return sections


@pytest.fixture(scope="module")
def report() -> dict[str, Section]:
    if not REPORT.exists():
        pytest.fail(f"missing the unit's report: {REPORT}")
    return parse(REPORT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('seed') / 'demo.sqlite'}")
    upgrade(engine)
    with make_session_factory(engine)() as session:
        load_demo(session)
        yield session
    engine.dispose()


def activities_of(session) -> list[tuple[str, frozenset[dt.date], object]]:
    """Every recorded activity as (indicator key, its days, the record)."""
    found = [(m.indicator.key, frozenset([m.date]), m) for m in session.scalars(select(Meeting))]
    found += [(i.indicator.key, frozenset(i.days), i) for i in session.scalars(select(Inspection))]
    return found


def test_the_report_is_read_as_expected(report):
    assert sorted(report) == ["12", "12.1", "12.2"]
    assert dt.date(YEAR, 5, 14).strftime("%A") == "Wednesday"  # "miércoles 14 de mayo"
    assert dt.date(YEAR, 5, 23).strftime("%A") == "Friday"  # "viernes 23 de mayo"
    assert "miércoles 14 de mayo" in report["12.2"].activities
    assert "viernes 23 de mayo" in report["12.2"].activities
    assert len(report["12"].items) == len(report["12.2"].items) == 4


def test_indicators_compute_the_reports_levels_as_the_year_so_far(demo, report):
    from cases.reporting.indicators import quarter_levels
    from cases.reporting.quarters import Quarter
    from cases.reporting.signers import signer_of
    from cases.storage.statuses import IndicatorRule

    indicators = {i.key: i for i in demo.scalars(select(Indicator))}
    assert sorted(indicators) == sorted(report)
    levels = {lv.indicator.key: lv for lv in quarter_levels(demo, Quarter(YEAR, 2))}
    for key, section in report.items():
        indicator = indicators[key]
        assert (indicator.level, indicator.name) == (section.level, section.name)
        assert indicator.program == section.program
        # «20 %» reads as 4 of 20 programmed in the year, computed, not typed.
        assert indicator.rule is IndicatorRule.YEAR_TO_DATE and not indicator.overrides
        assert levels[key].computed_percent == levels[key].official_percent == section.reached
        signer = signer_of(demo, indicator, Quarter(YEAR, 2).last_day)
        assert (signer.name, signer.position) == section.authorized


def test_every_activity_of_the_report_is_one_record_on_its_days(demo, report):
    recorded = activities_of(demo)
    for key in ("12", "12.2"):
        expected = sorted(sorted(days) for days in report[key].items)
        assert sorted(sorted(days) for k, days, _ in recorded if k == key) == expected, key
    tables = re.search(r"(\d+) Mesas de Seguridad[^(]*\(([^)]*)\)", report["12.1"].activities)
    command = re.search(r"sesión de Mando Coordinado \(([^)]*)\)", report["12.1"].activities)
    security = sorted(m.date for k, _, m in recorded
                      if k == "12.1" and m.kind is MeetingKind.SECURITY)
    assert len(security) == int(tables.group(1))
    assert security == sorted(dates_in(tables.group(2)))
    sessions = [m.date for k, _, m in recorded
                if k == "12.1" and m.kind is MeetingKind.COORDINATED_COMMAND]
    assert sessions == dates_in(command.group(1))
    assert len(recorded) == len(security) + len(sessions) + sum(
        len(report[key].items) for key in ("12", "12.2")
    )


def test_texts_are_the_reports_words(demo, report):
    for key, days, record in activities_of(demo):
        window = report[key].window(days)
        texts = [record.summary]
        if isinstance(record, Meeting):
            texts += [record.purpose, record.participants]
            texts += [re.search(r"«(.*)»", e.label).group(1) for e in record.evidence]
        else:
            texts += [f.description for f in record.findings]
        for text in filter(None, texts):
            assert quote(text) in window, (record.title, text)


def test_bodies_and_people_are_those_the_report_names(demo, report):
    for key, days, record in activities_of(demo):
        window = report[key].window(days)
        verified = set()
        for part in record.people:
            person = part.person
            assert norm(person.name or person.position) in window, (record.title, person.label)
            if part.role is ParticipantRole.PRESIDED:
                assert "encabez" in window, record.title
            if part.role is ParticipantRole.PRESENT:
                assert "presencia" in window, record.title
            verified.add(person.institution.name)
        for body in record.institutions:
            if body.name in OWN_BODIES or body.name in verified:
                continue
            assert norm(body.name) in window or norm(body.short_name) in window, (
                record.title, body.name)


def test_people_the_report_names_are_recorded(demo):
    by_date = {m.date: m for m in demo.scalars(select(Meeting))
               if m.kind is not MeetingKind.WORKING}
    roles = {
        (d, p.person.name or p.person.position, p.role)
        for d, m in by_date.items() for p in m.people
    }
    may = dt.date(YEAR, 5, 1)
    assert (may.replace(day=23), "Ray Chagoya", ParticipantRole.PRESIDED) in roles
    assert (may.replace(day=30), "Ray Chagoya", ParticipantRole.PRESIDED) in roles
    assert (may.replace(day=9), "Fiscal General del Estado", ParticipantRole.PARTICIPATED) in roles
    assert (may.replace(day=9), "Jesús Romero López", ParticipantRole.PARTICIPATED) in roles


def test_places_zones_and_cases_only_where_the_report_links_them(demo, report):
    for key, days, record in activities_of(demo):
        window = report[key].window(days)
        if isinstance(record, Meeting):
            assert not record.sites, record.title
            if record.place or record.venue:
                assert norm(record.place) in window
                assert record.venue.name.startswith(record.place)
            zones = record.zones
        else:
            zones = list(record.zones)
        for zone in zones:
            assert all(word in window for word in ZONE_WORDS[zone.name]), (record.title, zone)
        for case in record.cases:
            shares_zone = bool(set(case.zones) & set(zones))
            opened_here = case.opened_on in days
            # or the activity is about the limits with every other party of the case
            on_its_limits = "limit" in window and all(
                norm(p.short_name) in window for p in case.parties if p.name not in OWN_BODIES
            )
            assert shares_zone or opened_here or on_its_limits, (record.title, case.number)
    for site in demo.scalars(select(Site)):
        assert demo.scalars(select(Meeting).where(Meeting.venue == site)).all(), site.name


def test_no_agreements_the_report_does_not_record(demo):
    assert demo.scalars(select(Agreement)).all() == []


def test_case_numbers_are_illustrative_and_in_date_order(demo, report):
    cases = sorted(demo.scalars(select(Case)), key=lambda c: int(c.number.split("/")[2]))
    assert all(case.illustrative for case in cases)
    assert [int(c.number.split("/")[2]) for c in cases] == list(range(1, len(cases) + 1))
    assert [c.opened_on for c in cases] == sorted(c.opened_on for c in cases)
    report_days = {day for section in report.values() for day in section.windows}
    whole = norm(" ".join(section.activities for section in report.values()))
    for case in cases:
        assert case.opened_on in report_days, case.number
        assert quote(case.description) in whole, case.number


def test_zone_descriptions_name_only_dates_of_the_report(demo, report):
    report_days = {day for section in report.values() for day in section.windows}
    for zone in demo.scalars(select(DisputeZone)):
        assert set(dates_in(zone.description)) <= report_days, zone.name
