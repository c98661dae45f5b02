"""``limites split-route``: a route's length in each municipality and dispute zone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from boundaries.crs import STORAGE_CRS
from boundaries.formats import TRACK_FILES
from boundaries.routes import route_split_to_dict
from cases.fieldwork.recording import read_route
from cases.frames.derived import route_split
from cases.frames.stored_layers import disputes_frame, read_file, resolve_layers
from geo_app.cli.support import (
    answer_options,
    collection,
    emit_answer,
    feature,
    field_options,
    handled,
    open_session,
    progress,
)
from geo_app.formatting import number

__all__ = ["COMMANDS", "split_route_command"]

_PART_TITLES = {"municipality": "municipio", "outside": "fuera", "dispute": "disputa"}


def _split_table(doc: dict[str, Any]) -> str:
    def line(part) -> str:
        who = " / ".join(
            f"{name} ({code})" if part["kind"] == "municipality" else name
            for code, name in zip(part["parties"], part["names"], strict=True)
        ) or "Fuera de los municipios del marco"
        return f"  {who}: {number(part['length_m'], 2)} m ({number(part['share'] * 100, 1)} %)"

    parts = doc["parts"]
    disputes = [p for p in parts if p["kind"] == "dispute"]
    lines = [f"Ruta de {number(doc['length_m'], 2)} m (medida en {doc['measure_crs']})", "",
             "Por municipio:"]
    lines += [line(p) for p in parts if p["kind"] != "dispute"]
    lines.append(f"Por zona en disputa: {len(disputes) or 'ninguna'}")
    lines += [line(p) for p in disputes]
    return "\n".join(lines)


@click.command("split-route")
@click.argument("route")
@click.option("--frame", "frame_spec", default="db:oficial", show_default=True,
              help="Marco de referencia: archivo o db:TIPO.")
@field_options
@click.option("--min-step", type=float,
              help="Descarta los puntos a menos de N metros del anterior (ruido del GPS).")
@answer_options
@with_appcontext
def split_route_command(
    route, frame_spec, code_field, name_field, min_step, layer, crs, fmt, out
) -> None:
    """Longitud de una ruta dentro de cada municipio y de cada zona en disputa guardada.

    ROUTE es un recorrido GPX, KML o KMZ, o un archivo de líneas (GeoJSON, GeoPackage…);
    varias líneas o tramos forman una sola ruta.
    """
    with handled():
        if Path(route).suffix.lower() in TRACK_FILES or min_step is not None:
            track = read_route(route, layer=layer, crs=crs, min_step_m=min_step)
            progress(f"{track.points_read} puntos leídos, {track.points_kept} conservados")
            lines = track.to_series()
        else:
            lines = read_file(route, layer=layer, crs=crs).to_crs(STORAGE_CRS)
        with open_session() as session:
            frame, _, names = resolve_layers(
                session, [frame_spec], code_field=code_field, name_field=name_field, crs=crs
            )
            disputes = disputes_frame(session)
        result = route_split(lines, frame, disputes)
        doc = route_split_to_dict(result)
    for part in doc["parts"]:
        part["names"] = [names.get(p, p) for p in part["parties"]]
    emit_answer(fmt, out, table=lambda: _split_table(doc), data=doc, geojson=lambda: collection([
        feature(part["geometry"], {
            "tipo": _PART_TITLES[part["kind"]],
            "partes": part["parties"],
            "nombres": part["names"],
            "longitud_m": part["length_m"],
            "porcentaje": round(part["share"] * 100, 4),
        })
        for part in doc["parts"]
    ]))


COMMANDS = (split_route_command,)
