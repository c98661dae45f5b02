"""How dates and numbers are written for the unit's staff (Mexican Spanish)."""

from __future__ import annotations

import datetime as dt

from flask import Flask

__all__ = ["long_date", "day_list", "short_date", "number", "init_app"]

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


def day_list(values: list[dt.date], empty: str = "sin fecha") -> str:
    """Write separate days as the report does: "15 y 22 de mayo de 2025".

    Examples
    --------
    >>> day_list([dt.date(2025, 5, 15), dt.date(2025, 5, 22)])
    '15 y 22 de mayo de 2025'
    >>> day_list([dt.date(2025, 5, 30), dt.date(2025, 6, 2)])
    '30 de mayo de 2025 y 2 de junio de 2025'
    """
    if not values:
        return empty
    if len({(day.year, day.month) for day in values}) == 1:
        parts = [str(day.day) for day in values]
        tail = long_date(values[-1]).split(" ", 1)[1]
        return f"{_join(parts)} {tail}"
    return _join([long_date(day) for day in values])


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} y {parts[-1]}"


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
    app.add_template_filter(day_list, "dias")
    app.add_template_filter(short_date, "fecha_corta")
    app.add_template_filter(number, "numero")
