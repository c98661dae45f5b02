"""Scopes: every record, one zone's, one case's; nothing outside the scope is reachable."""

import pytest
from sqlalchemy import select

from cases.errors import InvalidInputError, NotFoundError
from cases.sharing.scope import Scope, ScopeKind, get_scoped, resolve_scope, scoped, visible
from cases.sharing.tables import LAYERS, export_data, layer_fields, layer_spec, read_records
from cases.storage.models import (
    Agreement,
    BoundaryVersion,
    Case,
    DisputeZone,
    Finding,
    Inspection,
    Meeting,
    Site,
)


def _scoped_ids(session, scope, model):
    return {row.id for row in session.scalars(scoped(scope, model))}


def test_everything_is_every_record(demo):
    scope = Scope.everything()
    for model in (DisputeZone, Case, Meeting, Inspection, Finding, Site, Agreement,
                  BoundaryVersion):
        assert _scoped_ids(demo, scope, model) == set(demo.scalars(select(model.id)))


def test_zone_scope_mirrors_the_zone_page(demo):
    zone = demo.scalar(select(DisputeZone).order_by(DisputeZone.id))
    scope = resolve_scope(demo, zone=zone.name)
    assert scope.kind is ScopeKind.ZONE and scope.title == f"Zona {zone.name}"
    assert _scoped_ids(demo, scope, DisputeZone) == {zone.id}
    assert _scoped_ids(demo, scope, Case) == {c.id for c in zone.cases}
    assert _scoped_ids(demo, scope, Meeting) == {m.id for m in zone.meetings}
    expected = {i.id for i in zone.inspections} | {
        i.id for c in zone.cases for i in c.inspections
    }
    assert _scoped_ids(demo, scope, Inspection) == expected
    assert _scoped_ids(demo, scope, Finding) == {
        f.id for i in demo.scalars(select(Inspection).where(Inspection.id.in_(expected)))
        for f in i.findings
    }
    assert _scoped_ids(demo, scope, Agreement) == {
        a.id for m in zone.meetings for a in m.agreements
    }
    sites = {s.id for m in zone.meetings for s in [*m.sites, m.venue] if s is not None}
    assert _scoped_ids(demo, scope, Site) == sites


def test_case_scope_mirrors_the_case_page(demo):
    case = demo.scalar(select(Case).order_by(Case.id))
    scope = resolve_scope(demo, case=case.number)
    assert _scoped_ids(demo, scope, Case) == {case.id}
    assert _scoped_ids(demo, scope, DisputeZone) == {z.id for z in case.zones}
    assert _scoped_ids(demo, scope, Meeting) == {m.id for m in case.meetings}
    assert _scoped_ids(demo, scope, Inspection) == {i.id for i in case.inspections}


def test_limits_are_those_around_the_scope(demo):
    zone = demo.scalar(select(DisputeZone).order_by(DisputeZone.id))
    limits = _scoped_ids(demo, Scope.zone(zone.id), BoundaryVersion)
    minx, miny, maxx, maxy = zone.geometry.buffer(0.01).bounds
    expected = {
        v.id for v in demo.scalars(select(BoundaryVersion))
        if v.min_x <= maxx and v.max_x >= minx and v.min_y <= maxy and v.max_y >= miny
    }
    assert limits == expected and limits


@pytest.mark.parametrize("model", [DisputeZone, Meeting, Inspection, Finding, Site, Agreement])
def test_a_record_outside_the_scope_is_not_found_by_id(demo_with_agreement, model):
    demo = demo_with_agreement
    checked = 0
    for zone_id in demo.scalars(select(DisputeZone.id)):
        scope = Scope.zone(zone_id)
        inside = _scoped_ids(demo, scope, model)
        for record_id in set(demo.scalars(select(model.id))) - inside:
            with pytest.raises(NotFoundError):
                get_scoped(demo, scope, model, record_id, "el registro")
            checked += 1
        for record_id in inside:
            assert get_scoped(demo, scope, model, record_id, "el registro").id == record_id
    assert checked, f"the demo should have {model.__name__} records outside some zone"


