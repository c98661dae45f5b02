"""A share link shows what it promises and no more: without «Incluir notas internas» no
summary reaches any download nor its OGC API; without «Incluir adjuntos» no photo nor link
to one; a map link limited to some layers lists only those collections, their extents from
their own rows, and no meeting of any kind."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from limites_testing import demo_app
from sqlalchemy import func, select

from cases.sharing.links import create_share
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Attachment,
    AttachmentKind,
    DisputeZone,
    Finding,
    Inspection,
    Meeting,
    utcnow,
)
from geo_app.exports import FORMATS

# Invented text, found nowhere else: summaries are internal notes.
MEETING_NOTE = "NOTA-INTERNA-7c1-reunion"
ROUTE_NOTE = "NOTA-INTERNA-7c1-recorrido"
MEETING_TITLE = "Reunión privada 7c1 sobre linderos"
# In the demo, case 2 holds zones 1–4, meetings, and an inspection with a route and
# findings 1–3.
CASE = 2


def _prepare(session) -> None:
    for meeting in session.scalars(select(Meeting)):
        meeting.summary = f"{MEETING_NOTE} {meeting.id}"
    session.scalars(select(Meeting).order_by(Meeting.id)).first().title = MEETING_TITLE
    for inspection in session.scalars(select(Inspection)):
        inspection.summary = f"{ROUTE_NOTE} {inspection.id}"
    session.add(Attachment(kind=AttachmentKind.PHOTO, finding_id=1, label="foto",
                           media_type="image/jpeg", sha256="0" * 64, created_at=utcnow()))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("share-columns"), prepare=_prepare)
    yield app
    app.extensions["limites_engine"].dispose()


def _link(app, **what) -> str:
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        return f"/c/{create_share(session, None, **what).token}"


@pytest.fixture(scope="module")
def plain(app):
    """A case link without notes nor attachments (the form's defaults)."""
    return _link(app, case=CASE)


@pytest.fixture(scope="module")
def full(app):
    """The same case, with notes and attachments."""
    return _link(app, case=CASE, include_notes=True, include_attachments=True)


def _text(payload: bytes, fmt: str) -> str:
    """Every text a download holds: archive members, the PDF's text, or the file itself."""
    if fmt == "pdf":
        tool = shutil.which("pdftotext")
        if tool is None:
            pytest.skip("SKIPPED LOUDLY — pdftotext not found (apt-get install poppler-utils)")
        return subprocess.run([tool, "-", "-"], input=payload, capture_output=True,
                              check=True).stdout.decode("utf-8")
    if payload[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace")
                             for name in archive.namelist())
    return payload.decode("utf-8", "replace")


# Which summary each format carries when the link includes notes.
NOTED_FORMATS = {"gpkg": MEETING_NOTE, "csv": MEETING_NOTE, "geojson": ROUTE_NOTE,
                 "shp": ROUTE_NOTE, "kml": ROUTE_NOTE, "kmz": ROUTE_NOTE}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_download_of_a_link_without_notes_holds_a_summary(app, plain, full, fmt):
    client = app.test_client()
    answer = client.get(f"{plain}/descargar/{fmt}")
    assert answer.status_code == 200
    text = _text(answer.data, fmt)
    assert MEETING_NOTE not in text and ROUTE_NOTE not in text
    assert "resumen" not in text  # not even an empty column
    if fmt in NOTED_FORMATS:  # the same link with notes has them: the check can see them
        noted = _text(client.get(f"{full}/descargar/{fmt}").data, fmt)
        assert NOTED_FORMATS[fmt] in noted


def test_the_gpkg_of_a_link_without_notes_has_no_summary_column(app, plain, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    path = tmp_path / "link.gpkg"
    path.write_bytes(app.test_client().get(f"{plain}/descargar/gpkg").data)
    for layer in ("reuniones", "recorridos"):
        columns = pyogrio.read_info(path, layer=layer)["fields"]
        assert "resumen" not in list(columns) and "titulo" in list(columns)


@pytest.mark.parametrize("path", [
    "/collections/recorridos/items?f=json",
    "/collections/recorridos/items?f=html",
    "/collections/recorridos/items/{route}?f=json",
    "/collections/recorridos/items/{route}?f=html",
])
def test_the_ogcapi_of_a_link_without_notes_has_no_summary(app, plain, full, path):
    with app.extensions["limites_sessions"]() as session:
        route = session.scalar(select(Inspection.id).where(
            Inspection.cases.any(id=CASE), Inspection.route.is_not(None)))
    client = app.test_client()
    url = path.format(route=route)
    hidden = client.get(f"{plain}/ogcapi{url}")
    assert hidden.status_code == 200
    assert ROUTE_NOTE not in hidden.get_data(as_text=True)
    if "f=json" in url:
        document = hidden.get_json()
        for feature in document.get("features", [document]):
            assert "resumen" not in feature["properties"]
    assert ROUTE_NOTE in client.get(f"{full}/ogcapi{url}").get_data(as_text=True)


def test_the_public_page_of_a_link_without_notes_has_no_summary(app, plain, full):
    client = app.test_client()
    assert MEETING_NOTE not in client.get(plain).get_data(as_text=True)
    assert MEETING_NOTE in client.get(full).get_data(as_text=True)


def test_the_html_export_of_a_link_without_attachments_links_none(app, plain, full):
    client = app.test_client()
    assert "/adjuntos/" not in client.get(f"{plain}/descargar/html").get_data(as_text=True)
    assert "/adjuntos/" in client.get(f"{full}/descargar/html").get_data(as_text=True)


# -- a map link limited to some layers -----------------------------------------------------


@pytest.fixture(scope="module")
def zones_only(app):
    return _link(app, layers=["zonas"], include_notes=True, include_attachments=True)


def test_a_map_link_lists_only_its_collections(app, zones_only):
    client = app.test_client()
    document = client.get(f"{zones_only}/ogcapi/collections?f=json").get_json()
    assert [c["id"] for c in document["collections"]] == ["zonas"]
    with app.extensions["limites_sessions"]() as session:
        box = session.execute(select(func.min(DisputeZone.min_x), func.min(DisputeZone.min_y),
                                     func.max(DisputeZone.max_x), func.max(DisputeZone.max_y))
                              ).one()
    assert document["collections"][0]["extent"]["spatial"]["bbox"] == [list(box)]
    for other in ("sedes", "hallazgos", "recorridos", "limites-oficial"):
        assert client.get(f"{zones_only}/ogcapi/collections/{other}?f=json").status_code == 404
        assert client.get(f"{zones_only}/ogcapi/collections/{other}/items?f=json"
                          ).status_code == 404
    api = client.get(f"{zones_only}/ogcapi/api").get_json()
    enum = api["paths"]["/collections/{collectionId}"]["get"]["parameters"][0]["schema"]
    assert enum["enum"] == ["zonas"]


def test_a_map_link_shows_no_meeting_nor_case(app, zones_only):
    client = app.test_client()
    html = client.get(f"{zones_only}/descargar/html").get_data(as_text=True)
    assert MEETING_TITLE not in html
    for fmt in ("gpkg", "geojson", "kml", "pdf"):
        answer = client.get(f"{zones_only}/descargar/{fmt}")
        assert answer.status_code == 200, fmt
        assert MEETING_TITLE not in _text(answer.data, fmt), fmt
    zones = client.get(f"{zones_only}/ogcapi/collections/zonas/items?f=json&limit=100"
                       ).get_json()["features"]
    assert zones and all(not z["properties"]["expedientes"] for z in zones)
    assert client.get(f"{zones_only}/descargar/csv").status_code == 404  # no table shared
    page = client.get(zones_only).get_data(as_text=True)
    assert MEETING_TITLE not in page and "/descargar/csv" not in page


def test_the_map_link_extent_comes_from_its_rows_only(app):
    """A findings-only link: the extent of the findings, not of every collection."""
    link = _link(app, layers=["hallazgos"])
    document = app.test_client().get(f"{link}/ogcapi/collections?f=json").get_json()
    assert [c["id"] for c in document["collections"]] == ["hallazgos"]
    with app.extensions["limites_sessions"]() as session:
        box = session.execute(select(func.min(Finding.min_x), func.min(Finding.min_y),
                                     func.max(Finding.max_x), func.max(Finding.max_y))).one()
    assert document["collections"][0]["extent"]["spatial"]["bbox"] == [list(box)]
