"""Boundary analysis commands: compare, split-route and simplify.

The commands about points (responsible, river) are in :mod:`geo_app.cli_points`. Each command
parses its options, makes one call into :mod:`cases` or :mod:`boundaries` and formats the
answer as a Spanish table, JSON or GeoJSON. Neither module imports :mod:`geo_app.cli`, which
imports them to register :data:`COMMANDS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import shapely
from flask.cli import with_appcontext

from boundaries.compare import comparison_to_dict
from boundaries.crs import STORAGE_CRS
from boundaries.io import read_layer, write_layer
from boundaries.routes import route_split_to_dict, split_route
from boundaries.simplify import simplify_coverage
from cases.analysis import (
    disputes_frame,
)
from cases.errors import InvalidInputError
from cases.importer import CODE_FIELDS, NAME_FIELDS, pick_field
from cases.models import BoundaryKind, BoundaryVersion
from cases.topology import (
    compare_stored_versions,
    topology_layers,
    version_choices,
    version_label,
)
from geo_app.cli_points import COMMANDS as POINT_COMMANDS
from geo_app.cli_support import (
    USER_ERRORS,
    WRITABLE_SUFFIXES,
    collection,
    crs_option,
    dump,
    emit,
    feature,
    format_option,
    layer_option,
    open_session,
    out_option,
    progress,
    user_error,
)

__all__ = [
    "COMMANDS",
    "compare_command",
    "split_route_command",
    "simplify_command",
]

# -- compare -------------------------------------------------------------------------------

def _version_doc(version: BoundaryVersion) -> dict[str, Any]:
    return {
        "id": version.id,
        "kind": version.kind.value,
        "valid_from": version.valid_from.isoformat() if version.valid_from else None,
        "claimant": version.claimant.cvegeo if version.claimant else None,
        "label": version_label(version),
    }


def _versions_text(code: str, name: str, versions: list[BoundaryVersion]) -> str:
    lines = [f"Versiones guardadas de {name} ({code}), de la más antigua a la más nueva:"]
    lines += [f"  {version_label(v)}" for v in versions]
    return "\n".join(lines)


def _pick_versions(
    code: str, versions: list[BoundaryVersion], old: int | None, new: int | None
) -> tuple[int, int]:
    """The explicit ids, or the oldest official version and the newest of any kind."""
    if not versions:
        raise click.ClickException(f"no hay versiones de límite guardadas para {code}")
    name = versions[0].municipality.name
    official = [v.id for v in versions if v.kind is BoundaryKind.OFFICIAL]
    old_id = old if old is not None else (official[0] if official else None)
    new_id = new if new is not None else versions[-1].id
    if old_id is None or old_id == new_id:
        why = (
            f"no hay una versión oficial de {name} que tomar como anterior"
            if old_id is None
            else f"la versión anterior y la nueva serían la misma (núm. {old_id})"
        )
        raise click.ClickException(
            f"{why}; elija dos con --old y --new.\n{_versions_text(code, name, versions)}"
        )
    return old_id, new_id


def _compare_table(doc: dict[str, Any]) -> str:
    def area(m2: float, sign: bool = False) -> str:
        fmt = "+,.2f" if sign else ",.2f"
        return f"{m2:{fmt}} m² ({m2 / 10_000:{fmt}} ha)"

    m = doc["municipality"]
    lines = [
        f"{m['name']} ({m['code']})",
        f"  Anterior: {doc['old']['label']}",
        f"  Nueva:    {doc['new']['label']}",
        f"Medidas en {doc['measure_crs']}; área mínima {doc['min_area_m2']} m²",
        "",
        f"Área anterior: {area(doc['old_area_m2'])}",
        f"Área nueva:    {area(doc['new_area_m2'])}",
    ]
    for key, title in (("gained", "Área ganada"), ("lost", "Área perdida")):
        rows = doc[key]
        lines.append(f"{title}: {area(doc[f'{key}_m2'])} en {len(rows)} polígonos")
        lines += [f"  {n}. {area(row['area_m2'])}" for n, row in enumerate(rows, start=1)]
    lines += [
        f"Cambio neto: {area(doc['net_m2'], sign=True)}",
        f"Distancia máxima entre los dos límites (Hausdorff): {doc['hausdorff_m']:,.2f} m",
        f"Astillas bajo el área mínima (sumadas, no listadas): {doc['slivers']}",
    ]
    return "\n".join(lines)


def _compare_geojson(doc: dict[str, Any]) -> str:
    features = [
        feature(row["geometry"], {
            "tipo": kind,
            "municipio": doc["municipality"]["code"],
            "version_anterior": doc["old"]["id"],
            "version_nueva": doc["new"]["id"],
            "area_m2": row["area_m2"],
            "area_ha": row["area_ha"],
        })
        for key, kind in (("gained", "ganada"), ("lost", "perdida"))
        for row in doc[key]
    ]
    return collection(features)


@click.command("compare")
@click.argument("code")
@click.option("--old", "old", type=int, help="Número de la versión anterior.")
@click.option("--new", "new", type=int, help="Número de la versión nueva.")
@click.option("--list", "list_only", is_flag=True, help="Solo lista las versiones guardadas.")
@click.option("--min-area", type=float, default=1.0, show_default=True,
              help="Área mínima en m²; lo menor se suma pero no se lista.")
@format_option()
@out_option
@with_appcontext
def compare_command(code, old, new, list_only, min_area, fmt, out) -> None:
    """Compara dos versiones guardadas del límite del municipio CODE (clave INEGI).

    Por omisión compara la versión oficial más antigua con la versión más nueva de cualquier
    tipo. Informa el área ganada y perdida (por polígono), el cambio neto y la distancia
    máxima entre las dos líneas de límite (Hausdorff).
    """
    if min_area < 0:
        raise click.ClickException(f"el área mínima debe ser ≥ 0 m², no {min_area}")
    try:
        with open_session() as session:
            versions = version_choices(session, code)
            if list_only:
                name = versions[0].municipality.name if versions else code
                if fmt == "table":
                    emit(_versions_text(code, name, versions), out)
                else:
                    emit(dump({"municipality": {"code": code, "name": name},
                                 "versions": [_version_doc(v) for v in versions]}), out)
                return
            old_id, new_id = _pick_versions(code, versions, old, new)
            before, after, result = compare_stored_versions(session, old_id, new_id, min_area)
            if before.municipality.cvegeo != code:
                raise InvalidInputError(
                    f"las versiones núm. {old_id} y {new_id} son de "
                    f"{before.municipality.name} ({before.municipality.cvegeo}), no de {code}"
                )
            doc = {
                "municipality": {"code": code, "name": before.municipality.name},
                "old": _version_doc(before),
                "new": _version_doc(after),
                **comparison_to_dict(result),
            }
    except USER_ERRORS as exc:
        raise user_error(exc) from exc
    if fmt == "table":
        emit(_compare_table(doc), out)
    elif fmt == "json":
        emit(dump(doc), out)
    else:
        emit(_compare_geojson(doc), out)


# -- split-route ---------------------------------------------------------------------------

_PART_TITLES = {"municipality": "municipio", "outside": "fuera", "dispute": "disputa"}


def _split_table(doc: dict[str, Any]) -> str:
    def line(part) -> str:
        who = " / ".join(
            f"{name} ({code})" if part["kind"] == "municipality" else name
            for code, name in zip(part["parties"], part["names"], strict=True)
        ) or "Fuera de los municipios del marco"
        return f"  {who}: {part['length_m']:,.2f} m ({part['share'] * 100:.1f} %)"

    parts = doc["parts"]
    disputes = [p for p in parts if p["kind"] == "dispute"]
    lines = [f"Ruta de {doc['length_m']:,.2f} m (medida en {doc['measure_crs']})", "",
             "Por municipio:"]
    lines += [line(p) for p in parts if p["kind"] != "dispute"]
    lines.append(f"Por zona en disputa: {len(disputes) or 'ninguna'}")
    lines += [line(p) for p in disputes]
    return "\n".join(lines)


@click.command("split-route")
@click.argument("route")
@click.option("--frame", "frame_spec", default="db:oficial", show_default=True,
              help="Marco de referencia: archivo o db:TIPO.")
@click.option("--code-field", help="Campo con la clave si el marco es un archivo.")
@click.option("--name-field", help="Campo con el nombre si el marco es un archivo.")
@layer_option
@crs_option
@format_option()
@out_option
@with_appcontext
def split_route_command(route, frame_spec, code_field, name_field, layer, crs, fmt, out) -> None:
    """Longitud de una ruta dentro de cada municipio y de cada zona en disputa guardada.

    ROUTE es un archivo de líneas (LineString o MultiLineString); varias líneas forman una
    sola ruta.
    """
    try:
        lines = read_layer(route, layer=layer, crs=crs).to_crs(STORAGE_CRS)
        with open_session() as session:
            frame, _, names = topology_layers(
                session, [frame_spec], code_field=code_field, name_field=name_field, crs=crs
            )
            disputes = disputes_frame(session)
        result = split_route(lines, frame, disputes if len(disputes) else None)
        doc = route_split_to_dict(result)
    except USER_ERRORS as exc:
        raise user_error(exc) from exc
    for part in doc["parts"]:
        part["names"] = [names.get(p, p) for p in part["parties"]]
    if fmt == "table":
        emit(_split_table(doc), out)
    elif fmt == "json":
        emit(dump(doc), out)
    else:
        emit(collection([
            feature(part["geometry"], {
                "tipo": _PART_TITLES[part["kind"]],
                "partes": part["parties"],
                "nombres": part["names"],
                "longitud_m": part["length_m"],
                "porcentaje": round(part["share"] * 100, 4),
            })
            for part in doc["parts"]
        ]), out)


# -- simplify ------------------------------------------------------------------------------

def _label_field(frame: gpd.GeoDataFrame, given: str | None, candidates, what: str):
    columns = set(frame.columns) - {frame.geometry.name}
    if given is None and not columns.intersection(candidates):
        return None
    return pick_field(frame, given, candidates, what)


@click.command("simplify")
@click.argument("layer_path", metavar="LAYER")
@click.option("--tolerance", type=float, required=True,
              help="Tolerancia en metros (Visvalingam–Whyatt).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Archivo de la capa simplificada (.geojson, .gpkg o .shp).")
@click.option("--code-field", help="Campo con la clave (por omisión CVEGEO o cvegeo).")
@click.option("--name-field", help="Campo con el nombre (por omisión NOMGEO o nom_agem).")
@layer_option
@crs_option
@format_option(["table", "json"])
def simplify_command(layer_path, tolerance, out, code_field, name_field, layer, crs, fmt) -> None:
    """Simplifica una cobertura de polígonos sin abrir huecos ni traslapes entre vecinos.

    Escribe la capa simplificada (en EPSG:4326) en --out e informa los vértices antes y
    después. El resumen va a la salida estándar.
    """
    if not tolerance >= 0:
        raise click.ClickException(
            f"la tolerancia debe ser un número de metros ≥ 0, no {tolerance:g}"
        )
    if Path(out).suffix.lower() not in WRITABLE_SUFFIXES:
        raise click.ClickException(
            f"{out}: formato de salida no reconocido; use .geojson, .gpkg o .shp"
        )
    try:
        frame = read_layer(layer_path, layer=layer, crs=crs)
        code = _label_field(frame, code_field, CODE_FIELDS, "clave")
        name = _label_field(frame, name_field, NAME_FIELDS, "nombre")
        progress(f"Simplificando {len(frame)} elementos a {tolerance:g} m…")
        simple = simplify_coverage(frame, tolerance)
    except USER_ERRORS as exc:
        message = f"{Path(layer_path).name}: {getattr(exc, 'message', exc)}"
        raise click.ClickException(message) from exc
    write_layer(simple, out)
    progress(f"Capa simplificada escrita en {out}")
    before = shapely.get_num_coordinates(frame.geometry.array)
    after = shapely.get_num_coordinates(simple.geometry.array)
    features = [
        {
            "code": None if code is None else str(frame[code].iloc[i]),
            "name": None if name is None else str(frame[name].iloc[i]),
            "vertices_before": int(before[i]),
            "vertices_after": int(after[i]),
        }
        for i in range(len(frame))
    ]
    doc = {
        "tolerance_m": tolerance,
        "out": str(out),
        "features": len(frame),
        "vertices_before": int(before.sum()),
        "vertices_after": int(after.sum()),
        "by_feature": features,
    }
    if fmt == "json":
        click.echo(dump(doc))
        return
    kept = doc["vertices_after"] / doc["vertices_before"] * 100 if doc["vertices_before"] else 0
    lines = [
        f"{doc['features']} polígonos simplificados a {tolerance:g} m: "
        f"{doc['vertices_before']:,} → {doc['vertices_after']:,} vértices ({kept:.1f} %)",
    ]
    for n, row in enumerate(features, start=1):
        who = " ".join(v for v in (row["code"], row["name"]) if v) or f"polígono {n}"
        lines.append(f"  {who}: {row['vertices_before']:,} → {row['vertices_after']:,}")
    click.echo("\n".join(lines))


COMMANDS = (
    compare_command,
    *POINT_COMMANDS,
    split_route_command,
    simplify_command,
)
