"""The audit log: who changed which record, when, and the fields before and after.

Every use case that creates, updates, deletes, restores or changes the status of a record
calls :func:`record_change` in the caller's transaction, so the change and its entry are
committed (or rolled back) together.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import functools
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Date, DateTime, and_, inspect, or_, select
from sqlalchemy import Enum as EnumType
from sqlalchemy.orm import Session

from boundaries.export_io import spreadsheet_text
from cases.records.record_types import RECORD_TYPES, record_label, record_type_of
from cases.storage.models import (
    AuditAction,
    AuditEntry,
    Case,
    DisputeZone,
    Finding,
    Frame,
    Indicator,
    Inspection,
    Institution,
    LimitProposal,
    Meeting,
    Municipality,
    Person,
    Site,
    User,
    utcnow,
)

__all__ = [
    "COMMAND_LINE",
    "snapshot",
    "record_change",
    "history",
    "AuditFilter",
    "entries",
    "changed_fields",
    "FieldKind",
    "field_kind",
    "Reference",
    "References",
    "references",
    "to_csv",
]

# The author of changes made with the ``limites`` command on the server itself.
COMMAND_LINE = "(línea de comandos)"
# Columns never written to the log: secrets, bookkeeping, and what is derived from others.
_SKIPPED = frozenset({
    "id", "password_hash", "session_version", "last_login_at", "version", "deleted_at",
    "deleted_by_id", "min_x", "min_y", "max_x", "max_y",
})


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value; geometry as type, vertex count and digest."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, BaseGeometry):
        digest = hashlib.sha256(shapely.to_wkb(value)).hexdigest()[:12]
        return f"{value.geom_type}, {shapely.get_num_coordinates(value)} vértices, {digest}"
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(record: object) -> dict[str, Any]:
    """The record's own columns as a JSON-safe dict (no secrets, no bookkeeping)."""
    return {
        column.key: _plain(getattr(record, column.key))
        for column in inspect(type(record)).column_attrs
        if column.key not in _SKIPPED
    }


