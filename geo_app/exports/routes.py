"""Downloads: every record, a zone's or a case's, in each export format."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

from flask import Blueprint, Response, url_for
from werkzeug.exceptions import NotFound

from cases.sharing.scope import Scope, resolve_scope
from geo_app.db import get_session
from geo_app.exports import FORMATS, file_name, read_export, write_export

bp = Blueprint("exports", __name__, url_prefix="/exportar")


def _download(scope: Scope, fmt: str) -> Response:
    if fmt not in FORMATS:
        raise NotFound()
    data = read_export(get_session(), scope, fmt, FORMATS[fmt].layers)
    name = file_name(data, fmt)
    with TemporaryDirectory() as tmp:
        payload = write_export(data, fmt, Path(tmp) / name).read_bytes()
    response = Response(payload, mimetype=FORMATS[fmt].media_type)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


@bp.get("/todo.<fmt>")
def everything(fmt: str):
    """Todos los registros en el formato pedido."""
    return _download(resolve_scope(get_session()), fmt)


@bp.get("/zona/<int:zone_id>.<fmt>")
def zone(zone_id: int, fmt: str):
    """Una zona y lo relacionado con ella."""
    return _download(resolve_scope(get_session(), zone=zone_id), fmt)


@bp.get("/expediente/<int:case_id>.<fmt>")
def case(case_id: int, fmt: str):
    """Un expediente y lo relacionado con él."""
    return _download(resolve_scope(get_session(), case=case_id), fmt)


@bp.app_template_global("export_links")
def export_links(endpoint: str, **values) -> list[tuple[str, str, str]]:
    """``(format, Spanish label, URL)`` of each download of ``endpoint`` (for the pages)."""
    return [(key, f.label, url_for(endpoint, fmt=key, **values)) for key, f in FORMATS.items()]
