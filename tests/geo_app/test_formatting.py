"""One convention for user-visible figures («1,234.5»), written by geo_app.formatting only."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from cases.fieldwork import desk
from geo_app import formatting
from geo_app.limits import request_limit

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("write", "expected"), [
    (lambda: formatting.number(1234567.891, 2), "1,234,567.89"),
    (lambda: formatting.number(1234), "1,234"),
    (lambda: formatting.figure(1234.5), "1,234.5"),
    (lambda: formatting.figure(20.0), "20"),
    (lambda: formatting.percent(12.5), "12.5 %"),
    (lambda: formatting.megabytes(1536 * 2**20), "1,536 MB"),
    (lambda: formatting.file_size(1536 * 2**20), "1,536.0 MB"),
    (lambda: formatting.short_dates([dt.date(2026, 1, 9), dt.date(2026, 2, 1)]),
     "09/01/2026, 01/02/2026"),
])
def test_numbers_and_dates_follow_one_convention(write, expected):
    assert write() == expected


def test_request_limit_messages_write_thousands_with_commas(app):
    message = request_limit(app, "field.synchronise", None).message
    counts = re.findall(r"hasta ([\d ,.]+) (?:puntos|hallazgos)", message)
    assert counts and all(re.fullmatch(r"\d{1,3}(,\d{3})*", n) for n in counts), counts


def test_route_notes_write_thousands_with_commas():
    assert desk._points_note(12_345, 9_876, 2.5) == (
        "Filtro de ruido de 2.5 m: 12,345 puntos leídos, 9,876 conservados "
        "(2,469 descartados).")


def test_no_module_rewrites_the_thousands_separator():
    rewrites = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("boundaries", "cases", "geo_app")
        for path in sorted((ROOT / package).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        # A number formatted with a thousands separator, then rewritten («1.234», «1 234»).
        if re.search(r""":,[^}]*}.*\.replace\(""", line)
    ]
    assert rewrites == []


def test_templates_write_dates_through_the_formatting_filters():
    by_hand = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "geo_app" / "templates").rglob("*.html"))
        if "strftime(" in path.read_text(encoding="utf-8")
    ]
    assert by_hand == []


def test_the_audit_log_writes_moments_day_first(admin_client):
    audit = admin_client.get("/admin/registro")
    assert audit.status_code == 200
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", audit.text)
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", audit.text)


def test_geo_app_formats_figures_only_in_its_formatting_module():
    own_specs = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "geo_app").rglob("*.py"))
        if path.name != "formatting.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{[^{}]*:[+]?,[^{}]*\}", line)
    ]
    assert own_specs == []


def test_the_pages_and_the_report_write_days_across_months_alike():
    from geo_app.reports.render import Formatter

    days = [dt.date(2026, 4, 28), dt.date(2026, 5, 5)]
    assert formatting.day_list(days) == Formatter.date_span(days) == (
        "28 de abril y 5 de mayo de 2026")
