"""Registers the feature blueprints, template helpers and error pages."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from boundaries.assign import SHARED_DISTANCE_M
from cases.errors import LimitesError
from cases.records.audit import field_label
from cases.records.record_types import type_label
from geo_app import formatting, frame_notice, limits, theme, vendor
from geo_app.admin import routes as admin
from geo_app.analysis import routes as analysis
from geo_app.calendar import routes as calendar
from geo_app.editing import quick_create
from geo_app.editing import routes as editing
from geo_app.errors import MESSAGES, error_response
from geo_app.exports import routes as exports
from geo_app.fieldwork import routes as field
from geo_app.indicators import routes as indicators
from geo_app.maps import safe_url
from geo_app.proposals import routes as proposals
from geo_app.records import (
    agreements,
    attachments,
    case_files,
    dashboard,
    inspections,
    meetings,
    overview,
    sites,
    viewport,
    zones,
)
from geo_app.reports import routes as reports
from geo_app.search import routes as search
from geo_app.sharing import ogcapi
from geo_app.sharing import routes as shares

log = logging.getLogger(__name__)

def init_app(app: Flask) -> None:
    """Register every blueprint, the Jinja helpers and the error pages."""
    for module in (
        search, calendar,
        vendor, dashboard, overview, zones, case_files, meetings, inspections, analysis,
        indicators, reports, exports, ogcapi, sites, attachments, field, admin, editing,
        quick_create, proposals, agreements, viewport,
    ):
        app.register_blueprint(module.bp)
    shares.init_app(app)
    limits.init_app(app)
    formatting.init_app(app)
    frame_notice.init_app(app)
    app.add_template_global(vendor.vendor_url, "vendor")
    app.add_template_global(theme.theme_css, "theme_css")
    app.add_template_global(theme, "theme")
    app.add_template_global(SHARED_DISTANCE_M, "shared_distance_m")
    app.add_template_global(field_label, "campo")
    app.add_template_global(type_label, "tipo_de_registro")
    # Only relative or http(s) links reach an href: a stored "javascript:" URL never runs.
    app.add_template_filter(safe_url, "url_segura")
    app.register_error_handler(LimitesError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _domain_error(error: LimitesError):
    if error.status_code >= 500:
        log.error("%s: %s", type(error).__name__, error.message)
    return error_response(error.status_code, error.message)


def _http_error(error: HTTPException):
    code = error.code or 500
    if code == 413 and isinstance(request, limits.LimitedRequest):
        return error_response(413, request.limit().message)
    return error_response(code, MESSAGES.get(code, error.description or "Error"))


def _unexpected_error(error: Exception):
    """A bug: logged with a reference the user can quote, never shown as a user mistake."""
    reference = uuid.uuid4().hex[:8]
    log.exception("unexpected error (reference %s)", reference)
    return error_response(500, MESSAGES[500], reference=reference)
