import pytest
from sqlalchemy import select

from cases.demo import load_demo
from cases.errors import InvalidInputError
from cases.topology import stored_topology, zone_from_overlap


@pytest.fixture
def demo(session):
    load_demo(session)
    return session


def test_stored_topology_finds_the_overlap_of_the_two_claims(demo):
    result, names = stored_topology(demo)
    assert [tuple(p) for p in result.overlaps["parties"]] == [("20067", "20157")]
    assert 200 < result.overlaps["area_ha"].iloc[0] < 300
    assert names["20157"] == "San Jacinto Amilpas"
    official_only, _ = stored_topology(demo, claimants=[])
    assert len(official_only.overlaps) == 0 and len(official_only.gaps) == 0


def test_overlap_becomes_a_dispute_zone_once(demo):
    from cases.errors import ConflictError, NotFoundError
    from cases.models import DisputeZone, ZoneStatus

    demo.rollback()
    zone = zone_from_overlap(demo, None, 1.0, 0, "Franja en disputa")
    assert zone.status is ZoneStatus.IDENTIFIED
    assert {m.cvegeo for m in zone.municipalities} == {"20067", "20157"}
    with pytest.raises(ConflictError, match="ya existe"):
        zone_from_overlap(demo, None, 1.0, 0, "Franja en disputa")
    with pytest.raises(NotFoundError, match="traslape número 3"):
        zone_from_overlap(demo, None, 1.0, 2, "Otra")
    with pytest.raises(InvalidInputError, match="nombre"):
        zone_from_overlap(demo, None, 1.0, 0, "  ")
    with demo.begin():
        assert len(demo.scalars(select(DisputeZone)).all()) == 6
