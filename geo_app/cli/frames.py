"""``limites frames``: the frames of official versions and the one in force."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from cases.frames.in_force import activate_frame, list_frames
from cases.storage.db import unit_of_work
from geo_app.cli.support import handled, open_session, progress
from geo_app.formatting import long_date

__all__ = ["COMMANDS", "frames_command"]


@click.command("frames")
@with_appcontext
@click.option("--activate", "name", metavar="NOMBRE",
              help="Pone en vigor el marco NOMBRE y recalcula todas las cifras derivadas.")
def frames_command(name: str | None) -> None:
    """Lista los marcos de límites de referencia y cuál está en vigor; cambia el vigente."""
    with handled(suffix=". No se modificó la base de datos." if name else ""):
        with open_session() as session:
            if name:
                with unit_of_work(session):
                    progress(f"Poniendo en vigor «{name}» y recalculando cifras derivadas…")
                    counts = activate_frame(session, name)
                click.echo(
                    f"Marco vigente: {name} ({counts.get('hallazgos', 0)} hallazgos y "
                    f"{counts.get('recorridos', 0)} recorridos recalculados)."
                )
            frames = list_frames(session)
    if not frames:
        click.echo("No hay marcos guardados; importe límites con «limites import-boundaries».")
    for frame in frames:
        flags = " [VIGENTE]" if frame.active else ""
        flags += " [ilustrativo]" if frame.illustrative else ""
        click.echo(
            f"{frame.name}{flags}: {frame.versions} límites · fuente {frame.source} · "
            f"{long_date(frame.valid_from, 'sin fecha')}"
        )


COMMANDS = (frames_command,)
