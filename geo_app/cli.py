"""The ``limites`` command line (also available as ``flask --app geo_app …``)."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

from boundaries.io import read_layer
from boundaries.topology import analyze_topology, topology_to_dict
from cases.analysis import import_and_refresh
from cases.db import current_revision, upgrade
from cases.demo import load_demo
from cases.models import BoundaryKind
from cases.topology import topology_layers
from geo_app.cli_analysis import COMMANDS as ANALYSIS_COMMANDS
from geo_app.cli_support import (
    USER_ERRORS,
    collection,
    crs_option,
    dump,
    emit,
    engine,
    feature,
    format_option,
    layer_option,
    out_option,
    progress,
    user_error,
)
from geo_app.db import new_session

__all__ = ["init_app", "main"]



def _database_label() -> str:
    return engine().url.render_as_string(hide_password=True)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Crea o actualiza el esquema de la base de datos."""
    upgrade(engine())
    click.echo(f"Base de datos lista (revisión {current_revision(engine())}): {_database_label()}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Carga los datos de demostración (informe abril–junio 2025); repetirlo no duplica."""
    upgrade(engine())
    with new_session() as session:
        created = load_demo(session, progress=progress)
    total = sum(created.values())
    detail = ", ".join(f"{n} {what}" for what, n in created.items() if n)
    click.echo(
        f"Datos de demostración cargados: {detail}."
        if total
        else "Los datos de demostración ya estaban cargados; no se agregó nada."
    )


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
@click.option("--json", "as_json", is_flag=True, help="Resumen en JSON por la salida estándar.")
def import_boundaries_command(
    path, layer, code_field, name_field, only, kind, claimant, source, legal_reference,
    valid_from, crs, as_json,
) -> None:
    """Importa polígonos municipales (GeoJSON, GeoPackage o Shapefile en .zip)."""
    try:
        progress(f"Leyendo {path}…")
        frame = read_layer(path, layer=layer, crs=crs)
        upgrade(engine())
        with new_session() as session:
            summary = import_and_refresh(
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
                progress=progress,
            )
    except USER_ERRORS as exc:
        raise click.ClickException(
            f"{getattr(exc, 'message', exc)}. No se modificó la base de datos."
        ) from exc
    if as_json:
        json.dump(summary.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for repair in summary.repairs:
        click.echo(f"Reparado: {repair}")
    click.echo(
        f"{summary.added} versiones agregadas, {summary.unchanged} ya existían "
        f"({summary.selected} de {summary.read} polígonos leídos; "
        f"{summary.municipalities_created} municipios nuevos; {len(summary.repairs)} reparados)."
    )


def _topology_table(doc: dict, names: dict[str, str]) -> str:
    def who(codes) -> str:
        return " / ".join(f"{names.get(c, c)} ({c})" for c in codes) or "—"

    lines = [f"Medidas en {doc['measure_crs']}; área mínima {doc['min_area_m2']} m²", ""]
    lines.append(f"Traslapes (zonas reclamadas por dos o más partes): {len(doc['overlaps'])}")
    for n, row in enumerate(doc["overlaps"], start=1):
        lines.append(f"  {n}. {who(row['parties'])}: {row['area_ha']:,.2f} ha")
    lines.append(f"Vacíos (zonas que nadie reclama): {len(doc['gaps'])}")
    for n, row in enumerate(doc["gaps"], start=1):
        lines.append(f"  {n}. entre {who(row['neighbours'])}: {row['area_ha']:,.2f} ha")
    lines.append(f"Límites compartidos: {len(doc['shared_borders'])}")
    for row in doc["shared_borders"]:
        lines.append(f"  {who(row['parties'])}: {row['length_m'] / 1000:,.3f} km")
    slivers = doc["slivers"]
    lines.append(
        f"Astillas descartadas por el área mínima: {slivers['overlaps']} traslapes, "
        f"{slivers['gaps']} vacíos"
    )
    return "\n".join(lines)


def _topology_geojson(doc: dict, names: dict[str, str]) -> str:
    return collection([
        feature(row["geometry"], {
            "tipo": kind,
            "partes": row[key],
            "nombres": [names.get(c, c) for c in row[key]],
            "area_m2": row["area_m2"],
            "area_ha": row["area_ha"],
        })
        for kind, key, rows in (
            ("traslape", "parties", doc["overlaps"]), ("vacio", "neighbours", doc["gaps"])
        )
        for row in rows
    ])


@click.command("topology")
@click.argument("layers", nargs=-1, required=True)
@click.option("--min-area", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Área mínima en m²; lo menor se cuenta como astilla de digitalización.")
@format_option()
@out_option
@click.option("--code-field", help="Campo con la clave en los archivos.")
@click.option("--name-field", help="Campo con el nombre en los archivos.")
@layer_option
@crs_option
@with_appcontext
def topology_command(layers, min_area, fmt, out, code_field, name_field, layer, crs) -> None:
    """Traslapes, vacíos y límites compartidos entre capas de límites.

    La primera capa es el marco de referencia y las demás, reclamos. Cada capa es un archivo
    (GeoJSON, GeoPackage o Shapefile en .zip) o db:TIPO para los límites guardados
    (db:oficial, db:reclamo, db:acuerdo, db:resolucion).
    """
    try:
        upgrade(engine())
        with new_session() as session:
            frame, claims, names = topology_layers(
                session, layers, code_field=code_field, name_field=name_field,
                layer=layer, crs=crs,
            )
        progress(f"Analizando {len(frame)} polígonos y {len(claims)} capas de reclamos…")
        doc = topology_to_dict(analyze_topology(frame, claims, min_area_m2=min_area))
    except USER_ERRORS as exc:
        raise user_error(exc) from exc
    if fmt == "table":
        emit(_topology_table(doc, names), out)
    else:
        emit(dump(doc) if fmt == "json" else _topology_geojson(doc, names), out)


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Sirve la aplicación web."""
    click.echo(f"Límites en http://{host}:{port}/ (Ctrl+C para detener)")
    current_app.run(host=host, port=port, debug=False, use_reloader=False)


COMMANDS = (
    init_command,
    demo_command,
    import_boundaries_command,
    topology_command,
    *ANALYSIS_COMMANDS,
    serve_command,
)


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI group (``flask --app geo_app …``)."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from geo_app import create_app

    return create_app()


@click.group(name="limites", commands=COMMANDS)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Límites: seguimiento de asuntos de límites municipales.

    La base de datos se toma de LIMITES_DATABASE_URL (por omisión, SQLite en instance/).
    """
    ctx.obj = ScriptInfo(create_app=_create_app)
