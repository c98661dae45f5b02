"""The ``limites`` command line (also available as ``flask --app geo_app …``).

One module per group of commands; each command parses its options, opens the unit of work
when it writes, makes one call into :mod:`cases` and formats the answer. Domain errors print
as one Spanish line; anything else is a bug: a short notice, or the traceback with
``limites --debug``.
"""

from __future__ import annotations

import errno
import logging

import click
from flask import Flask
from flask.cli import ScriptInfo

from geo_app.cli import (
    backup,
    database,
    exports,
    field,
    frames,
    imports,
    indicators,
    lines,
    points,
    report,
    routes,
    search,
    shares,
    simplify,
    tokens,
    topology,
    users,
    versions,
)

__all__ = ["COMMANDS", "DISK_FULL_EXIT_CODE", "disk_full", "init_app", "main"]

log = logging.getLogger(__name__)

COMMANDS = (
    *database.COMMANDS[:2],
    *imports.COMMANDS,
    *lines.COMMANDS,
    *frames.COMMANDS,
    *topology.COMMANDS,
    *versions.COMMANDS,
    *points.COMMANDS,
    *routes.COMMANDS,
    *field.COMMANDS,
    *simplify.COMMANDS,
    *indicators.COMMANDS,
    *report.COMMANDS,
    *exports.COMMANDS,
    *shares.COMMANDS,
    *users.COMMANDS,
    *tokens.COMMANDS,
    *search.COMMANDS,
    *database.COMMANDS[2:],
    *backup.COMMANDS,
)

# EX_SOFTWARE of sysexits.h: an internal error, told apart from a user error (exit 1).
BUG_EXIT_CODE = 70
# EX_IOERR of sysexits.h: the disk or the quota is full; nothing wrong with program or data.
DISK_FULL_EXIT_CODE = 74
# PostgreSQL's SQLSTATE for disk_full.
_PG_DISK_FULL = "53100"


def disk_full(exc: BaseException) -> str | None:
    """Where the disk (or the quota) ran out, if that is what ``exc`` or its causes say.

    The operating system says ENOSPC or EDQUOT; SQLite says «database or disk is full» and
    PostgreSQL SQLSTATE 53100, possibly wrapped by SQLAlchemy. Returns the file named, the
    database, or an empty string; ``None`` for any other error.

    >>> disk_full(OSError(errno.ENOSPC, "No space left on device", "/copias/a.limites"))
    '/copias/a.limites'
    >>> disk_full(ValueError("otra cosa")) is None
    True
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return str(current.filename or "")
        if "database or disk is full" in str(current) or getattr(
                current, "sqlstate", None) == _PG_DISK_FULL:
            return "la base de datos"
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI group (``flask --app geo_app …``)."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from geo_app import create_app

    return create_app()


class _LimitesGroup(click.Group):
    """A group that shows an unexpected exception as a bug, with its traceback on ``--debug``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.meta.get("limites.debug"):
                raise
            where = disk_full(exc)
            if where is not None:
                log.debug("disk full", exc_info=True)
                click.echo(
                    "No queda espacio en el disco"
                    + (f" ({where})" if where else "")
                    + ". Libere espacio (o pida más cuota) y repita el comando.",
                    err=True,
                )
                ctx.exit(DISK_FULL_EXIT_CODE)
            log.debug("unexpected error", exc_info=True)
            click.echo(
                f"Error interno inesperado ({type(exc).__name__}: {exc}). Es un defecto del "
                "programa, no de sus datos; repita el comando con «limites --debug …» para ver "
                "el detalle y repórtelo.",
                err=True,
            )
            ctx.exit(BUG_EXIT_CODE)


@click.group(name="limites", cls=_LimitesGroup, commands=COMMANDS)
@click.option("--debug", is_flag=True, help="Muestra el detalle (traceback) de un error interno.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Límites: seguimiento de asuntos de límites municipales.

    La base de datos se toma de LIMITES_DATABASE_URL (por omisión, SQLite en instance/).
    """
    ctx.meta["limites.debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = ScriptInfo(create_app=_create_app)
