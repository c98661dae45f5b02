"""Desk editing: create, update and send to the Papelera the records staff keep.

One set of use cases for dispute zones, cases, meetings, agreements, inspections, findings,
sites, institutions and people. Each takes the caller's :class:`~sqlalchemy.orm.Session`
and never commits (wrap it in :func:`cases.storage.db.unit_of_work`); each writes its audit entry
(before/after snapshots) in that same transaction. An update is refused with
:class:`~cases.errors.StaleRecordError` (409) when the record changed since its form was
built. A change of status of a zone, a case or an agreement also leaves a
:class:`~cases.storage.models.StatusChange` row for the record's timeline, and a new zone geometry
recomputes the derived facts that depend on it (route splits and findings' shared flags),
as does a new route (its split by municipality and zone) or a finding's new place (its
responsible municipality, shared flag and km along the Atoyac).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shapely import get_coordinates
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from boundaries.errors import TrackCoordinateError
from boundaries.tracks import checked_coordinates, require_in_measure_area
from cases.errors import ConflictError, InvalidInputError, boundary_errors
from cases.frames.derived import annotate_findings, annotate_routes
from cases.records.agreements import local_today
from cases.records.audit import record_change, snapshot
from cases.records.lifecycle import check_version, soft_delete, touch
from cases.records.record_types import record_type_of
from cases.storage.models import (
    MAX_RECORD_ID,
    Agreement,
    AgreementStatus,
    AuditAction,
    Case,
    DisputeZone,
    EditableMixin,
    Finding,
    Inspection,
    InspectionParticipant,
    Institution,
    LimitProposal,
    Meeting,
    MeetingParticipant,
    Person,
    Site,
    StatusChange,
    User,
    utcnow,
)

__all__ = [
    "EDITABLE",
    "STATUS_TRACKED",
    "create_record",
    "update_record",
    "delete_record",
    "status_history",
    "catalogue",
    "records_by_id",
    "record_by_id",
    "prepare_route",
    "AgreementRow",
    "save_agreements",
]

# The models this module edits, with the fields a form may set (columns and collections).
EDITABLE: dict[type, frozenset[str]] = {
    DisputeZone: frozenset({"name", "kind", "status", "description", "geometry",
                            "municipalities"}),
    Case: frozenset({"number", "title", "status", "description", "opened_on", "closed_on",
                     "zones", "parties"}),
    Meeting: frozenset({"date", "start_time", "end_time", "kind", "title", "place", "venue",
                        "purpose", "summary", "participants", "institutions", "zones",
                        "cases", "sites", "people", "indicator"}),
    Agreement: frozenset({"meeting", "inspection", "text", "responsible",
                          "responsible_person", "due_date", "status"}),
    Inspection: frozenset({"title", "started_on", "ended_on", "visit_dates", "start_time",
                           "end_time", "place", "purpose", "summary", "participants",
                           "institutions", "zones", "cases", "people", "route", "indicator",
                           "route_points_read", "route_points_kept"}),
    Finding: frozenset({"inspection", "category", "description", "geometry"}),
    Site: frozenset({"name", "description", "geometry"}),
    Institution: frozenset({"name", "short_name", "kind", "municipality"}),
    Person: frozenset({"name", "position", "institution"}),
    LimitProposal: frozenset({"title", "zone", "municipality_a", "municipality_b", "geometry",
                              "proposed_by", "proposed_on", "status", "origin",
                              "description", "ratified_on", "ratification_reference",
                              "ratification_document", "frame"}),
}
# The records whose status changes keep a history.
STATUS_TRACKED = (DisputeZone, Case, Agreement, LimitProposal)
# Fields that must hold something, in the words a form shows.
_REQUIRED: dict[type, dict[str, str]] = {
    DisputeZone: {"name": "el nombre", "kind": "el tipo", "geometry": "el polígono"},
    Case: {"number": "el número", "title": "el título", "opened_on": "la fecha de apertura"},
    Meeting: {"date": "la fecha", "kind": "el tipo", "title": "el título"},
    Agreement: {"text": "el texto"},
    Inspection: {"title": "el título", "started_on": "la fecha de inicio"},
    Finding: {"inspection": "el recorrido", "category": "la categoría",
              "geometry": "el lugar del hallazgo: márquelo en el mapa, escriba la longitud y "
                          "la latitud o suba una foto con GPS"},
    Site: {"name": "el nombre", "geometry": "el punto"},
    Institution: {"name": "el nombre", "short_name": "el nombre corto", "kind": "el tipo"},
    Person: {"position": "el cargo"},
    LimitProposal: {"title": "el título", "proposed_on": "la fecha de la propuesta",
                    "geometry": "la línea propuesta"},
}


# What a change of status carries besides the status: why, and the day it happened.
_STATUS_FIELDS = {"status_note", "status_on"}


def _check_fields(model: type, values: dict[str, Any]) -> None:
    if model not in EDITABLE:
        raise InvalidInputError(f"no se editan registros de tipo {model.__name__} aquí")
    unknown = set(values) - EDITABLE[model] - _STATUS_FIELDS
    if unknown:
        raise InvalidInputError(f"campos desconocidos: {', '.join(sorted(unknown))}")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# The form field a missing value is shown beside, where it is not the value's own name.
_FIELD_OF = {(Finding, "geometry"): "lon", (Site, "geometry"): "lon"}


def _check_required(record: object) -> None:
    for field, words in _REQUIRED[type(record)].items():
        if _empty(getattr(record, field)):
            raise InvalidInputError(f"Falta {words}.",
                                    field=_FIELD_OF.get((type(record), field), field))
    if isinstance(record, Agreement) and (record.meeting is None) == (record.inspection is None):
        raise InvalidInputError(
            "El acuerdo debe pertenecer a una reunión o a un recorrido (uno solo).",
            field="meeting")
    start, end = getattr(record, "start_time", None), getattr(record, "end_time", None)
    single_day = not getattr(record, "ended_on", None) or record.ended_on == getattr(
        record, "started_on", None)
    if start and end and end < start and single_day:
        raise InvalidInputError("La hora de término es anterior a la de inicio.",
                                field="end_time")
    started, ended = getattr(record, "started_on", None), getattr(record, "ended_on", None)
    if isinstance(record, Inspection) and started and ended and ended < started:
        raise InvalidInputError("La fecha de término es anterior a la de inicio.",
                                field="ended_on")
    if isinstance(record, Inspection) and record.visit_dates and started:
        outside = [d for d in record.visit_dates
                   if not started.isoformat() <= d <= (ended or started).isoformat()]
        if outside:
            raise InvalidInputError(
                f"El día {outside[0]} no está entre la fecha de inicio y la de término.",
                field="visit_dates")


def _normalise_geometry(model: type, geometry: BaseGeometry | None) -> BaseGeometry | None:
    """The stored shape of a zone (MultiPolygon, valid) or a site (Point)."""
    if geometry is None:
        return None
    _check_lonlat(model, geometry)
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
    if model is Inspection:
        return prepare_route(geometry)
    if model in (Site, Finding) and (not isinstance(geometry, Point) or geometry.is_empty):
        raise InvalidInputError(f"El {'sitio' if model is Site else 'hallazgo'} necesita "
                                "un punto.", field="lon")
    if model is Finding:
        with boundary_errors():
            require_in_measure_area(geometry, "el hallazgo")
    return geometry


# What a geometry is called in messages, and the form field they are shown beside.
_GEOMETRY_OF = {DisputeZone: ("El polígono de la zona", "geometry"),
                Inspection: ("La ruta", "route"), Site: ("El sitio", "lon"),
                Finding: ("El hallazgo", "lon")}


def _check_lonlat(model: type, geometry: BaseGeometry) -> None:
    """Refuse coordinates that are not finite degrees of longitude and latitude."""
    what, field = _GEOMETRY_OF.get(model, ("La geometría", "geometry"))
    try:
        checked_coordinates(get_coordinates(geometry), what)
    except TrackCoordinateError as error:
        raise InvalidInputError(
            f"{error}; la longitud va de -180 a 180 y la latitud de -90 a 90 grados.",
            field=field) from error


def prepare_route(geometry: BaseGeometry) -> MultiLineString:
    """A drawn or read route as the stored MultiLineString, checked to lie in Mexico."""
    if isinstance(geometry, LineString):
        geometry = MultiLineString([geometry])
    if not isinstance(geometry, MultiLineString) or geometry.is_empty:
        raise InvalidInputError("La ruta debe ser una línea (o varias).", field="route")
    if any(len(part.coords) < 2 for part in geometry.geoms):
        raise InvalidInputError("Cada tramo de la ruta necesita dos puntos o más.",
                                field="route")
    with boundary_errors():
        require_in_measure_area(geometry, "la ruta")
    return geometry


def _set_participants(record: Meeting | Inspection, people) -> None:
    """Make ``record``'s participants ``people``: ``(Person, ParticipantRole)`` pairs.

    A person already listed keeps their row (its role updated), so no row is deleted and
    inserted again under the same key.
    """
    row_type = MeetingParticipant if isinstance(record, Meeting) else InspectionParticipant
    current = {part.person_id: part for part in record.people if part.person_id is not None}
    rows = []
    for person, role in people:
        part = current.get(person.id) or row_type(person=person)
        part.role = role
        if part not in rows:
            rows.append(part)
    record.people = rows


def _assign(record: object, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``record``; whether the geometry changed."""
    geometry_changed = False
    for field, value in values.items():
        if field in _STATUS_FIELDS:
            continue
        if field in ("geometry", "route"):
            value = _normalise_geometry(type(record), value)
            old = getattr(record, field, None)
            geometry_changed = old is None or value is None or not old.equals(value)
        if field == "people" and isinstance(record, Meeting | Inspection):
            _set_participants(record, value)
            continue
        if isinstance(value, list | tuple | set):
            setattr(record, field, list(value))
        else:
            setattr(record, field, value)
    return geometry_changed


