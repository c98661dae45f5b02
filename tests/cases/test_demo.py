import datetime as dt

import shapely
from sqlalchemy import func, select

from cases.demo.dataset import load_demo
from cases.storage.models import (
    Agreement,
    BoundaryKind,
    BoundaryVersion,
    DisputeZone,
    Finding,
    FindingCategory,
    Indicator,
    Inspection,
    Meeting,
    MeetingKind,
    Site,
    Watercourse,
)

REPORT_MEETINGS = {
    (dt.date(2025, 4, 8), MeetingKind.WORKING, "12"),
    (dt.date(2025, 5, 27), MeetingKind.WORKING, "12"),
    (dt.date(2025, 6, 23), MeetingKind.WORKING, "12"),
    (dt.date(2025, 5, 12), MeetingKind.WORKING, "12"),
    (dt.date(2025, 5, 9), MeetingKind.SECURITY, "12.1"),
    (dt.date(2025, 5, 23), MeetingKind.SECURITY, "12.1"),
    (dt.date(2025, 5, 30), MeetingKind.SECURITY, "12.1"),
    (dt.date(2025, 6, 12), MeetingKind.COORDINATED_COMMAND, "12.1"),
    (dt.date(2025, 5, 8), MeetingKind.WORKING, "12.2"),
    (dt.date(2025, 5, 14), MeetingKind.WORKING, "12.2"),
    (dt.date(2025, 5, 23), MeetingKind.WORKING, "12.2"),
}


def _counts(session):
    models = [BoundaryVersion, DisputeZone, Meeting, Inspection, Finding, Indicator, Site]
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}


def test_demo_tells_every_activity_of_the_report(session):
    load_demo(session)
    meetings = session.scalars(select(Meeting)).all()
    assert {(m.date, m.kind, m.indicator.key) for m in meetings} == REPORT_MEETINGS
    assert all(m.institutions and m.purpose for m in meetings)
    # "Los días 15 y 22 de mayo": one activity on two days, findings not split between them.
    inspection = session.scalars(select(Inspection)).one()
    assert inspection.days == [dt.date(2025, 5, 15), dt.date(2025, 5, 22)]
    assert {f.category for f in inspection.findings} == {
        FindingCategory.WATER_POLLUTION,
        FindingCategory.SOLID_WASTE,
        FindingCategory.RUBBLE_FILL,
    }
    indicators = session.scalars(select(Indicator).order_by(Indicator.key)).all()
    # The report's 20 % is 4 of 20 programmed in the year, computed, not an official figure.
    assert [
        (i.key, i.annual_goal, i.rule.value, [(o.quarter, o.value_percent) for o in i.overrides])
        for i in indicators
    ] == [(key, 20.0, "acumulado_meta_anual", []) for key in ("12", "12.1", "12.2")]
    assert not session.scalars(select(Agreement)).all()
    zones = {z.name for z in session.scalars(select(DisputeZone))}
    assert {"Fraccionamiento Los Sauces", "Colonia Ejidal", "Colonia Emiliano Zapata",
            "Rancho San Rafael", "Límites con Santa Cruz Xoxocotlán"} == zones


def test_loading_twice_adds_nothing(session):
    first = load_demo(session)
    before = _counts(session)
    second = load_demo(session)
    assert sum(first.values()) > 0
    assert sum(second.values()) == 0
    assert _counts(session) == before


def test_every_geometry_is_labelled_illustrative(session):
    load_demo(session)
    for model in (BoundaryVersion, DisputeZone, Inspection, Finding, Site, Watercourse):
        assert all(row.illustrative for row in session.scalars(select(model))), model


def test_geometry_is_roughly_where_the_places_are(session):
    load_demo(session)
    official = {
        v.municipality.cvegeo: v.geometry
        for v in session.scalars(
            select(BoundaryVersion).where(BoundaryVersion.kind == BoundaryKind.OFFICIAL)
        )
    }
    oax = official["20067"]
    assert oax.contains(shapely.Point(-96.725, 17.061))
    centre = oax.centroid
    sja, scx = official["20157"].centroid, official["20385"].centroid
    assert sja.x < centre.x and sja.y > centre.y  # north-west
    assert scx.x < centre.x and scx.y < centre.y  # south-west
    # the official frame is a clean coverage: neighbours touch, never overlap
    assert oax.intersection(official["20157"]).area < 1e-12
    assert oax.touches(official["20157"]) and oax.touches(official["20385"])
    atoyac = session.scalars(select(Watercourse)).one().geometry
    assert atoyac.intersects(oax.boundary) and atoyac.intersects(official["20385"])
    limit_sja = oax.boundary.intersection(official["20157"].boundary)
    for zone in session.scalars(select(DisputeZone)):
        limits = [oax.boundary.intersection(official[m.cvegeo].boundary)
                  for m in zone.municipalities if m.cvegeo != "20067"]
        assert any(zone.geometry.intersects(line) for line in limits), zone.name
    limit_scx = oax.boundary.intersection(official["20385"].boundary)
    for inspection in session.scalars(select(Inspection)):
        assert inspection.route.distance(limit_sja) < 0.002  # within ~200 m of the limit
        for finding in inspection.findings:  # on the San Jacinto limit, not Xoxocotlán's
            point = finding.geometry
            assert point.distance(limit_sja) < point.distance(limit_scx), finding.description
