import datetime as dt

import pytest
from shapely import LineString, MultiLineString, MultiPolygon, Point, box
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from cases.storage.models import (
    Agreement,
    AgreementStatus,
    BoundaryKind,
    BoundaryVersion,
    Case,
    CaseStatus,
    DisputeZone,
    Finding,
    FindingCategory,
    Inspection,
    Meeting,
    MeetingKind,
    Municipality,
    ZoneKind,
    ZoneStatus,
)
from cases.storage.spatial import intersecting

SQUARE = MultiPolygon([box(-96.73, 17.05, -96.72, 17.06)])


def _municipality(session, code="20067", name="Oaxaca de Juárez"):
    row = Municipality(cvegeo=code, name=name, population=1)
    session.add(row)
    return row


def test_geometry_round_trips_as_shapely_with_bbox(session):
    with session.begin():
        m = _municipality(session)
        session.add(
            BoundaryVersion(
                municipality=m, kind=BoundaryKind.OFFICIAL, source="prueba",
                geometry=SQUARE, area_m2=1.0, fingerprint="f1",
            )
        )
    session.expunge_all()
    version = session.scalars(select(BoundaryVersion)).one()
    assert version.geometry.equals(SQUARE)
    assert version.kind is BoundaryKind.OFFICIAL
    assert (version.min_x, version.min_y, version.max_x, version.max_y) == pytest.approx(
        SQUARE.bounds
    )


def test_enums_are_stored_as_readable_strings(session):
    with session.begin():
        session.add(Case(number="E-1", title="t", status=CaseStatus.IN_PROGRESS,
                         opened_on=dt.date(2025, 5, 1)))
    assert session.execute(text("SELECT status FROM case_file")).scalar() == "en_tramite"


def test_wrong_geometry_type_is_refused(session):
    with pytest.raises(StatementError, match="expected MULTIPOLYGON"):
        with session.begin():
            session.add(DisputeZone(name="z", kind=ZoneKind.COLONIA, geometry=Point(0, 0)))


def test_foreign_keys_are_enforced(session):
    with pytest.raises(IntegrityError):
        with session.begin():
            session.add(Agreement(meeting_id=999, text="x"))


def test_meeting_links_zones_cases_and_agreements(session):
    with session.begin():
        zone = DisputeZone(name="Los Sauces", kind=ZoneKind.FRACCIONAMIENTO,
                           status=ZoneStatus.NEGOTIATING, geometry=SQUARE)
        case = Case(number="E-2", title="t", opened_on=dt.date(2025, 5, 14), zones=[zone])
        meeting = Meeting(date=dt.date(2025, 5, 14), kind=MeetingKind.WORKING, title="m",
                          zones=[zone], cases=[case],
                          agreements=[Agreement(text="acordar",
                                                status=AgreementStatus.PENDING)])
        session.add(meeting)
    session.expunge_all()
    zone = session.scalars(select(DisputeZone)).one()
    assert [m.title for m in zone.meetings] == ["m"]
    assert zone.cases[0].meetings[0].agreements[0].text == "acordar"


def test_inspection_route_and_findings(session):
    route = MultiLineString([LineString([(-96.75, 17.07), (-96.72, 17.10)])])
    with session.begin():
        session.add(Inspection(
            title="recorrido", started_on=dt.date(2025, 5, 15), route=route,
            findings=[Finding(category=FindingCategory.RUBBLE_FILL, description="escombro",
                              geometry=Point(-96.74, 17.08))],
        ))
    session.expunge_all()
    inspection = session.scalars(select(Inspection)).one()
    assert inspection.route.equals(route)
    assert inspection.min_x == pytest.approx(-96.75)
    assert inspection.findings[0].category is FindingCategory.RUBBLE_FILL


def test_spatial_filter_uses_bbox_then_exact_test(session):
    inside = MultiPolygon([box(0, 0, 1, 1)])
    l_shape = MultiPolygon([box(2, 2, 5, 3).union(box(2, 2, 3, 5))])
    with session.begin():
        for name, geometry in [("a", inside), ("l", l_shape)]:
            session.add(DisputeZone(name=name, kind=ZoneKind.COLONIA, geometry=geometry))
    # The point is inside the L's bounding box but not in the L.
    assert [z.name for z in intersecting(session, DisputeZone, Point(4, 4))] == []
    assert [z.name for z in intersecting(session, DisputeZone, Point(2.5, 4))] == ["l"]
    assert [z.name for z in intersecting(session, DisputeZone, box(0.5, 0.5, 2.5, 2.5))] == [
        "a", "l",
    ]
