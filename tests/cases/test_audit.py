import datetime as dt
import uuid

import geopandas as gpd
import pytest
from limites_testing import demo_editor, demo_zone
from limites_testing_field import photo
from shapely import box
from sqlalchemy import event, func, select
from sqlalchemy.orm.exc import StaleDataError

from cases.errors import InvalidInputError, NotFoundError, StaleRecordError
from cases.fieldwork.attachments import AttachmentStore, attach_link
from cases.fieldwork.phone_sync import parse_capture, sync_capture
from cases.fieldwork.recording import PhotoUpload, add_field_finding, add_inspection
from cases.frames.importer import import_boundaries
from cases.frames.stored_layers import disputes_frame
from cases.records import audit, lifecycle, queries
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Agreement,
    AuditAction,
    AuditEntry,
    BoundaryImport,
    BoundaryVersion,
    Indicator,
    Inspection,
    Meeting,
    Municipality,
    ZoneStatus,
)


def test_an_update_keeps_only_the_changed_fields(demo):
    with unit_of_work(demo):
        zone, editor = demo_zone(demo), demo_editor(demo)
        before = audit.snapshot(zone)
        zone.status = ZoneStatus.AT_COMMISSION
        entry = audit.record_change(demo, editor, AuditAction.STATUS, zone,
                                    before=before, after=audit.snapshot(zone))
    assert entry.before.keys() == {"status"} and entry.after == {"status": "en_comision"}
    assert entry.username == "editora" and entry.user_id == editor.id
    assert entry.at.tzinfo is not None
    with demo.begin():
        assert [e.id for e in audit.history(demo, demo_zone(demo))] == [entry.id]


def test_snapshots_hold_no_secrets_nor_raw_geometry(demo):
    with demo.begin():
        zone = audit.snapshot(demo_zone(demo))
        user = audit.snapshot(demo_editor(demo))
    assert zone["geometry"].startswith("MultiPolygon, ") and "vértices" in zone["geometry"]
    assert not {"min_x", "version", "deleted_at"} & zone.keys()
    assert not {"password_hash", "session_version"} & user.keys()


def test_entries_filter_and_csv_for_excel(demo):
    with unit_of_work(demo):
        editor = demo_editor(demo)
        zone = demo_zone(demo)
        audit.record_change(demo, editor, AuditAction.UPDATE, zone,
                            before={"description": "a"}, after={"description": "=HYPERLINK()"})
    with demo.begin():
        assert len(audit.entries(demo, audit.AuditFilter(username="editora"))) == 1
        assert len(audit.entries(demo, audit.AuditFilter(action=AuditAction.CREATE))) == 3
        assert audit.entries(demo, audit.AuditFilter(record_type="meeting")) == []
        today = dt.datetime.now(dt.UTC).date()
        every = audit.entries(demo)
        assert len(every) >= 4  # the demo's accounts and frame, and the edit above
        assert len(audit.entries(demo, audit.AuditFilter(since=today, until=today))) == len(every)
        assert audit.entries(demo, audit.AuditFilter(until=today - dt.timedelta(days=1))) == []
        text = audit.to_csv(audit.entries(demo, audit.AuditFilter(username="editora")))
    assert text.startswith("\ufeffFecha y hora (ISO 8601),Usuario,Acción")
    assert "+00:00,editora," in text  # ISO 8601 with its offset
    assert "Zona en disputa" in text and "Colonia Ejidal" in text
    assert "'=HYPERLINK()" in text  # a formula never runs in the spreadsheet


