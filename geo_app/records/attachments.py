"""Attachments: the stored file or thumbnail of a photo or PDF, for users who may see it."""

from __future__ import annotations

from flask import Blueprint, Response, g, send_file

from cases.fieldwork.attachments import visible_attachment
from cases.storage.models import AttachmentKind
from geo_app.db import get_session
from geo_app.files import attachment_store

bp = Blueprint("attachments", __name__, url_prefix="/adjuntos")

_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


@bp.get("/<int:attachment_id>")
def download(attachment_id: int):
    """El archivo de un adjunto (las actas se descargan; las fotos se muestran)."""
    attachment = visible_attachment(get_session(), attachment_id, g.get("user"))
    name = attachment.original_name or f"adjunto-{attachment.id}"
    if not name.lower().endswith(_SUFFIX[attachment.media_type]):
        name += _SUFFIX[attachment.media_type]
    return _protected(send_file(
        attachment_store().existing(attachment.sha256),
        mimetype=attachment.media_type,
        as_attachment=attachment.kind is AttachmentKind.PDF,
        download_name=name,
        conditional=True,
    ))


@bp.get("/<int:attachment_id>/miniatura/<size>")
def thumbnail(attachment_id: int, size: str):
    """Miniatura JPEG de una foto, para fichas («pagina») y mapas («popup»)."""
    attachment = visible_attachment(get_session(), attachment_id, g.get("user"), photo=True)
    return _protected(send_file(
        attachment_store().existing(attachment.sha256, size),
        mimetype="image/jpeg",
        download_name=f"miniatura-{attachment.id}-{size}.jpg",
        conditional=True,
    ))


def _protected(response: Response) -> Response:
    # The app's security headers add nosniff and, with this flag, a sandboxing policy: a
    # stored file never runs as a page even if a browser tried to render it as one.
    g.csp_sandbox = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Who may see a file depends on the user: browsers may keep it, shared caches may not.
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