def record_change(
    session: Session,
    actor: User | None,
    action: AuditAction,
    record: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry for ``record`` to the caller's transaction.

    ``before`` and ``after`` are :func:`snapshot` dicts (or any JSON-safe dicts); for an
    update only the fields that differ are kept. ``actor`` is ``None`` for the command line.
    A new record is flushed first so the entry knows its id.
    """
    if getattr(record, "id", None) is None:
        session.flush()
    if before is not None and after is not None and action is not AuditAction.CREATE:
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    entry = AuditEntry(
        at=utcnow(),
        user_id=actor.id if actor is not None else None,
        username=actor.username if actor is not None else COMMAND_LINE,
        action=action,
        record_type=record_type_of(record).name,
        record_id=record.id,
        record_label=record_label(record)[:300],
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def _parts(record: object) -> list[object]:
    """The records shown on ``record``'s page whose changes belong to its history.

    An inspection's findings and the attachments of a meeting, an inspection or its
    findings, or a limit proposal have no page of their own.
    """
    parts: list[object] = []
    if isinstance(record, Inspection):
        for finding in record.findings:
            parts += [finding, *finding.attachments]
    if isinstance(record, Meeting | Inspection | Finding | LimitProposal):
        parts += record.attachments
    return parts


def history(session: Session, record: object) -> list[AuditEntry]:
    """Every audit entry of ``record`` and of its parts (:func:`_parts`), newest first."""
    ids: dict[str, set[int]] = {}
    for item in [record, *_parts(record)]:
        ids.setdefault(record_type_of(item).name, set()).add(item.id)
    return session.scalars(
        select(AuditEntry)
        .where(or_(*(
            and_(AuditEntry.record_type == name, AuditEntry.record_id.in_(sorted(numbers)))
            for name, numbers in ids.items()
        )))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()


@dataclass
class AuditFilter:
    """What the Registro de cambios page filters by; ``None`` means any."""

    username: str | None = None
    action: AuditAction | None = None
    record_type: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def entries(session: Session, where: AuditFilter | None = None, limit: int | None = 500):
    """Audit entries matching ``where``, newest first (``since``/``until`` inclusive, UTC)."""
    where = where or AuditFilter()
    query = select(AuditEntry)
    if where.username:
        query = query.where(AuditEntry.username == where.username)
    if where.action:
        query = query.where(AuditEntry.action == where.action)
    if where.record_type:
        query = query.where(AuditEntry.record_type == where.record_type)
    if where.since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(where.since, dt.time(), dt.UTC))
    if where.until:
        end = dt.datetime.combine(where.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(AuditEntry.at < end)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()


def changed_fields(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """``(field, before, after)`` for every field the entry mentions, by field name.

    Fields empty on both sides (the blank columns of a new record) say nothing and are left out.
    """
    before, after = entry.before or {}, entry.after or {}
    return [
        (key, before.get(key), after.get(key)) for key in sorted(before.keys() | after.keys())
        if not (_blank(before.get(key)) and _blank(after.get(key)))
    ]


def _blank(value: Any) -> bool:
    return value is None or value in ("", [], {})


@dataclass(frozen=True)
class FieldKind:
    """What a stored field of a record type holds, to read its logged values.

    ``enum`` is the enum of its values; ``target`` the table of the record its id names;
    ``moment`` and ``day`` say it holds a date-time (UTC) or a date in ISO form.
    """

    enum: type[enum.Enum] | None = None
    target: str | None = None
    moment: bool = False
    day: bool = False


@functools.cache
def field_kind(record_type: str, field: str) -> FieldKind:
    """The kind of ``field`` in ``record_type``'s model (a plain field when unknown).

    Examples
    --------
    >>> field_kind("meeting", "indicator_id").target, field_kind("meeting", "kind").enum
    ('indicator', <enum 'MeetingKind'>)
    >>> field_kind("finding", "claims")
    FieldKind(enum=None, target=None, moment=False, day=False)
    """
    kind = RECORD_TYPES.get(record_type)
    columns = inspect(kind.model).columns if kind else {}
    if field not in columns:
        return FieldKind()
    column = columns[field]
    stored = getattr(column.type, "impl", column.type)  # a TypeDecorator such as UTCDateTime
    target = next((fk.column.table.name for fk in column.foreign_keys), None)
    return FieldKind(
        enum=column.type.enum_class if isinstance(column.type, EnumType) else None,
        target=target,
        moment=isinstance(stored, DateTime),
        day=isinstance(stored, Date),
    )


@dataclass(frozen=True)
class Reference:
    """The record an id in the log names: its name and, when it has one, its key or number."""

    name: str
    key: str | None = None


# How each table that a logged id may name is named: the model, its key, its name, and a
# fallback name column when the first is empty (a person known only by position).
_NAMED: dict[str, tuple[type, Any, Any, Any]] = {
    "municipality": (Municipality, None, Municipality.name, None),
    "boundary_frame": (Frame, None, Frame.name, None),
    "dispute_zone": (DisputeZone, None, DisputeZone.name, None),
    "institution": (Institution, None, Institution.name, None),
    "case_file": (Case, Case.number, Case.title, None),
    "site": (Site, None, Site.name, None),
    "indicator": (Indicator, Indicator.key, Indicator.name, None),
    "meeting": (Meeting, None, Meeting.title, None),
    "inspection": (Inspection, None, Inspection.title, None),
    "finding": (Finding, None, Finding.description, None),
    "person": (Person, None, Person.name, Person.position),
    "user_account": (User, None, User.display_name, User.username),
}


@dataclass
class References:
    """The records named by ids in a set of audit entries, looked up together.

    ``records`` maps ``(table, id)`` to its :class:`Reference`; an id missing from it names
    a record that no longer exists. ``municipalities`` maps INEGI codes (the ``parties`` and
    ``claims`` of a finding) to municipality names.
    """

    records: dict[tuple[str, int], Reference]
    municipalities: dict[str, str]

    def get(self, table: str, number: int) -> Reference | None:
        """The record ``number`` of ``table``, or ``None`` when it no longer exists."""
        return self.records.get((table, number))


def _codes(field: str, value: Any) -> list[str]:
    if field == "parties" and isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if field == "claims" and isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    return []


def references(session: Session, rows: Iterable[AuditEntry]) -> References:
    """Every record the ids of ``rows`` name, in one query per table (never one per entry)."""
    wanted: dict[str, set[int]] = {}
    codes: set[str] = set()
    for entry in rows:
        for field, *values in changed_fields(entry):
            target = field_kind(entry.record_type, field).target
            for value in values:
                if target in _NAMED and isinstance(value, int) and not isinstance(value, bool):
                    wanted.setdefault(target, set()).add(value)
                codes.update(_codes(field, value))
    found: dict[tuple[str, int], Reference] = {}
    for table, numbers in wanted.items():
        model, key, name, fallback = _NAMED[table]
        columns = [model.id, name, key if key is not None else name,
                   fallback if fallback is not None else name]
        for number, first, code, second in session.execute(
            select(*columns).where(model.id.in_(sorted(numbers)))
        ):
            found[(table, number)] = Reference(
                name=first or second or "", key=code if key is not None else None
            )
    names = dict(session.execute(
        select(Municipality.cvegeo, Municipality.name)
        .where(Municipality.cvegeo.in_(sorted(codes)))
    ).all()) if codes else {}
    return References(found, names)


# What a person reads for each stored field in a history or the CSV (keys are column and
# relationship names; a field not listed reads as its name with spaces).
FIELD_LABELS = {
    "name": "Nombre", "short_name": "Nombre corto", "kind": "Tipo", "status": "Estado",
    "description": "Descripción", "geometry": "Geometría", "municipalities": "Municipios",
    "number": "Número", "title": "Título", "opened_on": "Fecha de apertura",
    "closed_on": "Fecha de cierre", "zones": "Zonas", "parties": "Partes", "date": "Fecha",
    "place": "Lugar", "venue": "Sede", "venue_id": "Sede", "purpose": "Objetivo",
    "summary": "Resumen", "participants": "Participantes", "institutions": "Instituciones",
    "cases": "Expedientes", "sites": "Sitios", "people": "Personas", "meeting": "Reunión",
    "meeting_id": "Reunión", "text": "Texto", "responsible": "Responsable",
    "responsible_id": "Responsable", "due_date": "Fecha compromiso",
    "started_on": "Fecha de inicio", "ended_on": "Fecha de término",
    "visit_dates": "Días en campo", "zone": "Zona", "zone_id": "Zona", "case": "Expediente",
    "case_id": "Expediente", "route": "Ruta", "route_length_m": "Longitud de la ruta (m)",
    "route_split": "Ruta por municipio y zona", "route_points_read": "Puntos leídos",
    "route_points_kept": "Puntos conservados", "inspection": "Recorrido",
    "inspection_id": "Recorrido", "finding_id": "Hallazgo", "category": "Categoría",
    "official_municipality_id": "Municipio responsable (marco)", "shared": "Compartido",
    "in_dispute": "En zona en disputa", "limit_distance_m": "Distancia al límite (m)",
    "river_km": "Km a lo largo del río", "river_distance_m": "Distancia al río (m)",
    "river_bank": "Margen del río", "position": "Cargo", "institution": "Institución",
    "institution_id": "Institución", "municipality": "Municipio",
    "municipality_id": "Municipio", "indicator": "Indicador", "indicator_id": "Indicador",
    "original_name": "Archivo", "label": "Etiqueta", "url": "Enlace",
    "media_type": "Tipo de archivo", "size_bytes": "Tamaño (bytes)", "sha256": "Huella SHA-256",
    "taken_at": "Fecha de la foto", "lat": "Latitud", "lon": "Longitud",
    "client_uuid": "Identificador del teléfono", "username": "Usuario",
    "display_name": "Nombre para mostrar", "role": "Rol", "active": "Activa",
    "expires_at": "Vence", "revoked_at": "Revocado", "note": "Nota",
    "include_attachments": "Incluye adjuntos", "include_notes": "Incluye notas internas",
    "scope_kind": "Alcance", "layers": "Capas", "source": "Fuente", "file_name": "Archivo",
    "frame_name": "Marco", "activated": "Puesto en vigor", "valid_from": "Vigente desde",
    "legal_reference": "Referencia legal", "claimant_id": "Reclamante", "repaired": "Reparado",
    "repair_note": "Nota de reparación", "area_m2": "Área (m²)", "version": "Versión",
    "program": "Programa", "level": "Nivel", "key": "Clave", "unit": "Unidad de medida",
    "formula": "Fórmula", "annual_goal": "Meta anual", "authorized_by_id": "Autoriza",
    "illustrative": "Ilustrativo", "created_at": "Creado", "height": "Alto (px)",
    "width": "Ancho (px)", "owner_id": "Propietario", "claims": "Reclamos",
    "official_municipality": "Municipio responsable (marco)",
    "quarterly_goals": "Metas trimestrales", "meeting_kinds": "Tipos de reunión",
    "recorded_at": "Registrado", "started_at": "Inicio", "ended_at": "Término",
    "user_id": "Usuario", "frame_id": "Marco", "site_id": "Sitio", "person_id": "Persona",
    "zone_ids": "Zonas", "case_ids": "Expedientes", "in_force": "En vigor",
    "done": "Lo realizado", "outcome": "Resultado", "agreement_id": "Acuerdo",
    "at": "Fecha", "from_status": "Estado anterior", "to_status": "Estado nuevo",
    "changed_on": "Fecha del cambio", "file_count": "Archivos", "feature_count": "Elementos",
    "responsible_person": "Persona responsable",
    "responsible_person_id": "Persona responsable", "start_time": "Hora de inicio",
    "end_time": "Hora de término", "rule": "Regla de cálculo", "regla": "Regla de cálculo",
    "se_calcula_con": "Qué cuenta", "autoriza": "Autoriza", "autoriza_desde": "Autoriza desde",
    "effective_on": "Fecha en que cambió",
    "municipality_a_id": "Primer municipio", "municipality_b_id": "Segundo municipio",
    "proposed_by_id": "Propuesta por", "proposed_on": "Fecha de la propuesta",
    "origin": "Origen de la línea", "ratified_on": "Fecha del convenio o decreto",
    "ratification_reference": "Referencia del convenio o decreto",
    "ratification_document_id": "Documento del convenio o decreto",
    "proposal_id": "Propuesta de límite",
}


def field_label(key: str) -> str:
    """The Spanish name of a stored field, as a history or the CSV shows it.

    Examples
    --------
    >>> field_label("route_length_m"), field_label("meta_T2")
    ('Longitud de la ruta (m)', 'meta T2')
    """
    return FIELD_LABELS.get(key, key.replace("_", " "))


CSV_COLUMNS = [
    "Fecha y hora (ISO 8601)", "Usuario", "Acción", "Tipo de registro", "Número", "Registro",
    "Campo", "Antes", "Después",
]


def _cell(value: Any) -> str:
    """A value as CSV text; a leading formula sign is neutralised for spreadsheets."""
    return spreadsheet_text("" if value is None else str(value))


# A logged value as a person reads it: ``(record_type, field, value)`` → text or ``None``.
ValueText = Callable[[str, str, Any], str | None]


def to_csv(rows: Iterable[AuditEntry], value_text: ValueText | None = None) -> str:
    """The entries as CSV, one line per changed field, UTF-8 with BOM for Excel in Spanish.

    The moment is ISO 8601 with its offset (UTC); ``value_text`` writes each value as a
    person reads it (names, labels), the stored value when not given.
    """
    rows = list(rows)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in rows:
        kind = RECORD_TYPES.get(entry.record_type)
        head = [
            _utc(entry.at).isoformat(timespec="seconds"), entry.username, entry.action.label,
            kind.label if kind else entry.record_type, entry.record_id, entry.record_label,
        ]
        for field, before, after in changed_fields(entry) or [("", None, None)]:
            label = field_label(field) if field else ""
            if value_text is not None and field:
                before = value_text(entry.record_type, field, before)
                after = value_text(entry.record_type, field, after)
            writer.writerow([_cell(v) for v in [*head, label, before, after]])
    return out.getvalue()


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment with its zone: the log keeps UTC (SQLite returns it naive)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
