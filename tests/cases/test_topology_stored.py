import pytest
from sqlalchemy import select

from cases.db import unit_of_work
from cases.errors import InvalidInputError
from cases.topology import stored_topology, zone_from_overlap


def test_stored_topology_finds_the_overlap_of_the_two_claims(demo):
    analysis = stored_topology(demo)
    result, names = analysis.result, analysis.names
    assert [tuple(p) for p in result.overlaps["parties"]] == [("20067", "20157")]
    assert 200 < result.overlaps["area_ha"].iloc[0] < 300
    assert names["20157"] == "San Jacinto Amilpas"
    official_only = stored_topology(demo, claimants=[]).result
    assert len(official_only.overlaps) == 0 and len(official_only.gaps) == 0


def test_overlap_becomes_a_dispute_zone_once(demo):
    from cases.errors import ConflictError, NotFoundError
    from cases.models import DisputeZone, ZoneStatus

    with unit_of_work(demo):
        zone = zone_from_overlap(demo, None, 1.0, 0, "Franja en disputa")
    assert zone.status is ZoneStatus.IDENTIFIED
    assert {m.cvegeo for m in zone.municipalities} == {"20067", "20157"}
    with pytest.raises(ConflictError, match="ya existe"):
        zone_from_overlap(demo, None, 1.0, 0, "Franja en disputa")
    with pytest.raises(NotFoundError, match="traslape número 3"):
        zone_from_overlap(demo, None, 1.0, 2, "Otra")
    with pytest.raises(InvalidInputError, match="nombre"):
        zone_from_overlap(demo, None, 1.0, 0, "  ")
    demo.rollback()
    assert len(demo.scalars(select(DisputeZone)).all()) == 6
