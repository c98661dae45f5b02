"""Boundary analysis commands: compare, responsible, split-route, river and simplify.

Each command parses its options, makes one call into :mod:`cases.analysis` or
:mod:`boundaries` and formats the answer as a Spanish table, JSON or GeoJSON. The module does
not import :mod:`geo_app.cli` (which imports it to register :data:`COMMANDS`), so either module
can be imported first.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import shapely
from flask.cli import with_appcontext

from boundaries.assign import DEFAULT_SHARED_DISTANCE_M
from boundaries.compare import comparison_to_dict
from boundaries.crs import STORAGE_CRS
from boundaries.io import read_layer, write_layer
from boundaries.linref import locate_along_river
from boundaries.routes import route_split_to_dict, split_route
from boundaries.simplify import simplify_coverage
from cases.analysis import (
    RIVER_NAME,
    claim_layers,
    disputes_frame,
    responsibility,
    stored_river,
)
from cases.db import upgrade
from cases.errors import InvalidInputError
from cases.importer import CODE_FIELDS, NAME_FIELDS, pick_field
from cases.models import BoundaryKind, BoundaryVersion
from cases.topology import (
    compare_stored_versions,
    topology_layers,
    version_choices,
    version_label,
)
from geo_app.cli_support import USER_ERRORS, emit, progress, user_error
from geo_app.db import new_session

__all__ = [
    "COMMANDS",
    "compare_command",
    "responsible_command",
    "split_route_command",
    "river_command",
    "simplify_command",
]

_FORMATS = ("table", "json", "geojson")
_WRITABLE_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp"}
_LAYER_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".shp", ".fgb"}
_BANKS = {"left": "margen izquierda", "right": "margen derecha", "on": "sobre el cauce"}


def _dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _open_session():
    """A session on a schema brought up to date, as ``limites topology`` does."""
    session = new_session()
    upgrade(session.get_bind())
    return session


def _party(code: str | None, names: dict[str, str]) -> dict[str, str] | None:
    return None if code is None else {"code": code, "name": names.get(code, code)}


def _who(party: dict[str, str] | None) -> str:
    return "ninguno" if party is None else f"{party['name']} ({party['code']})"


def _feature(geometry, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _collection(features: list[dict[str, Any]]) -> str:
    return _dump({"type": "FeatureCollection", "features": features})


def _format_option(choices: Sequence[str] = _FORMATS):
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default="table", show_default=True,
        help="table: texto en español; json: para otros programas"
        + ("; geojson: con geometrías." if "geojson" in choices else "."),
    )


_out_option = click.option(
    "--out", type=click.Path(dir_okay=False, writable=True),
    help="Archivo de salida (por omisión, la salida estándar).",
)
_crs_option = click.option("--crs", help="CRS a suponer si un archivo no lo declara.")
_layer_option = click.option("--layer", help="Capa dentro de un GeoPackage.")


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
    if not path.exists() and looks_like_pairs and path.suffix.lower() not in _LAYER_SUFFIXES:
        return _parse_pairs(text)
    frame = read_layer(path, layer=layer, crs=crs)
    return frame.geometry.to_crs(STORAGE_CRS).reset_index(drop=True)


def _lonlat(point) -> tuple[float | None, float | None]:
    if point is None or point.geom_type != "Point":
        return None, None
    return round(point.x, 7), round(point.y, 7)


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
        _feature(row["geometry"], {
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
    return _collection(features)


@click.command("compare")
@click.argument("code")
@click.option("--old", "old", type=int, help="Número de la versión anterior.")
@click.option("--new", "new", type=int, help="Número de la versión nueva.")
@click.option("--list", "list_only", is_flag=True, help="Solo lista las versiones guardadas.")
@click.option("--min-area", type=float, default=1.0, show_default=True,
              help="Área mínima en m²; lo menor se suma pero no se lista.")
@_format_option()
@_out_option
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
        with _open_session() as session:
            versions = version_choices(session, code)
            if list_only:
                name = versions[0].municipality.name if versions else code
                if fmt == "table":
                    emit(_versions_text(code, name, versions), out)
                else:
                    emit(_dump({"municipality": {"code": code, "name": name},
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
        emit(_dump(doc), out)
    else:
        emit(_compare_geojson(doc), out)


# -- responsible ---------------------------------------------------------------------------

def _responsible_docs(
    points: gpd.GeoSeries, table, names: dict[str, str]
) -> list[dict[str, Any]]:
    docs = []
    for position, (point, row) in enumerate(zip(points, table.to_dict("records"), strict=True)):
        distance = row["limit_distance_m"]
        lon, lat = _lonlat(point)
        docs.append({
            "number": position + 1,
            "lon": lon,
            "lat": lat,
            "official": _party(row["official"], names),
            "claims": {
                column.removeprefix("claim:"): _party(row[column], names)
                for column in table.columns
                if column.startswith("claim:")
            },
            "dispute": bool(row["dispute"]),
            "shared": bool(row["shared"]),
            "limit_distance_m": None if math.isnan(distance) else round(float(distance), 2),
            "parties": [_party(code, names) for code in row["parties"]],
            "zones": list(row["zones"]),
        })
    return docs


def _responsible_table(docs: list[dict[str, Any]], distance_m: float) -> str:
    yes_no = {True: "sí", False: "no"}
    lines = [f"Compartido: en disputa o a {distance_m:g} m o menos de un límite."]
    for doc in docs:
        shared = yes_no[doc["shared"]]
        if doc["limit_distance_m"] is not None:
            shared += f" (a {doc['limit_distance_m']:,.2f} m de un límite)"
        lines += [
            "",
            f"Punto {doc['number']} ({doc['lon']}, {doc['lat']})",
            f"  Marco oficial: {_who(doc['official'])}",
            *(f"  Reclamo «{name}»: {_who(p)}" for name, p in doc["claims"].items()),
            f"  En disputa: {yes_no[doc['dispute']]}"
            + (f" (zona: {', '.join(doc['zones'])})" if doc["zones"] else ""),
            f"  Compartido: {shared}",
            f"  Concierne a: {' / '.join(_who(p) for p in doc['parties']) or 'nadie'}",
        ]
    return "\n".join(lines)


def _responsible_geojson(docs: list[dict[str, Any]]) -> str:
    def code(party):
        return party["code"] if party else None

    return _collection([
        _feature({"type": "Point", "coordinates": [doc["lon"], doc["lat"]]}, {
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
@click.option("--distance", type=float, default=DEFAULT_SHARED_DISTANCE_M, show_default=True,
              help="Metros al límite dentro de los cuales el punto es compartido.")
@click.option("--frame", "frame_spec", default="db:oficial", show_default=True,
              help="Marco de referencia: archivo o db:TIPO.")
@click.option("--claims", "claim_specs", multiple=True,
              help="Capa de reclamos: archivo o db:TIPO; se puede repetir "
                   "(por omisión, los reclamos guardados).")
@click.option("--code-field", help="Campo con la clave en los archivos de límites.")
@click.option("--name-field", help="Campo con el nombre en los archivos de límites.")
@_layer_option
@_crs_option
@_format_option()
@_out_option
@with_appcontext
def responsible_command(
    points, distance, frame_spec, claim_specs, code_field, name_field, layer, crs, fmt, out
) -> None:
    """Quién es responsable de cada punto según el marco oficial y cada reclamo.

    POINTS es un archivo de puntos (GeoJSON, GeoPackage o Shapefile en .zip) o pares
    LON,LAT separados por «;», p. ej. "-96.7352,17.0858;-96.7256,17.0624".
    """
    try:
        located = _read_points(points, layer, crs)
        with _open_session() as session:
            frame, claims, names = topology_layers(
                session, [frame_spec, *claim_specs], code_field=code_field,
                name_field=name_field, crs=crs,
            )
            if not claim_specs:
                claims = claim_layers(session)
                for claim in claims.values():
                    names.update(zip(claim["code"], claim["name"], strict=True))
            table = responsibility(session, located, frame, claims, distance)
        docs = _responsible_docs(located, table, names)
    except USER_ERRORS as exc:
        raise user_error(exc) from exc
    if fmt == "table":
        emit(_responsible_table(docs, distance), out)
    elif fmt == "json":
        emit(_dump({"shared_distance_m": distance, "points": docs}), out)
    else:
        emit(_responsible_geojson(docs), out)


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
@_layer_option
@_crs_option
@_format_option()
@_out_option
@with_appcontext
def split_route_command(route, frame_spec, code_field, name_field, layer, crs, fmt, out) -> None:
    """Longitud de una ruta dentro de cada municipio y de cada zona en disputa guardada.

    ROUTE es un archivo de líneas (LineString o MultiLineString); varias líneas forman una
    sola ruta.
    """
    try:
        lines = read_layer(route, layer=layer, crs=crs).to_crs(STORAGE_CRS)
        with _open_session() as session:
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
        emit(_dump(doc), out)
    else:
        emit(_collection([
            _feature(part["geometry"], {
                "tipo": _PART_TITLES[part["kind"]],
                "partes": part["parties"],
                "nombres": part["names"],
                "longitud_m": part["length_m"],
                "porcentaje": round(part["share"] * 100, 4),
            })
            for part in doc["parts"]
        ]), out)


# -- river ---------------------------------------------------------------------------------

def _river_table(doc: dict[str, Any]) -> str:
    lines = [f"{doc['river']}, de aguas arriba a aguas abajo (medido en EPSG:6372)"]
    for row in doc["points"]:
        lines.append(
            f"  Punto {row['number']} ({row['lon']}, {row['lat']}): km {row['km']:,.3f}, "
            f"a {row['distance_m']:,.2f} m del cauce, {_BANKS[row['bank']]}"
        )
    return "\n".join(lines)


@click.command("river", context_settings=_NEGATIVE_COORDINATES)
@click.argument("points")
@click.option("--reverse", is_flag=True,
              help="El río guardado está digitalizado de aguas abajo a aguas arriba.")
@_layer_option
@_crs_option
@_format_option()
@_out_option
@with_appcontext
def river_command(points, reverse, layer, crs, fmt, out) -> None:
    """Kilómetro a lo largo del Río Atoyac, distancia al cauce y margen de cada punto.

    POINTS es un archivo de puntos o pares LON,LAT separados por «;». Los puntos se listan
    de aguas arriba a aguas abajo.
    """
    try:
        located = _read_points(points, layer, crs)
        with _open_session() as session:
            river = stored_river(session)
            if river is None:
                raise InvalidInputError(
                    f"no hay un río guardado con el nombre «{RIVER_NAME}»; "
                    "cárguelo (p. ej. con «limites demo») antes de usar este comando"
                )
            line = gpd.GeoSeries([river.geometry], crs=STORAGE_CRS)
        table = locate_along_river(located, line, reverse=reverse).sort_values("km", kind="stable")
    except USER_ERRORS as exc:
        raise user_error(exc) from exc
    rows = []
    for position, row in table.iterrows():
        lon, lat = _lonlat(located[position])
        rows.append({
            "number": int(position) + 1, "lon": lon, "lat": lat,
            "km": round(float(row["km"]), 4), "distance_m": round(float(row["distance_m"]), 2),
            "bank": row["bank"],
        })
    doc = {"river": RIVER_NAME, "reverse": reverse, "points": rows}
    if fmt == "table":
        emit(_river_table(doc), out)
    elif fmt == "json":
        emit(_dump(doc), out)
    else:
        emit(_collection([
            _feature({"type": "Point", "coordinates": [r["lon"], r["lat"]]}, {
                "numero": r["number"], "km": r["km"], "distancia_m": r["distance_m"],
                "margen": r["bank"],
            })
            for r in rows
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
@_layer_option
@_crs_option
@_format_option(["table", "json"])
def simplify_command(layer_path, tolerance, out, code_field, name_field, layer, crs, fmt) -> None:
    """Simplifica una cobertura de polígonos sin abrir huecos ni traslapes entre vecinos.

    Escribe la capa simplificada (en EPSG:4326) en --out e informa los vértices antes y
    después. El resumen va a la salida estándar.
    """
    if not tolerance >= 0:
        raise click.ClickException(
            f"la tolerancia debe ser un número de metros ≥ 0, no {tolerance:g}"
        )
    if Path(out).suffix.lower() not in _WRITABLE_SUFFIXES:
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
        click.echo(_dump(doc))
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
    responsible_command,
    split_route_command,
    river_command,
    simplify_command,
)
