"""``limites report``: the Unidad's quarterly report as PDF, DOCX or HTML."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from cases.reporting.quarterly import build_report
from cases.reporting.quarters import parse_quarter
from geo_app.cli.support import handled, open_session, progress
from geo_app.reports.export import FORMATS, render_report
from geo_app.reports.settings import report_settings

__all__ = ["COMMANDS", "report_command"]


def _check_folder(path: Path) -> None:
    if not path.parent.is_dir():
        raise click.ClickException(f"No existe la carpeta «{path.parent}» para guardar el informe.")


def _write_atomically(path: Path, payload: bytes) -> None:
    """Write the whole file or nothing: a failed run never leaves half a report."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".informe-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command("report")
@click.argument("quarter", metavar="TRIMESTRE")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True,
              help="pdf para firmar, docx para editar antes de firmar, html para la pantalla.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Archivo de salida (por omisión, informe_AAAA-TN.<formato>).")
@click.option("--no-maps", is_flag=True, help="Sin los mapas de las actividades.")
@with_appcontext
def report_command(quarter: str, fmt: str, out: Path | None, no_maps: bool) -> None:
    """Genera el informe trimestral de la Unidad, p. ej. ``limites report 2025-T2``.

    TRIMESTRE se escribe AAAA-TN: 2025-T2 es abril–junio de 2025.
    """
    with handled():
        period = parse_quarter(quarter)
    target = out or Path(f"informe_{period}.{fmt}")
    _check_folder(target)
    with handled(), open_session() as session:
        progress(f"Reuniendo las actividades de {period.label}…")
        report = build_report(session, period, report_settings(), maps=not no_maps)
        progress(f"Generando el informe en {fmt.upper()}…")
        payload = render_report(report, fmt, maps=not no_maps)
    _write_atomically(target, payload)
    click.echo(
        f"Informe de {period.label} escrito en {target}: {len(report.sections)} indicadores, "
        f"{report.activity_count} actividades."
    )
    for note in report.missing:
        click.echo(f"Aviso: {note}")


COMMANDS = (report_command,)
