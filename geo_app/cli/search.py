"""``limites search``: the full-text index behind the search box."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from cases.fieldwork.document_text import reindex
from cases.storage.db import unit_of_work
from geo_app.cli.support import handled, open_session
from geo_app.files import attachment_store

__all__ = ["COMMANDS", "search_group"]


@click.group("search")
def search_group() -> None:
    """El índice de la búsqueda (zonas, expedientes, reuniones, acuerdos, actas en PDF…)."""


@search_group.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Vuelve a indexar todos los registros y el texto de las actas en PDF ya adjuntas."""
    with handled(), open_session() as session:
        with unit_of_work(session):
            records, pdfs = reindex(session, attachment_store())
    click.echo(f"Índice de búsqueda al día: {records} registros, {pdfs} documentos PDF leídos.")


COMMANDS = (search_group,)