def test_deleted_zone_disappears_everywhere_and_comes_back(demo):
    with unit_of_work(demo):
        zone = demo_zone(demo)
        zone_id, meetings = zone.id, [m.id for m in zone.meetings]
        lifecycle.soft_delete(demo, demo_editor(demo), zone)
    demo.expunge_all()
    with demo.begin():
        assert zone_id not in {z.id for z in queries.list_zones(demo)}
        assert zone_id not in {z.id for z in queries.overview_records(demo, None).zones}
        assert zone_id not in set(disputes_frame(demo)["zone_id"])
        assert sum(n for _, n in queries.dashboard(demo).zones_by_status) == 4
        with pytest.raises(NotFoundError):
            queries.get_zone(demo, zone_id)
        for meeting in demo.scalars(select(Meeting).where(Meeting.id.in_(meetings))):
            assert zone_id not in {z.id for z in meeting.zones}
        trash = lifecycle.deleted_records(demo)
        assert [(t.type.name, t.record.id, t.deleted_by) for t in trash] == [
            ("dispute_zone", zone_id, "editora")
        ]
    with unit_of_work(demo):
        lifecycle.restore(demo, None, "dispute_zone", zone_id)
    with demo.begin():
        assert zone_id in {z.id for z in queries.list_zones(demo)}
        actions = [e.action for e in audit.history(demo, queries.get_zone(demo, zone_id))]
    assert actions == [AuditAction.RESTORE, AuditAction.DELETE]


def test_a_meeting_goes_to_the_papelera_with_its_agreements(demo_with_agreement):
    demo = demo_with_agreement
    with unit_of_work(demo):
        meeting = demo.scalar(select(Meeting).where(Meeting.agreements.any()))
        meeting_id, count = meeting.id, len(meeting.agreements)
        lifecycle.soft_delete(demo, None, meeting)
    demo.expunge_all()
    with demo.begin():
        total = demo.scalar(select(func.count()).select_from(Agreement))
        hidden = demo.scalar(lifecycle.including_deleted(
            select(func.count()).select_from(Agreement)
        ))
        assert hidden - total == count
        assert [t.type.name for t in lifecycle.deleted_records(demo)] == ["meeting"]
    with unit_of_work(demo):
        lifecycle.restore(demo, None, "meeting", meeting_id)
    with demo.begin():
        assert len(demo.get(Meeting, meeting_id).agreements) == count
    with pytest.raises(NotFoundError, match="no está en la papelera"), unit_of_work(demo):
        lifecycle.restore(demo, None, "meeting", meeting_id)


def test_versions_refuse_stale_writes(demo, session_factory):
    with unit_of_work(demo):
        zone = demo_zone(demo)
        assert zone.version == 1
        zone.description = "nueva descripción"
    assert zone.version == 2
    with pytest.raises(StaleRecordError, match="versión 2") as caught:
        lifecycle.check_version(zone, 1)
    assert caught.value.status_code == 409 and caught.value.current == 2
    lifecycle.check_version(zone, 2)
    with session_factory() as other, other.begin():
        demo_zone(other).description = "otra persona"
    with pytest.raises(StaleDataError), unit_of_work(demo):
        zone.description = "cambio basado en la versión 2"


# -- imports, field work and attachments -----------------------------------------------------

NEW_FRAME = gpd.GeoDataFrame(
    {"CVEGEO": ["20001"], "NOMGEO": ["Municipio de prueba"]},
    geometry=[box(-96.76, 17.03, -96.70, 17.09)], crs="EPSG:4326",
)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _entries_of(session, record_type: str) -> list[AuditEntry]:
    return session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == record_type).order_by(AuditEntry.id)
    ).all()


def test_an_import_is_one_audit_entry_with_its_file_counts_frame_and_author(demo):
    with unit_of_work(demo):
        summary = import_boundaries(
            demo, NEW_FRAME, source="Límites 2026", file_name="datos/limites_2026.geojson",
            frame_name="Marco de prueba", actor=demo_editor(demo),
        )
    with demo.begin():
        [entry] = _entries_of(demo, "boundary_import")
        run = demo.get(BoundaryImport, entry.record_id)
    assert (entry.action, entry.username, entry.before) == (AuditAction.CREATE, "editora", None)
    assert entry.record_label == "limites_2026.geojson → Marco de prueba"
    assert {k: entry.after[k] for k in ("source", "file_name", "kind", "frame_name", "read",
                                        "added", "unchanged", "municipalities_created")} == {
        "source": "Límites 2026", "file_name": "limites_2026.geojson", "kind": "oficial",
        "frame_name": "Marco de prueba", "read": 1, "added": 1, "unchanged": 0,
        "municipalities_created": 1,
    }
    assert entry.after["activated"] is False and summary.frame_in_force != "Marco de prueba"
    assert run.frame.name == "Marco de prueba"


