"""OGC API use cases on both backends: paging, bbox, dates, scope, extents."""

import datetime as dt

import pytest
from sqlalchemy import select

from cases.errors import InvalidInputError, NotFoundError
from cases.sharing.features import (
    collection_extent,
    get_collection,
    item,
    items,
    parse_datetime,
)
from cases.sharing.scope import Scope
from cases.storage.models import BoundaryVersion, DisputeZone, Finding, Inspection
from cases.storage.statuses import BoundaryKind

ALL = Scope.everything()


def test_pages_cover_every_feature_once(demo):
    findings = get_collection("hallazgos")
    seen, offset = [], 0
    while True:
        page = items(demo, ALL, findings, limit=4, offset=offset)
        seen += [f.id for f in page.features]
        if not page.has_next:
            break
        offset += 4
    assert seen == sorted(demo.scalars(select(Finding.id)))
    assert page.number_matched == len(seen)


def test_limits_by_kind(demo):
    for kind in BoundaryKind:
        page = items(demo, ALL, get_collection(f"limites-{kind.value}"), limit=100)
        expected = demo.scalars(select(BoundaryVersion.id).where(BoundaryVersion.kind == kind))
        assert sorted(f.id for f in page.features) == sorted(expected)


def test_bbox_is_exact_and_dates_use_the_route(demo):
    findings = get_collection("hallazgos")
    box = (-96.76, 17.06, -96.74, 17.08)
    inside = items(demo, ALL, findings, bbox=box, limit=100)
    for feature in inside.features:
        x, y = feature.geometry.x, feature.geometry.y
        assert box[0] <= x <= box[2] and box[1] <= y <= box[3]
    day = dt.date(2025, 5, 15)
    dated = items(demo, ALL, findings, interval=(day, day), limit=100)
    route_days = {
        i.id: i.started_on for i in demo.scalars(select(Inspection))
    }
    assert dated.features and all(
        route_days[f.properties["recorrido_id"]] == day for f in dated.features)
    routes = items(demo, ALL, get_collection("recorridos"),
                   interval=parse_datetime("2025-05-16/.."), limit=100)
    assert all((f.properties["fin"] or f.properties["inicio"]) >= dt.date(2025, 5, 16)
               for f in routes.features)


def test_scope_hides_records_from_items_and_item(demo):
    zone_ids = list(demo.scalars(select(DisputeZone.id).order_by(DisputeZone.id)))
    scope = Scope.zone(zone_ids[-1])
    zones = get_collection("zonas")
    assert [f.id for f in items(demo, scope, zones).features] == [zone_ids[-1]]
    with pytest.raises(NotFoundError):
        item(demo, scope, zones, zone_ids[0])
    bbox, interval = collection_extent(demo, scope, zones)
    zone = demo.get(DisputeZone, zone_ids[-1])
    assert bbox == pytest.approx(zone.geometry.bounds) and interval is None


def test_datetime_on_undated_collection_is_refused(demo):
    with pytest.raises(InvalidInputError):
        items(demo, ALL, get_collection("sedes"), interval=(dt.date(2025, 1, 1), None))
