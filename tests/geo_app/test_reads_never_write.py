"""Reads never write on the request path: pages, the OGC API and the calendar feed, read with
a session, a share link or an API key, send no INSERT, UPDATE or DELETE; what they leave
behind (a link's access, a key's or feed's last use) is written later by the app's writer."""

from __future__ import annotations

import pytest
from limites_testing import demo_app
from sqlalchemy import event, select

from cases.access.accounts import get_user
from cases.access.api_keys import create_token
from cases.access.calendar_feeds import create_feed
from cases.sharing.links import create_share
from cases.storage.db import unit_of_work
from cases.storage.models import ApiToken, CalendarFeed, ShareAccess, data_version
from geo_app import read_log

OGCAPI = ["/ogcapi/collections/zonas/items?f=json", "/ogcapi/collections/zonas/items/1?f=json",
          "/ogcapi/collections/hallazgos/items?f=html&limit=5",
          "/ogcapi/collections/zonas/items/1?f=html"]
PAGES = ["/", "/mapa/", "/mapa/teselas/12/947/1851.json", "/zonas/1", "/buscar/?q=zona",
         "/cuenta/", "/calendario/"]
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def any_backend_app(database_url, tmp_path):
    """The demo app on SQLite and on PostgreSQL + PostGIS, its writer never due by itself."""
    app = demo_app(database_url=database_url, instance_path=tmp_path / "instance",
                   SHARE_ACCESS_FLUSH_SECONDS=3600)
    yield app
    app.extensions["limites_engine"].dispose()


def _writes(app) -> list[str]:
    """The data-changing statements the app's engine sends from now on (appended live)."""
    seen: list[str] = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement)

    event.listen(app.extensions["limites_engine"], "before_cursor_execute", spy)
    return seen


def test_reads_through_a_session_a_link_a_key_and_a_feed_write_nothing(any_backend_app):
    app = any_backend_app
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        reader = get_user(session, "lectora")
        key = create_token(session, reader, reader, "QGIS").token
        feed = create_feed(session, reader, reader).token
        link = create_share(session, None, zone=1, include_notes=True).token
    with app.extensions["limites_sessions"]() as session:
        version = data_version(session)
    signed_in, visitor = app.test_client().login("lectora"), app.test_client()
    bearer = {"Authorization": f"Bearer {key}"}
    reads = [(signed_in, path, {}) for path in PAGES + OGCAPI]
    reads += [(visitor, f"/c/{link}", {}), (visitor, f"/c/{link}/descargar/geojson", {})]
    reads += [(visitor, f"/c/{link}{path}", {}) for path in OGCAPI]
    reads += [(visitor, path, bearer) for path in OGCAPI if "f=json" in path]
    reads += [(visitor, f"/calendario/{feed}.ics", {})]
    writes = _writes(app)
    for _ in range(2):  # cold (maps, features and pages built) and warm
        for client, path, headers in reads:
            assert client.get(path, headers=headers).status_code == 200, path
    assert writes == []
    with app.extensions["limites_sessions"]() as session:
        assert session.scalars(select(ApiToken.last_used_at)).all() == [None]
        assert session.scalars(select(CalendarFeed.last_used_at)).all() == [None]
        assert session.scalars(select(ShareAccess.id)).all() == []

    assert read_log.flush(app) == 2 * (2 + len(OGCAPI))  # the writer's turn: one transaction
    assert len(writes) == 3  # the link's accesses, the key's and the feed's last use
    with app.extensions["limites_sessions"]() as session:
        assert session.scalars(select(ApiToken.last_used_at)).one() is not None
        assert session.scalars(select(CalendarFeed.last_used_at)).one() is not None
        assert data_version(session) == version  # bookkeeping, no change of the data
    account = signed_in.get("/cuenta/").get_data(as_text=True)
    assert "nunca" not in account.split("Sus claves de acceso", 1)[-1].split("</table>")[0]
