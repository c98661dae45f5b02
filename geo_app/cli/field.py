"""``limites inspection add``, ``finding add`` and ``attach``: field work entered by script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from boundaries.formats import ROUTE_FILES
from cases.errors import InvalidInputError
from cases.fieldwork.attachments import OWNER_KINDS, attach_file, attach_link, get_owner
from cases.fieldwork.recording import (
    PhotoUpload,
    add_field_finding,
    add_inspection,
    parse_date,
    read_route,
)
from cases.storage.db import unit_of_work
from cases.storage.models import Finding, Inspection
from geo_app.cli.support import crs_option, dump, handled, layer_option, open_session, progress
from geo_app.files import attachment_store, max_attachment_bytes
from geo_app.formatting import number

__all__ = ["COMMANDS", "inspection_group", "finding_group", "attach_command"]

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Imprime el resultado en JSON, para otros programas.")


def inspection_summary(inspection: Inspection) -> dict[str, Any]:
    """What ``inspection add`` prints: the id and the derived lengths."""
    return {
        "id": inspection.id,
        "titulo": inspection.title,
        "fecha": inspection.started_on.isoformat(),
        "fecha_fin": inspection.ended_on.isoformat() if inspection.ended_on else None,
        "participantes": list(inspection.participants or []),
        "instituciones": [i.short_name for i in inspection.institutions],
        "zonas": [z.name for z in inspection.zones],
        "expedientes": [c.number for c in inspection.cases],
        "puntos_leidos": inspection.route_points_read,
        "puntos_conservados": inspection.route_points_kept,
        "longitud_m": None if inspection.route_length_m is None
        else round(inspection.route_length_m, 2),
        "tramos": [
            {
                "tipo": part["kind"],
                "partes": part["parties"],
                "nombres": part["names"],
                "longitud_m": round(part["length_m"], 2),
            }
            for part in inspection.route_split or []
        ],
    }


def _inspection_text(doc: dict[str, Any]) -> str:
    lines = [f"Recorrido {doc['id']} registrado: «{doc['titulo']}» del {doc['fecha']}"]
    if doc["longitud_m"] is None:
        lines.append("Sin longitudes: no hay marco oficial guardado para dividir la ruta.")
        return "\n".join(lines)
    lines.append(f"Ruta de {number(doc['longitud_m'], 2)} m ({doc['puntos_conservados']} de "
                 f"{doc['puntos_leidos']} puntos)")
    for part in doc["tramos"]:
        who = " / ".join(part["nombres"]) or "Fuera de los municipios del marco"
        label = "zona en disputa " if part["tipo"] == "dispute" else ""
        lines.append(f"  {label}{who}: {number(part['longitud_m'], 2)} m")
    return "\n".join(lines)


def finding_summary(finding: Finding) -> dict[str, Any]:
    """What ``finding add`` prints: the id, place and derived responsibility."""
    return {
        "id": finding.id,
        "recorrido": finding.inspection_id,
        "categoria": finding.category.value,
        "lon": finding.geometry.x,
        "lat": finding.geometry.y,
        "municipio": finding.official_municipality.name
        if finding.official_municipality else None,
        "compartido": finding.shared,
        "partes": finding.parties,
        "km_rio": None if finding.river_km is None else round(finding.river_km, 3),
        "fotos": [a.id for a in finding.attachments],
    }


@click.group("inspection")
def inspection_group() -> None:
    """Recorridos de inspección."""


@inspection_group.command("add")
@click.option("--title", required=True, help="Título del recorrido.")
@click.option("--date", "date_text", required=True, help="Fecha, AAAA-MM-DD.")
@click.option("--route", "route_path", required=True,
              help=f"Ruta: {ROUTE_FILES.names}.")
@click.option("--participant", "participants", multiple=True,
              help="Nombre de quien participó (repetible).")
@click.option("--institution", "institutions", multiple=True,
              help="Institución participante, por nombre o nombre corto (repetible).")
@click.option("--zone", help="Nombre de la zona en disputa recorrida.")
@click.option("--case", "case_number", help="Número del expediente.")
@click.option("--summary", default="", help="Resumen del recorrido.")
@click.option("--min-step", type=float,
              help="Descarta puntos a menos de N metros del anterior (ruido del GPS).")
@layer_option
@crs_option
@json_option
@with_appcontext
def inspection_add(title, date_text, route_path, participants, institutions, zone,
                   case_number, summary, min_step, layer, crs, as_json) -> None:
    """Registra un recorrido con su ruta; imprime su id y sus longitudes por municipio."""
    with handled():
        started_on = parse_date(date_text)
        track = read_route(route_path, layer=layer, crs=crs, min_step_m=min_step)
        with open_session() as session, unit_of_work(session):
            inspection = add_inspection(
                session, title=title, started_on=started_on, track=track,
                participants=participants, institutions=institutions, zone=zone,
                case=case_number, summary=summary,
            )
            doc = inspection_summary(inspection)
    click.echo(dump(doc) if as_json else _inspection_text(doc))


@click.group("finding")
def finding_group() -> None:
    """Hallazgos de los recorridos."""


@finding_group.command("add")
@click.argument("inspection_id", type=int)
@click.option("--category", required=True, help="Categoría (valor o nombre).")
@click.option("--lon", help="Longitud en grados (WGS 84).")
@click.option("--lat", help="Latitud en grados (WGS 84).")
@click.option("--photo", "photo_path",
              help="Foto del hallazgo; su GPS lo ubica si no hay --lon/--lat.")
@click.option("--note", default="", help="Nota o descripción.")
@json_option
@with_appcontext
def finding_add(inspection_id, category, lon, lat, photo_path, note, as_json) -> None:
    """Registra un hallazgo en un punto (--lon/--lat) o donde lo ubica su foto (--photo)."""
    with handled():
        photo = _photo(photo_path) if photo_path else None
        with open_session() as session, unit_of_work(session):
            finding = add_field_finding(
                session, attachment_store(), inspection_id, category, lon=lon, lat=lat,
                photo=photo, note=note, max_bytes=max_attachment_bytes(),
            )
            doc = finding_summary(finding)
    if as_json:
        click.echo(dump(doc))
        return
    where = doc["municipio"] or "fuera del marco oficial"
    click.echo(f"Hallazgo {doc['id']} registrado en el recorrido {doc['recorrido']}: "
               f"{doc['lon']:.6f}, {doc['lat']:.6f} ({where}"
               + (", compartido" if doc["compartido"] else "") + ")")


@click.command("attach")
@click.argument("kind", type=click.Choice(list(OWNER_KINDS)))
@click.argument("record_id", type=int)
@click.argument("file", required=False)
@click.option("--url", help="Un enlace en lugar de un archivo.")
@click.option("--label", default="", help="Título del adjunto (por omisión, el nombre).")
@json_option
@with_appcontext
def attach_command(kind, record_id, file, url, label, as_json) -> None:
    """Adjunta un acta (PDF), una foto (JPEG, PNG, HEIC) o un enlace a un registro.

    KIND es reunion, recorrido o hallazgo. El tipo del archivo se revisa por su contenido;
    las fotos se guardan recodificadas, sin metadatos.
    """
    with handled():
        if (file is None) == (url is None):
            raise InvalidInputError("indique un archivo o un enlace (--url), uno de los dos")
        upload = _photo(file) if file else None
        with open_session() as session, unit_of_work(session):
            owner = get_owner(session, kind, record_id)
            if upload is not None:
                attachment = attach_file(session, attachment_store(), owner, upload.data,
                                         upload.filename, label=label,
                                         max_bytes=max_attachment_bytes())
            else:
                attachment = attach_link(session, owner, url, label)
            session.flush()
            doc = {"id": attachment.id, "tipo": attachment.kind.value,
                   "titulo": attachment.label, "sha256": attachment.sha256}
    if as_json:
        click.echo(dump(doc))
    else:
        click.echo(f"Adjunto {doc['id']} ({attachment.kind.label}) agregado a {kind} {record_id}")


def _photo(path_text: str) -> PhotoUpload:
    path = Path(path_text)
    if not path.is_file():
        raise InvalidInputError(f"no existe el archivo {path.name}")
    if path.stat().st_size > max_attachment_bytes():
        raise InvalidInputError(
            f"{path.name}: el archivo pesa más de {max_attachment_bytes() // 2**20} MB"
        )
    progress(f"Leyendo {path.name}…")
    return PhotoUpload(path.read_bytes(), path.name)


COMMANDS = (inspection_group, finding_group, attach_command)
