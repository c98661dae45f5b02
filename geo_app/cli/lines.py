"""``limites import-lines``: a river (a reference line) from GeoJSON, GeoPackage, SHP or KML."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from cases.frames.rivers import LINE_KINDS, import_line, read_line
from cases.storage.db import unit_of_work
from cases.storage.locks import import_lock
from geo_app.cli.support import engine, handled, open_session, progress
from geo_app.formatting import number

__all__ = ["COMMANDS", "import_lines_command"]


@click.command("import-lines")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(LINE_KINDS), default="rio", show_default=True,
              help="Tipo de línea de referencia.")
@click.option("--name", required=True, help="Nombre del río (p. ej. Atoyac).")
@click.option("--layer", help="Capa dentro de un GeoPackage.")
@click.option("--crs", help="CRS a suponer si la capa no lo declara (p. ej. EPSG:6372).")
def import_lines_command(path, kind, name, layer, crs) -> None:
    """Importa un río como línea de referencia; reemplaza al río del mismo nombre."""
    with handled(suffix=". No se modificó la base de datos."), import_lock(engine()):
        progress(f"Leyendo {click.format_filename(path, shorten=True)}…")
        line = read_line(path, layer=layer, crs=crs)
        with open_session() as session, unit_of_work(session):
            done = import_line(session, line, name, kind=kind)
    verb = "reemplazado" if done.replaced else "agregado"
    click.echo(f"{done.name} {verb}: {number(done.length_km, 1)} km.")


COMMANDS = (import_lines_command,)
