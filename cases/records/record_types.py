"""The kinds of record the audit log and the Papelera know, with their Spanish names."""

from __future__ import annotations

from dataclasses import dataclass

from cases.storage.models import (
    Agreement,
    ApiToken,
    Attachment,
    BoundaryImport,
    CalendarFeed,
    Case,
    DisputeZone,
    Finding,
    Frame,
    Indicator,
    Inspection,
    Institution,
    LimitProposal,
    Meeting,
    Person,
    ShareLink,
    Site,
    User,
    Watercourse,
)

__all__ = ["RecordType", "RECORD_TYPES", "record_type_of", "type_label", "record_label"]


@dataclass(frozen=True)
class RecordType:
    """A kind of record the audit log and the Papelera know: its model and Spanish noun."""

    name: str
    model: type
    label: str


RECORD_TYPES: dict[str, RecordType] = {
    t.name: t
    for t in (
        RecordType("dispute_zone", DisputeZone, "Zona en disputa"),
        RecordType("case_file", Case, "Expediente"),
        RecordType("meeting", Meeting, "Reunión"),
        RecordType("agreement", Agreement, "Acuerdo"),
        RecordType("inspection", Inspection, "Recorrido"),
        RecordType("finding", Finding, "Hallazgo"),
        RecordType("site", Site, "Sitio"),
        RecordType("institution", Institution, "Institución"),
        RecordType("person", Person, "Persona"),
        RecordType("user_account", User, "Usuario"),
        RecordType("share_link", ShareLink, "Enlace compartido"),
        RecordType("api_token", ApiToken, "Clave de acceso para QGIS"),
        RecordType("boundary_frame", Frame, "Marco de límites"),
        RecordType("indicator", Indicator, "Indicador"),
        RecordType("attachment", Attachment, "Adjunto"),
        RecordType("boundary_import", BoundaryImport, "Importación de límites"),
        RecordType("watercourse", Watercourse, "Río"),
        RecordType("limit_proposal", LimitProposal, "Propuesta de límite"),
        RecordType("calendar_feed", CalendarFeed, "Calendario personal"),
    )
}

def record_type_of(record: object) -> RecordType:
    """The :class:`RecordType` of ``record``."""
    return RECORD_TYPES[type(record).__tablename__]


def type_label(name: str) -> str:
    """The Spanish noun of the record type ``name`` (the name itself if unknown).

    Examples
    --------
    >>> type_label("attachment"), type_label("boundary_import")
    ('Adjunto', 'Importación de límites')
    """
    kind = RECORD_TYPES.get(name)
    return kind.label if kind else name


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record_label(record: object) -> str:
    """A short Spanish description of ``record`` for the log and the Papelera."""
    match record:
        case Case():
            return _short(f"{record.number} — {record.title}", 300)
        case Meeting():
            return _short(f"{record.date.isoformat()} {record.title}", 300)
        case Agreement():
            return _short(record.text)
        case Inspection():
            return _short(f"{record.started_on.isoformat()} {record.title}", 300)
        case Finding():
            return _short(f"{record.category.label}: {record.description}")
        case Person():
            return _short(record.label, 300)
        case User():
            return record.username
        case ShareLink():
            return _short(f"Enlace {record.scope_kind} {record.note}".strip(), 300)
        case ApiToken():
            return _short(f"{record.name} ({record.user.username})", 300)
        case CalendarFeed():
            return f"Calendario de {record.user.username}"
        case Indicator():
            return _short(f"{record.key} {record.name}", 300)
        case Attachment():
            return _short(f"{record.kind.label}: {record.label}", 300)
        case LimitProposal():
            return _short(f"{record.proposed_on.isoformat()} {record.title}", 300)
        case BoundaryImport():
            into = f" → {record.frame_name}" if record.frame_name else ""
            return _short(f"{record.file_name or record.source}{into}", 300)
        case _:
            return _short(str(getattr(record, "name", record)), 300)
