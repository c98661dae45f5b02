"""Mapa general: every layer on one map."""

from flask import Blueprint, current_app, render_template

from cases.records import queries
from geo_app.db import get_session
from geo_app.map_cache import cached_map, request_versions
from geo_app.records import pages

bp = Blueprint("overview", __name__, url_prefix="/mapa")


@bp.get("/")
def index():
    """Mapa general con todas las capas."""
    session = get_session()
    # The limits drawn reach around every record: the map is kept per that box too, so a new
    # finding or route within it changes nothing here (they come by view, in tiles).
    bounds = _records_bounds(session)
    return render_template(
        "overview/index.html",
        title="Mapa general",
        breadcrumbs=[],
        map=cached_map(("mapa-general", bounds), lambda: pages.overview_map(session, bounds),
                       layers=pages.OVERVIEW_LAYERS),
    )


# The records' box is read with four aggregates (≈ 4 ms); it changes only with them.
_BOX_LAYERS = ("zones", "inspections", "sites", "findings")


def _records_bounds(session):
    versions = request_versions(*_BOX_LAYERS)
    kept = current_app.extensions.setdefault("limites_records_bounds", {})
    if versions is not None and versions in kept:
        return kept[versions]
    bounds = queries.records_bounds(session)
    if versions is not None:
        kept.clear()  # only the newest box is worth keeping
        kept[versions] = bounds
    return bounds
