"""Boundary analysis: overlaps and gaps between the official frame and the claims."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from cases.errors import InvalidInputError, LimitesError
from cases.frames import topology
from cases.storage.db import unit_of_work
from geo_app.account.auth import acting_user
from geo_app.analysis import pages
from geo_app.analysis.forms import ZoneFromOverlapForm
from geo_app.db import get_session
from geo_app.forms import first_error
from geo_app.records.map_render import render_map

bp = Blueprint("analysis", __name__, url_prefix="/analisis")


def _options(values) -> tuple[list[str] | None, float]:
    """Read the chosen claims and the minimum area from a form or query string."""
    claimants = values.getlist("reclamo") if "elegido" in values else None
    return claimants, topology.min_area(values.get("area_minima"))


@bp.get("/")
def index():
    """Traslapes, vacíos y vacíos de atención de los reclamos elegidos, con mapa y áreas."""
    area_error = None
    try:
        claimants, min_area = _options(request.args)
    except InvalidInputError as error:
        # A mistyped area is a mistake on the form: show it there, analyse with the default.
        area_error = error.message
        claimants = request.args.getlist("reclamo") if "elegido" in request.args else None
        min_area = topology.DEFAULT_MIN_AREA_M2
    page = pages.topology_page(get_session(), claimants, min_area)
    html = render_template(
        "analysis/index.html", title="Análisis de límites", breadcrumbs=[], page=page,
        map=render_map(page.map), area_error=area_error,
        area_value=request.args.get("area_minima") if area_error else None,
    )
    return html, 400 if area_error else 200


@bp.post("/zona")
def create_zone():
    """Convierte un traslape o un vacío de atención en zona en disputa (una zona por área)."""
    session = get_session()
    try:
        claimants, min_area = _options(request.form)
    except InvalidInputError as error:
        flash(error.message, "danger")
        return redirect(url_for("analysis.index"))
    back = url_for(
        "analysis.index", elegido=1, reclamo=claimants or [], area_minima=min_area
    )
    form = ZoneFromOverlapForm()
    if not form.validate():
        flash(first_error(form), "danger")
        return redirect(back)
    unattended = form.vacio_atencion.data is not None
    area = topology.TopologyArea.UNATTENDED if unattended else topology.TopologyArea.OVERLAP
    number = form.vacio_atencion.data if unattended else form.traslape.data
    try:
        with unit_of_work(session):
            zone, created = topology.zone_from_area(
                session, area, claimants, min_area, number - 1, form.nombre.data,
                actor=acting_user(),
            )
    except LimitesError as error:
        flash(error.message, "danger")
        return redirect(back)
    if created:
        flash(f"Se creó la zona en disputa «{zone.name}».", "success")
    else:
        flash(f"Esa área ya es la zona en disputa «{zone.name}».", "info")
    return redirect(url_for("zones.detail", zone_id=zone.id))


@bp.get("/comparar")
def compare():
    """Compara dos versiones del límite de un municipio: área ganada, perdida y distancia."""
    page = pages.comparison_page(
        get_session(),
        request.args.get("municipio") or None,
        request.args.get("anterior", type=int),
        request.args.get("nueva", type=int),
    )
    return render_template(
        "analysis/compare.html", title="Comparar versiones de un límite", page=page,
        breadcrumbs=[("Análisis", url_for("analysis.index"))],
        map=render_map(page.map) if page.map else None,
    )
