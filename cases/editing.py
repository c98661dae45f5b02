"""Desk editing: create, update and send to the Papelera the records staff keep.

One set of use cases for dispute zones, cases, meetings, agreements, sites, institutions and
people. Each takes the caller's :class:`~sqlalchemy.orm.Session` and never commits (wrap
it in :func:`cases.db.unit_of_work`); each writes its audit entry (before/after snapshots)
in that same transaction. An update is refused with
:class:`~cases.errors.StaleRecordError` (409) when the record changed since its form was
built. A change of status of a zone, a case or an agreement also leaves a
:class:`~cases.models.StatusChange` row for the record's timeline, and a new zone geometry
recomputes the derived facts that depend on it (route splits and findings' shared flags).
"""

from __future__ import annotations

from typing import Any

from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases.audit import record_change, snapshot
from cases.derived import annotate_findings, annotate_routes
from cases.errors import ConflictError, InvalidInputError
from cases.models import (
    Agreement,
    AuditAction,
    Case,
    DisputeZone,
    EditableMixin,
    Finding,
    Inspection,
    Institution,
    Meeting,
    MeetingParticipant,
    Person,
    Site,
    StatusChange,
    User,
    utcnow,
)
from cases.record_types import record_type_of
from cases.records import check_version, soft_delete, touch

__all__ = [
    "EDITABLE",
    "STATUS_TRACKED",
    "create_record",
    "update_record",
    "delete_record",
    "status_history",
]

# The models this module edits, with the fields a form may set (columns and collections).
EDITABLE: dict[type, frozenset[str]] = {
    DisputeZone: frozenset({"name", "kind", "status", "description", "geometry",
                            "municipalities"}),
    Case: frozenset({"number", "title", "status", "description", "opened_on", "closed_on",
                     "zones", "parties"}),
    Meeting: frozenset({"date", "kind", "title", "place", "venue", "purpose", "summary",
                        "participants", "institutions", "zones", "cases", "sites", "people"}),
    Agreement: frozenset({"meeting", "text", "responsible", "due_date", "status"}),
    Site: frozenset({"name", "description", "geometry"}),
    Institution: frozenset({"name", "short_name", "kind", "municipality"}),
    Person: frozenset({"name", "position", "institution"}),
}
# The records whose status changes keep a history.
STATUS_TRACKED = (DisputeZone, Case, Agreement)
# Fields that must hold something, in the words a form shows.
_REQUIRED: dict[type, dict[str, str]] = {
    DisputeZone: {"name": "el nombre", "kind": "el tipo", "geometry": "el polígono"},
    Case: {"number": "el número", "title": "el título", "opened_on": "la fecha de apertura"},
    Meeting: {"date": "la fecha", "kind": "el tipo", "title": "el título"},
    Agreement: {"meeting": "la reunión", "text": "el texto"},
    Site: {"name": "el nombre", "geometry": "el punto"},
    Institution: {"name": "el nombre", "short_name": "el nombre corto", "kind": "el tipo"},
    Person: {"position": "el cargo"},
}


def _check_fields(model: type, values: dict[str, Any]) -> None:
    if model not in EDITABLE:
        raise InvalidInputError(f"no se editan registros de tipo {model.__name__} aquí")
    unknown = set(values) - EDITABLE[model] - {"status_note"}
    if unknown:
        raise InvalidInputError(f"campos desconocidos: {', '.join(sorted(unknown))}")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_required(record: object) -> None:
    for field, words in _REQUIRED[type(record)].items():
        if _empty(getattr(record, field)):
            raise InvalidInputError(f"Falta {words}.")


def _normalise_geometry(model: type, geometry: BaseGeometry | None) -> BaseGeometry | None:
    """The stored shape of a zone (MultiPolygon, valid) or a site (Point)."""
    if geometry is None:
        return None
    if model is DisputeZone:
        if isinstance(geometry, Polygon):
            geometry = MultiPolygon([geometry])
        if not isinstance(geometry, MultiPolygon) or geometry.is_empty:
            raise InvalidInputError("La zona necesita un polígono (o varios).")
        if not geometry.is_valid:
            raise InvalidInputError(
                "El polígono no es válido (se cruza consigo mismo o tiene anillos abiertos); "
                "repárelo antes de guardar."
            )
    if model is Site and (not isinstance(geometry, Point) or geometry.is_empty):
        raise InvalidInputError("El sitio necesita un punto.")
    if model is Site and not (-180 <= geometry.x <= 180 and -90 <= geometry.y <= 90):
        raise InvalidInputError("Coordenadas fuera de rango (se espera longitud, latitud).")
    return geometry


