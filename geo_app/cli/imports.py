"""``limites import-boundaries``: limits from GeoJSON, GeoPackage or a zipped Shapefile."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask.cli import with_appcontext

from cases.frames.importer import import_boundaries
from cases.frames.in_force import frame_name_for
from cases.frames.stored_layers import read_file
from cases.storage.db import unit_of_work
from cases.storage.locks import import_lock
from cases.storage.models import BoundaryKind
from geo_app.cli.support import engine, handled, open_session, progress

__all__ = ["COMMANDS", "import_boundaries_command"]


def _parse_date(ctx, param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"fecha inválida «{value}»; use AAAA-MM-DD") from exc


@click.command("import-boundaries")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--layer", help="Capa dentro de un GeoPackage.")
@click.option("--code-field", help="Campo con la clave INEGI (por omisión CVEGEO o cvegeo).")
@click.option("--name-field", help="Campo con el nombre (por omisión NOMGEO o nom_agem).")
@click.option("--only", help="Solo estas claves, separadas por comas (p. ej. 20067,20157).")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in BoundaryKind]),
    default=BoundaryKind.OFFICIAL.value,
    show_default=True,
    help="Tipo de versión del límite.",
)
@click.option("--claimant", help="Clave INEGI del municipio que reclama (para --kind reclamo).")
@click.option("--source", help="Fuente y referencia (por omisión, el nombre del archivo).")
@click.option("--legal-reference", help="Referencia legal (acta, decreto, resolución).")
@click.option("--date", "valid_from", callback=_parse_date, help="Fecha de la versión AAAA-MM-DD.")
@click.option("--crs", help="CRS a suponer si la capa no lo declara (p. ej. EPSG:6372).")
@click.option("--frame", "frame_name",
              help="Marco al que se suman los límites oficiales (por omisión, según la fuente; "
              "«Marco Geoestadístico (INEGI)» para datos del INEGI).")
@click.option("--activate", is_flag=True,
              help="Pone en vigor el marco importado y recalcula todas las cifras derivadas.")
@click.option("--json", "as_json", is_flag=True, help="Resumen en JSON por la salida estándar.")
def import_boundaries_command(
    path, layer, code_field, name_field, only, kind, claimant, source, legal_reference,
    valid_from, crs, frame_name, activate, as_json,
) -> None:
    """Importa polígonos municipales (GeoJSON, GeoPackage o Shapefile en .zip)."""
    with handled(suffix=". No se modificó la base de datos."), import_lock(engine()):
        progress(f"Leyendo {click.format_filename(path, shorten=True)}…")
        frame = read_file(path, layer=layer, crs=crs)
        with open_session() as session, unit_of_work(session):
            summary = import_boundaries(
                session,
                frame,
                source=source or click.format_filename(path, shorten=True),
                kind=BoundaryKind(kind),
                code_field=code_field,
                name_field=name_field,
                only=[c for c in only.split(",") if c.strip()] if only else None,
                claimant=claimant,
                legal_reference=legal_reference,
                valid_from=valid_from,
                frame_name=frame_name or frame_name_for(str(path)),
                activate=activate,
                progress=progress,
                file_name=click.format_filename(path, shorten=True),
            )
    if as_json:
        json.dump(summary.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for warning in summary.warnings:
        progress(f"Aviso: {warning}")
    for repair in summary.repairs:
        click.echo(f"Reparado: {repair}")
    click.echo(
        f"{summary.added} versiones agregadas, {summary.unchanged} ya existían "
        f"({summary.selected} de {summary.read} polígonos leídos; "
        f"{summary.municipalities_created} municipios nuevos; {len(summary.repairs)} reparados)."
    )
    if summary.frame:
        click.echo(f"Marco: {summary.frame}.")
    click.echo(f"Marco vigente: {summary.frame_in_force or 'ninguno'}.")
    if summary.frame and summary.frame != summary.frame_in_force:
        click.echo(
            "Las cifras siguen calculadas con el marco vigente; para usar el importado, "
            f"repita con --activate o use «limites frames --activate \"{summary.frame}\"»."
        )


COMMANDS = (import_boundaries_command,)
