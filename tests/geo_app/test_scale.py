"""A small synthetic year (benchmarks/generate_year.py): lists paginate, the overview stays light.

The timed figures live in benchmarks/bench_scale.py; here only counts and sizes are checked.
"""

from __future__ import annotations

import re

import pytest
from limites_testing import demo_app, signed_in_client
from sqlalchemy import func, select

from benchmarks.generate_year import YearSize, generate_year
from cases.fieldwork.attachments import AttachmentStore
from cases.records.queries import PAGE_SIZE
from cases.storage.models import Attachment, Finding, Meeting

SMALL_YEAR = YearSize(
    inspections=4, points=2_000, findings_per_inspection=15, meetings=PAGE_SIZE + 3,
    agreements_per_meeting=1, photos=2,
)
# What the overview may add for a year's records it still carries (the limits around them,
# meetings' sites); its findings and routes alone used to add 60 KB.
OVERVIEW_YEAR_BUDGET = 16_000


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    directory = tmp_path_factory.mktemp("anio")
    store = AttachmentStore(directory / "instance" / "attachments")
    app = demo_app(
        directory, prepare=lambda session: generate_year(session, store, size=SMALL_YEAR)
    )
    yield app
    app.extensions["limites_engine"].dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("demo"))
    yield app
    app.extensions["limites_engine"].dispose()


def test_generator_gives_every_finding_its_photo(year):
    with year.extensions["limites_sessions"]() as session:
        findings = session.scalar(select(func.count()).select_from(Finding))
        with_photo = session.scalar(
            select(func.count(func.distinct(Attachment.finding_id)))
            .where(Attachment.finding_id.is_not(None))
        )
        synthetic = session.scalar(
            select(func.count()).select_from(Finding).where(Finding.description.like("%sintético%"))
        )
    assert synthetic == SMALL_YEAR.inspections * SMALL_YEAR.findings_per_inspection
    assert with_photo >= synthetic and findings >= synthetic


def test_meetings_list_is_paginated(year):
    client = signed_in_client(year, "lectora")
    with year.extensions["limites_sessions"]() as session:
        total = session.scalar(select(func.count()).select_from(Meeting))
    assert total > PAGE_SIZE
    first = client.get("/reuniones/").get_data(as_text=True)
    assert len(re.findall(r'<td><a href="/reuniones/\d+"', first)) == PAGE_SIZE
    assert "Página 1 de 2" in first
    assert re.search(r'<a [^>]*rel="next" href="/reuniones/\?pagina=2">Siguiente', first)
    second = client.get("/reuniones/?pagina=2").get_data(as_text=True)
    assert len(re.findall(r'<td><a href="/reuniones/\d+"', second)) == total - PAGE_SIZE
    assert "Página 2 de 2" in second and 'rel="prev"' in second
    assert 'rel="next"' not in second
    # Out of range or not a number: the nearest page, never an error.
    assert "Página 2 de 2" in client.get("/reuniones/?pagina=99").get_data(as_text=True)
    assert "Página 1 de 2" in client.get("/reuniones/?pagina=x").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/zonas/", "/expedientes/", "/recorridos/", "/reuniones/",
                                  "/editar/sitio/", "/editar/institucion/", "/editar/persona/"])
def test_short_lists_show_no_pagination(demo, path):
    html = signed_in_client(demo, "lectora").get(path).get_data(as_text=True)
    assert 'data-testid="pagination"' not in html


def test_overview_carries_no_finding_or_route(demo, year):
    """Findings and routes come by view from /mapa/teselas/: the page does not grow with them."""
    demo_html = signed_in_client(demo, "lectora").get("/mapa/").get_data(as_text=True)
    html = signed_in_client(year, "lectora").get("/mapa/").get_data(as_text=True)
    assert len(html.encode()) <= len(demo_html.encode()) + OVERVIEW_YEAR_BUDGET
    assert not re.search(r"hallazgo-\d+", html)
    assert "Recorrido sintético" not in html and "sintético" not in html
    assert "/mapa/teselas/{z}/{x}/{y}.json" in html
