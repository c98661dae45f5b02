"""Dispute zones: list and record page."""

from flask import Blueprint, render_template, request, url_for

from cases.records import queries
from geo_app.db import get_session
from geo_app.map_cache import cached_map
from geo_app.records import pages

bp = Blueprint("zones", __name__, url_prefix="/zonas")


def _listed(page) -> dict:
    return {"zones": page.items, "page": page}


@bp.get("/")
def index():
    """Lista de zonas en disputa."""
    return render_template(
        "zones/index.html", title="Zonas en disputa", breadcrumbs=[],
        **_listed(queries.zones_page(get_session(), request.args.get("pagina", type=int))),
    )


@bp.get("/<int:zone_id>")
def detail(zone_id: int):
    """Ficha de una zona: su mapa, reuniones, recorridos y expedientes."""
    page = pages.zone_page(get_session(), zone_id)
    return render_template(
        "zones/detail.html", title=page.record.name, zone=page.record,
        historial=page.history, hallazgos_por_recorrido=page.finding_counts,
        inspections=page.inspections,
        map=cached_map(("zona", zone_id), lambda: page.map, layers=pages.ZONE_MAP_LAYERS),
        breadcrumbs=[("Zonas", url_for("zones.index"))],
    )
