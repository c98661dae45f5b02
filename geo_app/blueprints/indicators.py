"""Indicadores: each MIR indicator's level per quarter, computed from the activities."""

import datetime as dt

from flask import Blueprint, render_template, request

from cases.errors import InvalidInputError
from cases.indicators import indicator_years, year_progress
from geo_app.db import get_session
from geo_app.reports.figures import indicator_chart_svg
from geo_app.reports.render import Formatter

bp = Blueprint("indicators", __name__, url_prefix="/indicadores")


def _year(years: list[int]) -> int:
    text = request.args.get("anio")
    if text is None:
        today = dt.date.today().year
        return today if today in years or not years else years[-1]
    if not text.isdigit() or len(text) != 4:
        raise InvalidInputError(f"Año inválido «{text}»: escríbalo con cuatro cifras, p. ej. 2025.")
    return int(text)


@bp.get("/")
def index():
    """Nivel alcanzado por trimestre de cada indicador, con su gráfica y sus actividades."""
    session = get_session()
    years = indicator_years(session)
    year = _year(years)
    progress = year_progress(session, year)
    return render_template(
        "indicators/index.html", title="Indicadores", breadcrumbs=[], year=year, years=years,
        progress=progress, fmt=Formatter,
        chart=indicator_chart_svg(progress, f"Nivel alcanzado por trimestre, {year}")
        if progress else None,
    )
