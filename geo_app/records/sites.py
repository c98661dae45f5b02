"""Sites (sitios): the places meetings dealt with or were held at."""

from flask import Blueprint, render_template, url_for

from geo_app.db import get_session
from geo_app.map_cache import cached_map
from geo_app.records import pages

bp = Blueprint("sites", __name__, url_prefix="/sitios")


@bp.get("/<int:site_id>")
def detail(site_id: int):
    """Ficha de un sitio: dónde está y las reuniones que lo trataron o se celebraron ahí."""
    page = pages.site_page(get_session(), site_id)
    return render_template(
        "sites/detail.html", title=page.record.name, site=page.record,
        meetings=page.meetings, map=cached_map(("sitio", site_id), lambda: page.map,
                                              layers=pages.RECORD_MAP_LAYERS),
        historial=page.history,
        breadcrumbs=[("Reuniones", url_for("meetings.index"))],
    )