def _status_change(session: Session, actor: User | None, record: object,
                   old: Any, new: Any, note: str, on: dt.date | None = None) -> StatusChange:
    """Record a change of status that happened on ``on`` (default: today in Oaxaca).

    A change dated in the future is refused: it has not happened yet.
    """
    from cases.records.audit import COMMAND_LINE

    today = local_today()
    if on is not None and on > today:
        raise InvalidInputError("La fecha del cambio de estado no puede ser posterior a hoy.",
                                field="status_on")
    change = StatusChange(
        record_type=record_type_of(record).name,
        record_id=record.id,
        at=utcnow(),
        user_id=actor.id if actor is not None else None,
        username=actor.username if actor is not None else COMMAND_LINE,
        from_status=old.value if old is not None else None,
        to_status=new.value,
        note=(note or "").strip(),
        effective_on=on or today,
    )
    session.add(change)
    return change


# A sliver of a zone drawn across a limit does not make a municipality a party (m²).
_ZONE_PARTY_MIN_M2 = 100.0


def _zone_parties(session: Session, zone: DisputeZone, chosen: bool) -> None:
    """Check the municipalities in dispute of ``zone``; fill them from the frame if empty.

    Two or more are needed: «Compartido» and «Concierne a» of a finding in the zone name
    them. Left empty, they are the municipalities of the frame in force that the polygon
    covers (more than a sliver); one alone is refused.
    """
    if chosen and len(zone.municipalities) == 1:
        raise InvalidInputError(
            "Una zona en disputa involucra dos o más municipios: elija también el otro "
            "(o deje la lista vacía para tomarlos del marco vigente).", field="municipalities")
    if zone.municipalities or zone.geometry is None:
        return
    from cases.frames.in_force import frame_in_force
    from cases.storage.models import BoundaryKind, BoundaryVersion
    from cases.storage.spatial import intersecting

    frame = frame_in_force(session)
    if frame is None:
        return
    import geopandas as gpd

    versions = [v for v in intersecting(session, BoundaryVersion, zone.geometry)
                if v.kind is BoundaryKind.OFFICIAL and v.frame_id == frame.id]
    if not versions:
        return
    pieces = gpd.GeoSeries([v.geometry.intersection(zone.geometry) for v in versions],
                           crs=4326).to_crs(6372).area
    parties = [v.municipality for v, area in zip(versions, pieces, strict=True)
               if area >= _ZONE_PARTY_MIN_M2]
    if len(parties) >= 2:
        zone.municipalities = sorted(set(parties), key=lambda m: m.cvegeo)


