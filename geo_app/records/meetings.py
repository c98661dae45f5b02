"""Meetings: list and record page."""

from flask import Blueprint, render_template, request, url_for

from cases.records import queries
from geo_app.db import get_session
from geo_app.map_cache import cached_map
from geo_app.records import pages

bp = Blueprint("meetings", __name__, url_prefix="/reuniones")


def _listed(page) -> dict:
    return {"meetings": page.items, "page": page}


@bp.get("/")
def index():
    """Lista de reuniones, de la más reciente a la más antigua."""
    return render_template(
        "meetings/index.html", title="Reuniones", breadcrumbs=[],
        **_listed(queries.meetings_page(get_session(), request.args.get("pagina", type=int))),
    )


@bp.get("/<int:meeting_id>")
def detail(meeting_id: int):
    """Ficha de una reunión: zonas y sitios tratados en el mapa, y sus acuerdos."""
    page = pages.meeting_page(get_session(), meeting_id)
    return render_template(
        "meetings/detail.html", title=page.record.title, meeting=page.record,
        historial=page.history,
        map=cached_map(("reunion", meeting_id), lambda: page.map,
                       layers=pages.RECORD_MAP_LAYERS) if page.has_map else None,
        map_note=page.map_note,
        breadcrumbs=[("Reuniones", url_for("meetings.index"))],
    )
