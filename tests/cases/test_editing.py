import datetime as dt

import pytest
from limites_testing import demo_editor, demo_zone
from shapely.geometry import MultiPolygon, Point, Polygon
from sqlalchemy import func, select

from cases.errors import ConflictError, InvalidInputError, StaleRecordError
from cases.records import editing
from cases.records.audit import history
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Agreement,
    AgreementStatus,
    AuditAction,
    AuditEntry,
    Case,
    CaseStatus,
    DisputeZone,
    Inspection,
    Institution,
    Meeting,
    MeetingKind,
    Person,
    Site,
    StatusChange,
    ZoneKind,
    ZoneStatus,
)


def test_create_meeting_linked_to_zone_is_audited(demo):
    with unit_of_work(demo):
        zone = demo_zone(demo)
        meeting = editing.create_record(demo, demo_editor(demo), Meeting, {
            "date": dt.date(2025, 5, 2), "kind": list(MeetingKind)[0],
            "title": "Mesa de trabajo de prueba", "zones": [zone],
        })
    with demo.begin():
        meeting = demo.get(Meeting, meeting.id)
        assert [z.name for z in meeting.zones] == ["Colonia Ejidal"]
        [entry] = history(demo, meeting)
        assert entry.action is AuditAction.CREATE and entry.username == "editora"
        assert entry.after["title"] == "Mesa de trabajo de prueba"


def test_zone_status_change_keeps_history_and_audit(demo):
    with unit_of_work(demo):
        zone = demo_zone(demo)
        old = zone.status
        editing.update_record(demo, demo_editor(demo), zone,
                              {"status": ZoneStatus.AT_COMMISSION,
                               "status_note": "Turnada a la Comisión"}, zone.version)
    with demo.begin():
        zone = demo_zone(demo)
        [change] = editing.status_history(demo, zone)
        assert (change.from_status, change.to_status) == (old.value, "en_comision")
        assert change.note == "Turnada a la Comisión" and change.username == "editora"
        assert history(demo, zone)[0].action is AuditAction.STATUS


def test_stale_version_is_refused_and_nothing_written(demo):
    with demo.begin():
        zone = demo_zone(demo)
        version = zone.version
    with unit_of_work(demo):
        editing.update_record(
            demo, demo_editor(demo), demo_zone(demo), {"description": "uno"}, version
        )
    with pytest.raises(StaleRecordError) as caught, unit_of_work(demo):
        editing.update_record(
            demo, demo_editor(demo), demo_zone(demo), {"description": "dos"}, version
        )
    assert caught.value.status_code == 409
    with demo.begin():
        assert demo_zone(demo).description == "uno"
        assert demo.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.after["description"].as_string() == "dos")) == 0


def test_case_and_agreement_status_history(demo_with_agreement):
    demo = demo_with_agreement
    with unit_of_work(demo):
        case = editing.create_record(demo, demo_editor(demo), Case, {
            "number": "UL/2025/999", "title": "Prueba", "opened_on": dt.date(2025, 4, 1),
            "status": CaseStatus.OPEN,
        })
        editing.update_record(demo, demo_editor(demo), case, {"status": CaseStatus.CLOSED},
                              case.version)
        agreement = demo.scalar(select(Agreement))
        editing.update_record(demo, None, agreement, {"status": AgreementStatus.DONE}
                              if hasattr(AgreementStatus, "DONE") else
                              {"status": list(AgreementStatus)[-1]}, agreement.version)
    with demo.begin():
        steps = editing.status_history(demo, demo.get(Case, case.id))
        assert [(s.from_status, s.to_status) for s in steps] == [
            (None, "abierto"), ("abierto", "cerrado")]
        [step] = editing.status_history(demo, demo.scalar(select(Agreement)))
        assert step.username == "(línea de comandos)"


