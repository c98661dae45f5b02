"""Rendered maps are cached per layer versions; a committed write, from any process, renews the
maps that show what it changed, and only those."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import shapely
from sqlalchemy import func, select, update

from cases.storage.db import make_engine, make_session_factory, unit_of_work
from cases.storage.models import (
    LAYERS,
    DataVersion,
    DisputeZone,
    Finding,
    Institution,
    InstitutionKind,
    Meeting,
    MeetingKind,
    Municipality,
    ZoneKind,
    ZoneStatus,
    data_version,
    layer_versions,
)
from geo_app.map_cache import MapCache
from geo_app.records.map_render import MapParts


def parts(label: str) -> MapParts:
    return MapParts(header=label, html=label, script=label, name=label)


def test_a_burst_of_readers_builds_each_map_once():
    cache, calls = MapCache(), []

    def build():
        calls.append(1)
        time.sleep(0.05)
        return parts("mapa")

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("mapa", 1, build)))
        for _ in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert {r.name for r in results} == {"mapa"}


def test_maps_are_kept_per_version():
    cache = MapCache()
    cache.get("a", (1, 1), lambda: parts("a1"))
    cache.get("b", (1, 1), lambda: parts("b1"))
    assert cache.get("a", (1, 2), lambda: parts("a2")).name == "a2"
    # A reader that started before the write asks for the old version: the old map, right
    # for that reader, and never served for the new version.
    assert cache.get("a", (1, 1), lambda: parts("tarde")).name == "a1"
    assert cache.get("a", (1, 2), lambda: parts("x")).name == "a2"
    assert cache.get("b", (1, 1), lambda: parts("x")).name == "b1"


def test_a_failed_build_is_not_cached():
    cache = MapCache()

    def fail():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get("a", 1, fail)
    assert cache.get("a", 1, lambda: parts("ok")).name == "ok"


def test_the_cache_is_bounded():
    cache = MapCache(max_entries=3)
    for n in range(5):
        cache.get(n, 1, lambda n=n: parts(str(n)))
    assert cache.get(0, 1, lambda: parts("otra vez")).name == "otra vez"


def version(session) -> int:
    with unit_of_work(session):
        return data_version(session)


def test_writes_bump_the_version_and_reads_or_rollbacks_do_not(session):
    start = version(session)
    with unit_of_work(session):
        session.scalars(select(Municipality)).all()
    assert version(session) == start
    with unit_of_work(session):
        session.add(Municipality(cvegeo="20999", name="Prueba"))
    assert version(session) == start + 1
    with unit_of_work(session):
        session.execute(update(Municipality).values(name="Otra"))
    assert version(session) == start + 2
    with pytest.raises(RuntimeError), unit_of_work(session):
        session.add(Municipality(cvegeo="20998", name="Nunca"))
        session.flush()
        raise RuntimeError("se deshace")
    assert version(session) == start + 2
    assert session.scalar(select(func.count(DataVersion.id))) == len(LAYERS)


def test_the_map_is_rendered_once_and_again_after_a_write_from_another_process(app, client):
    cache = app.extensions["limites_map_cache"]
    first = client.get("/mapa/").get_data(as_text=True)
    client.get("/mapa/").close()
    client.get("/zonas/1").close()
    client.get("/zonas/1").close()
    assert cache.builds == 2
    # Another process (here: another engine on the same file) renames a zone.
    other = make_engine(app.config["DATABASE_URL"])
    with make_session_factory(other)() as session, unit_of_work(session):
        zone = session.get(DisputeZone, 1)
        old_name, zone.name = zone.name, "Zona renombrada por otro proceso"
    other.dispose()
    assert old_name in first
    page = client.get("/mapa/").get_data(as_text=True)
    assert "Zona renombrada por otro proceso" in page
    assert cache.builds == 3
    # A new institution is on no map: every map stays.
    other = make_engine(app.config["DATABASE_URL"])
    with make_session_factory(other)() as session, unit_of_work(session):
        session.add(Institution(name="Institución nueva", short_name="IN",
                                kind=InstitutionKind.MUNICIPALITY))
    other.dispose()
    client.get("/mapa/").close()
    client.get("/zonas/1").close()
    assert cache.builds == 4  # the zone's map only: its old version was built before


SQUARE = shapely.MultiPolygon([shapely.box(-96.75, 17.05, -96.74, 17.06)])


def changed_layers(session, write) -> set[str]:
    with unit_of_work(session):
        before = layer_versions(session)
    with unit_of_work(session):
        write()
    with unit_of_work(session):
        after = layer_versions(session)
    assert all(after[k] - before[k] in (0, 1) for k in LAYERS)  # one bump per transaction
    return {k for k in LAYERS if after[k] != before[k]}


def test_a_write_bumps_the_layers_it_touched_only(session):
    with unit_of_work(session):
        assert set(layer_versions(session)) == set(LAYERS)
        zone = DisputeZone(name="Zona de prueba", kind=ZoneKind.COLONIA,
                           status=ZoneStatus.IDENTIFIED,
                           geometry=SQUARE)
        session.add(zone)
    # A meeting on no map (no zone, site, case or venue) renews no map.
    assert changed_layers(session, lambda: session.add(Meeting(
        date=dt.date(2026, 5, 4), title="Mesa sin lugar", kind=MeetingKind.SECURITY,
    ))) == {"other"}
    # One in a zone is in that zone's popup (the zone's list of meetings changed too).
    assert changed_layers(session, lambda: session.add(Meeting(
        date=dt.date(2026, 5, 5), title="Reunión en la zona", kind=MeetingKind.WORKING,
        zones=[zone],
    ))) == {"meetings", "zones"}
    assert changed_layers(session, lambda: (
        session.execute(update(Finding).where(Finding.id == -1).values(description="x")),
        session.add(Institution(name="Otra institución", short_name="OI",
                                kind=InstitutionKind.MUNICIPALITY)),
    )) == {"findings", "people"}


def test_renaming_a_meeting_whose_zones_are_not_loaded_renews_the_maps(session_factory):
    with session_factory() as session, unit_of_work(session):
        zone = DisputeZone(name="Zona de prueba", kind=ZoneKind.COLONIA,
                           status=ZoneStatus.IDENTIFIED,
                           geometry=SQUARE)
        meeting = Meeting(date=dt.date(2026, 5, 5), title="Reunión en la zona",
                          kind=MeetingKind.WORKING, zones=[zone])
        session.add(meeting)
        session.flush()
        meeting_id = meeting.id
    with session_factory() as session:  # the zones are not in memory
        def rename():
            session.get(Meeting, meeting_id).title = "Reunión renombrada"
        assert changed_layers(session, rename) == {"meetings"}


def test_writers_of_different_layers_in_opposite_orders_never_deadlock(engine, session_factory):
    """Each transaction locks its layers' rows at commit, always in the same order."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite lets one writer at a time in: there is no row lock to order")
    barrier, errors = threading.Barrier(2), []

    def write(first, second):
        try:
            with session_factory() as session, unit_of_work(session):
                first(session)
                session.flush()
                barrier.wait(timeout=10)
                second(session)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def meeting(session):
        session.add(Meeting(date=dt.date(2026, 5, 4), title=f"Reunión {time.monotonic_ns()}",
                            kind=MeetingKind.WORKING))

    def institution(session):
        session.add(Institution(name=f"Inst {time.monotonic_ns()}", short_name="I",
                                kind=InstitutionKind.MUNICIPALITY))

    threads = [threading.Thread(target=write, args=(meeting, institution)),
               threading.Thread(target=write, args=(institution, meeting))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    with session_factory() as session:
        assert session.scalar(select(func.count(Meeting.id))) == 2


def test_the_cache_can_be_turned_off(sqlite_url):
    from limites_testing import demo_app, signed_in_client

    app = demo_app(database_url=sqlite_url, MAP_CACHE=False)
    assert "limites_map_cache" not in app.extensions
    assert signed_in_client(app).get("/mapa/").status_code == 200
    app.extensions["limites_engine"].dispose()
