import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from cases.errors import InvalidInputError, NotFoundError
from cases.frames.importer import import_boundaries
from cases.frames.in_force import (
    DEMO_FRAME,
    INEGI_FRAME,
    activate_frame,
    frame_in_force,
    list_frames,
)
from cases.frames.stored_layers import official_frame
from cases.frames.topology import stored_topology
from cases.storage.db import unit_of_work
from cases.storage.models import BoundaryVersion, Frame, Inspection

INEGI_SOURCE = "../shared/data/inegi/oaxaca_municipios.geojson"


def _split(session) -> dict[str, float]:
    inspection = session.scalars(select(Inspection)).one()
    return {p["names"][0]: p["share"] for p in inspection.route_split if p["kind"] != "dispute"}


def _import(session, frame, **options):
    with unit_of_work(session):
        return import_boundaries(session, frame, source=INEGI_SOURCE, **options)


def test_the_demo_puts_its_illustrative_frame_in_force(demo):
    frame = frame_in_force(demo)
    assert (frame.name, frame.illustrative) == (DEMO_FRAME, True)
    (listed,) = list_frames(demo)
    assert (listed.name, listed.active, listed.versions) == (DEMO_FRAME, True, 4)


def test_a_frame_imported_without_activate_changes_no_figure(demo, inegi_three):
    before = _split(demo)
    summary = _import(demo, inegi_three)
    assert (summary.frame, summary.frame_in_force) == (INEGI_FRAME, DEMO_FRAME)
    assert _split(demo) == before
    assert len(official_frame(demo)) == 4  # still the demo's four municipalities


def test_activating_the_inegi_frame_recomputes_every_figure_against_it_alone(
    demo, inegi_three
):
    before = _split(demo)
    summary = _import(demo, inegi_three, activate=True)
    assert summary.frame_in_force == INEGI_FRAME
    frame = official_frame(demo)
    assert sorted(frame["code"]) == ["20067", "20157", "20385"]
    assert _split(demo) != before
    assert _split(demo)["Oaxaca de Juárez"] > 0.7  # 78.9 % against INEGI (issue 11)
    analysis = stored_topology(demo, claimants=[])
    assert analysis.result.overlaps.empty  # the frame alone is a clean coverage
    assert {f.name: f.active for f in list_frames(demo)} == {INEGI_FRAME: True,
                                                             DEMO_FRAME: False}
    with unit_of_work(demo):
        activate_frame(demo, DEMO_FRAME)
    assert _split(demo) == pytest.approx(before)


def test_bad_activations_are_refused_and_change_nothing(demo):
    with pytest.raises(NotFoundError, match="no existe el marco «Otro»"):
        with unit_of_work(demo):
            activate_frame(demo, "Otro")
    with unit_of_work(demo):
        demo.add(Frame(name="Vacío", source="x"))
    with pytest.raises(InvalidInputError, match="no tiene límites"):
        with unit_of_work(demo):
            activate_frame(demo, "Vacío")
    assert frame_in_force(demo).name == DEMO_FRAME


def test_the_database_allows_one_frame_in_force_at_most(demo):
    demo.add(Frame(name="Otro", source="x", active=True))
    with pytest.raises(IntegrityError):
        demo.flush()
    demo.rollback()


def test_before_any_frame_the_newest_official_versions_count_and_an_import_takes_over(
    demo, inegi_three
):
    # A database upgraded from before frames: official versions in no frame, none in force.
    with unit_of_work(demo):
        demo.execute(update(Frame).values(active=False))
        demo.execute(update(BoundaryVersion).values(frame_id=None))
    demo.expire_all()
    assert frame_in_force(demo) is None and len(official_frame(demo)) == 4
    summary = _import(demo, inegi_three)
    assert summary.frame_in_force == INEGI_FRAME
    assert sorted(official_frame(demo)["code"]) == ["20067", "20157", "20385"]