def test_unknown_zone_or_case_is_a_spanish_error(demo):
    with pytest.raises(NotFoundError, match="no existe la zona «Atlántida»"):
        resolve_scope(demo, zone="Atlántida")
    with pytest.raises(NotFoundError, match="no existe el expediente"):
        resolve_scope(demo, case="X/999")
    with pytest.raises(InvalidInputError):
        resolve_scope(demo, zone="a", case="b")


def test_every_layer_reads_only_scoped_records(demo):
    scope = Scope.case(demo.scalar(select(Case.id).order_by(Case.id)))
    for spec in LAYERS:
        records = read_records(demo, spec, scope)
        assert {r.id for r in records} <= _scoped_ids(demo, scope, spec.model)


def test_a_scope_of_some_layers_holds_no_record_of_other_kinds(demo):
    """A map link of the zones: zones, and no meeting, case, site or finding at all."""
    scope = Scope(ScopeKind.ALL, layers=frozenset({"zonas"}))
    assert _scoped_ids(demo, scope, DisputeZone) == set(demo.scalars(select(DisputeZone.id)))
    for model in (Meeting, Case, Site, Finding, Inspection, Agreement, BoundaryVersion):
        assert _scoped_ids(demo, scope, model) == set(), model.__name__
    seen = visible(demo, scope)
    zone = demo.scalar(select(DisputeZone).where(DisputeZone.meetings.any()))
    assert seen.keep(zone.meetings, Meeting) == [] and seen.keep(zone.cases, Case) == []


def test_internal_notes_are_columns_the_scope_decides(demo):
    without, with_notes = Scope(ScopeKind.ALL, notes=False), Scope.everything()
    for name in ("reuniones", "recorridos"):
        spec = layer_spec(name)
        assert "resumen" in spec.internal
        assert "resumen" not in layer_fields(spec, without)
        assert list(layer_fields(spec, with_notes)) == list(spec.fields)
    data = export_data(demo, without, ["reuniones", "recorridos"])
    for layer in data.layers.values():
        assert "resumen" not in layer.frame.columns and list(layer.fields) == [
            c for c in layer.frame.columns if c != "geometry"]


def test_the_scope_answers_for_a_collection_or_a_layer_name():
    """The OGC API, the exports and the share page ask the same question of one object."""
    from cases.sharing.features import COLLECTIONS, collections, get_collection

    shared = Scope(ScopeKind.ALL, layers=frozenset({"hallazgos", "sedes"}), notes=False)
    assert [c.id for c in COLLECTIONS if shared.allows(c)] == [c.id for c in collections(shared)]
    assert {c.layer for c in collections(shared)} == {"hallazgos", "sedes"}
    assert shared.allows("sedes") and not shared.allows("zonas")
    with pytest.raises(NotFoundError):
        get_collection("zonas", shared)
    assert all(Scope.zone(7).allows(c) for c in COLLECTIONS)


@pytest.mark.parametrize(("scope", "lists"), [
    (Scope.everything(), True),
    (Scope.zone(1), True),
    (Scope.case(2), True),
    (Scope(ScopeKind.ALL, layers=frozenset({"zonas"})), False),  # a map link: its layers only
])
def test_a_map_scope_shares_layers_not_record_lists(scope, lists):
    assert scope.lists_records is lists


def test_no_share_view_decides_access_itself():
    """Routes ask the scope; none looks at a link's kind, layers or flags on its own."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    views = ["geo_app/sharing/routes.py", "geo_app/sharing/ogcapi.py", "geo_app/exports/routes.py"]
    found = [f"{name}: {line.strip()}" for name in views
             for line in (root / name).read_text("utf-8").splitlines()
             if re.search(r"\bscope_kind\b|\blink\.(layers|include_\w+)\b|allows_layer", line)]
    assert found == []
