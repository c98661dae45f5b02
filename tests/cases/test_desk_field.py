import datetime as dt

import pytest
from limites_testing import demo_editor
from limites_testing_field import IN_OAXACA, IN_OVERLAP, gpx, photo
from shapely.geometry import LineString, MultiPolygon, Point
from sqlalchemy import func, select

from cases.errors import InvalidInputError, StaleRecordError
from cases.fieldwork import desk
from cases.fieldwork.attachments import AttachmentStore
from cases.fieldwork.recording import PhotoUpload
from cases.records import editing
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Attachment,
    AuditAction,
    AuditEntry,
    DisputeZone,
    Finding,
    FindingCategory,
    Inspection,
    ParticipantRole,
    Person,
    Site,
)


def _counts(session) -> dict[str, int]:
    return {m.__name__: session.scalar(select(func.count()).select_from(m))
            for m in (Inspection, Finding, Attachment, AuditEntry)}


def test_inspection_created_with_its_route_split_and_people(demo):
    with unit_of_work(demo):
        [person] = editing.records_by_id(demo, Person, [editing.catalogue(demo, Person)[0].id])
        inspection = editing.create_record(demo, demo_editor(demo), Inspection, {
            "title": "Recorrido de prueba", "started_on": dt.date(2025, 5, 15),
            "route": LineString([IN_OAXACA, IN_OVERLAP]), "route_points_read": 2,
            "route_points_kept": 2, "people": [(person, ParticipantRole.PRESIDED)],
        })
    with demo.begin():
        inspection = demo.get(Inspection, inspection.id)
        assert inspection.route.geom_type == "MultiLineString"
        assert inspection.route_length_m > 0 and inspection.route_split
        assert [(p.person_id, p.role) for p in inspection.people] == [
            (person.id, ParticipantRole.PRESIDED)]
        assert demo.scalar(select(AuditEntry).where(
            AuditEntry.record_type == "inspection", AuditEntry.record_id == inspection.id))


def test_inspection_route_change_recomputes_its_split_and_is_version_checked(demo):
    with demo.begin():
        inspection = demo.scalar(select(Inspection).order_by(Inspection.id))
        old_length, version = inspection.route_length_m, inspection.version
    with unit_of_work(demo):
        inspection = demo.get(Inspection, inspection.id)
        editing.update_record(demo, demo_editor(demo), inspection,
                              {"route": LineString([IN_OAXACA, IN_OVERLAP])}, version)
    with demo.begin():
        inspection = demo.get(Inspection, inspection.id)
        assert inspection.route_length_m != old_length
        with pytest.raises(StaleRecordError):
            editing.update_record(demo, demo_editor(demo), inspection, {"title": "x"}, version)


def test_route_preview_filters_jitter_and_refuses_points(demo, tmp_path):
    path = tmp_path / "ruta.gpx"
    dense = [(IN_OAXACA[0] + i * 1e-5, IN_OAXACA[1]) for i in range(50)]
    path.write_text(gpx(dense))
    preview = desk.route_from_file(demo, path, "ruta.gpx", 5.0)
    assert preview.points_read == 50 and preview.points_kept < 50
    assert preview.started_on == dt.date(2025, 5, 15)
    assert any(note.startswith("Por municipio") and "Oaxaca de Juárez" in note
               for note in preview.notes)
    with pytest.raises(InvalidInputError, match="entre 0 y 100"):
        desk.route_from_file(demo, path, "ruta.gpx", 500.0)
    with pytest.raises(InvalidInputError, match="línea"):
        desk.route_from_drawing(demo, Point(IN_OAXACA))


def test_finding_placed_by_its_photo_gps(demo, tmp_path):
    store = AttachmentStore(tmp_path / "adjuntos")
    with unit_of_work(demo):
        inspection = demo.scalar(select(Inspection).order_by(Inspection.id))
        finding, notes = desk.save_finding(demo, demo_editor(demo), store, None, {
            "inspection": inspection, "category": FindingCategory.SOLID_WASTE,
            "description": "Bolsas", "geometry": None,
        }, [PhotoUpload(photo("JPEG", place=IN_OAXACA), "orilla.jpg")])
    assert notes == [desk.PLACED_BY_PHOTO]
    with demo.begin():
        finding = demo.get(Finding, finding.id)
        assert (finding.geometry.x, finding.geometry.y) == pytest.approx(IN_OAXACA, abs=1e-5)
        assert finding.official_municipality is not None and len(finding.attachments) == 1
        entries = demo.scalars(select(AuditEntry).where(
            AuditEntry.record_type == "finding", AuditEntry.record_id == finding.id)).all()
        assert [e.action for e in entries] == [AuditAction.CREATE]
        assert entries[0].after["official_municipality_id"] is not None
        photo_entry = demo.scalars(select(AuditEntry).where(
            AuditEntry.record_type == "attachment",
            AuditEntry.record_id == finding.attachments[0].id)).one()
        assert photo_entry.action is AuditAction.CREATE and photo_entry.username == "editora"


@pytest.mark.parametrize(("geometry", "photos", "field", "message"), [
    (None, [PhotoUpload(photo("JPEG", place=None), "sin_gps.jpg")], "photos",
     "no tiene posición GPS"),
    (None, [], "lon", "Falta el lugar del hallazgo"),
    (Point(2.35, 48.85), [], None, "México"),
])
def test_bad_findings_write_nothing(demo, tmp_path, geometry, photos, field, message):
    store = AttachmentStore(tmp_path / "adjuntos")
    with demo.begin():
        before = _counts(demo)
    with pytest.raises(InvalidInputError, match=message) as caught:
        with unit_of_work(demo):
            inspection = demo.scalar(select(Inspection).order_by(Inspection.id))
            desk.save_finding(demo, demo_editor(demo), store, None, {
                "inspection": inspection, "category": FindingCategory.OTHER,
                "description": "", "geometry": geometry}, photos)
    if field:
        assert caught.value.field == field
    with demo.begin():
        assert _counts(demo) == before


def test_geometry_from_kml_polygon_and_gpx_waypoint(tmp_path):
    kml = tmp_path / "zona.kml"
    kml.write_text('<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>'
                   '-96.73,17.05 -96.71,17.05 -96.71,17.07 -96.73,17.05'
                   '</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>')
    zone, notes = editing.geometry_from_file(DisputeZone, kml, "zona.kml")
    assert isinstance(zone, MultiPolygon) and notes == []
    waypoints = tmp_path / "sitio.gpx"
    waypoints.write_text('<gpx version="1.1"><wpt lat="17.06" lon="-96.72"/></gpx>')
    site, _ = editing.geometry_from_file(Site, waypoints, "sitio.gpx")
    assert (site.x, site.y) == (-96.72, 17.06)
    with pytest.raises(InvalidInputError, match="polígono"):
        editing.geometry_from_file(DisputeZone, waypoints, "sitio.gpx")
