import pytest
from sqlalchemy import select

from cases.errors import InvalidInputError
from cases.frames.topology import TopologyArea, stored_topology, zone_from_area
from cases.storage.db import unit_of_work


def test_stored_topology_finds_the_overlap_of_the_two_claims(demo):
    analysis = stored_topology(demo)
    result, names = analysis.result, analysis.names
    assert [tuple(p) for p in result.overlaps["parties"]] == [("20067", "20157")]
    assert 200 < result.overlaps["area_ha"].iloc[0] < 300
    assert names["20157"] == "San Jacinto Amilpas"
    official_only = stored_topology(demo, claimants=[]).result
    assert len(official_only.overlaps) == 0 and len(official_only.gaps) == 0


def test_the_strip_xoxocotlans_claim_gives_up_is_an_area_nobody_attends(demo):
    analysis = stored_topology(demo)
    result, names = analysis.result, analysis.names
    (row,) = result.unattended.itertuples()
    assert names[row.party] == "Santa Cruz Xoxocotlán"
    assert row.area_ha == pytest.approx(166, abs=5)
    assert row.neighbours == ("20067",)
    assert len(result.gaps) == 0  # not a gap: the frame covers it
    only_oaxaca = stored_topology(demo, claimants=["Oaxaca de Juárez"]).result
    assert only_oaxaca.unattended.empty  # Oaxaca's claim gives up nothing unclaimed


def test_area_nobody_attends_becomes_a_dispute_zone(demo):
    from cases.errors import NotFoundError

    with unit_of_work(demo):
        zone, created = zone_from_area(
            demo, TopologyArea.UNATTENDED, None, 1.0, 0, "Ribera sin atender"
        )
    assert created
    assert {m.cvegeo for m in zone.municipalities} == {"20385", "20067"}
    assert zone.description.startswith("Vacío de atención de 16")
    with pytest.raises(NotFoundError, match="vacío de atención número 2"):
        zone_from_area(demo, TopologyArea.UNATTENDED, None, 1.0, 1, "Otra")


def test_overlap_becomes_a_dispute_zone_once(demo):
    from cases.errors import ConflictError, NotFoundError
    from cases.storage.models import AuditAction, AuditEntry, DisputeZone, ZoneStatus

    demo.rollback()
    for position, name, error, match in [
        (2, "Otra", NotFoundError, "traslape número 3"),
        (0, "  ", InvalidInputError, "nombre"),
        (0, "Colonia Ejidal", ConflictError, "ya existe una zona llamada «Colonia Ejidal»"),
    ]:
        with pytest.raises(error, match=match), unit_of_work(demo):
            zone_from_area(demo, TopologyArea.OVERLAP, None, 1.0, position, name)
    with unit_of_work(demo):
        zone, created = zone_from_area(
            demo, TopologyArea.OVERLAP, None, 1.0, 0, "Franja en disputa"
        )
    assert created and zone.status is ZoneStatus.IDENTIFIED
    assert {m.cvegeo for m in zone.municipalities} == {"20067", "20157"}
    with unit_of_work(demo):
        again, created = zone_from_area(demo, TopologyArea.OVERLAP, None, 1.0, 0, "Otro nombre")
    assert again.id == zone.id and not created
    demo.rollback()
    assert len(demo.scalars(select(DisputeZone)).all()) == 6
    entries = demo.scalars(select(AuditEntry).where(AuditEntry.record_id == zone.id)).all()
    assert [(e.action, e.record_type, e.after["name"]) for e in entries] == [
        (AuditAction.CREATE, "dispute_zone", "Franja en disputa")
    ]
