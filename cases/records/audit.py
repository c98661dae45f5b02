"""The audit log: who changed which record, when, and the fields before and after.

Every use case that creates, updates, deletes, restores or changes the status of a record
calls :func:`record_change` in the caller's transaction, so the change and its entry are
committed (or rolled back) together.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import and_, inspect, or_, select
from sqlalchemy.orm import Session

from boundaries.export_io import spreadsheet_text
from cases.records.record_types import RECORD_TYPES, record_label, record_type_of
from cases.storage.models import (
    AuditAction,
    AuditEntry,
    Finding,
    Inspection,
    Meeting,
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
    findings have no page of their own.
    """
    parts: list[object] = []
    if isinstance(record, Inspection):
        for finding in record.findings:
            parts += [finding, *finding.attachments]
    if isinstance(record, Meeting | Inspection | Finding):
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
    "river_km": "Km del Atoyac", "river_distance_m": "Distancia al río (m)",
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
    "width": "Ancho (px)", "owner_id": "Propietario",
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
    "Fecha y hora (UTC)", "Usuario", "Acción", "Tipo de registro", "Número", "Registro",
    "Campo", "Antes", "Después",
]


def _cell(value: Any) -> str:
    """A value as CSV text; a leading formula sign is neutralised for spreadsheets."""
    return spreadsheet_text("" if value is None else str(value))


def to_csv(rows: Iterable[AuditEntry]) -> str:
    """The entries as CSV, one line per changed field, UTF-8 with BOM for Excel in Spanish."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in rows:
        kind = RECORD_TYPES.get(entry.record_type)
        head = [
            entry.at.strftime("%Y-%m-%d %H:%M:%S"), entry.username, entry.action.label,
            kind.label if kind else entry.record_type, entry.record_id, entry.record_label,
        ]
        for field, before, after in changed_fields(entry) or [("", None, None)]:
            label = field_label(field) if field else ""
            writer.writerow([_cell(v) for v in [*head, label, before, after]])
    return out.getvalue()
