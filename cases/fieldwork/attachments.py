"""Attachments of meetings, inspections and findings: PDF minutes, photos and links.

Files are stored outside the web root (the app passes ``instance/attachments/``) under the
SHA-256 of their stored bytes, so the same file attached twice is stored once. Uploads are
checked and photos re-encoded by :mod:`cases.fieldwork.uploads` before anything is stored.

A file is written before the transaction commits; if it then rolls back, the file stays as
an unreferenced blob, harmless because it is addressed by its content (a later upload of the
same bytes reuses it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from cases.errors import ForbiddenError, InvalidInputError, NotFoundError
from cases.fieldwork.document_text import index_document_text
from cases.fieldwork.uploads import (
    MAX_ATTACHMENT_BYTES,
    THUMBNAIL_SIZES,
    PhotoPlace,
    PreparedFile,
    prepare_file,
)
from cases.records.audit import record_change, snapshot
from cases.storage.models import (
    Attachment,
    AttachmentKind,
    AuditAction,
    Finding,
    Inspection,
    LimitProposal,
    Meeting,
    User,
)

__all__ = [
    "AttachmentStore",
    "attach_file",
    "attach_link",
    "OWNER_KINDS",
    "get_owner",
    "get_attachment",
    "visible_attachment",
    "can_see",
]

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")

Owner = Meeting | Inspection | Finding | LimitProposal


class AttachmentStore:
    """Content-addressed files under ``root``: ``ab/abcdef…`` and ``miniaturas/NAME/ab/…``.

    Examples
    --------
    >>> store = AttachmentStore(Path(tempfile.mkdtemp()))
    >>> sha = store.put(b"%PDF-1.7 acta")
    >>> store.path(sha).read_bytes()
    b'%PDF-1.7 acta'
    >>> store.put(b"%PDF-1.7 acta") == sha
    True
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file of ``sha256`` lives (only a 64-digit hex name is accepted)."""
        return self.root / _checked_sha(sha256)[:2] / sha256

    def thumbnail_path(self, sha256: str, size: str) -> Path:
        """Where the thumbnail ``size`` (a key of :data:`THUMBNAIL_SIZES`) of a photo lives."""
        if size not in THUMBNAIL_SIZES:
            raise NotFoundError(f"no hay miniaturas de tamaño «{size}»")
        return self.root / "miniaturas" / size / _checked_sha(sha256)[:2] / f"{sha256}.jpg"

    def existing(self, sha256: str, size: str | None = None) -> Path:
        """The stored file (or thumbnail ``size``) of ``sha256``; NotFoundError if missing."""
        path = self.path(sha256) if size is None else self.thumbnail_path(sha256, size)
        if not path.is_file():
            log.error("attachment file missing: %s", path)
            raise NotFoundError("el archivo de este adjunto no está en el servidor")
        return path

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        _write_once(self.path(sha), data)
        return sha

    def put_thumbnails(self, sha256: str, thumbnails: dict[str, bytes]) -> None:
        """Store the thumbnails of the photo ``sha256``."""
        for size, data in thumbnails.items():
            _write_once(self.thumbnail_path(sha256, size), data)


def attach_file(
    session: Session,
    store: AttachmentStore,
    owner: Owner,
    data: bytes,
    filename: str,
    *,
    label: str = "",
    client_uuid: str | None = None,
    max_bytes: int = MAX_ATTACHMENT_BYTES,
    prepared: PreparedFile | None = None,
    actor: User | None = None,
) -> Attachment:
    """Check, store and attach a file to ``owner``, audited by ``actor``; never commits.

    ``prepared`` skips a second decoding when the caller already ran :func:`prepare_file`.
    ``actor`` ``None`` is the command line.
    """
    prepared = prepared or prepare_file(data, filename, max_bytes)
    sha = store.put(prepared.data)
    store.put_thumbnails(sha, prepared.thumbnails)
    place = prepared.place or PhotoPlace(None, None, None)
    attachment = Attachment(
        kind=prepared.kind,
        label=_text(label, 300) or Path(filename).name[:300],
        original_name=Path(filename).name[:255] or None,
        media_type=prepared.media_type,
        sha256=sha,
        size_bytes=len(prepared.data),
        width=prepared.width,
        height=prepared.height,
        taken_at=place.taken_at.replace(tzinfo=None) if place.taken_at else None,
        lon=place.lon,
        lat=place.lat,
        created_at=_now(),
        client_uuid=client_uuid,
    )
    _own(attachment, owner)
    session.add(attachment)
    session.flush()
    index_document_text(session, attachment, prepared.data)
    record_change(session, actor, AuditAction.CREATE, attachment, after=snapshot(attachment))
    log.info("attached %s (%s, %d bytes) to %s", sha[:12], prepared.media_type,
             len(prepared.data), type(owner).__name__)
    return attachment


def attach_link(
    session: Session, owner: Owner, url: str, label: str = "", *, actor: User | None = None
) -> Attachment:
    """Attach an http(s) link to ``owner``, audited by ``actor``; never commits.

    Examples
    --------
    >>> attach_link(None, Meeting(), "javascript:alert(1)")
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: el enlace debe empezar con http:// o https://
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInputError("el enlace debe empezar con http:// o https://")
    if len(url) > 1000 or any(ord(c) < 32 for c in url):
        raise InvalidInputError("el enlace es demasiado largo o tiene caracteres de control")
    attachment = Attachment(
        kind=AttachmentKind.LINK, url=url, label=_text(label, 300) or parts.netloc,
        created_at=_now(),
    )
    _own(attachment, owner)
    session.add(attachment)
    session.flush()
    record_change(session, actor, AuditAction.CREATE, attachment, after=snapshot(attachment))
    return attachment


