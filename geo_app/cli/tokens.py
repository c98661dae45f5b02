"""``limites token``: personal API keys for the OGC API (QGIS, GDAL), from the server."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from cases.access import accounts, api_keys
from cases.storage.db import unit_of_work
from geo_app.cli.support import handled, open_session

__all__ = ["COMMANDS", "token_group"]


@click.group("token")
def token_group() -> None:
    """Claves de acceso personales para leer la OGC API (Authorization: Bearer)."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Para qué es la clave («QGIS de la oficina»).")
@with_appcontext
def create_command(username: str, name: str) -> None:
    """Crea una clave para USERNAME e imprime la clave (se muestra solo esta vez)."""
    with handled(), open_session() as session:
        with unit_of_work(session):
            owner = accounts.get_user(session, username)
            new = api_keys.create_token(session, None, owner, name)
        token_id = new.record.id
    click.echo(new.token)
    click.echo(f"Clave {token_id} de «{username}». Cópiela ahora: no se vuelve a mostrar. "
               "Úsela como encabezado «Authorization: Bearer …».", err=True)


@token_group.command("list")
@with_appcontext
def list_command() -> None:
    """Lista las claves: número, usuario, estado, creación, último uso y nombre."""
    with handled(), open_session() as session:
        for key in api_keys.list_tokens(session):
            state = "revocada" if key.revoked_at else "vigente"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "nunca"
            click.echo(f"{key.id}\t{key.user.username}\t{state}\t"
                       f"{key.created_at:%Y-%m-%d %H:%M}\t{used}\t{key.name}")


@token_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_command(token_id: int) -> None:
    """Revoca la clave TOKEN_ID: deja de abrir la API de inmediato."""
    with handled(), open_session() as session:
        with unit_of_work(session):
            api_keys.revoke_token(session, None, token_id)
    click.echo(f"Clave {token_id} revocada.")


COMMANDS = (token_group,)
