"""Mapa general: every layer on one map."""

from flask import Blueprint, render_template

from cases import queries
from geo_app.db import get_session
from geo_app.pagemap import render_map

bp = Blueprint("overview", __name__, url_prefix="/mapa")


@bp.get("/")
def index():
    """Mapa general con todas las capas."""
    data = queries.overview_map(get_session())
    return render_template(
        "overview/index.html",
        title="Mapa general",
        breadcrumbs=[],
        map=render_map(data),
    )
