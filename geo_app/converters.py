r"""URL converters: record ids are ASCII digits that fit the database's 64-bit integers.

Werkzeug's ``int`` converter matches ``\d+``, which in Python includes digits of every script:
``/zonas/٣`` (Arabic-Indic three) would show zone 3 under another address, and an id past
2⁶³ − 1 would overflow the database driver into a 500. :class:`RecordIdConverter` replaces it
under the same name, so every ``<int:…>`` route of every blueprint gets a 404 instead.
"""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

from cases.storage.models import MAX_RECORD_ID

__all__ = ["MAX_RECORD_ID", "RecordIdConverter", "parse_record_id", "init_app"]


class RecordIdConverter(BaseConverter):
    """A record id: ASCII digits without leading zeros (one URL per record), below 2⁶³."""

    regex = r"0|[1-9][0-9]{0,18}"
    part_isolating = True
    weight = 50

    def to_python(self, value: str) -> int:
        """Return the id, or refuse (a 404) one the database cannot hold."""
        number = int(value)
        if number > MAX_RECORD_ID:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        """Return the canonical text of an id."""
        return str(int(value))


def parse_record_id(text: str | None) -> int | None:
    """``text`` (a form field or query parameter) as a record id, or ``None``.

    The same rule as record URLs: ASCII digits without leading zeros, below 2⁶³.

    Examples
    --------
    >>> parse_record_id("17"), parse_record_id("²"), parse_record_id(str(MAX_RECORD_ID + 1))
    (17, None, None)
    """
    if text is None or not re.fullmatch(RecordIdConverter.regex, text):
        return None
    number = int(text)
    return number if number <= MAX_RECORD_ID else None


def init_app(app: Flask) -> None:
    """Use :class:`RecordIdConverter` for ``<int:…>``; call before registering blueprints."""
    app.url_map.converters["int"] = RecordIdConverter
