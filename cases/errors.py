"""Domain errors that carry the HTTP status a web adapter should answer with."""

from __future__ import annotations

__all__ = ["LimitesError", "NotFoundError", "InvalidInputError", "ConflictError"]


class LimitesError(Exception):
    """Base class of the domain's errors; ``message`` is meant for the user (Spanish)."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(LimitesError):
    """The requested record does not exist."""

    status_code = 404


class InvalidInputError(LimitesError):
    """The input cannot be accepted as given."""

    status_code = 400


class ConflictError(LimitesError):
    """The input conflicts with what is already stored."""

    status_code = 409
