"""«Buscar»: the results of the search box on every page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from cases.records.search import MAX_QUERY, search
from geo_app.db import get_session
from geo_app.search.pages import kind_tabs, result_groups

__all__ = ["bp"]

bp = Blueprint("search", __name__, url_prefix="/buscar")


@bp.get("/")
def index():
    """Resultados de la búsqueda, agrupados por tipo de registro."""
    results = search(get_session(), request.args.get("q", "")[:MAX_QUERY],
                     kind=request.args.get("tipo") or None,
                     page=request.args.get("pagina", 1, type=int))
    return render_template("search/results.html", title="Buscar", breadcrumbs=[],
                           results=results, groups=result_groups(results),
                           tabs=kind_tabs(results))
