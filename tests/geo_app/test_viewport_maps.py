"""Maps that load findings and routes by view: the page carries the tile address, not them.

The browser side (fetching, clusters, popups, panning) is in tests/e2e/test_viewport_journey.py.
"""

from __future__ import annotations

import json
import re

import folium
from sqlalchemy import select

from cases.storage.db import make_engine, make_session_factory, unit_of_work
from cases.storage.models import Case, DisputeZone, Finding, Inspection
from cases.storage.statuses import FindingCategory
from geo_app.maps.viewport import STATUS_TEXTS, viewport_layers

CONFIG_RE = re.compile(r"L\.limitesViewportLayers\([^,]+,\s*[^,]+,\s*[^,]+,\s*(\{.*?\})\);", re.S)


def config_of(html: str) -> dict:
    (found,) = CONFIG_RE.findall(html)
    return json.loads(found)


def test_the_overlays_keep_their_names_and_the_legend_every_category():
    m = folium.Map(tiles=None)
    element = viewport_layers(m, "/mapa/teselas/{z}/{x}/{y}.json?zona=3", "/static/v.js")
    assert element.findings.layer_name == "Hallazgos"
    assert element.routes.layer_name == "Recorridos de inspección"
    labels = [entry.label for entry in element.findings.legend.entries]
    assert labels == [c.label for c in FindingCategory]
    html = m.get_root().render()
    config = config_of(html)
    assert config["url"] == "/mapa/teselas/{z}/{x}/{y}.json?zona=3"
    assert set(config["kinds"]) == {c.value for c in FindingCategory}
    assert config["labels"]["loading"] == STATUS_TEXTS["loading"]
    assert '<script src="/static/v.js"></script>' in html
    assert "L.limitesFindingPopup" in html


def test_overview_zone_and_case_maps_load_findings_and_routes_by_view(app, reader_client):
    with app.extensions["limites_sessions"]() as session:
        zone_id = session.scalars(select(DisputeZone.id).order_by(DisputeZone.id)).first()
        case_id = next(c.id for c in session.scalars(select(Case).order_by(Case.id))
                       if c.zones)
        inspection = session.scalars(select(Inspection).order_by(Inspection.id)).first()
        finding_ids = [f.id for f in inspection.findings]
    for path, url in [
        ("/mapa/", "/mapa/teselas/{z}/{x}/{y}.json"),
        (f"/zonas/{zone_id}", f"/mapa/teselas/{{z}}/{{x}}/{{y}}.json?zona={zone_id}"),
        (f"/expedientes/{case_id}",
         f"/mapa/teselas/{{z}}/{{x}}/{{y}}.json?expediente={case_id}"),
    ]:
        html = reader_client.get(path).get_data(as_text=True)
        assert config_of(html)["url"] == url, path
        assert not re.search(r"#hallazgo-\d+", html), path
    # The inspection's page keeps its one route and its findings in the page.
    html = reader_client.get(f"/recorridos/{inspection.id}").get_data(as_text=True)
    assert "L.limitesViewportLayers" not in html
    assert {f"hallazgo-{i}" for i in finding_ids} <= set(re.findall(r"hallazgo-\d+", html))


def test_a_new_finding_leaves_the_zone_map_cached(app, client):
    cache = app.extensions["limites_map_cache"]
    client.get("/zonas/1").close()
    builds = cache.builds
    other = make_engine(app.config["DATABASE_URL"])
    with make_session_factory(other)() as session, unit_of_work(session):
        finding = session.scalars(select(Finding).order_by(Finding.id)).first()
        finding.description = "Descripción cambiada por otro proceso"
    other.dispose()
    client.get("/zonas/1").close()
    assert cache.builds == builds
