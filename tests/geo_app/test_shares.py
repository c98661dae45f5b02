"""Share links on the web: the public page, its downloads, its OGC API, the Compartidos page,
and real clients (ogrinfo, ogr2ogr) reading through a link only."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import threading

import pytest
from limites_testing import demo_app, signed_in_client, system_tool
from sqlalchemy import select
from werkzeug.serving import make_server

from cases.sharing.links import create_share, hash_token
from cases.storage.db import unit_of_work
from cases.storage.models import Case, DisputeZone, ShareAccess, ShareLink, utcnow
from geo_app.sharing.routes import flush_accesses


@pytest.fixture
def app(tmp_path):
    app = demo_app(tmp_path)
    yield app
    app.extensions["limites_engine"].dispose()


def _share(app, **what) -> str:
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        if "zone" in what and what["zone"] is None:
            what["zone"] = session.scalar(select(DisputeZone.id).order_by(DisputeZone.id))
        return create_share(session, None, **what).token


def _db(app):
    return app.extensions["limites_sessions"]()


def test_the_public_page_opens_without_an_account_and_logs_the_visit(app):
    token = _share(app, zone=None, note="Comisión de Límites")
    client = app.test_client()
    page = client.get(f"/c/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Comisión de Límites" in html and "Descargas" in html
    assert f"/c/{token}/descargar/gpkg" in html
    assert "/zonas" not in html and "Tablero" not in html  # no internal navigation
    assert flush_accesses(app) == 1  # the visit is written off the request path
    with _db(app) as session:
        assert [a.what for a in session.scalars(select(ShareAccess))] == ["página"]
        assert session.scalar(select(ShareLink.token_hash)) == hash_token(token)


def test_unknown_revoked_and_expired_links(app):
    client = app.test_client()
    assert client.get("/c/not-a-token").status_code == 404
    revoked, expired = _share(app, zone=None), _share(app, zone=None)
    with _db(app) as session, unit_of_work(session):
        links = session.scalars(select(ShareLink).order_by(ShareLink.id)).all()
        links[0].revoked_at = utcnow()
        links[1].expires_at = utcnow() - dt.timedelta(minutes=1)
    for token, word in ((revoked, "revocado"), (expired, "venció")):
        for path in (f"/c/{token}", f"/c/{token}/descargar/csv",
                     f"/c/{token}/ogcapi/collections"):
            answer = client.get(path)
            assert answer.status_code == 410, path
            assert word in answer.get_data(as_text=True)


def test_the_share_ogcapi_links_stay_inside_the_share(app):
    token = _share(app, zone=None)
    body = app.test_client().get(f"/c/{token}/ogcapi/collections?f=json").get_json()
    hrefs = [link["href"] for c in body["collections"] for link in c["links"]]
    assert hrefs and all(f"/c/{token}/ogcapi/" in href for href in hrefs)


def test_a_map_share_serves_only_its_layers(app):
    token = _share(app, layers=["zonas"])
    client = app.test_client()
    assert client.get(f"/c/{token}/ogcapi/collections/zonas/items?f=json").status_code == 200
    assert client.get(f"/c/{token}/ogcapi/collections/hallazgos/items?f=json"
                      ).status_code == 404
    assert client.get(f"/c/{token}/descargar/csv").status_code == 404  # no meetings shared


def test_editors_make_list_and_revoke_links(app):
    client = signed_in_client(app, "editora")
    with _db(app) as session:
        zone_id = session.scalar(select(DisputeZone.id).order_by(DisputeZone.id))
        case_id = session.scalar(select(Case.id).order_by(Case.id))
    assert "Compartir" in client.get(f"/zonas/{zone_id}").get_data(as_text=True)
    made = client.post("/compartidos/nuevo", data={
        "kind": "expediente", "record_id": str(case_id), "days": "7", "note": "Comisión"})
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    assert "/c/" in html and "no se volverá a mostrar" in html
    listing = client.get("/compartidos").get_data(as_text=True)
    assert "Comisión" in listing and "vigente" in listing
    # One heading each, a breadcrumb of real links, and a table that scrolls on a phone.
    for page in (html, listing):
        assert page.count("<h1") == 1 and 'href="None"' not in page
    assert '<div class="table-responsive">' in listing
    with _db(app) as session:
        link_id = session.scalar(select(ShareLink.id))
    assert client.post(f"/compartidos/{link_id}/revocar").status_code == 200
    with _db(app) as session:
        assert session.get(ShareLink, link_id).revoked_at is not None
    # a revocation without the form's CSRF token is refused
    assert client.post(f"/compartidos/{link_id}/revocar", csrf=False).status_code == 400


def test_readers_cannot_see_or_make_links(app):
    client = signed_in_client(app, "lectora")
    assert client.get("/compartidos").status_code == 403
    assert client.post("/compartidos/nuevo", data={"kind": "mapa", "layers": "zonas"}
                       ).status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/compartidos").status_code == 302


def test_the_cli_makes_lists_and_revokes(app):
    runner = app.test_cli_runner()
    with _db(app) as session:
        zone = session.scalar(select(DisputeZone.name).order_by(DisputeZone.id))
    made = runner.invoke(args=["share", "create", "--zone", zone, "--days", "5", "--json"])
    assert made.exit_code == 0, made.output
    answer = json.loads(made.stdout)
    assert answer["url"].startswith("http://127.0.0.1:5000/c/")
    assert app.test_client().get(answer["url"].removeprefix("http://127.0.0.1:5000")
                                 ).status_code == 200
    listed = runner.invoke(args=["share", "list"])
    assert str(answer["id"]) in listed.output and "vigente" in listed.output
    assert runner.invoke(args=["share", "revoke", str(answer["id"])]).exit_code == 0
    assert "revocado" in runner.invoke(args=["share", "list"]).output
    assert runner.invoke(args=["share", "create", "--map"]).exit_code == 0
    assert runner.invoke(args=["share", "create"]).exit_code != 0


@pytest.fixture(scope="module")
def live_share(tmp_path_factory):
    """The demo served on 127.0.0.1 and the URL of a zone's share link."""
    app = demo_app(tmp_path_factory.mktemp("share"))
    token = _share(app, zone=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="share", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/c/{token}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    app.extensions["limites_engine"].dispose()


def test_someone_with_only_the_link_downloads_a_gpkg_ogrinfo_opens(live_share, tmp_path):
    import urllib.request

    out = tmp_path / "zona.gpkg"
    with urllib.request.urlopen(f"{live_share}/descargar/gpkg") as answer:
        out.write_bytes(answer.read())
    listing = subprocess.run([system_tool("ogrinfo"), "-ro", "-so", str(out)],
                             capture_output=True, text=True, check=True).stdout
    assert "zonas" in listing and "hallazgos" in listing


def test_ogr2ogr_copies_the_share_collections(live_share, tmp_path):
    out = tmp_path / "copia.gpkg"
    subprocess.run([system_tool("ogr2ogr"), "-f", "GPKG", str(out), f"OAPIF:{live_share}/ogcapi/",
                    "zonas"], capture_output=True, text=True, check=True)
    summary = subprocess.run([system_tool("ogrinfo"), "-ro", "-so", str(out), "zonas"],
                             capture_output=True, text=True, check=True).stdout
    assert "Feature Count: 1" in summary


@pytest.mark.parametrize(("attachments", "label"), [
    (False, "KMZ (Google Earth)<"), (True, "KMZ (Google Earth, con fotos)<")])
def test_the_kmz_says_photos_only_when_the_link_carries_them(app, attachments, label):
    token = _share(app, zone=None, include_attachments=attachments)
    html = app.test_client().get(f"/c/{token}").get_data(as_text=True)
    assert label in html
    assert ("con fotos" in html) is attachments