# What an attachment may belong to, by the Spanish word users type.
OWNER_KINDS: dict[str, type[Owner]] = {
    "reunion": Meeting,
    "recorrido": Inspection,
    "hallazgo": Finding,
    "propuesta": LimitProposal,
}


def get_owner(session: Session, kind: str, record_id: int) -> Owner:
    """The meeting, inspection, finding or proposal ``record_id`` (a key of OWNER_KINDS).

    Examples
    --------
    >>> get_owner(None, "zona", 1)
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: solo se adjunta a: reunion, recorrido, hallazgo, propuesta
    """
    model = OWNER_KINDS.get(kind)
    if model is None:
        raise InvalidInputError(f"solo se adjunta a: {', '.join(OWNER_KINDS)}")
    record = session.get(model, record_id)
    if record is None:
        raise NotFoundError(f"no existe {'la' if kind == 'reunion' else 'el'} {kind} {record_id}")
    return record


def get_attachment(session: Session, attachment_id: int) -> Attachment:
    """The attachment ``attachment_id`` or :class:`~cases.errors.NotFoundError`."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError(f"no existe el adjunto {attachment_id}")
    return attachment


def visible_attachment(
    session: Session, attachment_id: int, user: Any, *, photo: bool = False
) -> Attachment:
    """The stored file ``attachment_id`` if ``user`` may see its record (:func:`can_see`).

    Links have no stored file; with ``photo`` only photos (which have thumbnails) count.
    The file of a record in the Papelera is gone with it, for every role, like its page.
    """
    attachment = get_attachment(session, attachment_id)
    if attachment.sha256 is None or (photo and attachment.kind is not AttachmentKind.PHOTO):
        raise NotFoundError(f"el adjunto {attachment_id} no tiene {'foto' if photo else 'archivo'}")
    # The soft-delete filter makes a trashed owner load as None.
    owner = attachment.owner
    parent = owner.inspection if isinstance(owner, Finding) else owner
    if owner is None or parent is None or owner.is_deleted or parent.is_deleted:
        raise NotFoundError(f"el adjunto {attachment_id} es de un registro en la papelera")
    if not can_see(user, attachment.owner):
        raise ForbiddenError("no tiene permiso para ver este adjunto")
    return attachment


def can_see(user: Any, record: Owner) -> bool:
    """Whether ``user`` may see ``record`` and so its attachments.

    The hook for the accounts work: a pure function of (user, record). Until roles exist
    every record is visible to whoever can reach the app.
    """
    return True


# -- internals ------------------------------------------------------------------------------

def _checked_sha(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256 or ""):
        raise NotFoundError("adjunto inexistente")
    return sha256


def _write_once(path: Path, data: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".subiendo-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _text(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _own(attachment: Attachment, owner: Owner) -> None:
    if isinstance(owner, Meeting):
        attachment.meeting = owner
    elif isinstance(owner, Inspection):
        attachment.inspection = owner
    elif isinstance(owner, Finding):
        attachment.finding = owner
    elif isinstance(owner, LimitProposal):
        attachment.proposal = owner
    else:
        raise TypeError(f"cannot attach to {type(owner).__name__}")