def _recompute(session: Session, record: object) -> None:
    """Recompute the derived facts a new zone geometry, route or finding place changes."""
    if isinstance(record, Inspection):
        session.flush()
        annotate_routes(session, [record])
        annotate_findings(session, list(record.findings))
    elif isinstance(record, Finding):
        annotate_findings(session, [record])
    elif isinstance(record, DisputeZone):
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
    if isinstance(record, DisputeZone):
        _zone_parties(session, record, "municipalities" in values)
    session.add(record)
    _flush(session, record)
    # Derived facts first, so the audit entry shows what was computed from the geometry.
    if geometry_changed:
        _recompute(session, record)
    record_change(session, actor, AuditAction.CREATE, record, after=snapshot(record))
    if isinstance(record, STATUS_TRACKED) and record.status is not None:
        # An agreement's first status holds from its activity's day.
        first_day = values.get("status_on") or (
            record.activity_date if isinstance(record, Agreement) else None)
        _status_change(session, actor, record, None, record.status,
                       values.get("status_note") or "Estado inicial",
                       min(first_day, local_today()) if first_day else None)
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
    old_parties = {m.id for m in getattr(record, "municipalities", [])}
    geometry_changed = _assign(record, values)
    _check_required(record)
    if isinstance(record, DisputeZone):
        _zone_parties(session, record, "municipalities" in values)
        geometry_changed |= {m.id for m in record.municipalities} != old_parties
    touch(record)
    _flush(session, record)
    if geometry_changed:
        _recompute(session, record)
    after = snapshot(record)
    new_status = getattr(record, "status", None)
    status_changed = isinstance(record, STATUS_TRACKED) and new_status != old_status
    action = AuditAction.STATUS if status_changed and set(
        k for k in before if before.get(k) != after.get(k)) == {"status"} else AuditAction.UPDATE
    record_change(session, actor, action, record, before=before, after=after)
    if status_changed:
        _status_change(session, actor, record, old_status, new_status,
                       values.get("status_note", ""), values.get("status_on"))
    return record


