"""Cases (expedientes): list and record page."""

from flask import Blueprint, render_template, request, url_for

from cases.records import queries
from geo_app.db import get_session
from geo_app.map_cache import cached_map
from geo_app.records import pages

bp = Blueprint("case_files", __name__, url_prefix="/expedientes")


def _listed(page) -> dict:
    return {"cases": page.items, "page": page}


@bp.get("/")
def index():
    """Lista de expedientes."""
    return render_template(
        "case_files/index.html", title="Expedientes", breadcrumbs=[],
        **_listed(queries.cases_page(get_session(), request.args.get("pagina", type=int))),
    )


@bp.get("/<int:case_id>")
def detail(case_id: int):
    """Ficha de un expediente con sus zonas, reuniones y recorridos."""
    page = pages.case_page(get_session(), case_id)
    return render_template(
        "case_files/detail.html", title=page.record.number, case=page.record,
        historial=page.history, hallazgos_por_recorrido=page.finding_counts,
        map=cached_map(("expediente", case_id), lambda: page.map, layers=pages.CASE_MAP_LAYERS)
        if page.has_map else None,
        map_note=page.map_note,
        breadcrumbs=[("Expedientes", url_for("case_files.index"))],
    )
