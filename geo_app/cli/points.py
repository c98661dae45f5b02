"""Commands about points: who is responsible for each, and where it lies along the Atoyac.

Points come from a file or as literal ``LON,LAT`` pairs; each command makes one call into
:mod:`cases.frames.derived` and formats the answer as a Spanish table, JSON or GeoJSON.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import shapely
from flask.cli import with_appcontext

from boundaries.assign import SHARED_DISTANCE_M
from boundaries.crs import STORAGE_CRS
from boundaries.formats import LAYER_FILES
from boundaries.values import plain_number
from cases.frames.derived import responsibility, river_positions
from cases.frames.stored_layers import claim_layers, read_file, resolve_layers
from geo_app.cli.support import (
    answer_options,
    collection,
    emit_answer,
    feature,
    field_options,
    handled,
    open_session,
    party,
    who,
)
from geo_app.formatting import number

__all__ = ["COMMANDS", "responsible_command", "river_command"]

_BANKS = {"left": "margen izquierda", "right": "margen derecha", "on": "sobre el cauce"}


# -- points: a file or literal LON,LAT pairs ----------------------------------------------

# Oaxaca's longitudes are negative: "-96.7,17.0" must reach POINTS, not be taken for an option.
_NEGATIVE_COORDINATES = {"ignore_unknown_options": True}
_PAIR = re.compile(r"^\s*([^,\s]+)\s*,\s*([^,\s]+)\s*$")


def _parse_pairs(text: str) -> gpd.GeoSeries:
    points = []
    for piece in (p for p in text.split(";") if p.strip()):
        match = _PAIR.match(piece)
        try:
            lon, lat = (float(v) for v in match.groups()) if match else (math.nan, math.nan)
        except ValueError:
            lon = lat = math.nan
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise click.ClickException(
                f"«{piece.strip()}» no es un par LON,LAT (p. ej. -96.7352,17.0858); "
                "separe varios puntos con «;»"
            )
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise click.ClickException(
                f"coordenadas fuera de rango: {lon}, {lat} (se espera longitud, latitud)"
            )
        points.append(shapely.Point(lon, lat))
    if not points:
        raise click.ClickException("no se indicó ningún punto; use LON,LAT;LON,LAT o un archivo")
    return gpd.GeoSeries(points, crs=STORAGE_CRS)


def _read_points(text: str, layer: str | None, crs: str | None) -> gpd.GeoSeries:
    """Points from a file, or from ``LON,LAT;LON,LAT``; in EPSG:4326, numbered from 0."""
    path = Path(text)
    looks_like_pairs = "," in text or ";" in text
    if not path.exists() and looks_like_pairs and path.suffix.lower() not in LAYER_FILES:
        return _parse_pairs(text)
    frame = read_file(path, layer=layer, crs=crs)
    return frame.geometry.to_crs(STORAGE_CRS).reset_index(drop=True)


def _lonlat(point) -> tuple[float | None, float | None]:
    if point is None or point.geom_type != "Point":
        return None, None
    return round(point.x, 7), round(point.y, 7)


# -- responsible ---------------------------------------------------------------------------

def _responsible_docs(
    points: gpd.GeoSeries, table, names: dict[str, str]
) -> list[dict[str, Any]]:
    docs = []
    for position, (point, row) in enumerate(zip(points, table.to_dict("records"), strict=True)):
        distance = plain_number(row["limit_distance_m"])
        lon, lat = _lonlat(point)
        docs.append({
            "number": position + 1,
            "lon": lon,
            "lat": lat,
            "official": party(row["official"], names),
            "claims": {
                column.removeprefix("claim:"): party(row[column], names)
                for column in table.columns
                if column.startswith("claim:")
            },
            "dispute": bool(row["dispute"]),
            "shared": bool(row["shared"]),
            "limit_distance_m": None if distance is None else round(distance, 2),
            "parties": [party(code, names) for code in row["parties"]],
            "zones": list(row["zones"]),
        })
    return docs


def _responsible_table(docs: list[dict[str, Any]], distance_m: float) -> str:
    yes_no = {True: "sí", False: "no"}
    lines = [f"Compartido: en disputa o a {distance_m:g} m o menos de un límite."]
    for doc in docs:
        shared = yes_no[doc["shared"]]
        if doc["limit_distance_m"] is not None:
            shared += f" (a {number(doc['limit_distance_m'], 2)} m de un límite)"
        lines += [
            "",
            f"Punto {doc['number']} ({doc['lon']}, {doc['lat']})",
            f"  Marco vigente: {who(doc['official'])}",
            *(f"  Reclamo «{name}»: {who(p)}" for name, p in doc["claims"].items()),
            f"  En disputa: {yes_no[doc['dispute']]}"
            + (f" (zona: {', '.join(doc['zones'])})" if doc["zones"] else ""),
            f"  Compartido: {shared}",
            f"  Concierne a: {' / '.join(who(p) for p in doc['parties']) or 'nadie'}",
        ]
    return "\n".join(lines)


def _responsible_geojson(docs: list[dict[str, Any]]) -> str:
    def code(party):
        return party["code"] if party else None

    return collection([
        feature({"type": "Point", "coordinates": [doc["lon"], doc["lat"]]}, {
            "numero": doc["number"],
            "oficial": code(doc["official"]),
            "oficial_nombre": doc["official"]["name"] if doc["official"] else None,
            "reclamos": {name: code(p) for name, p in doc["claims"].items()},
            "disputa": doc["dispute"],
            "compartido": doc["shared"],
            "distancia_limite_m": doc["limit_distance_m"],
            "partes": [p["code"] for p in doc["parties"]],
        })
        for doc in docs
    ])


@click.command("responsible", context_settings=_NEGATIVE_COORDINATES)
@click.argument("points")
@click.option("--distance", type=float, default=SHARED_DISTANCE_M, show_default=True,
              help="Metros al límite dentro de los cuales el punto es compartido.")
@click.option("--frame", "frame_spec", default="db:oficial", show_default=True,
              help="Marco de referencia: archivo o db:TIPO.")
@click.option("--claims", "claim_specs", multiple=True,
              help="Capa de reclamos: archivo o db:TIPO; se puede repetir "
                   "(por omisión, los reclamos guardados).")
@field_options
@answer_options
@with_appcontext
def responsible_command(
    points, distance, frame_spec, claim_specs, code_field, name_field, layer, crs, fmt, out
) -> None:
    """Quién es responsable de cada punto según el marco oficial y cada reclamo.

    POINTS es un archivo de puntos (GeoJSON, GeoPackage o Shapefile en .zip) o pares
    LON,LAT separados por «;», p. ej. "-96.7352,17.0858;-96.7256,17.0624".
    """
    with handled():
        located = _read_points(points, layer, crs)
        with open_session() as session:
            frame, claims, names = resolve_layers(
                session, [frame_spec, *claim_specs], code_field=code_field,
                name_field=name_field, crs=crs,
            )
            if not claim_specs:
                claims = claim_layers(session)
                for claim in claims.values():
                    names.update(zip(claim["code"], claim["name"], strict=True))
            table = responsibility(session, located, frame, claims, distance)
        docs = _responsible_docs(located, table, names)
    emit_answer(fmt, out, table=lambda: _responsible_table(docs, distance),
                data={"shared_distance_m": distance, "points": docs},
                geojson=lambda: _responsible_geojson(docs))


# -- river ---------------------------------------------------------------------------------

def _river_table(doc: dict[str, Any]) -> str:
    heading = doc["river"] or "Río más cercano a cada punto"
    lines = [f"{heading}, de aguas arriba a aguas abajo (medido en EPSG:6372)"]
    for row in doc["points"]:
        river = "" if doc["river"] else f" del {row['river']}"
        lines.append(
            f"  Punto {row['number']} ({row['lon']}, {row['lat']}): km {number(row['km'], 3)}"
            f"{river}, a {number(row['distance_m'], 2)} m del cauce, {_BANKS[row['bank']]}"
        )
    return "\n".join(lines)


@click.command("river", context_settings=_NEGATIVE_COORDINATES)
@click.argument("points")
@click.option("--reverse", is_flag=True,
              help="El río guardado está digitalizado de aguas abajo a aguas arriba.")
@answer_options
@with_appcontext
def river_command(points, reverse, layer, crs, fmt, out) -> None:
    """Kilómetro a lo largo del río guardado más cercano, distancia al cauce y margen.

    POINTS es un archivo de puntos o pares LON,LAT separados por «;». Los puntos se listan
    de aguas arriba a aguas abajo.
    """
    with handled():
        located = _read_points(points, layer, crs)
        with open_session() as session:
            table = river_positions(session, located, reverse=reverse)
        table = table.sort_values("km", kind="stable")
    rows = []
    for position, row in table.iterrows():
        lon, lat = _lonlat(located[position])
        rows.append({
            "number": int(position) + 1, "lon": lon, "lat": lat,
            "km": round(float(row["km"]), 4), "distance_m": round(float(row["distance_m"]), 2),
            "bank": row["bank"], "river": row["river"],
        })
    # The river each point was measured along: one name when they agree.
    names = {r["river"] for r in rows}
    doc = {"river": names.pop() if len(names) == 1 else None, "reverse": reverse,
           "points": rows}
    emit_answer(fmt, out, table=lambda: _river_table(doc), data=doc, geojson=lambda: collection([
        feature({"type": "Point", "coordinates": [r["lon"], r["lat"]]}, {
            "numero": r["number"], "km": r["km"], "distancia_m": r["distance_m"],
            "margen": r["bank"], "rio": r["river"],
        })
        for r in rows
    ]))


COMMANDS = (responsible_command, river_command)