def delete_record(session: Session, actor: User | None, record: EditableMixin,
                  expected_version: int | None) -> None:
    """Send ``record`` to the Papelera (version-checked, audited)."""
    check_version(record, expected_version)
    soft_delete(session, actor, record)
    if isinstance(record, DisputeZone):
        _recompute(session, record)


@dataclass(frozen=True)
class AgreementRow:
    """One agreement as the form of its meeting or inspection sends it.

    ``id`` is ``None`` for a new one (with ``version`` the form was built from otherwise);
    ``remove`` sends an existing one to the Papelera.
    """

    id: int | None = None
    version: int | None = None
    text: str = ""
    responsible: Institution | None = None
    responsible_person: Person | None = None
    due_date: dt.date | None = None
    status: AgreementStatus = AgreementStatus.PENDING
    remove: bool = False

    @property
    def is_blank(self) -> bool:
        """A new row left empty: the form's spare row, not an agreement."""
        return self.id is None and not self.text.strip() and self.responsible is None and (
            self.responsible_person is None and self.due_date is None)

    def values(self) -> dict[str, Any]:
        """The agreement's fields as :func:`create_record` and :func:`update_record` take them."""
        return {"text": self.text.strip(), "responsible": self.responsible,
                "responsible_person": self.responsible_person, "due_date": self.due_date,
                "status": self.status}


