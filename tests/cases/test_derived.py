import datetime as dt

import pytest
from shapely import LineString, MultiLineString, Point
from sqlalchemy import select

from cases.errors import InvalidInputError
from cases.frames.derived import add_finding, refresh_derived, set_route
from cases.frames.stored_layers import official_frame
from cases.storage.db import unit_of_work
from cases.storage.models import Finding, FindingCategory, Inspection


def test_demo_findings_know_who_is_responsible_and_where_on_the_atoyac(demo):
    findings = {f.description: f for f in demo.scalars(select(Finding))}
    rubble = next(f for f in findings.values() if f.category is FindingCategory.RUBBLE_FILL)
    assert rubble.official_municipality.cvegeo == "20157"
    assert rubble.shared and set(rubble.parties) == {"20067", "20157"}
    assert rubble.river_distance_m < 200  # "áreas aledañas al río Atoyac"
    waste = next(f for f in findings.values() if f.category is FindingCategory.SOLID_WASTE)
    assert waste.in_dispute and waste.shared
    assert waste.claims["Oaxaca de Juárez"] == "20067"
    assert waste.claims["San Jacinto Amilpas"] == "20157"
    kms = sorted(f.river_km for f in findings.values())
    assert kms == sorted(kms) and all(k > 0 for k in kms)


def test_demo_routes_are_split_by_municipality_and_zone(demo):
    for inspection in demo.scalars(select(Inspection)):
        parts = inspection.route_split
        by_municipality = sum(p["length_m"] for p in parts if p["kind"] != "dispute")
        assert by_municipality == pytest.approx(inspection.route_length_m)
        assert {"20067", "20157"} <= {p["parties"][0] for p in parts if p["kind"] == "municipality"}
    first = demo.scalars(select(Inspection).order_by(Inspection.started_on)).first()
    zones = {p["names"][0] for p in first.route_split if p["kind"] == "dispute"}
    assert "Fraccionamiento Los Sauces" in zones


def test_saving_a_finding_and_a_route_computes_their_fields(demo):
    with unit_of_work(demo):
        inspection = Inspection(title="nuevo", started_on=dt.date(2025, 7, 1))
        demo.add(inspection)
        set_route(demo, inspection, MultiLineString([LineString([(-96.73, 17.07),
                                                                 (-96.70, 17.07)])]))
        finding = add_finding(demo, inspection, FindingCategory.OTHER, Point(-96.72, 17.07),
                              "basura")
    assert inspection.route_length_m == pytest.approx(3190, rel=0.01)
    assert finding.official_municipality.cvegeo == "20067"
    assert finding.river_km is not None


@pytest.mark.parametrize(
    ("point", "message"),
    [(Point(), "necesita un punto"), (Point(17.07, -196.7), "fuera de rango")],
)
def test_bad_finding_point_is_refused_and_nothing_written(demo, point, message):
    before = len(demo.scalars(select(Finding)).all())
    inspection_id = demo.scalars(select(Inspection)).first().id
    with pytest.raises(InvalidInputError, match=message), unit_of_work(demo):
        add_finding(demo, demo.get(Inspection, inspection_id), FindingCategory.OTHER, point, "x")
    assert len(demo.scalars(select(Finding)).all()) == before


def test_refresh_derived_after_importing_new_limits(demo):
    assert len(official_frame(demo)) == 4
    with unit_of_work(demo):
        assert refresh_derived(demo) == {"hallazgos": 3, "recorridos": 1}


def test_two_use_cases_share_one_request_scoped_session(demo):
    """A read, then two writing use cases, then one commit: no "transaction already begun"."""
    from cases.frames.topology import TopologyArea, stored_topology, zone_from_area

    assert len(stored_topology(demo).result.overlaps) == 1
    with unit_of_work(demo):
        zone, _ = zone_from_area(demo, TopologyArea.OVERLAP, None, 1.0, 0, "Franja compartida")
        counts = refresh_derived(demo)
    assert counts["hallazgos"] == 3
    demo.expire_all()
    assert zone.id is not None and zone.name == "Franja compartida"

