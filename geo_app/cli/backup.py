"""``limites backup`` and ``limites restore``: the database and its attachments in one archive."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from cases.storage.backup import restore_backup, write_backup
from cases.storage.db import head_revision
from cases.storage.locks import import_lock
from geo_app.cli.support import engine, handled
from geo_app.files import attachment_store
from geo_app.formatting import file_size

__all__ = ["COMMANDS", "backup_command", "restore_command"]


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Copia la base de datos y los adjuntos a PATH (un archivo) sin detener la aplicación."""
    with handled():
        summary = write_backup(engine(), attachment_store().root, path)
    click.echo(
        f"Copia de seguridad escrita en {summary.path} ({file_size(summary.size_bytes)}, "
        f"{summary.attachments} adjunto(s), esquema {summary.revision}). Guárdela fuera de "
        "este equipo."
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="No pedir confirmación.")
def restore_command(path: str, yes: bool) -> None:
    """Reemplaza la base de datos por la de la copia PATH y le agrega sus adjuntos."""
    if not yes:
        click.confirm(
            "Se reemplazarán todos los datos por los de la copia (los actuales se guardan en "
            "un archivo aparte). ¿Continuar?",
            abort=True,
        )
    with handled(suffix=". No se modificó la base de datos."), import_lock(engine()):
        summary = restore_backup(engine(), attachment_store().root, path,
                                 Path(current_app.instance_path))
    engine().dispose()  # no pooled connection keeps anything of the replaced database
    click.echo(f"Base restaurada desde {path} (esquema {summary.revision}, "
               f"{summary.attachments} adjunto(s)).")
    if summary.previous:
        click.echo(f"La base anterior quedó en {summary.previous}.")
    if summary.revision != head_revision():
        click.echo("La copia es de un esquema anterior: ejecute «limites init».")


COMMANDS = (backup_command, restore_command)
