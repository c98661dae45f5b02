import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from cases import audit, queries, records
from cases.db import unit_of_work
from cases.errors import NotFoundError, StaleRecordError
from cases.layers import disputes_frame
from cases.models import (
    Agreement,
    AuditAction,
    DisputeZone,
    Meeting,
    User,
    ZoneStatus,
)


def _zone(session, name="Colonia Ejidal") -> DisputeZone:
    return session.scalar(select(DisputeZone).where(DisputeZone.name == name))


def _editor(session) -> User:
    return session.scalar(select(User).where(User.username == "editora"))


def test_an_update_keeps_only_the_changed_fields(demo):
    with unit_of_work(demo):
        zone, editor = _zone(demo), _editor(demo)
        before = audit.snapshot(zone)
        zone.status = ZoneStatus.AT_COMMISSION
        entry = audit.record_change(demo, editor, AuditAction.STATUS, zone,
                                    before=before, after=audit.snapshot(zone))
    assert entry.before.keys() == {"status"} and entry.after == {"status": "en_comision"}
    assert entry.username == "editora" and entry.user_id == editor.id
    assert entry.at.tzinfo is not None
    with demo.begin():
        assert [e.id for e in audit.history(demo, _zone(demo))] == [entry.id]


def test_snapshots_hold_no_secrets_nor_raw_geometry(demo):
    with demo.begin():
        zone = audit.snapshot(_zone(demo))
        user = audit.snapshot(_editor(demo))
    assert zone["geometry"].startswith("MultiPolygon, ") and "vértices" in zone["geometry"]
    assert not {"min_x", "version", "deleted_at"} & zone.keys()
    assert not {"password_hash", "session_version"} & user.keys()


def test_entries_filter_and_csv_for_excel(demo):
    with unit_of_work(demo):
        editor = _editor(demo)
        zone = _zone(demo)
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
    assert text.startswith("\ufeffFecha y hora (UTC),Usuario,Acción")
    assert "Zona en disputa" in text and "Colonia Ejidal" in text
    assert "'=HYPERLINK()" in text  # a formula never runs in the spreadsheet


def test_deleted_zone_disappears_everywhere_and_comes_back(demo):
    with unit_of_work(demo):
        zone = _zone(demo)
        zone_id, meetings = zone.id, [m.id for m in zone.meetings]
        records.soft_delete(demo, _editor(demo), zone)
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
        trash = records.deleted_records(demo)
        assert [(t.type.name, t.record.id, t.deleted_by) for t in trash] == [
            ("dispute_zone", zone_id, "editora")
        ]
    with unit_of_work(demo):
        records.restore(demo, None, "dispute_zone", zone_id)
    with demo.begin():
        assert zone_id in {z.id for z in queries.list_zones(demo)}
        actions = [e.action for e in audit.history(demo, queries.get_zone(demo, zone_id))]
    assert actions == [AuditAction.RESTORE, AuditAction.DELETE]


def test_a_meeting_goes_to_the_papelera_with_its_agreements(demo_with_agreement):
    demo = demo_with_agreement
    with unit_of_work(demo):
        meeting = demo.scalar(select(Meeting).where(Meeting.agreements.any()))
        meeting_id, count = meeting.id, len(meeting.agreements)
        records.soft_delete(demo, None, meeting)
    demo.expunge_all()
    with demo.begin():
        total = demo.scalar(select(func.count()).select_from(Agreement))
        hidden = demo.scalar(records.including_deleted(
            select(func.count()).select_from(Agreement)
        ))
        assert hidden - total == count
        assert [t.type.name for t in records.deleted_records(demo)] == ["meeting"]
    with unit_of_work(demo):
        records.restore(demo, None, "meeting", meeting_id)
    with demo.begin():
        assert len(demo.get(Meeting, meeting_id).agreements) == count
    with pytest.raises(NotFoundError, match="no está en la papelera"), unit_of_work(demo):
        records.restore(demo, None, "meeting", meeting_id)


def test_versions_refuse_stale_writes(demo, session_factory):
    with unit_of_work(demo):
        zone = _zone(demo)
        assert zone.version == 1
        zone.description = "nueva descripción"
    assert zone.version == 2
    with pytest.raises(StaleRecordError, match="versión 2") as caught:
        records.check_version(zone, 1)
    assert caught.value.status_code == 409 and caught.value.current == 2
    records.check_version(zone, 2)
    with session_factory() as other, other.begin():
        _zone(other).description = "otra persona"
    with pytest.raises(StaleDataError), unit_of_work(demo):
        zone.description = "cambio basado en la versión 2"
