"""The text of an attached document (an acta's PDF), read once when it is attached.

Kept in the search index (:func:`cases.storage.search_index.put_attachment_text`), so a
search finds the acta that mentions a zone. A PDF made of scanned images has no text layer:
it is found by its label only.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy.orm import Session

from cases.storage import search_index
from cases.storage.models import Attachment

__all__ = ["MAX_PAGES", "pdf_text", "index_document_text"]

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
