"""How the report, the Indicadores page and the Tablero write an indicator's level."""

from __future__ import annotations

from cases.reporting.indicators import IndicatorLevel
from geo_app.formatting import figure, percent

__all__ = ["level_heading", "rule_text", "computed_note"]


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
