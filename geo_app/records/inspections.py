"""Field inspections (recorridos): list and record page."""

from flask import Blueprint, render_template, request, url_for

from cases.records import queries
from geo_app.db import get_session
from geo_app.map_cache import cached_map
from geo_app.records import pages

bp = Blueprint("inspections", __name__, url_prefix="/recorridos")


def _listed(page) -> dict:
    return {"inspections": page.items, "page": page}


@bp.get("/")
def index():
    """Lista de recorridos de inspección."""
    return render_template(
        "inspections/index.html", title="Recorridos de inspección", breadcrumbs=[],
        **_listed(queries.inspections_page(get_session(), request.args.get("pagina", type=int))),
    )


@bp.get("/<int:inspection_id>")
def detail(inspection_id: int):
    """Ficha de un recorrido: su ruta y hallazgos en el mapa."""
    page = pages.inspection_page(get_session(), inspection_id)
    return render_template(
        "inspections/detail.html", title=page.record.title, inspection=page.record,
        findings=page.findings, zone_ids=page.zone_ids,
        historial=page.history, rios=page.river_of, km_heading=page.km_heading,
        varios_rios=page.several_rivers, tramos_rio=page.stretches,
        map=cached_map(("recorrido", inspection_id), lambda: page.map,
                       layers=pages.RECORD_MAP_LAYERS),
        breadcrumbs=[("Recorridos", url_for("inspections.index"))],
    )
