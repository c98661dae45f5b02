"""The unit's own April–June 2025 report (shared/seed), read as the facts our report must carry."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / ".." / "shared" / "seed" / "informe_asuntos_metropolitanos_2025.md"
YEAR = 2025
MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)
# "8 de abril", "15 y 22 de mayo", "09, 23 y 30 de mayo" (with or without the year).
DATES = re.compile(
    r"\b((?:\d{1,2}, )*\d{1,2}(?: y \d{1,2})?) de (" + "|".join(MONTHS) + r")\b"
)


def dates_in(text: str, year: int = YEAR) -> list[frozenset[dt.date]]:
    """Every group of days written in ``text`` ("15 y 22 de mayo" is one group of two).

    >>> groups = dates_in("los días 15 y 22 de mayo y el 3 de junio")
    >>> [sorted(d.day for d in group) for group in groups]
    [[15, 22], [3]]
    """
    groups = []
    for days, month in DATES.findall(text):
        number = MONTHS.index(month) + 1
        groups.append(frozenset(
            dt.date(year, number, int(d)) for d in re.split(r", | y ", days)
        ))
    return groups


@dataclass
class SeedIndicator:
    """One indicator sheet of the seed report."""

    program: str
    level: str
    key: str
    name: str
    reached_percent: float
    # One group of days per numbered activity, or None when the sheet is a narrative.
    items: list[frozenset[dt.date]] | None
    dates: frozenset[dt.date]
    text: str


def seed_indicators() -> list[SeedIndicator]:
    """The seed report's indicator sheets, in its order."""
    text = SEED.read_text(encoding="utf-8")
    sheets = []
    for chunk in text.split("**Programa presupuestario:**")[1:]:
        program = chunk.splitlines()[0].strip()
        level, key = re.search(r"\*\*Nivel:\*\*\s*(\w+)\s+(\S+)", chunk).groups()
        name = re.search(r"\*\*Nombre del indicador:\*\*\s*(.+)", chunk).group(1).strip()
        reached = float(re.search(r"\*\*Nivel alcanzado:\*\*\s*([\d.]+)\s*%", chunk).group(1))
        body = chunk.split("**Actividades:**", 1)[1].split("Autorizó", 1)[0]
        numbered = re.split(r"(?m)^\s*\d+\.\s", body)[1:]
        items = [frozenset().union(*dates_in(item)) for item in numbered] or None
        sheets.append(SeedIndicator(
            program, level.capitalize(), key, name, reached, items,
            frozenset().union(*dates_in(body)), body,
        ))
    return sheets


SIGNER = "Sara Mariana Jara Carrasco"
SIGNER_POSITION = "Titular de la Unidad de Atención de Asuntos Metropolitanos"
ZONES = ("Los Sauces", "Ejidal", "Emiliano Zapata", "San Rafael")
# What the 15 and 22 May inspections found, in the seed's words (roots, to match either form).
INSPECTION_FINDINGS = ("contaminación", "residuos sólidos", "escombro", "estacionamiento")
# The municipality's social-media posts the seed gives as evidence of the security tables.
POSTS = (dt.date(YEAR, 5, 9), dt.date(YEAR, 5, 23), dt.date(YEAR, 5, 30), dt.date(YEAR, 6, 12))

# The seed gives levels, not goals: 4 activities reaching 20 % means 20 programmed a year.
SEED_GOALS = {"12": ("estrategias", 20), "12.1": ("eventos", 20), "12.2": ("vinculaciones", 20)}


def apply_seed_goals(session) -> None:
    """Give the demo's 2025 indicators the goals the seed's levels imply (idempotent).

    Only for tests of the computation: quarterly goals besides the annual one, and the rule
    «the quarter's count ÷ the annual goal» (the demo's own rule is the year so far).
    """
    from cases.reporting.indicators import configure_indicator, find_indicator
    from cases.storage.db import unit_of_work
    from cases.storage.statuses import IndicatorRule

    with unit_of_work(session):
        for key, (unit, goal) in SEED_GOALS.items():
            configure_indicator(
                session, find_indicator(session, key, YEAR), annual_goal=goal, unit=unit,
                quarterly_goals={n: goal / 4 for n in range(1, 5)},
                rule=IndicatorRule.QUARTER_OF_YEAR,
            )


def add_working_meeting(
    session, day: dt.date, neighbour: str, title: str, purpose: str, key: str = "12.2"
) -> None:
    """A working meeting with the municipality ``neighbour``, counted for indicator ``key``."""
    from sqlalchemy import select

    from cases.reporting.indicators import find_indicator
    from cases.storage.models import Institution, Meeting, MeetingKind

    institution = session.scalars(
        select(Institution).where(Institution.name == f"Municipio de {neighbour}")
    ).one()
    session.add(Meeting(
        date=day, kind=MeetingKind.WORKING, indicator=find_indicator(session, key, day.year),
        institutions=[institution], title=title, purpose=purpose,
    ))


# Reading our own report back (its PDF text) to compare it with the seed.
SHEET = re.compile(r"(?m)^\s*Nivel:\s+(\w+) (\S+)\s*$")
ENTRY = re.compile(r"(?m)^\s*\d+\. (.+? de \d{4})\. ")


def report_pdf(runner, directory: Path, quarter: str, fmt: str = "pdf") -> Path:
    """``limites report QUARTER`` written into ``directory``."""
    out = directory / f"informe_{quarter}.{fmt}"
    result = runner.invoke(args=["report", quarter, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def pdf_text(pdf: Path) -> str:
    """The PDF's text as poppler's ``pdftotext -layout`` reads it."""
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def report_sheets(text: str) -> dict[str, str]:
    """The text of each indicator sheet, by key: from its program line to the next sheet."""
    marks = list(SHEET.finditer(text))
    starts = [text.rfind("Programa presupuestario:", 0, m.start()) for m in marks]
    ends = starts[1:] + [len(text)]
    return {
        m.group(2): text[start:end] for m, start, end in zip(marks, starts, ends, strict=True)
    }
