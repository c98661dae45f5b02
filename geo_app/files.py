"""Where the app keeps uploaded files: ``instance/attachments/`` unless configured."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from cases.fieldwork.attachments import AttachmentStore
from cases.fieldwork.uploads import MAX_ATTACHMENT_BYTES

__all__ = ["attachment_store", "max_attachment_bytes"]


def attachment_store(app: Flask | None = None) -> AttachmentStore:
    """The attachment store of ``app`` (default the current app).

    ``ATTACHMENTS_DIR`` (``LIMITES_ATTACHMENTS_DIR``) overrides the default
    ``instance/attachments/``, which is outside every directory the app serves.
    """
    app = app or current_app
    root = app.config.get("ATTACHMENTS_DIR") or Path(app.instance_path) / "attachments"
    return AttachmentStore(root)


def max_attachment_bytes(app: Flask | None = None) -> int:
    """The largest file one upload may hold (``ATTACHMENT_MAX_BYTES``)."""
    app = app or current_app
    return int(app.config.get("ATTACHMENT_MAX_BYTES") or MAX_ATTACHMENT_BYTES)
