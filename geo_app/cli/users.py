"""``limites user``: accounts from the server's command line (the first administrator too)."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from cases.access import accounts
from cases.storage.db import unit_of_work
from cases.storage.models import Role
from geo_app.cli.support import handled, open_session

__all__ = ["COMMANDS", "user_group"]


def _password(from_stdin: bool) -> str:
    """Read a password from standard input (one line) or from a hidden, confirmed prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no se recibió ninguna contraseña por la entrada estándar")
        return password
    return click.prompt("Contraseña", hide_input=True, confirmation_prompt="Repítala")


stdin_option = click.option(
    "--password-stdin", is_flag=True,
    help="Leer la contraseña de la entrada estándar (una línea) en lugar de preguntarla.",
)


@click.group("user")
def user_group() -> None:
    """Cuentas de usuario: alta, contraseña, desactivación y lista."""


@user_group.command("add")
@click.argument("username")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), required=True,
    help="lector (consulta), editor (registra) o administrador (además, cuentas y papelera).",
)
@click.option("--name", "display_name", default="", help="Nombre completo.")
@stdin_option
@with_appcontext
def add_command(username: str, role: str, display_name: str, password_stdin: bool) -> None:
    """Crea una cuenta; la contraseña se pregunta (o se lee con --password-stdin)."""
    password = _password(password_stdin)
    with handled(), open_session() as session, unit_of_work(session):
        user = accounts.create_user(
            session, username, password, Role(role), display_name=display_name
        )
    click.echo(f"Cuenta «{user.username}» creada con el rol {user.role.label.lower()}.")


def _change(username: str, change, message: str) -> None:
    with handled(), open_session() as session, unit_of_work(session):
        change(session, accounts.get_user(session, username))
    click.echo(message)


@user_group.command("passwd")
@click.argument("username")
@stdin_option
@with_appcontext
def passwd_command(username: str, password_stdin: bool) -> None:
    """Asigna una contraseña nueva y cierra todas las sesiones de la cuenta."""
    password = _password(password_stdin)
    _change(username, lambda session, user: accounts.set_password(session, user, password),
            f"Contraseña de «{username}» cambiada; sus sesiones abiertas se cerraron.")


@user_group.command("disable")
@click.argument("usernames", nargs=-1, required=True)
@with_appcontext
def disable_command(usernames: tuple[str, ...]) -> None:
    """Desactiva cuentas: ya no pueden entrar y sus sesiones se cierran."""
    for username in usernames:
        _change(username, accounts.disable_user, f"Cuenta «{username}» desactivada.")


@user_group.command("enable")
@click.argument("usernames", nargs=-1, required=True)
@with_appcontext
def enable_command(usernames: tuple[str, ...]) -> None:
    """Vuelve a activar cuentas desactivadas."""
    for username in usernames:
        _change(username, accounts.enable_user, f"Cuenta «{username}» activada.")


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Lista en JSON por la salida estándar.")
@with_appcontext
def list_command(as_json: bool) -> None:
    """Lista las cuentas con su rol y estado."""
    with handled(), open_session() as session:
        rows = [
            {
                "usuario": u.username,
                "nombre": u.display_name,
                "rol": u.role.value,
                "activa": u.active,
                "demostracion": u.is_demo,
                "ultimo_acceso": u.last_login_at.isoformat() if u.last_login_at else None,
            }
            for u in accounts.list_users(session)
        ]
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if not rows:
        click.echo(
            "No hay cuentas. Cree la primera con: limites user add admin --role administrador"
        )
        return
    for row in rows:
        flags = [] if row["activa"] else ["desactivada"]
        if row["demostracion"]:
            flags.append("demostración")
        extra = f" ({', '.join(flags)})" if flags else ""
        click.echo(f"{row['usuario']:<20} {row['rol']:<14} {row['nombre']}{extra}")


COMMANDS = (user_group,)