def _set_participants(meeting: Meeting, people) -> None:
    """Make ``meeting``'s participants ``people``: ``(Person, ParticipantRole)`` pairs.

    A person already listed keeps their row (its role updated), so no row is deleted and
    inserted again under the same key.
    """
    current = {part.person_id: part for part in meeting.people if part.person_id is not None}
    rows = []
    for person, role in people:
        part = current.get(person.id) or MeetingParticipant(person=person)
        part.role = role
        if part not in rows:
            rows.append(part)
    meeting.people = rows


def _assign(record: object, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``record``; whether the geometry changed."""
    geometry_changed = False
    for field, value in values.items():
        if field == "status_note":
            continue
        if field == "geometry":
            value = _normalise_geometry(type(record), value)
            old = getattr(record, "geometry", None)
            geometry_changed = old is None or value is None or not old.equals(value)
        if field == "people" and isinstance(record, Meeting):
            _set_participants(record, value)
            continue
        if isinstance(value, list | tuple | set):
            setattr(record, field, list(value))
        else:
            setattr(record, field, value)
    return geometry_changed


def _status_change(session: Session, actor: User | None, record: object,
                   old: Any, new: Any, note: str) -> StatusChange:
    from cases.audit import COMMAND_LINE

    change = StatusChange(
        record_type=record_type_of(record).name,
        record_id=record.id,
        at=utcnow(),
        user_id=actor.id if actor is not None else None,
        username=actor.username if actor is not None else COMMAND_LINE,
        from_status=old.value if old is not None else None,
        to_status=new.value,
        note=(note or "").strip(),
    )
    session.add(change)
    return change


def _recompute(session: Session, record: object) -> None:
    """Recompute the derived facts a new zone geometry changes."""
    if isinstance(record, DisputeZone):
        session.flush()
        annotate_routes(session, list(session.scalars(
            select(Inspection).where(Inspection.route.is_not(None)))))
        annotate_findings(session, list(session.scalars(select(Finding))))


def _flush(session: Session, record: object) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise ConflictError(
            f"Ya existe un registro de tipo «{record_type_of(record).label}» con esos datos "
            "(nombre, número o fecha y título repetidos)."
        ) from error


def create_record(session: Session, actor: User | None, model: type,
                  values: dict[str, Any]) -> EditableMixin:
    """Create a ``model`` record from ``values``, audited; returns it (flushed, with an id)."""
    _check_fields(model, values)
    record = model()
    record.deleted_at = None  # in the state, so a later touch() can flag it
    geometry_changed = _assign(record, values)
    _check_required(record)
    session.add(record)
    _flush(session, record)
    record_change(session, actor, AuditAction.CREATE, record, after=snapshot(record))
    if isinstance(record, STATUS_TRACKED) and record.status is not None:
        _status_change(session, actor, record, None, record.status,
                       values.get("status_note") or "Estado inicial")
    if geometry_changed:
        _recompute(session, record)
    return record


def update_record(session: Session, actor: User | None, record: EditableMixin,
                  values: dict[str, Any], expected_version: int | None) -> EditableMixin:
    """Change ``record`` to ``values``, refusing a stale form (409), audited.

    ``values["status_note"]`` (optional) explains a change of status.
    """
    _check_fields(type(record), values)
    check_version(record, expected_version)
    before = snapshot(record)
    old_status = getattr(record, "status", None)
    geometry_changed = _assign(record, values)
    _check_required(record)
    touch(record)
    _flush(session, record)
    after = snapshot(record)
    new_status = getattr(record, "status", None)
    status_changed = isinstance(record, STATUS_TRACKED) and new_status != old_status
    action = AuditAction.STATUS if status_changed and set(
        k for k in before if before.get(k) != after.get(k)) == {"status"} else AuditAction.UPDATE
    record_change(session, actor, action, record, before=before, after=after)
    if status_changed:
        _status_change(session, actor, record, old_status, new_status,
                       values.get("status_note", ""))
    if geometry_changed:
        _recompute(session, record)
    return record


def delete_record(session: Session, actor: User | None, record: EditableMixin,
                  expected_version: int | None = None) -> None:
    """Send ``record`` to the Papelera (version-checked, audited)."""
    check_version(record, expected_version)
    soft_delete(session, actor, record)
    if isinstance(record, DisputeZone):
        _recompute(session, record)


def status_history(session: Session, record: object) -> list[StatusChange]:
    """The status changes of ``record``, oldest first (the timeline's order)."""
    return list(session.scalars(
        select(StatusChange)
        .where(StatusChange.record_type == record_type_of(record).name,
               StatusChange.record_id == record.id)
        .order_by(StatusChange.at, StatusChange.id)
    ))


_GEOS_REASONS = {
    "Ring Self-intersection": "un anillo se cruza consigo mismo",
    "Self-intersection": "el contorno se cruza consigo mismo",
    "Too few points": "tiene muy pocos vértices",
    "Hole lies outside shell": "un hueco queda fuera del contorno",
    "Nested shells": "hay contornos anidados",
    "Interior is disconnected": "el interior queda partido",
    "Duplicate Rings": "hay anillos repetidos",
    "Invalid Coordinate": "hay coordenadas no válidas",
}


def invalidity(geometry: BaseGeometry) -> str:
    """Why ``geometry`` is not valid, in Spanish (GEOS says it in English)."""
    import shapely

    reason = shapely.is_valid_reason(geometry)
    for english, spanish in _GEOS_REASONS.items():
        if reason.startswith(english):
            return spanish + reason[len(english):].replace("[", " en [")
    return reason


def prepare_geometry(model: type, geometry: BaseGeometry | None) -> tuple[BaseGeometry, list[str]]:
    """A drawn or uploaded shape made storable for ``model``, with notes of what was done.

    A zone keeps the polygons of ``geometry`` (lines and points dropped, saying so); an
    invalid polygon is repaired with :func:`shapely.make_valid`, saying so, and refused
    when nothing of it remains. A site takes a point (the centre of anything else, saying so).
    """
    import shapely

    if geometry is None or geometry.is_empty:
        raise InvalidInputError("El archivo o el dibujo no tiene ninguna geometría.")
    notes: list[str] = []
    if model is Site:
        if not isinstance(geometry, Point):
            geometry = geometry.representative_point()
            notes.append("El sitio se colocó en un punto interior de la figura enviada.")
        return _normalise_geometry(Site, geometry), notes
    if not geometry.is_valid:
        reason = invalidity(geometry)
        geometry = shapely.make_valid(geometry)
        notes.append(f"El polígono no era válido ({reason}); se reparó automáticamente. "
                     "Revise la vista previa antes de guardar.")
    parts = [g for g in getattr(geometry, "geoms", [geometry])
             if isinstance(g, Polygon | MultiPolygon)]
    polygons = [p for g in parts for p in getattr(g, "geoms", [g]) if not p.is_empty]
    if len(parts) < len(getattr(geometry, "geoms", [geometry])):
        notes.append("Se descartaron líneas o puntos: una zona solo guarda polígonos.")
    if not polygons:
        raise InvalidInputError(
            "La geometría no contiene ningún polígono con superficie; dibuje o suba un polígono."
        )
    return _normalise_geometry(DisputeZone, MultiPolygon(polygons)), notes


def geometry_from_file(model: type, path, name: str) -> tuple[BaseGeometry, list[str]]:
    """The shape for ``model`` read from an uploaded GeoJSON, GeoPackage or zipped Shapefile.

    Every feature is merged (zone) or the first point taken (site), in longitude/latitude.
    """
    from shapely import make_valid, union_all

    from cases.layers import read_file

    frame = read_file(path)
    if frame.crs is not None:
        frame = frame.to_crs(4326)
    shapes = [g for g in frame.geometry if g is not None and not g.is_empty]
    if not shapes:
        raise InvalidInputError(f"«{name}» no tiene ninguna geometría.")
    if model is Site:
        points = [g for g in shapes if isinstance(g, Point)]
        return prepare_geometry(Site, points[0] if points else shapes[0])
    notes = [] if len(shapes) == 1 else [f"Se unieron las {len(shapes)} figuras del archivo."]
    invalid = [g for g in shapes if not g.is_valid]
    if invalid:
        notes.append(
            f"{len(invalid)} figura(s) del archivo no eran válidas ({invalidity(invalid[0])}); "
            "se repararon automáticamente. Revise la vista previa antes de guardar.")
    valid = [g if g.is_valid else make_valid(g) for g in shapes]
    geometry, more = prepare_geometry(DisputeZone, union_all(valid))
    return geometry, notes + more
