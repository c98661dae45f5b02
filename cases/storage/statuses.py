"""Statuses and kinds of the domain: string enums with a Spanish label for display.

Stored by value, so the database stays readable (``"en_negociacion"``, never a magic int).
"""

from __future__ import annotations

import enum

__all__ = [
    "LabelledEnum",
    "BoundaryKind",
    "ZoneKind",
    "ZoneStatus",
    "CaseStatus",
    "InstitutionKind",
    "MeetingKind",
    "AgreementStatus",
    "ProposalStatus",
    "ProposalOrigin",
    "FindingCategory",
    "AttachmentKind",
    "ParticipantRole",
    "Role",
    "AuditAction",
]


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a Spanish label for display.

    Members are declared as ``NAME = "value", "Etiqueta"``; the value is what is stored.
    """

    label: str

    def __new__(cls, value: str, label: str):  # noqa: D102 - documented on the class
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class BoundaryKind(LabelledEnum):
    """What a boundary version is: official frame, a party's claim, an agreement, a ruling."""

    # INEGI's frame is a statistical reference, not a legal limit: never "oficial" on screen.
    OFFICIAL = "oficial", "Marco de referencia"
    CLAIM = "reclamo", "Límite reclamado"
    AGREEMENT = "acuerdo", "Acuerdo entre las partes"
    RULING = "resolucion", "Resolución de la Comisión de Límites"


class ZoneKind(LabelledEnum):
    """What kind of place a dispute zone is."""

    FRACCIONAMIENTO = "fraccionamiento", "Fraccionamiento"
    COLONIA = "colonia", "Colonia"
    RANCHO = "rancho", "Rancho"
    PARAJE = "paraje", "Paraje"
    LIMITE = "limite", "Franja limítrofe"


class ZoneStatus(LabelledEnum):
    """Where the negotiation of a dispute zone stands."""

    IDENTIFIED = "identificada", "Identificada"
    NEGOTIATING = "en_negociacion", "En negociación"
    AT_COMMISSION = "en_comision", "En la Comisión de Límites"
    AGREED = "acordada", "Acordada"
    RESOLVED = "resuelta", "Resuelta"


class CaseStatus(LabelledEnum):
    """Where a case (expediente) stands."""

    OPEN = "abierto", "Abierto"
    IN_PROGRESS = "en_tramite", "En trámite"
    SUSPENDED = "suspendido", "Suspendido"
    CLOSED = "cerrado", "Cerrado"


class InstitutionKind(LabelledEnum):
    """The level of government or kind of body an institution is."""

    MUNICIPALITY = "municipio", "Municipio"
    MUNICIPAL_AREA = "area_municipal", "Área municipal"
    STATE = "estatal", "Gobierno del Estado"
    FEDERAL = "federal", "Gobierno federal"
    OTHER = "otra", "Otra"


class MeetingKind(LabelledEnum):
    """The kinds of meeting the unit reports."""

    WORKING = "reunion_trabajo", "Reunión de trabajo"
    SECURITY = "mesa_seguridad", "Mesa de seguridad"
    COORDINATED_COMMAND = "mando_coordinado", "Sesión de Mando Coordinado"


class AgreementStatus(LabelledEnum):
    """Where an agreement stands."""

    PENDING = "pendiente", "Pendiente"
    IN_PROGRESS = "en_proceso", "En proceso"
    DONE = "cumplido", "Cumplido"
    CANCELLED = "cancelado", "Cancelado"


class ProposalStatus(LabelledEnum):
    """Where a proposed limit line stands, from its presentation to the decree."""

    PROPOSED = "propuesta", "Propuesta"
    IN_REVIEW = "en_revision", "En revisión"
    ACCEPTED = "aceptada", "Aceptada por ambas partes"
    RATIFIED = "ratificada", "Ratificada"
    REJECTED = "rechazada", "Rechazada"


class ProposalOrigin(LabelledEnum):
    """Where a proposed limit line came from."""

    DRAWN = "dibujada", "Dibujada en el mapa"
    FILE = "archivo", "Archivo subido"
    CLAIM = "reclamo", "Reclamo de una parte"


class IndicatorRule(LabelledEnum):
    """How an indicator's level of a quarter is computed (the MIR's formula)."""

    QUARTER_OF_QUARTER = ("trimestre_meta_trimestral",
                          "Actividades del trimestre ÷ meta programada del trimestre")
    YEAR_TO_DATE = ("acumulado_meta_anual",
                    "Actividades acumuladas en el año ÷ meta anual")
    QUARTER_OF_YEAR = ("trimestre_meta_anual",
                       "Actividades del trimestre ÷ meta anual")


class IndicatorSource(LabelledEnum):
    """What an indicator counts: its own activities, or its activity indicators'."""

    OWN = "propias", "Sus propias actividades"
    SUM = "suma", "Suma de sus indicadores de actividad (p. ej. 12 = 12.1 + 12.2)"
    MEAN = "promedio", "Promedio de los niveles de sus indicadores de actividad"


class FindingCategory(LabelledEnum):
    """The categories of findings of a field inspection."""

    WATER_POLLUTION = "contaminacion_agua", "Contaminación de cuerpo de agua"
    SOLID_WASTE = "residuos_solidos", "Residuos sólidos"
    RUBBLE_FILL = "relleno_escombro", "Relleno con escombro"
    IRREGULAR_PARKING = "estacionamiento_irregular", "Estacionamiento irregular"
    OTHER = "otro", "Otro"


class AttachmentKind(LabelledEnum):
    """What an attachment of a meeting, inspection or finding is."""

    PDF = "pdf", "Documento PDF (acta, oficio)"
    PHOTO = "foto", "Fotografía"
    LINK = "enlace", "Enlace"


class ParticipantRole(LabelledEnum):
    """What a person did in a meeting or inspection, in the words of the record."""

    PRESIDED = "presidio", "Presidió"
    PARTICIPATED = "participo", "Participó"
    PRESENT = "presente", "Estuvo presente"
class Role(LabelledEnum):
    """What a user may do: read, write records, or also manage users and restore."""

    READER = "lector", "Lector"
    EDITOR = "editor", "Editor"
    ADMIN = "administrador", "Administrador"


class AuditAction(LabelledEnum):
    """What a change written to the audit log did to its record."""

    CREATE = "creacion", "Creación"
    UPDATE = "modificacion", "Modificación"
    DELETE = "eliminacion", "Envío a la papelera"
    RESTORE = "restauracion", "Restauración"
    STATUS = "cambio_estado", "Cambio de estado"
