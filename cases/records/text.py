"""Rules for the text people type into forms: names are short, printable and not blank."""

from __future__ import annotations

import unicodedata

from cases.errors import InvalidInputError

__all__ = ["MAX_NAME_LENGTH", "clean_name"]

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
