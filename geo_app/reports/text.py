"""How the report, the Indicadores page and the Tablero write dates, lists and levels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cases.reporting.indicators import IndicatorLevel
from geo_app.formatting import MONTHS, figure, percent

__all__ = ["spanish_list", "date_span", "level_heading", "rule_text", "computed_note"]


def spanish_list(items: Sequence[str]) -> str:
    """Join items as Spanish does: "a, b y c".

    Examples
    --------
    >>> spanish_list(["a"]), spanish_list(["a", "b"]), spanish_list(["a", "b", "c"])
    ('a', 'a y b', 'a, b y c')
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} y {items[-1]}"


def date_span(days: Sequence[dt.date]) -> str:
    """Write the days of an activity: "15 y 22 de mayo de 2025".

    Examples
    --------
    >>> date_span([dt.date(2025, 5, 9), dt.date(2025, 5, 23), dt.date(2025, 5, 30)])
    '9, 23 y 30 de mayo de 2025'
    >>> date_span([dt.date(2025, 5, 30), dt.date(2025, 6, 2)])
    '30 de mayo y 2 de junio de 2025'
    >>> date_span([dt.date(2025, 4, 8)])
    '8 de abril de 2025'
    """
    days = sorted(set(days))
    if not days:
        return "sin fecha"
    parts: list[str] = []
    for year in dict.fromkeys(d.year for d in days):
        months = []
        for month in dict.fromkeys(d.month for d in days if d.year == year):
            numbers = [str(d.day) for d in days if d.year == year and d.month == month]
            months.append(f"{spanish_list(numbers)} de {MONTHS[month - 1]}")
        parts.append(f"{spanish_list(months)} de {year}")
    return spanish_list(parts)


def level_heading(level: str, key: str) -> str:
    """The indicator's level as the report writes it: "Componente 12", "Actividad 12.1".

    Examples
    --------
    >>> level_heading("Actividad", "12.1")
    'Actividad 12.1'
    """
    return f"{level} {key}".strip()


def rule_text(level: IndicatorLevel) -> str:
    """The computation in words: "4 vinculaciones de 20 programadas en el año = 20 %"."""
    if level.annual_goal is None:
        return (f"{level.done_text} en el trimestre; sin meta registrada: no se puede calcular "
                "el porcentaje")
    unit = level.indicator.unit or "actividades"
    planned = "programados" if unit.endswith("os") else "programadas"
    return (f"{level.done_text} de {figure(level.annual_goal)} {planned} en el año = "
            f"{percent(level.computed_percent)}")


def computed_note(level: IndicatorLevel) -> str | None:
    """The computed level beside an official figure that differs or stands alone.

    None when the official figure is the computed one.
    """
    if not level.overridden:
        return None
    return f"Calculado con las actividades registradas: {rule_text(level)}."
