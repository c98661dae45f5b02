"""Mapa general: every layer on one map."""

from flask import Blueprint, render_template

from cases.records import queries
from geo_app.db import get_session
from geo_app.map_cache import cached_map
from geo_app.records import pages

bp = Blueprint("overview", __name__, url_prefix="/mapa")


@bp.get("/")
def index():
    """Mapa general con todas las capas."""
    session = get_session()
    # The limits drawn reach around every record: the map is kept per that box too, so a new
    # finding or route within it changes nothing here (they come by view, in tiles).
    bounds = queries.records_bounds(session)
    return render_template(
        "overview/index.html",
        title="Mapa general",
        breadcrumbs=[],
        map=cached_map(("mapa-general", bounds), lambda: pages.overview_map(session, bounds),
                       layers=pages.OVERVIEW_LAYERS),
    )
