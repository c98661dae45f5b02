"""``limites indicators``: list the MIR indicators, set their goals and rules, adjust a level."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from cases.errors import InvalidInputError
from cases.reporting.indicators import (
    configure_indicator,
    find_indicator,
    override_level,
    year_progress,
)
from cases.reporting.quarters import parse_quarter
from cases.storage.db import unit_of_work
from cases.storage.models import IndicatorRule, IndicatorSource, MeetingKind
from geo_app.cli.support import handled, open_session
from geo_app.formatting import figure, percent, rule_text

__all__ = ["COMMANDS", "indicators_command"]


def _quarter_goals(values: tuple[str, ...]) -> dict[int, float]:
    goals = {}
    for value in values:
        quarter, _, goal = value.partition("=")
        number = quarter.strip().upper().removeprefix("T")
        try:
            goals[int(number)] = float(goal)
        except ValueError as exc:
            raise InvalidInputError(
                f"Meta trimestral inválida «{value}»: escríbala como T2=5."
            ) from exc
    return goals


def _kinds(value: str | None) -> list[MeetingKind] | None:
    if value is None:
        return None
    if value.strip() in ("", "todas"):
        return []
    try:
        return [MeetingKind(v.strip()) for v in value.split(",") if v.strip()]
    except ValueError as exc:
        valid = ", ".join(k.value for k in MeetingKind)
        raise InvalidInputError(f"Tipo de reunión inválido en «{value}»; use {valid}.") from exc


@click.group("indicators")
def indicators_command() -> None:
    """Indicadores del programa presupuestario (MIR): metas, reglas y ajustes."""


@indicators_command.command("list")
@click.argument("year", type=int)
@with_appcontext
def list_command(year: int) -> None:
    """Muestra los indicadores de un año con su nivel por trimestre."""
    with handled(), open_session() as session:
        progress = year_progress(session, year)
        if not progress:
            click.echo(f"No hay indicadores registrados para {year}.")
        for item in progress:
            indicator = item.indicator
            click.echo(f"{indicator.level} {indicator.key} · {indicator.name}")
            click.echo(f"  Programa: {indicator.program}")
            goal = indicator.annual_goal
            click.echo(
                f"  Meta anual: {figure(goal)} {indicator.unit}" if goal
                else "  Meta anual: sin meta programada"
            )
            for level in item.quarters:
                mark = " (cifra oficial)" if level.overridden else ""
                click.echo(
                    f"  T{level.quarter.number}: {percent(level.official_percent)}{mark}"
                    f" — {rule_text(level)}"
                )


@indicators_command.command("set")
@click.argument("key")
@click.option("--year", type=int, required=True, help="Año del indicador.")
@click.option("--program", help="Programa presupuestario, si varios tienen esa clave.")
@click.option("--annual-goal", type=float, help="Actividades programadas en el año.")
@click.option("--quarter-goal", multiple=True, metavar="TN=META",
              help="Meta de un trimestre, p. ej. T2=5 (se puede repetir).")
@click.option("--formula", help="Fórmula en palabras.")
@click.option("--unit", help="Unidad de medida en plural (p. ej. vinculaciones).")
@click.option("--meeting-kinds", help="Tipos de reunión que cuentan, separados por comas, "
              "o «todas».")
@click.option("--inspections/--no-inspections", default=None,
              help="Si los recorridos cuentan.")
@click.option("--linkages-only/--any-meeting", default=None,
              help="Si solo cuentan reuniones con otro municipio.")
@click.option("--group-inspections/--each-inspection", default=None,
              help="Si los recorridos de un expediente en el trimestre cuentan como uno.")
@click.option("--rule", type=click.Choice([r.value for r in IndicatorRule]),
              help="Cómo se calcula el nivel: " + "; ".join(
                  f"{r.value} = {r.label}" for r in IndicatorRule) + ".")
@click.option("--source", type=click.Choice([s.value for s in IndicatorSource]),
              help="Qué cuenta: " + "; ".join(
                  f"{s.value} = {s.label}" for s in IndicatorSource) + ".")
@with_appcontext
def set_command(key, year, program, annual_goal, quarter_goal, formula, unit, meeting_kinds,
                inspections, linkages_only, group_inspections, rule, source) -> None:
    """Cambia la meta, la fórmula o la regla de conteo de un indicador."""
    with handled(), open_session() as session, unit_of_work(session):
        indicator = configure_indicator(
            session, find_indicator(session, key, year, program),
            annual_goal=annual_goal, quarterly_goals=_quarter_goals(quarter_goal),
            formula=formula, unit=unit, meeting_kinds=_kinds(meeting_kinds),
            counts_inspections=inspections, linkages_only=linkages_only,
            group_inspections=group_inspections,
            rule=IndicatorRule(rule) if rule else None,
            source=IndicatorSource(source) if source else None,
        )
        label = f"{indicator.level} {indicator.key}"
    click.echo(f"Indicador {label} de {year} actualizado.")


@indicators_command.command("override")
@click.argument("key")
@click.argument("quarter", metavar="TRIMESTRE")
@click.option("--value", type=float, help="Nivel oficial en %; sin --value se retira el ajuste.")
@click.option("--reason", required=True, help="Por qué la cifra oficial difiere de la calculada.")
@click.option("--author", required=True, help="Quién registra el ajuste.")
@click.option("--program", help="Programa presupuestario, si varios tienen esa clave.")
@with_appcontext
def override_command(key, quarter, value, reason, author, program) -> None:
    """Registra el nivel oficial de un trimestre cuando difiere del calculado."""
    with handled():
        period = parse_quarter(quarter)
    with handled(), open_session() as session, unit_of_work(session):
        indicator = find_indicator(session, key, period.year, program)
        override_level(session, indicator, period.number, value, reason, author)
    if value is None:
        click.echo(f"Ajuste retirado: el indicador {key} de {period} vuelve al nivel calculado.")
    else:
        click.echo(f"Nivel oficial del indicador {key} en {period}: {percent(value)}.")


COMMANDS = (indicators_command,)
