"""The index of the frame in force: one per process, shared by threads, rebuilt on change."""

import threading

import geopandas as gpd
import pytest
from shapely import MultiPolygon, Point, box
from sqlalchemy import select, text

from boundaries.crs import STORAGE_CRS
from cases.frames.derived import finding_facts, responsibility, river_positions
from cases.frames.index import RIVER_REACH_M, frame_index, index_builds, layers_fingerprint
from cases.frames.stored_layers import claim_layers, official_frame
from cases.storage.db import SQLITE_BUSY_TIMEOUT_MS, make_session_factory, unit_of_work
from cases.storage.models import DisputeZone, Meeting, MeetingKind, Municipality, ZoneKind

# Points of our own around Oaxaca de Juárez: inside municipalities, near their limits, in the
# demo's dispute zones and outside the frame.
GRID = [Point(-96.78 + 0.004 * i, 17.02 + 0.004 * j) for i in range(30) for j in range(25)]


def _asked_at_once(session_factory, threads: int) -> list[object]:
    """The frame index as each of ``threads`` threads gets it, all asking at the same moment."""
    start = threading.Barrier(threads)
    seen: list[object] = []

    def ask() -> None:
        with session_factory() as session:
            start.wait()
            seen.append(frame_index(session))

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return seen


def test_threads_share_one_index_built_once(demo, session_factory):
    frame_index(demo)  # whatever an earlier test left, this database's index is built
    builds = index_builds()
    seen = _asked_at_once(session_factory, 8)
    assert len(seen) == 8 and all(index is seen[0] for index in seen)
    assert index_builds() == builds  # nothing changed: no thread built its own


def test_concurrent_first_requests_build_it_once(demo, session_factory):
    with unit_of_work(demo):  # new layers: the next request builds
        demo.scalar(select(DisputeZone).order_by(DisputeZone.id)).name = "Zona renombrada"
    builds = index_builds()
    seen = _asked_at_once(session_factory, 6)
    assert index_builds() == builds + 1
    assert all(index is seen[0] for index in seen)


def test_writes_elsewhere_keep_the_index_and_a_new_zone_replaces_it(demo):
    import datetime as dt

    before = frame_index(demo)
    with unit_of_work(demo):
        demo.add(Meeting(title="Reunión sin geometría", date=dt.date(2025, 6, 2),
                         kind=list(MeetingKind)[0]))
    assert frame_index(demo) is before

    inside = Point(-96.7001, 17.1001)
    (fact,) = finding_facts(demo, [inside])
    assert fact.responsibility["in_dispute"] is False
    with unit_of_work(demo):
        zone = DisputeZone(name="Predio de prueba", kind=list(ZoneKind)[0],
                           geometry=MultiPolygon([box(-96.701, 17.099, -96.699, 17.101)]))
        zone.municipalities = list(demo.scalars(select(Municipality).limit(2)))
        demo.add(zone)
    after = frame_index(demo)
    assert after is not before and after.key == layers_fingerprint(demo)
    (fact,) = finding_facts(demo, [inside])
    assert fact.responsibility["in_dispute"] and fact.responsibility["shared"]


def test_facts_from_the_index_are_those_of_the_one_shot_analysis(demo):
    points = gpd.GeoSeries(GRID, crs=STORAGE_CRS)
    expected = responsibility(demo, points, official_frame(demo), claim_layers(demo))
    located = river_positions(demo, points).to_dict("records")
    facts = finding_facts(demo, GRID)
    assert len(facts) == len(GRID)
    assert sum(f.responsibility["shared"] for f in facts) > 0
    assert sum(f.responsibility["official_municipality"] is None for f in facts) > 0
    assert sum(f.river["river_km"] is not None for f in facts) > 0
    for fact, row, river in zip(facts, expected.to_dict("records"), located, strict=True):
        got = fact.responsibility
        municipality = got["official_municipality"]
        assert (municipality.cvegeo if municipality else None) == row["official"]
        assert got["parties"] == list(row["parties"])
        assert (got["in_dispute"], got["shared"]) == (row["dispute"], row["shared"])
        within = river["distance_m"] <= RIVER_REACH_M
        assert fact.river["river_km"] == (pytest.approx(river["km"]) if within else None)


def test_no_frame_in_force_leaves_responsibility_unknown(session):
    (fact,) = finding_facts(session, [Point(-96.72, 17.06)])
    assert fact.responsibility is None and fact.river is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_writers_wait_for_the_lock(engine):
    with engine.connect() as connection:
        timeout = connection.execute(text("PRAGMA busy_timeout")).scalar()
    assert timeout == SQLITE_BUSY_TIMEOUT_MS >= 30_000
    assert make_session_factory(engine)  # the same engine the app's sessions use
