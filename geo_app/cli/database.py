"""Commands that set the database up and serve the app: init, demo and serve."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext

from cases.demo.dataset import load_demo
from cases.storage.db import current_revision, unit_of_work, upgrade
from geo_app.cli.support import engine, handled, open_session, progress
from geo_app.deployment import ensure_secret_key, exposure_problems
from geo_app.server import DEFAULT_THREADS, serve

__all__ = ["COMMANDS", "init_command", "demo_command", "serve_command"]


def _database_label() -> str:
    return engine().url.render_as_string(hide_password=True)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Crea o actualiza el esquema de la base de datos."""
    upgrade(engine())
    click.echo(f"Base de datos lista (revisión {current_revision(engine())}): {_database_label()}")
    written = ensure_secret_key(current_app)
    if written is not None:
        click.echo(f"Clave secreta nueva guardada en {written} (no la comparta).")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Carga los datos de demostración (informe abril–junio 2025); repetirlo no duplica."""
    with handled(), open_session() as session, unit_of_work(session):
        created = load_demo(session, progress=progress)
    total = sum(created.values())
    detail = ", ".join(f"{n} {what}" for what, n in created.items() if n)
    click.echo(
        f"Datos de demostración cargados: {detail}."
        if total
        else "Los datos de demostración ya estaban cargados; no se agregó nada."
    )


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=DEFAULT_THREADS, show_default=True,
              type=click.IntRange(1, 64), help="Hilos que atienden solicitudes.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Procesos que atienden solicitudes, cada uno con sus hilos (Linux; "
                   "con PostgreSQL).")
@click.option("--dev", is_flag=True,
              help="Servidor de desarrollo de Flask, con recarga automática (solo para programar).")
def serve_command(host: str, port: int, threads: int, workers: int, dev: bool) -> None:
    """Sirve la aplicación web (waitress; con --dev, el servidor de desarrollo de Flask)."""
    problems = exposure_problems(current_app, host)
    if problems:
        raise click.ClickException(
            f"no se sirve en {host} (visible desde la red) mientras "
            + "; y ".join(problems)
            + ". Para probar en este equipo use --host 127.0.0.1."
        )
    click.echo(f"Límites en http://{host}:{port}/ (Ctrl+C para detener)")
    if dev:
        current_app.run(host=host, port=port, debug=False, use_reloader=True)
    else:
        if workers > 1 and not hasattr(os, "fork"):
            raise click.ClickException("varios procesos (--workers) solo en Linux o macOS; "
                                       "en Windows use --threads.")
        serve(current_app._get_current_object(), host, port, threads, workers)


COMMANDS = (init_command, demo_command, serve_command)
