"""Exceptions raised by :mod:`boundaries` on bad input.

Every class subclasses :class:`ValueError`, so a caller can catch them all at once; messages are
in Spanish because users read them. :class:`EmptyLayerError` and :class:`GeometryTypeError` are
those of :mod:`boundaries.validation` (the importer's checks), re-exported so the analysis raises
the very same classes; the CRS errors live beside the CRS definitions in :mod:`boundaries.crs`.

Examples
--------
>>> try:
...     raise EmptyLayerError("la capa «oficial» no tiene elementos")
... except ValueError as exc:
...     print(exc)
la capa «oficial» no tiene elementos
"""

from __future__ import annotations

from boundaries.validation import EmptyLayerError, GeometryTypeError

__all__ = [
    "EmptyLayerError",
    "MissingColumnError",
    "GeometryTypeError",
    "InvalidGeometryError",
    "CoverageError",
]


class MissingColumnError(ValueError):
    """The column that names the parties (``code_col``) is absent or has blanks."""


class InvalidGeometryError(ValueError):
    """A polygon is invalid (self-intersection, ring crossing...).

    Repair is the importer's job; analysis refuses to guess.

    Parameters
    ----------
    message : str
        The full message.
    code : object, optional
        The code (or index label) of the offending feature.
    reason : str, optional
        GEOS' explanation, from :func:`shapely.is_valid_reason`.
    """

    def __init__(self, message: str, code: object = None, reason: str | None = None):
        super().__init__(message)
        self.code = code
        self.reason = reason


class CoverageError(ValueError):
    """Polygons that should form a coverage overlap or do not share their edges exactly."""
