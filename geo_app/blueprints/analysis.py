"""Boundary analysis: overlaps and gaps between the official frame and the claims."""

import math

from flask import Blueprint, flash, redirect, render_template, request, url_for

from cases import analysis_pages, topology
from cases.errors import InvalidInputError, LimitesError
from geo_app.db import get_session
from geo_app.pagemap import render_map

bp = Blueprint("analysis", __name__, url_prefix="/analisis")


def _options(values) -> tuple[list[str] | None, float]:
    """Read the chosen claims and the minimum area from a form or query string."""
    claimants = values.getlist("reclamo") if "elegido" in values else None
    raw = values.get("area_minima", "1").strip().replace(",", ".") or "1"
    try:
        min_area = float(raw)
    except ValueError as exc:
        raise InvalidInputError(f"área mínima inválida «{raw}»: escriba metros cuadrados") from exc
    if not math.isfinite(min_area) or min_area < 0:
        raise InvalidInputError("el área mínima debe ser un número de m² mayor o igual a 0")
    return claimants, min_area


@bp.get("/")
def index():
    """Traslapes y vacíos de los reclamos elegidos, con su mapa y sus áreas."""
    claimants, min_area = _options(request.args)
    page = analysis_pages.topology_page(get_session(), claimants, min_area)
    return render_template(
        "analysis/index.html", title="Análisis de límites", breadcrumbs=[], page=page,
        map=render_map(page.map),
    )


@bp.post("/zona")
def create_zone():
    """Convierte un traslape en zona en disputa en un solo paso."""
    claimants, min_area = _options(request.form)
    back = url_for(
        "analysis.index", elegido=1, reclamo=claimants or [], area_minima=min_area
    )
    try:
        zone = topology.zone_from_overlap(
            get_session(), claimants, min_area,
            request.form.get("traslape", type=int, default=0) - 1,
            request.form.get("nombre", ""),
        )
    except LimitesError as error:
        flash(error.message, "danger")
        return redirect(back)
    flash(f"Se creó la zona en disputa «{zone.name}».", "success")
    return redirect(url_for("zones.detail", zone_id=zone.id))


@bp.get("/comparar")
def compare():
    """Compara dos versiones del límite de un municipio: área ganada, perdida y distancia."""
    page = analysis_pages.comparison_page(
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
