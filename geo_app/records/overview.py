"""Mapa general: every layer on one map."""

from flask import Blueprint, render_template

from geo_app.db import get_session
from geo_app.map_cache import cached_map
from geo_app.records import pages

bp = Blueprint("overview", __name__, url_prefix="/mapa")


@bp.get("/")
def index():
    """Mapa general con todas las capas."""
    session = get_session()
    return render_template(
        "overview/index.html",
        title="Mapa general",
        breadcrumbs=[],
        map=cached_map("mapa-general", lambda: pages.overview_map(session)),
    )
