"""Opening a share link is a read: it changes no data version, keeps every cached map, and
its access is still written to the link's log, off the request path."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from cases.sharing.links import AccessLog, AccessWriter, create_share, write_accesses
from cases.storage.db import unit_of_work
from cases.storage.models import LAYERS, DataVersion, ShareAccess, data_version
from geo_app.sharing.routes import flush_accesses


def _version(app) -> int:
    with app.extensions["limites_sessions"]() as session:
        return data_version(session)


def _accesses(app) -> list[str]:
    with app.extensions["limites_sessions"]() as session:
        return list(session.scalars(select(ShareAccess.what).order_by(ShareAccess.id)))


def _link(app, **what) -> str:
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        return f"/c/{create_share(session, None, **what).token}"


def test_share_reads_keep_the_data_version_and_the_cached_map(app, client):
    zone_link, map_link = _link(app, zone=1), _link(app, layers=["zonas", "limites"])
    cache = app.extensions["limites_map_cache"]
    assert client.get("/mapa/").status_code == 200
    builds, version = cache.builds, _version(app)
    visitor = app.test_client()
    for _ in range(3):  # a visitor polling
        for path in (zone_link, f"{zone_link}/descargar/geojson",
                     f"{map_link}/ogcapi/collections/zonas/items?f=json"):
            assert visitor.get(path).status_code == 200, path
    assert _version(app) == version and _accesses(app) == []  # nothing written yet
    assert flush_accesses(app) == 9
    assert _version(app) == version  # the log is no data
    assert _accesses(app) == ["página", "descarga geojson",
                              "OGC API /collections/zonas/items"] * 3
    assert client.get("/mapa/").status_code == 200
    assert cache.builds == builds  # the map was not built again


def test_the_compartidos_page_shows_the_accesses_kept_in_memory(app, client):
    link = _link(app, zone=1, note="Comisión 7c1")
    app.test_client().get(link).close()
    page = client.get("/compartidos").get_data(as_text=True)
    assert "página" in page and _accesses(app) == ["página"]


def test_a_failed_write_keeps_the_accesses_for_the_next_one(app):
    real, calls = app.extensions["limites_sessions"], []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real()

    _link(app, zone=1)
    link_id = 1
    writer = AccessWriter(flaky, interval=3600)
    writer.add(link_id, "10.0.0.7", "página")
    assert writer.flush() == 0 and len(writer.log) == 1
    writer.add(link_id, "10.0.0.7", "descarga csv")
    assert writer.flush() == 2
    assert _accesses(app) == ["página", "descarga csv"]
    writer.discard()


def test_the_writer_forgets_what_waits_when_the_database_goes_away(app):
    writer = app.extensions["limites_share_accesses"]
    writer.add(1, "10.0.0.7", "página")
    app.extensions["limites_engine"].dispose()  # closed, or replaced by a restore
    assert writer.flush() == 0 and len(writer.log) == 0


def test_an_access_row_is_no_data_change(demo):
    """On both engines: the log's rows, added or bulk-inserted, keep the version."""
    session = demo
    start = data_version(session)
    with unit_of_work(session):
        link = create_share(session, None, zone=1).link
    version = data_version(session)
    assert version > start  # making a link is a change
    with unit_of_work(session):
        session.add(ShareAccess(link_id=link.id, ip="10.0.0.1", what="página"))
    log = AccessLog()
    log.add(link.id, "10.0.0.2", "descarga csv")
    log.add(link.id + 1000, "10.0.0.2", "página")  # a link deleted meanwhile: left out
    with unit_of_work(session):
        assert write_accesses(session, log.drain()) == 1
    assert data_version(session) == version
    assert session.scalar(select(func.count(ShareAccess.id))) == 2
    assert session.scalar(select(func.count(DataVersion.id))) == len(LAYERS)



def test_two_server_processes_each_write_their_own_accesses(app, tmp_path):
    """Another app on the same database stands for another process of the server."""
    from limites_testing import demo_app

    other = demo_app(database_url=app.config["DATABASE_URL"], demo=False,
                     instance_path=tmp_path / "otra")
    try:
        link = _link(app, zone=1)
        version = _version(app)
        for server in (app, other, app):
            assert server.test_client().get(link).status_code == 200
        assert flush_accesses(other) == 1 and flush_accesses(app) == 2
        assert _accesses(app) == ["página"] * 3 and _version(app) == version
    finally:
        other.extensions["limites_engine"].dispose()
