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
    "FindingCategory",
]


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a Spanish label for display."""

    @property
    def label(self) -> str:
        """The member's Spanish label."""
        return self._labels()[self.value]

    @classmethod
    def _labels(cls) -> dict[str, str]:
        raise NotImplementedError


class BoundaryKind(LabelledEnum):
    """What a boundary version is: official frame, a party's claim, an agreement, a ruling."""

    OFFICIAL = "oficial"
    CLAIM = "reclamo"
    AGREEMENT = "acuerdo"
    RULING = "resolucion"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "oficial": "Marco oficial",
            "reclamo": "Reclamo de una parte",
            "acuerdo": "Acuerdo entre las partes",
            "resolucion": "Resolución de la Comisión de Límites",
        }


class ZoneKind(LabelledEnum):
    """What kind of place a dispute zone is."""

    FRACCIONAMIENTO = "fraccionamiento"
    COLONIA = "colonia"
    RANCHO = "rancho"
    PARAJE = "paraje"
    LIMITE = "limite"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "fraccionamiento": "Fraccionamiento",
            "colonia": "Colonia",
            "rancho": "Rancho",
            "paraje": "Paraje",
            "limite": "Franja limítrofe",
        }


class ZoneStatus(LabelledEnum):
    """Where the negotiation of a dispute zone stands."""

    IDENTIFIED = "identificada"
    NEGOTIATING = "en_negociacion"
    AT_COMMISSION = "en_comision"
    AGREED = "acordada"
    RESOLVED = "resuelta"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "identificada": "Identificada",
            "en_negociacion": "En negociación",
            "en_comision": "En la Comisión de Límites",
            "acordada": "Acordada",
            "resuelta": "Resuelta",
        }


class CaseStatus(LabelledEnum):
    """Where a case (expediente) stands."""

    OPEN = "abierto"
    IN_PROGRESS = "en_tramite"
    SUSPENDED = "suspendido"
    CLOSED = "cerrado"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "abierto": "Abierto",
            "en_tramite": "En trámite",
            "suspendido": "Suspendido",
            "cerrado": "Cerrado",
        }


class InstitutionKind(LabelledEnum):
    """The level of government or kind of body an institution is."""

    MUNICIPALITY = "municipio"
    MUNICIPAL_AREA = "area_municipal"
    STATE = "estatal"
    FEDERAL = "federal"
    OTHER = "otra"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "municipio": "Municipio",
            "area_municipal": "Área municipal",
            "estatal": "Gobierno del Estado",
            "federal": "Gobierno federal",
            "otra": "Otra",
        }


class MeetingKind(LabelledEnum):
    """The kinds of meeting the unit reports."""

    WORKING = "reunion_trabajo"
    SECURITY = "mesa_seguridad"
    COORDINATED_COMMAND = "mando_coordinado"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "reunion_trabajo": "Reunión de trabajo",
            "mesa_seguridad": "Mesa de seguridad",
            "mando_coordinado": "Sesión de Mando Coordinado",
        }


class AgreementStatus(LabelledEnum):
    """Where an agreement stands."""

    PENDING = "pendiente"
    IN_PROGRESS = "en_proceso"
    DONE = "cumplido"
    CANCELLED = "cancelado"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "pendiente": "Pendiente",
            "en_proceso": "En proceso",
            "cumplido": "Cumplido",
            "cancelado": "Cancelado",
        }


class FindingCategory(LabelledEnum):
    """The categories of findings of a field inspection."""

    WATER_POLLUTION = "contaminacion_agua"
    SOLID_WASTE = "residuos_solidos"
    RUBBLE_FILL = "relleno_escombro"
    IRREGULAR_PARKING = "estacionamiento_irregular"
    OTHER = "otro"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "contaminacion_agua": "Contaminación de cuerpo de agua",
            "residuos_solidos": "Residuos sólidos",
            "relleno_escombro": "Relleno con escombro",
            "estacionamiento_irregular": "Estacionamiento irregular",
            "otro": "Otro",
        }
