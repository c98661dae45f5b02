"""Rules for the text people type into forms: printable, within its length, not blank.

``clean_name`` for the names of records, ``clean_text`` for titles, notes and the rest.
"""

from __future__ import annotations

import unicodedata

from cases.errors import InvalidInputError

__all__ = ["MAX_NAME_LENGTH", "clean_name", "clean_text"]

MAX_NAME_LENGTH = 200


def clean_name(value: str | None, what: str = "el registro") -> str:
    """Return ``value`` stripped, or raise a Spanish error.

    A name must not be blank, must have at most :data:`MAX_NAME_LENGTH` characters and must
    not contain control characters (line breaks, tabs, NUL…).

    Examples
    --------
    >>> clean_name("  Colonia Ejidal ")
    'Colonia Ejidal'
    >>> clean_name("x" * 201)
    Traceback (most recent call last):
    ...
    cases.errors.InvalidInputError: el nombre admite hasta 200 caracteres (tiene 201)
    """
    name = (value or "").strip()
    if not name:
        raise InvalidInputError(f"{what} necesita un nombre")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"el nombre admite hasta {MAX_NAME_LENGTH} caracteres (tiene {len(name)})"
        )
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") for char in name):
        raise InvalidInputError(
            "el nombre no puede contener saltos de línea, tabuladores ni otros caracteres "
            "de control"
        )
    return name


def clean_text(value: str | None, what: str, limit: int, *, required: bool = False) -> str:
    """Collapse whitespace; refuse control characters, over-long or (if required) empty text.

    Examples
    --------
    >>> clean_text("  Recorrido   del Atoyac ", "el título", 300)
    'Recorrido del Atoyac'
    """
    text = " ".join((value or "").split())
    if any(ord(c) < 32 or ord(c) == 127 for c in (value or "") if c not in "\t\n\r"):
        raise InvalidInputError(f"{what} tiene caracteres de control")
    if len(text) > limit:
        raise InvalidInputError(f"{what} tiene {len(text)} caracteres; el máximo es {limit}")
    if required and not text:
        raise InvalidInputError(f"falta {what}")
    return text
