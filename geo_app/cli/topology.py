"""``limites topology``: overlaps, gaps, areas nobody attends and shared borders of layers.

The same use case as the Análisis page (:func:`cases.frames.topology.layers_topology`), on any
layers: files or the stored ``db:KIND`` layers.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from boundaries.topology import topology_to_dict
from cases.frames.stored_layers import resolve_layers
from cases.frames.topology import DEFAULT_MIN_AREA_M2, layers_topology
from geo_app.cli.support import (
    answer_options,
    collection,
    emit_answer,
    feature,
    field_options,
    handled,
    open_session_if_stored,
    progress,
)
from geo_app.formatting import number

__all__ = ["COMMANDS", "topology_command"]


def _topology_table(doc: dict, names: dict[str, str]) -> str:
    def who(codes) -> str:
        return " / ".join(f"{names.get(c, c)} ({c})" for c in codes) or "—"

    lines = [f"Medidas en {doc['measure_crs']}; área mínima {doc['min_area_m2']} m²", ""]
    lines.append(f"Traslapes (zonas reclamadas por dos o más partes): {len(doc['overlaps'])}")
    for n, row in enumerate(doc["overlaps"], start=1):
        lines.append(f"  {n}. {who(row['parties'])}: {number(row['area_ha'], 2)} ha")
    lines.append(
        "Vacíos de atención (el marco los asigna a un municipio cuyo reclamo los deja fuera "
        f"y nadie más los reclama): {len(doc['unattended'])}"
    )
    for n, row in enumerate(doc["unattended"], start=1):
        lines.append(
            f"  {n}. en {who([row['party']])}, junto a {who(row['neighbours'])}: "
            f"{number(row['area_ha'], 2)} ha"
        )
    lines.append(f"Vacíos sin municipio (huecos del marco que nadie reclama): {len(doc['gaps'])}")
    for n, row in enumerate(doc["gaps"], start=1):
        lines.append(f"  {n}. entre {who(row['neighbours'])}: {number(row['area_ha'], 2)} ha")
    lines.append(f"Límites compartidos: {len(doc['shared_borders'])}")
    for row in doc["shared_borders"]:
        lines.append(f"  {who(row['parties'])}: {number(row['length_m'] / 1000, 3)} km")
    slivers = doc["slivers"]
    lines.append(
        f"Polígonos residuales descartados por el área mínima: {slivers['overlaps']} "
        f"traslapes, {slivers['unattended']} vacíos de atención, {slivers['gaps']} vacíos "
        "sin municipio"
    )
    return "\n".join(lines)


def _topology_geojson(doc: dict, names: dict[str, str]) -> str:
    return collection([
        feature(row["geometry"], {
            "tipo": kind,
            "partes": parties(row),
            "nombres": [names.get(c, c) for c in parties(row)],
            **({"vecinos": row["neighbours"]} if kind == "vacio_atencion" else {}),
            "area_m2": row["area_m2"],
            "area_ha": row["area_ha"],
        })
        for kind, parties, rows in (
            ("traslape", lambda row: row["parties"], doc["overlaps"]),
            ("vacio_atencion", lambda row: [row["party"]], doc["unattended"]),
            ("vacio", lambda row: row["neighbours"], doc["gaps"]),
        )
        for row in rows
    ])


@click.command("topology")
@click.argument("layers", nargs=-1, required=True)
@click.option("--min-area", type=float, default=DEFAULT_MIN_AREA_M2, show_default=True,
              help="Área mínima en m²; lo menor es un polígono residual.")
@field_options
@answer_options
@with_appcontext
def topology_command(layers, min_area, fmt, out, code_field, name_field, layer, crs) -> None:
    """Traslapes, vacíos, vacíos de atención y límites compartidos entre capas de límites.

    La primera capa es el marco de referencia y las demás, reclamos. Cada capa es un archivo
    (GeoJSON, GeoPackage o Shapefile en .zip) o db:TIPO para los límites guardados
    (db:oficial, db:reclamo, db:acuerdo, db:resolucion).
    """
    with handled():
        with open_session_if_stored(layers) as session:
            frame, claims, names = resolve_layers(
                session, layers, code_field=code_field, name_field=name_field,
                layer=layer, crs=crs,
            )
        progress(f"Analizando {len(frame)} polígonos y {len(claims)} capas de reclamos…")
        result, _ = layers_topology(frame, claims, min_area)
        doc = topology_to_dict(result)
    emit_answer(fmt, out, table=lambda: _topology_table(doc, names), data=doc,
                geojson=lambda: _topology_geojson(doc, names))


COMMANDS = (topology_command,)
