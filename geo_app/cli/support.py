"""What every ``limites`` command shares: user errors, sessions, progress and output."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import click
from flask import current_app
from sqlalchemy import Engine

from cases.errors import LimitesError, boundary_errors
from cases.frames.stored_layers import DB_PREFIX
from cases.storage.db import require_current_schema
from geo_app.db import new_session

__all__ = [
    "handled",
    "FORMATS",
    "engine",
    "progress",
    "emit",
    "dump",
    "open_session",
    "open_session_if_stored",
    "party",
    "who",
    "feature",
    "collection",
    "format_option",
    "out_option",
    "crs_option",
    "layer_option",
    "answer_options",
    "field_options",
    "emit_answer",
]


def engine() -> Engine:
    """The current app's database engine."""
    return current_app.extensions["limites_engine"]


def progress(message: str) -> None:
    """Tell the user what is happening, on stderr so stdout stays machine-readable."""
    click.echo(message, err=True)


@contextmanager
def handled(prefix: str | None = None, suffix: str = "") -> Iterator[None]:
    """Turn the domain's errors inside the block into click's one-line Spanish error.

    Only :class:`~cases.errors.LimitesError` (and the geometry errors it translates) is a
    user mistake; anything else is a bug and surfaces as one (see :func:`geo_app.cli.main`).
    ``prefix`` names the file at fault; ``suffix`` is added after the message.
    """
    try:
        with boundary_errors(prefix):
            yield
    except LimitesError as exc:
        raise click.ClickException(f"{exc.message}{suffix}") from exc


def emit(text: str, out: str | None) -> None:
    """Write ``text`` to the file ``out``, or to stdout when it is not given."""
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        progress(f"Resultado escrito en {out}")
    else:
        click.echo(text)


FORMATS = ("table", "json", "geojson")


def emit_answer(
    fmt: str,
    out: str | None,
    *,
    table: Callable[[], str],
    data: Any,
    geojson: Callable[[], str] | None = None,
) -> None:
    """Write the answer in the chosen ``--format``: Spanish table, JSON or GeoJSON.

    ``data`` is what the JSON holds; ``table`` and ``geojson`` are only called for their format.
    """
    if fmt == "table":
        text = table()
    elif fmt == "json" or geojson is None:
        text = dump(data)
    else:
        text = geojson()
    emit(text, out)


def dump(payload: Any) -> str:
    """JSON as people read it: indented, accents kept."""
    return json.dumps(payload, ensure_ascii=False, indent=2)


def open_session():
    """A new session, after checking the schema is current (``limites init`` updates it)."""
    require_current_schema(engine())
    return new_session()


def open_session_if_stored(specs: Sequence[str]):
    """:func:`open_session` when a layer spec names stored layers (``db:…``), else nothing."""
    if any(spec.startswith(DB_PREFIX) for spec in specs):
        return open_session()
    return nullcontext()


def party(code: str | None, names: dict[str, str]) -> dict[str, str] | None:
    """A party as ``{"code", "name"}``, or ``None``."""
    return None if code is None else {"code": code, "name": names.get(code, code)}


def who(party: dict[str, str] | None) -> str:
    """A party as "Name (code)"."""
    return "ninguno" if party is None else f"{party['name']} ({party['code']})"


def feature(geometry, properties: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON feature."""
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def collection(features: list[dict[str, Any]]) -> str:
    """A GeoJSON FeatureCollection, as text."""
    return dump({"type": "FeatureCollection", "features": features})


def format_option(choices: Sequence[str] = FORMATS):
    """The ``--format`` option of a command."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default="table", show_default=True,
        help="table: texto en español; json: para otros programas"
        + ("; geojson: con geometrías." if "geojson" in choices else "."),
    )


out_option = click.option(
    "--out", type=click.Path(dir_okay=False, writable=True),
    help="Archivo de salida (por omisión, la salida estándar).",
)
crs_option = click.option("--crs", help="CRS a suponer si un archivo no lo declara.")
layer_option = click.option("--layer", help="Capa dentro de un GeoPackage.")


def answer_options(command):
    """``--layer``, ``--crs``, ``--format`` and ``--out``, as every layer command takes them.

    The command reads layer files and answers as a table, JSON or GeoJSON (:func:`emit_answer`).
    """
    for option in (out_option, format_option(), crs_option, layer_option):
        command = option(command)
    return command


_code_field = click.option("--code-field", help="Campo con la clave en los archivos de límites.")
_name_field = click.option("--name-field", help="Campo con el nombre en los archivos de límites.")


def field_options(command):
    """``--code-field`` and ``--name-field``: the columns of a boundary file's code and name."""
    return _code_field(_name_field(command))
