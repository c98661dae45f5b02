"""``limites compare``: two stored versions of a municipality's limit, side by side."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import with_appcontext

from boundaries.compare import comparison_to_dict
from cases.errors import InvalidInputError
from cases.frames.topology import DEFAULT_MIN_AREA_M2
from cases.frames.versions import compare_stored_versions, version_choices
from cases.storage.models import BoundaryKind, BoundaryVersion
from geo_app.analysis.pages import version_label
from geo_app.cli.support import (
    collection,
    emit_answer,
    feature,
    format_option,
    handled,
    open_session,
    out_option,
)
from geo_app.formatting import number

__all__ = ["COMMANDS", "compare_command"]


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
        return f"{number(m2, 2, signed=sign)} m² ({number(m2 / 10_000, 2, signed=sign)} ha)"

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
        f"Distancia máxima entre los dos límites (Hausdorff): {number(doc['hausdorff_m'], 2)} m",
        f"Polígonos residuales bajo el área mínima (sumados, no listados): {doc['slivers']}",
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
@click.option("--min-area", type=float, default=DEFAULT_MIN_AREA_M2, show_default=True,
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
    with handled(), open_session() as session:
        versions = version_choices(session, code)
        if list_only:
            name = versions[0].municipality.name if versions else code
            emit_answer(fmt, out, table=lambda: _versions_text(code, name, versions),
                        data={"municipality": {"code": code, "name": name},
                              "versions": [_version_doc(v) for v in versions]})
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
    emit_answer(fmt, out, table=lambda: _compare_table(doc), data=doc,
                geojson=lambda: _compare_geojson(doc))


COMMANDS = (compare_command,)
