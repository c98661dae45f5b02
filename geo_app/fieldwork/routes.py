"""Field capture from a phone: the "Captura en campo" page and its synchronisation endpoints.

The endpoints answer JSON (errors too, through :func:`geo_app.errors.error_response`:
``{"error": "…"}`` with the domain's status), so the
page's queue can tell a refused batch (4xx: show the message, keep the data) from a network
failure (retry later). A retry after a lost response creates nothing twice: see
:mod:`cases.fieldwork.phone_sync`. Access control is added around these views by the accounts work.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from boundaries.tracks import MAX_TRACK_POINTS
from cases.access import permissions
from cases.errors import InvalidInputError, LimitesError, NotFoundError
from cases.fieldwork.base_map import BASE_MAP_FILES, install_tileset, read_tile, tiles_within
from cases.fieldwork.offline_layers import offline_layers, work_area
from cases.fieldwork.phone_sync import (
    DEFAULT_MAX_ACCURACY_M,
    MAX_FINDINGS,
    parse_capture,
    sync_capture,
    sync_photo,
)
from cases.fieldwork.recording import PhotoUpload
from cases.fieldwork.sync_payload import check_client_uuids, check_photo_finding, decode_batch
from cases.storage.db import unit_of_work
from cases.storage.models import FindingCategory
from geo_app.account.auth import acting_user
from geo_app.db import get_session
from geo_app.errors import error_response
from geo_app.fieldwork.forms import BaseMapForm
from geo_app.fieldwork.offline import (
    BASE_MAP_NAMES,
    EMPTY_TILE,
    base_map,
    base_map_document,
    base_map_path,
    cache_name,
    layers_document,
    offline_assets,
    tile_prefix,
)
from geo_app.files import attachment_store, max_attachment_bytes
from geo_app.forms import first_error

bp = Blueprint("field", __name__, url_prefix="/campo")

T = TypeVar("T")


@bp.get("/")
def capture():
    """Captura en campo: recorrido, hallazgos y fotos desde el teléfono, aun sin conexión."""
    return render_template(
        "field/capture.html", title="Captura en campo", breadcrumbs=[],
        categories=list(FindingCategory), max_accuracy_m=DEFAULT_MAX_ACCURACY_M,
        max_findings=MAX_FINDINGS, max_points=MAX_TRACK_POINTS,
    )


@bp.get("/sw.js")
def service_worker():
    """El service worker de la captura: guarda la página y sus archivos para usarla sin red."""
    assets = offline_assets()
    script = render_template("field/sw.js", assets=assets, cache_name=cache_name(assets),
                             tile_prefix=tile_prefix())
    return script, 200, {"Content-Type": "text/javascript; charset=utf-8",
                         "Cache-Control": "no-cache"}


@bp.get("/capas.json")
def layers():
    """Las capas de «¿Dónde estoy?» sin red: marco vigente, reclamos, zonas, ríos, hallazgos."""
    document = layers_document(offline_layers(get_session()), dt.date.today())
    etag = f'"{document["version"]}-{document["fecha"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        return "", 304, {"ETag": etag, "Cache-Control": "no-cache"}
    response = jsonify(document)
    response.headers.update({"ETag": etag, "Cache-Control": "no-cache"})
    return response


@bp.get("/mapa-base.json")
def base_map_info():
    """El mapa base sin conexión: dónde están sus teselas y cuáles guarda el teléfono."""
    tileset = base_map()
    if tileset is None:
        return jsonify(None)
    area = work_area(get_session())
    tiles, size = tiles_within(tileset, area.bounds if area is not None else tileset.bounds)
    return jsonify(base_map_document(tileset, tiles, size))


@bp.route("/mapa-base", methods=["GET", "POST"], endpoint="base_map_admin")
def base_map_admin():
    """Mapa base sin conexión: el archivo en uso y la carga de uno nuevo (administradores)."""
    permissions.require(permissions.can_manage_users(acting_user()))
    form = BaseMapForm()
    if form.validate_on_submit():
        try:
            tileset = _install(form.archivo.data)
        except LimitesError as error:
            if error.status_code >= 500:
                raise
            flash(f"No se cambió el mapa base: {error.message}", "danger")
        else:
            flash(f"El mapa base es ahora «{tileset.name}».", "success")
            return redirect(url_for("field.base_map_admin"))
    elif form.errors:
        flash(f"No se cambió el mapa base: {first_error(form)}", "danger")
    tileset = base_map()
    area = work_area(get_session())
    phone = tiles_within(tileset, area.bounds if area else tileset.bounds) if tileset else None
    return render_template(
        "field/base_map.html", title="Mapa base sin conexión",
        breadcrumbs=[("Administración", url_for("admin.index"))], form=form,
        tileset=tileset, phone=phone,
    )


def _install(upload):
    # Written next to its place first, so a refused file changes nothing and a good one
    # replaces the old in one rename.
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in BASE_MAP_FILES:
        raise InvalidInputError(f"suba un archivo {' o '.join(BASE_MAP_FILES)}")
    current = base_map_path()
    configured = current.name not in BASE_MAP_NAMES
    target = current if configured else current.with_name(f"mapa-base{suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as folder:
        path = Path(folder) / f"subido{suffix}"
        upload.save(path)
        others = () if configured else tuple(target.with_name(n) for n in BASE_MAP_NAMES)
        return install_tileset(path, target, others)


@bp.get("/mapa-base.pmtiles")
def base_map_file():
    """El archivo PMTiles del mapa base, por rangos de bytes (como lo leen QGIS y pmtiles.js)."""
    tileset = base_map()
    if tileset is None or tileset.kind != "pmtiles":
        raise NotFoundError("No hay un mapa base PMTiles.")
    return send_file(tileset.path, mimetype="application/vnd.pmtiles", conditional=True,
                     etag=tileset.version, max_age=0)


@bp.get("/mapa-base/<int:z>/<int:x>/<int:y>")
def base_map_tile(z: int, x: int, y: int):
    """Una tesela del mapa base (vacía donde el archivo no tiene)."""
    tileset = base_map()
    if tileset is None:
        raise NotFoundError("No hay un mapa base sin conexión.")
    data = read_tile(tileset, z, x, y)
    media_type = tileset.media_type if data is not None else "image/png"
    return data or EMPTY_TILE, 200, {"Content-Type": media_type,
                                     "Cache-Control": "private, max-age=31536000, immutable"}


@bp.get("/token")
def token():
    """Un token CSRF fresco: el teléfono lo pide justo antes de enviar lo que guardó."""
    return jsonify({"token": generate_csrf()}), 200, {"Cache-Control": "no-store"}


@bp.post("/sincronizar")
def synchronise():
    """Recibe un lote JSON del teléfono y lo guarda una sola vez."""
    batch = parse_capture(decode_batch(request.get_data()) if request.is_json else None)

    def work(session):
        check_client_uuids(session, batch)
        inspection, result = sync_capture(session, batch, attachment_store(), acting_user())
        return result.to_dict(inspection), result.inspection_created or result.created_findings

    answer, created = _committed(work)
    return jsonify(answer), 201 if created else 200


@bp.post("/fotos/<photo_uuid>")
def photo(photo_uuid: str):
    """Recibe una foto de un hallazgo ya sincronizado (multipart: «foto» y «hallazgo»)."""
    upload = request.files.get("foto")
    if upload is None:
        raise InvalidInputError("falta el archivo «foto»")
    data = upload.read(max_attachment_bytes() + 1)

    def work(session):
        check_photo_finding(session, request.form.get("hallazgo", ""))
        attachment, created = sync_photo(
            session, attachment_store(), photo_uuid, request.form.get("hallazgo", ""),
            PhotoUpload(data, upload.filename or "foto.jpg"), max_attachment_bytes(),
            actor=acting_user(),
        )
        return {"id": attachment.id, "creado": created}, created

    try:
        answer, created = _committed(work)
    except InvalidInputError as error:
        # The file itself is refused (too big, not a photo, damaged): 422 tells the phone
        # that sending it again cannot help, unlike a 400 for an expired CSRF token.
        return error_response(422, error.message)
    return jsonify(answer), 201 if created else 200


def _committed(work: Callable[..., T]) -> T:
    # Two copies of one batch at once (a retry while the first is still running): the
    # second commit fails on a unique client_uuid; run it again and it finds the first's.
    session = get_session()
    try:
        with unit_of_work(session):
            return work(session)
    except IntegrityError:
        with unit_of_work(session):
            return work(session)
