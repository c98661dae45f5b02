"""The domain's errors: each carries the HTTP status a web adapter answers with.

:class:`LimitesError` is the root; its ``message`` is Spanish because users read it. Errors of
:mod:`boundaries` (bad files, bad geometry, bad parameters) become :class:`InvalidInputError`
in one place, :func:`boundary_errors`. Anything else that escapes a use case is a bug and is
left to surface as one (a 500 page with a logged reference, a traceback under ``--debug``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from boundaries.errors import BoundaryError

__all__ = [
    "LimitesError",
    "NotFoundError",
    "UnauthorizedError",
    "InvalidInputError",
    "ForbiddenError",
    "TooLargeError",
    "ConflictError",
    "StaleRecordError",
    "SchemaOutdatedError",
    "ShareGoneError",
    "ImportInProgressError",
    "BackupToolError",
    "boundary_errors",
]


class LimitesError(Exception):
    """Base class of the domain's errors; ``message`` is meant for the user (Spanish)."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(LimitesError):
    """The requested record does not exist."""

    status_code = 404


class UnauthorizedError(LimitesError):
    """No valid credentials: no session, or an unknown, revoked or disabled API key."""

    status_code = 401


class InvalidInputError(LimitesError):
    """The input cannot be accepted as given.

    ``field`` names the form field the message belongs to, when there is one, so a form
    can show it beside that field.
    """

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TooLargeError(InvalidInputError):
    """The request holds more than one request may (send it in parts)."""

    status_code = 413


class ForbiddenError(LimitesError):
    """The user may not do this."""

    status_code = 403


class ConflictError(LimitesError):
    """The input conflicts with what is already stored."""

    status_code = 409


class StaleRecordError(ConflictError):
    """The record changed since the form was built from it (optimistic locking).

    ``expected`` is the version the form was built from (``None`` when the form did not say)
    and ``current`` the stored one.
    """

    def __init__(self, message: str, record: object, expected: int | None,
                 current: int) -> None:
        super().__init__(message)
        self.record = record
        self.expected = expected
        self.current = current


class SchemaOutdatedError(LimitesError):
    """The database schema is older (or newer) than the code expects."""

    status_code = 503


class ShareGoneError(LimitesError):
    """The link existed but was revoked or has expired (HTTP 410)."""

    status_code = 410


class ImportInProgressError(ConflictError):
    """Another import holds the lock."""

    def __init__(self) -> None:
        super().__init__(
            "otra importación está en curso; espere a que termine y vuelva a intentarlo"
        )


class BackupToolError(LimitesError):
    """``pg_dump`` or ``pg_restore`` is missing or failed."""

    status_code = 500


@contextmanager
def boundary_errors(prefix: str | None = None) -> Iterator[None]:
    """Turn a :class:`~boundaries.errors.BoundaryError` raised inside into InvalidInputError.

    The one place where the geometry package's errors become domain errors. ``prefix``
    (e.g. a file name) is put before the message.

    Examples
    --------
    >>> from boundaries.errors import EmptyLayerError
    >>> try:
    ...     with boundary_errors("zonas.geojson"):
    ...         raise EmptyLayerError("la capa no tiene elementos")
    ... except InvalidInputError as exc:
    ...     print(exc.message, exc.status_code)
    zonas.geojson: la capa no tiene elementos 400
    """
    try:
        yield
    except BoundaryError as exc:
        message = f"{prefix}: {exc}" if prefix else str(exc)
        raise InvalidInputError(message) from exc
