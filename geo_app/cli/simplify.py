"""``limites simplify``: simplify a coverage of polygons without opening gaps or overlaps."""

from __future__ import annotations

from pathlib import Path

import click
import geopandas as gpd
import shapely

from boundaries.formats import WRITABLE_LAYER_FILES
from boundaries.io import write_layer
from boundaries.simplify import simplify_coverage
from cases.frames.stored_layers import CODE_FIELDS, NAME_FIELDS, pick_field, read_file
from geo_app.cli.support import (
    crs_option,
    dump,
    format_option,
    handled,
    layer_option,
    progress,
)
from geo_app.formatting import number

__all__ = ["COMMANDS", "simplify_command"]


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
              help=f"Archivo de la capa simplificada ({WRITABLE_LAYER_FILES.names}).")
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
    if Path(out).suffix.lower() not in WRITABLE_LAYER_FILES:
        raise click.ClickException(
            f"{out}: formato de salida no reconocido; use {WRITABLE_LAYER_FILES.names}")
    with handled(prefix=Path(layer_path).name):
        frame = read_file(layer_path, layer=layer, crs=crs)
        code = _label_field(frame, code_field, CODE_FIELDS, "clave")
        name = _label_field(frame, name_field, NAME_FIELDS, "nombre")
        progress(f"Simplificando {len(frame)} elementos a {tolerance:g} m…")
        simple = simplify_coverage(frame, tolerance)
    with handled():
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
        f"{number(doc['vertices_before'])} → {number(doc['vertices_after'])} vértices "
        f"({number(kept, 1)} %)",
    ]
    for n, row in enumerate(features, start=1):
        who = " ".join(v for v in (row["code"], row["name"]) if v) or f"polígono {n}"
        lines.append(f"  {who}: {number(row['vertices_before'])} → {number(row['vertices_after'])}")
    click.echo("\n".join(lines))


COMMANDS = (simplify_command,)