def test_an_import_that_puts_its_frame_in_force_audits_both_by_the_command_line(demo):
    with unit_of_work(demo):
        import_boundaries(demo, NEW_FRAME, source="Límites 2026", frame_name="Marco de prueba",
                          activate=True)
    with demo.begin():
        [run] = _entries_of(demo, "boundary_import")
        switch = _entries_of(demo, "boundary_frame")[-1]
    assert run.after["activated"] is True and switch.after["marco_vigente"] == "Marco de prueba"
    assert run.username == switch.username == audit.COMMAND_LINE
    assert run.user_id is None


@pytest.mark.parametrize("failure", ["bad-code", "late"])
def test_a_failed_import_writes_no_audit_entry(demo, monkeypatch, failure):
    frame = NEW_FRAME.assign(CVEGEO=["2001"]) if failure == "bad-code" else NEW_FRAME

    def broken(*args, **kwargs):
        raise RuntimeError("falla a mitad de la importación")

    # After the versions were added and the run recorded in the session: all rolled back.
    monkeypatch.setattr("cases.frames.importer.activate_frame", broken)
    with demo.begin():
        before = {m: _count(demo, m) for m in (AuditEntry, BoundaryImport, BoundaryVersion)}
    with pytest.raises((InvalidInputError, RuntimeError)), unit_of_work(demo):
        import_boundaries(demo, frame, source="Límites 2026", frame_name="Marco de prueba",
                          activate=True, actor=demo_editor(demo))
    with demo.begin():
        assert {m: _count(demo, m) for m in before} == before


def _inspection(session, actor=None, title="Recorrido auditado") -> Inspection:
    return add_inspection(session, title=title, started_on=dt.date(2025, 6, 2), track=None,
                          participants=["Ana Pérez"], actor=actor)


def test_inspection_finding_and_photo_are_audited_in_the_inspections_history(demo, tmp_path):
    store = AttachmentStore(tmp_path)
    with unit_of_work(demo):
        editor = demo_editor(demo)
        inspection = _inspection(demo, editor)
        finding = add_field_finding(
            demo, store, inspection.id, "residuos_solidos", note="Bolsas",
            photo=PhotoUpload(photo(), "bolsas.jpg"), actor=editor,
        )
    with demo.begin():
        entries = audit.history(demo, demo.get(Inspection, inspection.id))
    assert [(e.record_type, e.action, e.username) for e in entries] == [
        ("attachment", AuditAction.CREATE, "editora"),
        ("finding", AuditAction.CREATE, "editora"),
        ("inspection", AuditAction.CREATE, "editora"),
    ]
    attachment, found, created = entries
    assert created.before is None and created.after["title"] == "Recorrido auditado"
    assert created.after["participants"] == ["Ana Pérez"]
    # The page lists what the new record holds, not its blank columns.
    shown = {field for field, _, _ in audit.changed_fields(created)}
    assert "title" in shown and "place" not in shown and created.after["place"] == ""
    assert found.record_id == finding.id and found.after["category"] == "residuos_solidos"
    assert found.after["geometry"].startswith("Point, 1 vértices")
    assert found.after["official_municipality_id"] is not None  # derived before the entry
    assert attachment.after["kind"] == "foto" and attachment.after["finding_id"] == finding.id
    assert attachment.after["original_name"] == "bolsas.jpg"
    assert attachment.record_label == "Fotografía: bolsas.jpg"


def test_field_work_from_the_command_line_is_audited_as_such(demo):
    with unit_of_work(demo):
        inspection = _inspection(demo)
        add_field_finding(demo, None, inspection.id, "otro", lon=-96.7256, lat=17.0624)
    with demo.begin():
        entries = audit.history(demo, demo.get(Inspection, inspection.id))
    assert [(e.record_type, e.username, e.user_id) for e in entries] == [
        ("finding", audit.COMMAND_LINE, None), ("inspection", audit.COMMAND_LINE, None),
    ]


