"""``limites share``: make, list and revoke read-only links (``/c/<token>``)."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from cases.sharing.links import (
    DEFAULT_DAYS,
    MAP_LAYERS,
    create_share,
    link_state,
    list_shares,
    revoke_share,
    share_title,
)
from cases.storage.db import unit_of_work
from geo_app.cli.support import handled, open_session

__all__ = ["COMMANDS", "share_group"]


def _url(token: str) -> str:
    base = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    return f"{base.rstrip('/')}/c/{token}"


@click.group("share")
def share_group() -> None:
    """Enlaces de solo lectura para personas sin cuenta (la Comisión de Límites)."""


@share_group.command("create")
@click.option("--zone", help="Nombre de la zona en disputa.")
@click.option("--case", "case", help="Número del expediente.")
@click.option("--map", "whole_map", is_flag=True, help="El mapa general (todas sus capas).")
@click.option("--days", type=int, default=DEFAULT_DAYS, show_default=True,
              help="Días de vigencia.")
@click.option("--note", default="", help="Para quién es el enlace.")
@click.option("--json", "as_json", is_flag=True, help="Responde un objeto JSON.")
@with_appcontext
def create_command(zone, case, whole_map, days, note, as_json) -> None:
    """Crea un enlace e imprime su dirección (se muestra solo esta vez)."""
    chosen = [flag for flag in (zone, case, whole_map or None) if flag is not None]
    if len(chosen) != 1:
        raise click.UsageError("indique exactamente una de --zone, --case o --map")
    with handled(), open_session() as session:
        with unit_of_work(session):
            new = create_share(session, None, zone=zone, case=case,
                               layers=list(MAP_LAYERS) if whole_map else None,
                               days=days, note=note)
        link_id, expires = new.link.id, new.link.expires_at
    url = _url(new.token)
    if as_json:
        click.echo(json.dumps({"id": link_id, "url": url, "expires": expires.isoformat()}))
    else:
        click.echo(url)
        click.echo(f"Enlace {link_id}, vence el {expires:%Y-%m-%d %H:%M} UTC. Cópielo ahora: "
                   "no se vuelve a mostrar.", err=True)


@share_group.command("list")
@with_appcontext
def list_command() -> None:
    """Lista los enlaces: número, estado, vencimiento, alcance, nota y accesos."""
    with handled(), open_session() as session:
        for link in list_shares(session):
            click.echo(f"{link.id}\t{link_state(link)}\t{link.expires_at:%Y-%m-%d %H:%M}\t"
                       f"{share_title(link)}\t{link.note}\t{len(link.accesses)} accesos")


@share_group.command("revoke")
@click.argument("link_id", type=int)
@with_appcontext
def revoke_command(link_id: int) -> None:
    """Revoca el enlace LINK_ID: deja de abrir de inmediato."""
    with handled(), open_session() as session:
        with unit_of_work(session):
            revoke_share(session, None, link_id)
    click.echo(f"Enlace {link_id} revocado.")


COMMANDS = (share_group,)
