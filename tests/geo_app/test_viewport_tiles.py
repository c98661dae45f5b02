"""/mapa/teselas/<z>/<x>/<y>.json: findings and routes of a map tile, for signed-in staff."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
from limites_testing import demo_app, signed_in_client
from shapely import Point
from sqlalchemy import select

from boundaries.tiles import TILE_SIZE, to_pixels
from cases.records.lifecycle import soft_delete
from cases.records.queries import finding_points, records_bounds
from cases.records.viewport import RouteShapes, record_index, tile_records
from cases.storage.db import unit_of_work
from cases.storage.models import DisputeZone, Finding, FindingCategory, Inspection
from geo_app.maps.markers import DESCRIPTION_MAX
from geo_app.records.viewport import FINDINGS_SINGLE_ZOOM


def add_findings(session, count: int = 60) -> None:
    """``count`` findings scattered around each of the demo's routes, a few hundred metres."""
    rng = np.random.default_rng(7)
    categories = list(FindingCategory)
    for inspection in session.scalars(select(Inspection).where(Inspection.route.is_not(None))):
        x, y = inspection.route.centroid.coords[0]
        for i in range(count):
            session.add(Finding(
                inspection=inspection, category=categories[i % len(categories)],
                description=f"Hallazgo de prueba {i} " + "muy largo " * (i % 3) * 10,
                geometry=Point(x + rng.normal(0, 0.004), y + rng.normal(0, 0.004)),
            ))


@pytest.fixture
def any_backend_app(database_url, tmp_path):
    """The demo app with more findings, on SQLite and on PostgreSQL + PostGIS."""
    app = demo_app(database_url=database_url, instance_path=tmp_path / "instance",
                   prepare=add_findings)
    yield app
    app.extensions["limites_engine"].dispose()


@pytest.fixture
def app(app):
    """The demo app (SQLite) with more findings."""
    with sessions(app) as session, unit_of_work(session):
        add_findings(session)
    return app


def sessions(app):
    return app.extensions["limites_sessions"]()


