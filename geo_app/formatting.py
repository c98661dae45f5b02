"""How dates and numbers are written for the unit's staff (Mexican Spanish)."""

from __future__ import annotations

import datetime as dt

from flask import Flask

__all__ = ["long_date", "short_date", "number", "init_app"]

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


def long_date(value: dt.date | None, empty: str = "sin fecha") -> str:
    """Write a date as "14 de mayo de 2025".

    Examples
    --------
    >>> long_date(dt.date(2025, 5, 14))
    '14 de mayo de 2025'
    """
    if value is None:
        return empty
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


def short_date(value: dt.date | None, empty: str = "—") -> str:
    """Write a date as "14/05/2025" (day first, as in Mexico).

    Examples
    --------
    >>> short_date(dt.date(2025, 5, 4))
    '04/05/2025'
    """
    return empty if value is None else value.strftime("%d/%m/%Y")


def number(value: float | int | None, decimals: int = 0) -> str:
    """Write a number with thousands separated by commas and a decimal point.

    Examples
    --------
    >>> number(1234567.891, 2)
    '1,234,567.89'
    """
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def init_app(app: Flask) -> None:
    """Register the formatters as Jinja filters."""
    app.add_template_filter(long_date, "fecha")
    app.add_template_filter(short_date, "fecha_corta")
    app.add_template_filter(number, "numero")
