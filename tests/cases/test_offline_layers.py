"""The phone's offline layers: the server's own layers around the work area, whole and versioned."""

from __future__ import annotations

import datetime as dt

import shapely
from sqlalchemy import select

from cases.fieldwork.offline_layers import FINDING_MONTHS, offline_layers, work_area
from cases.frames.stored_layers import claim_layers, official_frame
from cases.records.queries import records_bounds
from cases.storage.models import DisputeZone, Finding, Inspection, ZoneStatus


def test_the_layers_are_the_servers_own_around_the_work_area(demo):
    layers = offline_layers(demo)
    area = work_area(demo)
    assert area.contains(shapely.box(*records_bounds(demo)))
    frame = official_frame(demo)
    touching = frame[frame.intersects(area)]
    assert list(layers.frame["code"]) == list(touching["code"])
    # Whole polygons, not cut to the area and not simplified: the distance to a limit is
    # the server's.
    for mine, theirs in zip(layers.frame.geometry, touching.geometry, strict=True):
        assert mine.equals_exact(theirs, 0)
    assert set(layers.claims) == set(claim_layers(demo))
    assert layers.names["20067"] == "Oaxaca de Juárez"
    assert layers.frame_name and layers.illustrative
    assert layers.shared_distance_m == 50


def test_zones_carry_status_and_municipalities_and_rivers_are_one_line(demo):
    layers = offline_layers(demo)
    zone = layers.zones.set_index("name").loc["Colonia Ejidal"]
    assert zone["status"] in set(ZoneStatus)
    assert set(zone["municipalities"]) == {"20067", "20157"}
    assert list(layers.rivers["name"]) == ["Río Atoyac"]
    assert all(g.geom_type == "LineString" for g in layers.rivers.geometry)


def test_findings_of_the_last_months_of_fieldwork(demo):
    layers = offline_layers(demo)
    newest = demo.scalar(select(Inspection.started_on).order_by(Inspection.started_on.desc()))
    since = newest - dt.timedelta(days=round(FINDING_MONTHS * 30.44))
    expected = demo.scalars(
        select(Finding.id).join(Inspection).where(Inspection.started_on >= since)
    ).all()
    assert layers.findings and sorted(f.id for f in layers.findings) == sorted(expected)
    assert all(f.date >= since for f in layers.findings)


def test_the_version_changes_with_the_layers_only(demo):
    first = offline_layers(demo).version
    assert offline_layers(demo).version == first
    zone = demo.scalar(select(DisputeZone).where(DisputeZone.name == "Colonia Ejidal"))
    zone.status = ZoneStatus.AGREED if zone.status != ZoneStatus.AGREED else ZoneStatus.RESOLVED
    demo.flush()
    assert offline_layers(demo).version != first


def test_an_empty_database_has_no_area_and_no_frame(session):
    layers = offline_layers(session)
    assert layers.area is None and len(layers.frame) == 0 and layers.findings == []


def test_without_records_the_area_is_the_rivers_and_without_rivers_there_is_none(session):
    from shapely import LineString

    from cases.storage.models import Watercourse

    assert work_area(session) is None
    session.add(Watercourse(name="Río Atoyac", geometry=LineString([(-96.8, 17.1), (-96.7, 17.0)])))
    session.flush()
    assert work_area(session).contains(shapely.box(-96.8, 17.0, -96.7, 17.1))
