"""``limites export``: a zone's, a case's or every record in a file other programs open."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from cases.sharing.scope import resolve_scope
from geo_app.cli.support import handled, open_session, progress
from geo_app.exports import FORMATS, read_export, write_export
from geo_app.formatting import number

__all__ = ["COMMANDS", "export_command"]


@click.command("export")
@click.option("--zone", help="Nombre de la zona en disputa.")
@click.option("--case", "case", help="Número del expediente (p. ej. UAAM/LIM/001/2025).")
@click.option("--all", "everything", is_flag=True, help="Todos los registros.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), required=True,
              help="gpkg (QGIS), kml/kmz (Google Earth), geojson, csv, shp, html (mapa sin "
                   "conexión) o pdf (ficha).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Archivo de salida.")
@with_appcontext
def export_command(zone, case, everything, fmt, out) -> None:
    """Exporta una zona, un expediente o todo, con su CRS, fecha y fuente."""
    chosen = [flag for flag in (zone, case, everything or None) if flag is not None]
    if len(chosen) != 1:
        raise click.UsageError("indique exactamente una de --zone, --case o --all")
    with handled(), open_session() as session:
        scope = resolve_scope(session, zone=zone, case=case)
        progress(f"Exportando {scope.title} como {FORMATS[fmt].label}…")
        data = read_export(session, scope, fmt, FORMATS[fmt].layers, progress=progress)
        path = write_export(data, fmt, Path(out))
    progress(f"Exportación escrita en {path} ({number(path.stat().st_size)} bytes)")


COMMANDS = (export_command,)