def test_site_institution_person_create_update_delete(demo):
    editor = None
    with unit_of_work(demo):
        editor = demo_editor(demo)
        site = editing.create_record(demo, editor, Site, {
            "name": "Puente de prueba", "geometry": Point(-98.2, 19.05)})
        inst = editing.create_record(demo, editor, Institution, {
            "name": "Instituto de Prueba", "short_name": "IP",
            "kind": demo.scalar(select(Institution)).kind})
        person = editing.create_record(demo, editor, Person, {
            "name": "Ana Pérez", "position": "Directora", "institution": inst})
    with unit_of_work(demo):
        editing.update_record(demo, editor, person, {"position": "Titular"}, person.version)
        editing.delete_record(demo, editor, site, site.version)
    with demo.begin():
        assert demo.get(Person, person.id).position == "Titular"
        assert demo.scalar(select(Site).where(Site.name == "Puente de prueba")) is None
        assert [e.action for e in history(demo, person)] == [AuditAction.UPDATE,
                                                              AuditAction.CREATE]


def test_bad_input_writes_nothing(demo):
    with demo.begin():
        count = demo.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(InvalidInputError, match="Falta el título"), unit_of_work(demo):
        editing.create_record(demo, demo_editor(demo), Meeting, {
            "date": dt.date(2025, 5, 2), "kind": list(MeetingKind)[0], "title": "  "})
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    with pytest.raises(InvalidInputError, match="no es válido"), unit_of_work(demo):
        editing.create_record(demo, demo_editor(demo), DisputeZone, {
            "name": "Moño", "kind": ZoneKind.COLONIA, "geometry": bowtie})
    with pytest.raises(ConflictError, match="Ya existe"), unit_of_work(demo):
        editing.create_record(demo, demo_editor(demo), DisputeZone, {
            "name": "Colonia Ejidal", "kind": ZoneKind.COLONIA,
            "geometry": MultiPolygon([Polygon([(-98.2, 19), (-98.1, 19), (-98.1, 19.1)])])})
    with demo.begin():
        assert demo.scalar(select(func.count()).select_from(AuditEntry)) == count
        assert demo.scalar(select(func.count()).select_from(StatusChange)) == 0


def test_new_zone_geometry_recomputes_route_splits(demo):
    with demo.begin():
        inspection = demo.scalar(select(Inspection).where(Inspection.route.is_not(None)))
        route, length = inspection.route, inspection.route_length_m
        before = inspection.route_split
    assert length > 0 and not [p for p in before if "Zona alrededor" in p["names"][0]]
    with unit_of_work(demo):
        editing.create_record(demo, demo_editor(demo), DisputeZone, {
            "name": "Zona alrededor del recorrido", "kind": ZoneKind.PARAJE,
            "geometry": route.buffer(0.001)})
    with demo.begin():
        after = demo.get(Inspection, inspection.id).route_split
    # The whole route runs inside the new zone; its split by municipality is unchanged.
    [around] = [p for p in after if p["names"] == ["Zona alrededor del recorrido"]]
    assert around["kind"] == "dispute"
    assert around["length_m"] == pytest.approx(length, rel=1e-6)
    assert around["share"] == pytest.approx(1.0, rel=1e-6)
    municipalities = [p for p in before if p["kind"] == "municipality"]
    assert municipalities and [p for p in after if p["kind"] == "municipality"] == municipalities


def test_prepare_geometry_repairs_or_refuses():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    shape, notes = editing.prepare_geometry(DisputeZone, bowtie)
    assert shape.is_valid and shape.geom_type == "MultiPolygon" and "se reparó" in notes[0]
    with pytest.raises(InvalidInputError, match="ningún polígono"):
        editing.prepare_geometry(DisputeZone, Polygon([(0, 0), (1, 1), (2, 2)]))
    point, notes = editing.prepare_geometry(Site, Polygon([(0, 0), (1, 0), (1, 1)]))
    assert point.geom_type == "Point" and notes


def test_geometry_from_geojson_file(tmp_path):
    import json

    path = tmp_path / "zona.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": {
        "type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": [{"type": "Feature", "properties": {}, "geometry": {
            "type": "Polygon", "coordinates": [[[-96.7, 17.0], [-96.6, 17.0],
                                                [-96.6, 17.1], [-96.7, 17.0]]]}}]}))
    shape, notes = editing.geometry_from_file(DisputeZone, path, "zona.geojson")
    assert shape.geom_type == "MultiPolygon" and notes == []
