"""The quarterly report as PDF, read back with poppler and compared with the unit's own report.

Every page is also rendered to PNG under ``test-output/report/`` to be looked at.
"""

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from seed_report import (
    ENTRY,
    INSPECTION_FINDINGS,
    POSTS,
    SIGNER,
    SIGNER_POSITION,
    ZONES,
    add_working_meeting,
    dates_in,
    pdf_text,
    report_pdf,
    report_sheets,
    seed_indicators,
)

from cases.reporting.indicators import configure_indicator, find_indicator
from cases.storage.statuses import IndicatorRule

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-output" / "report"
def _pages(pdf: Path, name: str) -> list[Path]:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(ARTEFACTS / name)], check=True)
    return sorted(ARTEFACTS.glob(f"{name}-*.png"))


def test_april_june_report_carries_every_item_of_the_units_ownreport_pdf(app, runner, tmp_path):
    """The plain demo (no goals: the report states none) gives the seed's report back."""
    pdf = report_pdf(runner, tmp_path, "2025-T2")
    text = pdf_text(pdf)
    sheets = report_sheets(text)
    seeds = seed_indicators()
    assert list(sheets) == [s.key for s in seeds]
    for seed in seeds:
        sheet = sheets[seed.key]
        assert seed.program in sheet
        assert re.search(rf"Nombre del indicador:\s+{re.escape(seed.name)}", sheet), seed.key
        reached = re.search(r"Nivel alcanzado:\s+([\d.]+) %", sheet)
        assert float(reached.group(1)) == seed.reached_percent, seed.key
        entries = [frozenset().union(*dates_in(lead)) for lead in ENTRY.findall(sheet)]
        assert frozenset().union(*entries) == seed.dates, seed.key
        if seed.items is not None:  # numbered in the seed: the same items, in date order
            assert sorted(entries, key=min) == sorted(seed.items, key=min), seed.key
        assert entries == sorted(entries, key=min), seed.key
        assert SIGNER in sheet and "Autorizó:" in sheet
        flat_sheet = " ".join(sheet.split())
        # «20 %»: 4 of 20 programmed in the year, computed by the indicator's rule.
        assert "en el año hasta el segundo trimestre de 2025" in flat_sheet
        assert "de 20 programad" in flat_sheet and "cifra oficial" not in flat_sheet
    flat = " ".join(text.split())
    assert flat.count(f"Autorizó: {SIGNER} {SIGNER_POSITION}") == len(seeds)
    assert all(zone in flat for zone in ZONES)
    inspections = " ".join(sheets["12.2"].split()).lower()
    assert all(finding in inspections for finding in INSPECTION_FINDINGS)
    evidence = " ".join(sheets["12.1"].split())
    for day in POSTS:
        assert f"redes sociales, {day.day} de " in evidence, day
    # the people the report names, with what they did
    assert "Presidió: Ray Chagoya, Presidente Municipal de Oaxaca de Juárez" in evidence
    assert "Participó: Fiscal General del Estado" in evidence
    assert "Información faltante" not in flat


def test_report_pdf_looks_like_a_municipalreport_pdf(app, runner, tmp_path):
    pdf = report_pdf(runner, tmp_path, "2025-T2")
    pages = _pages(pdf, "2025-T2")
    assert len(pages) >= 4
    text = pdf_text(pdf)
    page_texts = text.split("\f")[: len(pages)]
    for number, page in enumerate(page_texts, start=1):
        assert "OAXACA DE JUÁREZ" in page and "GOBIERNO MUNICIPAL 2025-2027" in page
        assert f"Página {number} de {len(pages)}" in page
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # embedded


def test_an_activity_recorded_for_july_appears_in_the_third_quarter(app, runner, tmp_path):
    with app.extensions["limites_sessions"]() as session:
        # the quarter's count ÷ the annual goal, this time
        configure_indicator(session, find_indicator(session, "12.2", 2025), annual_goal=20,
                            rule=IndicatorRule.QUARTER_OF_YEAR)
        add_working_meeting(
            session, dt.date(2025, 7, 17), "San Jacinto Amilpas",
            "Seguimiento del reconocimiento de las zonas compartidas",
            "Revisar la propuesta de acuerdo sobre Los Sauces.",
        )
        session.commit()
    pdf = report_pdf(runner, tmp_path, "2025-T3")
    _pages(pdf, "2025-T3")
    sheet = " ".join(report_sheets(pdf_text(pdf))["12.2"].split())
    assert "17 de julio de 2025. Reunión de trabajo: Seguimiento del reconocimiento" in sheet
    assert "Nivel alcanzado: 5 % (1 vinculación de 20 programadas en el año = 5 %)" in sheet


def test_an_empty_quarter_is_a_report_that_says_so(app, runner, tmp_path):
    pdf = report_pdf(runner, tmp_path, "2031-T1")
    _pages(pdf, "2031-T1")
    flat = " ".join(pdf_text(pdf).split())
    assert "No hay indicadores registrados para 2031" in flat
    assert "No hay actividades registradas en el primer trimestre de 2031" in flat
    assert "Autorizó:" in flat


@pytest.mark.parametrize("quarter", ["2025-T5", "segundo", "2025/2"])
def test_bad_quarter_is_a_spanish_error_and_writes_nothing(app, runner, tmp_path, quarter):
    out = tmp_path / "x.pdf"
    result = runner.invoke(args=["report", quarter, "--out", str(out)])
    assert result.exit_code == 1
    assert f"Trimestre inválido «{quarter}»" in result.output
    assert not out.exists()
