"""``limites backup`` and ``limites restore``: copies of the database and their restore."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from cases.backup import backup_sqlite, postgres_instructions, restore_sqlite
from cases.db import head_revision
from cases.locks import import_lock
from geo_app.cli.support import engine, handled

__all__ = ["COMMANDS", "backup_command", "restore_command"]


def _size(n: int) -> str:
    return f"{n / 1_048_576:,.1f} MB" if n >= 1_048_576 else f"{n / 1024:,.0f} KB"


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Copia la base de datos a PATH sin detener la aplicación (SQLite; PostgreSQL: pg_dump)."""
    if engine().dialect.name == "postgresql":
        raise click.ClickException(postgres_instructions(engine(), path))
    with handled():
        summary = backup_sqlite(engine(), path)
    click.echo(
        f"Copia de seguridad escrita en {summary.path} ({_size(summary.size_bytes)}, "
        f"esquema {summary.revision}). Guárdela fuera de este equipo."
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="No pedir confirmación.")
def restore_command(path: str, yes: bool) -> None:
    """Reemplaza la base de datos por la copia PATH (la actual se guarda a su lado)."""
    if engine().dialect.name == "postgresql":
        raise click.ClickException(postgres_instructions(engine(), path, restore=True))
    if not yes:
        click.confirm(
            "Se reemplazarán todos los datos por los de la copia (los actuales se guardan en "
            "un archivo aparte). ¿Continuar?",
            abort=True,
        )
    with handled(suffix=". No se modificó la base de datos."), import_lock(engine()):
        summary = restore_sqlite(engine(), path)
    click.echo(f"Base restaurada desde {path} (esquema {summary.revision}).")
    if summary.previous:
        click.echo(f"La base anterior quedó en {summary.previous}.")
    if summary.revision != head_revision():
        click.echo("La copia es de un esquema anterior: ejecute «limites init».")


COMMANDS = (backup_command, restore_command)