def save_agreements(session: Session, actor: User | None, activity: Meeting | Inspection,
                    rows: Sequence[AgreementRow]) -> list[Agreement]:
    """Make ``activity``'s agreements what its form says, in the caller's unit of work.

    Each row creates an agreement, changes one (version-checked; left alone when nothing
    changed) or sends one to the Papelera, audited like any record; a change of status
    leaves its :class:`~cases.storage.models.StatusChange`. Agreements without a row stay as
    they are. A refused row raises :class:`~cases.errors.InvalidInputError` whose ``field``
    is the row's form field (``agreements-<n>-<field>``, ``n`` counting rows from 0), so the
    caller rolls the whole activity back and shows the message on that row.
    Returns the live agreements of the rows.
    """
    parent = "meeting" if isinstance(activity, Meeting) else "inspection"
    session.flush()
    current = {a.id: a for a in activity.agreements if not a.is_deleted}
    kept: list[Agreement] = []
    for index, row in enumerate(rows):
        if row.is_blank or (row.id is None and row.remove):
            continue
        try:
            if row.id is None:
                kept.append(create_record(session, actor, Agreement,
                                          {parent: activity, **row.values()}))
                continue
            agreement = current.get(row.id)
            if agreement is None:
                raise InvalidInputError(
                    "Este acuerdo ya no está en la actividad (otra persona lo quitó o lo "
                    "movió); recargue la página.", field="text")
            if row.remove:
                delete_record(session, actor, agreement, row.version)
                continue
            values = row.values()
            if any(getattr(agreement, k) != v for k, v in values.items()):
                update_record(session, actor, agreement, values, row.version)
            kept.append(agreement)
        except InvalidInputError as error:
            raise InvalidInputError(
                error.message, field=f"agreements-{index}-{error.field or 'text'}") from error
    return kept


def catalogue(session: Session, model: type) -> list:
    """Every live ``model`` record, for a form's choices (the form sorts them by label)."""
    return list(session.scalars(select(model)))


def records_by_id(session: Session, model: type, ids) -> list:
    """The live ``model`` records among ``ids`` (unknown or deleted ids are left out)."""
    wanted = [i for i in ids or [] if i is not None and 0 <= i <= MAX_RECORD_ID]
    if not wanted:
        return []
    return list(session.scalars(select(model).where(model.id.in_(wanted))))


def record_by_id(session: Session, model: type, record_id: int | None):
    """The live ``model`` record ``record_id``, or ``None``."""
    if record_id is None or not 0 <= record_id <= MAX_RECORD_ID:
        return None
    record = session.get(model, record_id)
    return None if record is None or getattr(record, "is_deleted", False) else record


def status_history(session: Session, record: object) -> list[StatusChange]:
    """The status changes of ``record``, oldest first (the timeline's order)."""
    return list(session.scalars(
        select(StatusChange)
        .where(StatusChange.record_type == record_type_of(record).name,
               StatusChange.record_id == record.id)
        .order_by(StatusChange.effective_on, StatusChange.at, StatusChange.id)
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
    _require_few_vertices([geometry], "La geometría")
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


def _require_few_vertices(shapes: list[BaseGeometry], what: str) -> None:
    """Refuse shapes with more vertices in all than any real zone (and than a page can draw)."""
    import shapely

    from boundaries.sanity import MAX_VERTICES

    count = int(shapely.get_num_coordinates(shapes).sum())
    if count > MAX_VERTICES:
        raise InvalidInputError(
            f"{what} tiene {count:,} vértices; el máximo es {MAX_VERTICES:,}. Simplifíquela "
            "antes de subirla.")


def geometry_from_file(model: type, path, name: str) -> tuple[BaseGeometry, list[str]]:
    """The shape for ``model`` read from an uploaded file, in longitude/latitude.

    GeoJSON, GeoPackage and zipped Shapefile go through
    :func:`cases.frames.stored_layers.read_file`;
    KML and KMZ give their polygons and points, GPX its waypoints
    (:mod:`boundaries.placefiles`). Every feature is merged (zone) or the first point
    taken (site).
    """
    from pathlib import Path

    from shapely import make_valid, union_all

    from boundaries.formats import PLACE_FILES
    from boundaries.placefiles import read_places
    from cases.frames.stored_layers import read_file

    if Path(path).suffix.lower() in PLACE_FILES:
        with boundary_errors():
            shapes = read_places(path)
    else:
        frame = read_file(path)
        if frame.crs is not None:
            frame = frame.to_crs(4326)
        shapes = [g for g in frame.geometry if g is not None and not g.is_empty]
    if not shapes:
        raise InvalidInputError(f"«{name}» no tiene ninguna geometría.")
    _require_few_vertices(shapes, f"«{name}»")  # before any repair or union
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
