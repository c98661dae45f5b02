"""What every ``limites`` command shares: user errors, progress and output."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import Engine

from boundaries.crs import MissingCRSError
from boundaries.io import LayerReadError
from cases.errors import LimitesError

__all__ = ["USER_ERRORS", "engine", "progress", "user_error", "emit"]

# Errors caused by the input: they become a one-line Spanish message, never a traceback.
USER_ERRORS = (LimitesError, LayerReadError, MissingCRSError, ValueError)


def engine() -> Engine:
    """The current app's database engine."""
    return current_app.extensions["limites_engine"]


def progress(message: str) -> None:
    """Tell the user what is happening, on stderr so stdout stays machine-readable."""
    click.echo(message, err=True)


def user_error(exc: Exception) -> click.ClickException:
    """Turn a user error into click's one-line error."""
    return click.ClickException(str(getattr(exc, "message", exc)))


def emit(text: str, out: str | None) -> None:
    """Write ``text`` to the file ``out``, or to stdout when it is not given."""
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        progress(f"Resultado escrito en {out}")
    else:
        click.echo(text)
