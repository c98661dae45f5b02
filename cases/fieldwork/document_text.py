"""The text of an attached document (an acta's PDF), read once when it is attached.

Kept in the search index (:func:`cases.storage.search_index.put_attachment_text`), so a
search finds the acta that mentions a zone. A PDF made of scanned images has no text layer:
it is found by its label only.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Protocol

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.errors import NotFoundError
from cases.storage import search_index
from cases.storage.models import Attachment

__all__ = ["MAX_PAGES", "pdf_text", "index_document_text", "reindex"]

log = logging.getLogger(__name__)

#: Pages of a PDF read for the search (an acta has a few; a 500-page annex is cut short).
MAX_PAGES = 100


def pdf_text(data: bytes) -> str:
    """The text of the first :data:`MAX_PAGES` pages of a PDF; empty if it has none.

    A damaged or encrypted file gives an empty text (logged), never an error: the
    attachment is stored all the same.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        log.warning("could not read the text of a PDF (%d bytes): %s", len(data), exc)
        return ""
    return "\n".join(" ".join(page.split()) for page in pages if page.strip())


def index_document_text(session: Session, attachment: Attachment, data: bytes) -> None:
    """Put the text of an attached PDF in the search index; other files have none."""
    if attachment.media_type == "application/pdf":
        search_index.put_attachment_text(session, attachment, pdf_text(data))


class _Files(Protocol):
    def existing(self, sha256: str) -> Path: ...


def reindex(session: Session, store: _Files) -> tuple[int, int]:
    """Write every record's search document again and read every attached PDF's text.

    For a database upgraded with PDFs already attached, or an index to be checked. Returns
    how many records and how many PDFs were indexed; a PDF whose file is missing is logged
    and found by its label only.
    """
    records = search_index.rebuild(session)
    pdfs = 0
    attached = session.scalars(select(Attachment).where(
        Attachment.media_type == "application/pdf", Attachment.sha256.is_not(None)))
    for attachment in attached:
        try:
            data = store.existing(attachment.sha256).read_bytes()
        except NotFoundError:
            continue
        search_index.put_attachment_text(session, attachment, pdf_text(data))
        pdfs += 1
    return records, pdfs