def test_refused_field_work_writes_no_audit_entry(demo):
    with demo.begin():
        before = _count(demo, AuditEntry)
        inspection_id = demo.scalar(select(Inspection.id).limit(1))
    with pytest.raises(InvalidInputError), unit_of_work(demo):
        add_field_finding(demo, None, inspection_id, "contaminacion_agua", lon=2.35, lat=48.85,
                          actor=demo_editor(demo))
    with pytest.raises(InvalidInputError), unit_of_work(demo):
        _inspection(demo, demo_editor(demo), title="x" * 400)
    with demo.begin():
        assert _count(demo, AuditEntry) == before


def test_a_link_attached_to_a_meeting_is_in_its_history(demo):
    with unit_of_work(demo):
        meeting = demo.scalar(select(Meeting).order_by(Meeting.id).limit(1))
        link = attach_link(demo, meeting, "https://example.org/acta", "Acta firmada",
                           actor=demo_editor(demo))
    with demo.begin():
        [entry] = audit.history(demo, demo.get(Meeting, meeting.id))
    assert (entry.record_type, entry.record_id, entry.username) == ("attachment", link.id,
                                                                    "editora")
    assert entry.after["url"] == "https://example.org/acta"
    assert entry.after["meeting_id"] == meeting.id and entry.before is None


def test_a_longer_track_from_the_phone_is_audited_as_an_update(demo):
    points = [{"lon": -96.7256 + i * 0.001, "lat": 17.0624, "precision": 5} for i in range(6)]
    doc = {"recorrido": {"uuid": str(uuid.uuid4()), "fecha": "2025-06-02"},
           "puntos": points[:3], "hallazgos": []}
    with unit_of_work(demo):
        inspection, _ = sync_capture(demo, parse_capture(doc), None, demo_editor(demo))
    with unit_of_work(demo):
        sync_capture(demo, parse_capture({**doc, "puntos": points}), None, None)
    with demo.begin():
        update, create = audit.history(demo, demo.get(Inspection, inspection.id))
    assert (create.action, create.username) == (AuditAction.CREATE, "editora")
    assert (update.action, update.username) == (AuditAction.UPDATE, audit.COMMAND_LINE)
    assert update.before["route_points_read"] == 3 and update.after["route_points_read"] == 6
    assert update.before["route_length_m"] < update.after["route_length_m"]


def test_names_of_a_page_of_history_are_looked_up_in_one_query_per_table(demo, tmp_path):
    with unit_of_work(demo):
        editor = demo_editor(demo)
        meetings = demo.scalars(select(Meeting).order_by(Meeting.id)).all()
        indicators = demo.scalars(select(Indicator).order_by(Indicator.id)).all()
        town = demo.scalars(select(Municipality).order_by(Municipality.id)).first()
        for meeting, indicator in zip(meetings, indicators, strict=False):
            audit.record_change(demo, editor, AuditAction.UPDATE, meeting,
                                before={"indicator_id": 424242},
                                after={"indicator_id": indicator.id})
        inspection = _inspection(demo, editor, "Recorrido de los reclamos")
        finding = add_field_finding(
            demo, AttachmentStore(tmp_path), inspection.id, "otro", note="Mojonera removida",
            photo=PhotoUpload(photo(), "mojonera.jpg"), actor=editor,
        )
        audit.record_change(demo, editor, AuditAction.UPDATE, finding, before={}, after={
            "official_municipality_id": town.id, "claims": {"Villa Norte": town.cvegeo}})
    with demo.begin():
        rows = audit.entries(demo)
        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(demo.get_bind(), "before_cursor_execute", listen)
        try:
            refs = audit.references(demo, rows)
        finally:
            event.remove(demo.get_bind(), "before_cursor_execute", listen)
    # one query per table named (and one for the INEGI codes of claims), never one per entry
    assert len(statements) == len(set(statements)) < len(rows), statements
    assert refs.get("indicator", indicators[0].id) == audit.Reference(
        indicators[0].name, indicators[0].key)
    assert refs.get("indicator", 424242) is None  # gone: the page says «(eliminado) #424242»
    assert refs.get("municipality", town.id).name == town.name
    assert refs.municipalities[town.cvegeo] == town.name
    assert audit.field_kind("finding", "river_bank") == audit.FieldKind()
    assert audit.field_label("claims") == "Reclamos"
