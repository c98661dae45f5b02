"""Registers the feature blueprints, template helpers and error pages."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from cases.errors import LimitesError
from geo_app import formatting, vendor
from geo_app.blueprints import (
    analysis,
    case_files,
    dashboard,
    inspections,
    meetings,
    overview,
    zones,
)
from geo_app.maps import safe_url

log = logging.getLogger(__name__)

_MESSAGES = {
    404: "La página que busca no existe. Revise la dirección o vuelva al tablero.",
    405: "Esa acción no está permitida en esta página.",
    500: "Ocurrió un error interno. El problema quedó registrado; intente de nuevo más tarde.",
}


def init_app(app: Flask) -> None:
    """Register every blueprint, the Jinja helpers and the error pages."""
    for module in (
        vendor, dashboard, overview, zones, case_files, meetings, inspections, analysis
    ):
        app.register_blueprint(module.bp)
    formatting.init_app(app)
    app.add_template_global(vendor.vendor_url, "vendor")
    # Only relative or http(s) links reach an href: a stored "javascript:" URL never runs.
    app.add_template_filter(safe_url, "url_segura")
    app.register_error_handler(LimitesError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _page(code: int, message: str):
    title = "Página no encontrada" if code == 404 else "Error"
    return render_template("errors/error.html", title=title, code=code, message=message), code


def _domain_error(error: LimitesError):
    return _page(error.status_code, error.message)


def _http_error(error: HTTPException):
    code = error.code or 500
    return _page(code, _MESSAGES.get(code, error.description or "Error"))


def _unexpected_error(error: Exception):
    log.exception("unexpected error")
    return _page(500, _MESSAGES[500])
