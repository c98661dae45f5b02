"""Mapa general: every layer on one map."""

from flask import Blueprint, render_template

from geo_app.db import get_session
from geo_app.pages import records
from geo_app.pages.render import render_map

bp = Blueprint("overview", __name__, url_prefix="/mapa")


@bp.get("/")
def index():
    """Mapa general con todas las capas."""
    data = records.overview_map(get_session())
    return render_template(
        "overview/index.html",
        title="Mapa general",
        breadcrumbs=[],
        map=render_map(data),
    )