def tiles_over(app, z: int) -> list[tuple[int, int]]:
    """The tiles of zoom ``z`` covering the demo's records."""
    with sessions(app) as session:
        west, south, east, north = records_bounds(session)
    (x0, x1), (y1, y0) = (c // TILE_SIZE for c in to_pixels([west, east], [south, north], z))
    return [(x, y) for x in range(int(x0), int(x1) + 1) for y in range(int(y0), int(y1) + 1)]


def stored(app, z: int, inspection_ids=None) -> dict[tuple[int, int], set[int]]:
    """Ids of the stored findings (of ``inspection_ids`` when given) by tile of zoom ``z``."""
    with sessions(app) as session:
        points = finding_points(session, inspection_ids)
    px, py = to_pixels([p.lon for p in points], [p.lat for p in points], z)
    tiles: dict[tuple[int, int], set[int]] = {}
    for point, x, y in zip(points, px // TILE_SIZE, py // TILE_SIZE, strict=True):
        tiles.setdefault((int(x), int(y)), set()).add(point.id)
    return tiles


def shown(document: dict) -> int:
    return len(document["findings"]) + sum(count for _, _, count in document["clusters"])


def finding_ids(document: dict) -> set[int]:
    return {int(row[5].rsplit("-", 1)[1]) for row in document["findings"]}


def test_tiles_hold_each_finding_once_and_lose_a_deleted_one(any_backend_app):
    app = any_backend_app
    reader = signed_in_client(app, "lectora")
    with sessions(app) as session:
        total = len(finding_points(session))
        routed = session.scalar(select(Inspection.id).where(Inspection.route.is_not(None)))
    assert total > 60
    for z in (9, 13, FINDINGS_SINGLE_ZOOM):
        tiles = stored(app, z)
        # Every tile holding findings, and (but at the deepest zoom) every tile of the records.
        asked = set(tiles) | (set() if z >= FINDINGS_SINGLE_ZOOM else set(tiles_over(app, z)))
        seen, routes = 0, set()
        for x, y in sorted(asked):
            response = reader.get(f"/mapa/teselas/{z}/{x}/{y}.json")
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "private, no-cache"
            document = response.get_json()
            assert shown(document) == len(tiles.get((x, y), ()))
            if z >= FINDINGS_SINGLE_ZOOM:
                assert not document["clusters"]
                assert finding_ids(document) == tiles[x, y]
            for label, url, line in document["routes"]:
                assert label and len(line) >= 2
                routes.add(url)
            seen += shown(document)
        assert seen == total
        if z < FINDINGS_SINGLE_ZOOM:
            assert f"/recorridos/{routed}" in routes

    z = FINDINGS_SINGLE_ZOOM
    (x, y), ids = max(stored(app, z).items(), key=lambda item: len(item[1]))
    url = f"/mapa/teselas/{z}/{x}/{y}.json"
    before = reader.get(url)
    gone = min(ids)
    assert reader.get(url, headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
    with sessions(app) as session, unit_of_work(session):
        soft_delete(session, None, session.get(Finding, gone))
    after = reader.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert finding_ids(after.get_json()) == ids - {gone}


def test_a_tile_of_one_zone_or_inspection_holds_only_theirs(app):
    reader = signed_in_client(app, "lectora")
    with sessions(app) as session, unit_of_work(session):
        routed = session.scalar(select(Inspection).where(Inspection.route.is_not(None)))
        zone = session.scalar(select(DisputeZone).order_by(DisputeZone.id))
        if zone not in routed.zones:
            routed.zones.append(zone)
        zone_id, routed_id = zone.id, routed.id
    with sessions(app) as session:
        ids = [i.id for i in session.get(DisputeZone, zone_id).inspections]
    z = 12
    for query, scope in ((f"zona={zone_id}", ids), (f"recorrido={routed_id}", [routed_id])):
        tiles = stored(app, z, scope)
        assert tiles
        for x, y in tiles_over(app, z):
            document = reader.get(f"/mapa/teselas/{z}/{x}/{y}.json?{query}").get_json()
            assert shown(document) == len(tiles.get((x, y), ()))
            assert {url for _, url, _ in document["routes"]} <= {f"/recorridos/{i}" for i in scope}


def test_a_zones_tiles_hold_the_inspections_its_page_lists(app):
    """A zone's page lists its own inspections and its cases'; its map's tiles show the same."""
    from cases.records.queries import zone_record

    reader = signed_in_client(app, "lectora")
    with sessions(app) as session:
        routed = session.scalar(select(Inspection).where(Inspection.route.is_not(None)))
        zone = next(z for z in session.scalars(select(DisputeZone).order_by(DisputeZone.id))
                    if routed not in z.inspections
                    and routed in zone_record(session, z.id).inspections)
        zone_id, routed_id = zone.id, routed.id
    z, drawn = 12, 0
    for x, y in tiles_over(app, z):
        of_zone = reader.get(f"/mapa/teselas/{z}/{x}/{y}.json?zona={zone_id}").get_json()
        of_route = reader.get(f"/mapa/teselas/{z}/{x}/{y}.json?recorrido={routed_id}").get_json()
        assert of_zone == of_route
        drawn += shown(of_zone) + len(of_zone["routes"])
    assert drawn


def test_clusters_below_the_single_zoom_and_marker_rows_from_it(app):
    reader = signed_in_client(app, "lectora")
    (x, y), ids = max(stored(app, 12).items(), key=lambda item: len(item[1]))
    document = reader.get(f"/mapa/teselas/12/{x}/{y}.json").get_json()
    assert document["clusters"] and len(document["clusters"]) + len(document["findings"]) < len(ids)
    assert all(count >= 2 for _, _, count in document["clusters"])
    z = FINDINGS_SINGLE_ZOOM
    (x, y), ids = max(stored(app, z).items(), key=lambda item: len(item[1]))
    rows = reader.get(f"/mapa/teselas/{z}/{x}/{y}.json").get_json()["findings"]
    assert len(rows) == len(ids) > 1
    kinds = {c.value for c in FindingCategory}
    for lon, lat, kind, description, group, url, photo in rows:
        assert kind in kinds and group and photo is None
        assert len(description) <= DESCRIPTION_MAX
        assert url.startswith("/recorridos/") and "#hallazgo-" in url
        assert round(lon, 6) == lon and round(lat, 6) == lat


def test_gzip_etag_and_not_modified(app):
    reader = signed_in_client(app, "lectora")
    z = 10
    (x, y), _ = max(stored(app, z).items(), key=lambda item: len(item[1]))
    url = f"/mapa/teselas/{z}/{x}/{y}.json"
    plain = reader.get(url)
    packed = reader.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert json.loads(gzip.decompress(packed.data)) == plain.get_json()
    assert b", " not in plain.data and b": " not in plain.data
    again = reader.get(url, headers={"Accept-Encoding": "gzip",
                                     "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_staff_only_and_unknown_tiles_or_records_are_404(app, anon_client):
    assert anon_client.get("/mapa/teselas/3/1/3.json").status_code in (302, 401)
    reader = signed_in_client(app, "lectora")
    assert reader.get("/mapa/teselas/3/1/3.json").status_code == 200
    for path in ("/mapa/teselas/23/0/0.json", "/mapa/teselas/3/8/0.json",
                 "/mapa/teselas/3/0/8.json", "/mapa/teselas/3/1/3.json?zona=999999",
                 "/mapa/teselas/3/1/3.json?expediente=999999",
                 "/mapa/teselas/3/1/3.json?recorrido=999999",
                 "/mapa/teselas/3/1/3.json?zona=x"):
        response = reader.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"]


def test_a_tile_read_alone_is_the_tile_picked_from_the_kept_index(app):
    """Without a cache (``MAP_CACHE`` off) a tile reads its box: the same records."""
    with sessions(app) as session:
        shapes, index = RouteShapes(), record_index(session)
        routed = [session.scalar(select(Inspection.id).where(Inspection.route.is_not(None)))]
        for z in (11, 14, FINDINGS_SINGLE_ZOOM):
            for x, y in stored(app, z):
                for scope in (None, routed):
                    alone = tile_records(session, z, x, y, shapes, scope)
                    assert alone == tile_records(session, z, x, y, shapes, scope, index=index)
                    assert alone.findings or alone.clusters
