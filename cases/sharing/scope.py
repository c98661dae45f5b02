"""What a reader may see: which records (rows), which layers and which columns.

A :class:`Scope` is the one place where access is decided: a lector, an API key, the CLI and
a share link all read through one. Its records are turned into SQL filters only (subqueries
of ids), so every export, every OGC API collection and every share link reads records
through the same ``WHERE``: a record outside the scope is invisible by construction, even
when asked for by its id. The same object says which layers the reader gets (a map link
shares some layers only: the records of any other kind are outside it, the meetings of a
shared zone included), whether internal notes (the columns a layer marks as internal, such
as meeting and inspection summaries) and attachments are included.

What relates to a zone mirrors the zone's page: its cases, the meetings that dealt with it,
the inspections about it or about its cases, their findings, the sites of its meetings and
the limits around it. What relates to a case mirrors the case's page: its zones, its
meetings, its inspections and their findings, its meetings' sites and the limits around its
zones.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Select, and_, exists, false, literal, or_, select, union
from sqlalchemy.orm import Session

from cases.errors import InvalidInputError, NotFoundError
from cases.storage.models import (
    Agreement,
    BoundaryVersion,
    Case,
    DisputeZone,
    Finding,
    Inspection,
    Meeting,
    Site,
    Watercourse,
    case_zones,
    inspection_cases,
    inspection_zones,
    meeting_cases,
    meeting_sites,
    meeting_zones,
)

__all__ = [
    "AROUND_MARGIN",
    "MODEL_LAYERS",
    "HasLayer",
    "ScopeKind",
    "Scope",
    "resolve_scope",
    "scoped",
    "get_scoped",
    "Visible",
    "visible",
]

# How far around the scope's zones the limits reach, in degrees (about 1 km), as on the
# record pages (geo_app.records.map_layers.NEARBY_MARGIN).
AROUND_MARGIN = 0.01

# The export layers (and OGC API collections) that show each kind of record: a scope that
# shares some layers only keeps a kind of record when one of its layers is shared. Cases
# and watercourses are no layer of their own: only a scope of every layer shows them.
MODEL_LAYERS: dict[type, tuple[str, ...]] = {
    BoundaryVersion: ("limites",),
    DisputeZone: ("zonas",),
    Inspection: ("recorridos",),
    Finding: ("hallazgos",),
    Site: ("sedes",),
    Meeting: ("reuniones", "participantes"),
    Agreement: ("acuerdos",),
    Case: (),
    Watercourse: (),
}


class HasLayer(Protocol):
    """Anything shared as one layer (an OGC API collection): ``layer`` names it."""

    layer: str


class ScopeKind(enum.StrEnum):
    """The three kinds of scope."""

    ALL = "todo"
    ZONE = "zona"
    CASE = "expediente"


@dataclass(frozen=True)
class Scope:
    """What a reader may see: records, layers, internal notes and attachments.

    The records are all of them, one zone's or one case's (by id); ``layers`` names the
    layers shared (``None``: every one).

    Examples
    --------
    >>> Scope.zone(3).kind, Scope.zone(3).record_id
    (<ScopeKind.ZONE: 'zona'>, 3)
    >>> Scope.everything().kind
    <ScopeKind.ALL: 'todo'>
    >>> shared = Scope(ScopeKind.ALL, layers=frozenset({"zonas"}), notes=False)
    >>> shared.allows("zonas"), shared.allows("reuniones")
    (True, False)
    >>> shared.lists_records, Scope.zone(3).lists_records
    (False, True)
    >>> shared.layer_names(["limites", "zonas", "hallazgos"])
    ('zonas',)
    """

    kind: ScopeKind
    record_id: int | None = None
    # A human title ("Zona Fraccionamiento El Rosario"), filled by resolve_scope.
    title: str = ""
    # The layers shared (export layer names; None: every layer).
    layers: frozenset[str] | None = None
    # Whether the columns a layer marks as internal (summaries) are included.
    notes: bool = True
    # Whether attachments (photos, files, links to them) are included.
    attachments: bool = True

    @classmethod
    def everything(cls) -> Scope:
        """Every record."""
        return cls(ScopeKind.ALL)

    @classmethod
    def zone(cls, zone_id: int) -> Scope:
        """The zone ``zone_id`` and what relates to it."""
        return cls(ScopeKind.ZONE, zone_id)

    @classmethod
    def case(cls, case_id: int) -> Scope:
        """The case ``case_id`` and what relates to it."""
        return cls(ScopeKind.CASE, case_id)

    @property
    def slug(self) -> str:
        """A file-name friendly name: ``todo``, ``zona-3``, ``expediente-2``."""
        return self.kind.value if self.record_id is None else f"{self.kind.value}-{self.record_id}"

    # -- layers and columns ---------------------------------------------------------------

    def allows(self, collection: str | HasLayer) -> bool:
        """Whether ``collection`` is shared: an export layer's name or an OGC API collection."""
        name = collection if isinstance(collection, str) else collection.layer
        return self.layers is None or name in self.layers

    def layer_names(self, names: Iterable[str]) -> tuple[str, ...]:
        """The layers of ``names`` that are shared, in their order."""
        return tuple(name for name in names if self.allows(name))

    @property
    def lists_records(self) -> bool:
        """Whether the reader gets the records' lists (a map link shares its layers only)."""
        return self.layers is None

    def allows_model(self, model) -> bool:
        """Whether records of ``model`` may be seen at all (one of its layers is shared)."""
        if self.layers is None:
            return True
        return any(name in self.layers for name in MODEL_LAYERS.get(model, ()))

    def columns(self, fields: Mapping[str, str], internal: Iterable[str] = ()) -> dict:
        """The ``fields`` (name → type) the reader gets: internal ones only with notes."""
        hidden = set() if self.notes else set(internal)
        return {name: kind for name, kind in fields.items() if name not in hidden}

    # -- ids of each kind of record in the scope (None: no restriction) ------------------

    def zone_ids(self) -> Select | None:
        """Ids of the dispute zones in the scope."""
        if self.kind is ScopeKind.ALL:
            return None
        if self.kind is ScopeKind.ZONE:
            return select(literal(self.record_id).label("id"))
        return select(case_zones.c.zone_id).where(case_zones.c.case_id == self.record_id)

    def case_ids(self) -> Select | None:
        """Ids of the cases in the scope."""
        if self.kind is ScopeKind.ALL:
            return None
        if self.kind is ScopeKind.CASE:
            return select(literal(self.record_id).label("id"))
        return select(case_zones.c.case_id).where(case_zones.c.zone_id == self.record_id)

    def meeting_ids(self) -> Select | None:
        """Ids of the meetings in the scope."""
        if self.kind is ScopeKind.ALL:
            return None
        if self.kind is ScopeKind.ZONE:
            return select(meeting_zones.c.meeting_id).where(
                meeting_zones.c.zone_id == self.record_id
            )
        return select(meeting_cases.c.meeting_id).where(meeting_cases.c.case_id == self.record_id)

    def inspection_ids(self) -> Select | None:
        """Ids of the inspections in the scope."""
        if self.kind is ScopeKind.ALL:
            return None
        if self.kind is ScopeKind.ZONE:
            return union(
                select(inspection_zones.c.inspection_id).where(
                    inspection_zones.c.zone_id == self.record_id),
                select(inspection_cases.c.inspection_id).where(
                    inspection_cases.c.case_id.in_(self.case_ids())),
            )
        return select(inspection_cases.c.inspection_id).where(
            inspection_cases.c.case_id == self.record_id)

    def site_ids(self) -> Select | None:
        """Ids of the sites in the scope: where its meetings were held or what they dealt with."""
        if self.kind is ScopeKind.ALL:
            return None
        meetings = self.meeting_ids()
        return union(
            select(meeting_sites.c.site_id).where(meeting_sites.c.meeting_id.in_(meetings)),
            select(Meeting.venue_id).where(
                Meeting.id.in_(meetings), Meeting.venue_id.is_not(None)
            ),
        )

    def near_zones(self, model) -> object | None:
        """Condition: ``model``'s bounding box meets a zone of the scope, widened by the margin."""
        if self.kind is ScopeKind.ALL:
            return None
        zone = DisputeZone.__table__.alias("scope_zone")
        return exists().where(
            zone.c.id.in_(self.zone_ids()),
            and_(
                model.min_x <= zone.c.max_x + AROUND_MARGIN,
                model.max_x >= zone.c.min_x - AROUND_MARGIN,
                model.min_y <= zone.c.max_y + AROUND_MARGIN,
                model.max_y >= zone.c.min_y - AROUND_MARGIN,
            ),
        )

    def condition(self, model) -> object | None:
        """The ``WHERE`` condition that keeps only ``model``'s records in the scope."""
        if model not in MODEL_LAYERS:
            raise TypeError(f"no scope rule for {model.__name__}")
        if not self.allows_model(model):
            return false()
        if self.kind is ScopeKind.ALL:
            return None
        ids = {
            DisputeZone: self.zone_ids,
            Case: self.case_ids,
            Meeting: self.meeting_ids,
            Inspection: self.inspection_ids,
            Site: self.site_ids,
        }
        if model in ids:
            return model.id.in_(ids[model]())
        if model is Finding:
            return Finding.inspection_id.in_(self.inspection_ids())
        if model is Agreement:
            return or_(Agreement.meeting_id.in_(self.meeting_ids()),
                       Agreement.inspection_id.in_(self.inspection_ids()))
        return self.near_zones(model)  # BoundaryVersion, Watercourse


def scoped(scope: Scope, model) -> Select:
    """``SELECT`` of ``model``'s records in ``scope`` (add order, options, more filters)."""
    statement = select(model)
    condition = scope.condition(model)
    return statement if condition is None else statement.where(condition)


def get_scoped(session: Session, scope: Scope, model, record_id: int, what: str):
    """The record ``record_id`` of ``model`` if it is in ``scope``, else NotFoundError."""
    row = session.scalar(scoped(scope, model).where(model.id == record_id))
    if row is None:
        raise NotFoundError(f"No existe {what} con número {record_id}.")
    return row


def resolve_scope(
    session: Session,
    *,
    zone: str | int | None = None,
    case: str | int | None = None,
) -> Scope:
    """The scope of a zone (by name or id), a case (by number or id), or everything.

    Raises :class:`~cases.errors.NotFoundError` with a Spanish message when the record does
    not exist.
    """
    if zone is not None and case is not None:
        raise InvalidInputError("indique una zona o un expediente, no ambos")
    if zone is not None:
        found = _lookup(session, DisputeZone, DisputeZone.name, zone)
        if found is None:
            raise NotFoundError(f"no existe la zona «{zone}»")
        return Scope(ScopeKind.ZONE, found.id, f"Zona {found.name}")
    if case is not None:
        found = _lookup(session, Case, Case.number, case)
        if found is None:
            raise NotFoundError(f"no existe el expediente «{case}»")
        return Scope(ScopeKind.CASE, found.id, f"Expediente {found.number} — {found.title}")
    return Scope(ScopeKind.ALL, None, "Todos los registros")


def _lookup(session: Session, model, name_column, value):
    if isinstance(value, int):
        return session.get(model, value)
    return session.scalar(select(model).where(name_column == value))


@dataclass(frozen=True)
class Visible:
    """Ids of the records of each kind in a scope (``None``: all), to filter relations.

    A record in the scope may relate to records outside it (a meeting of the case that also
    dealt with another zone); exports list only the related records that are visible.
    """

    ids: dict

    def keep(self, records, model) -> list:
        """The ``records`` of ``model`` that are in the scope."""
        allowed = self.ids.get(model)
        return list(records) if allowed is None else [r for r in records if r.id in allowed]


def visible(session: Session, scope: Scope) -> Visible:
    """The ids of zones, cases, meetings, inspections and sites in ``scope``."""
    ids = {}
    for model in (DisputeZone, Case, Meeting, Inspection, Site):
        if not scope.allows_model(model):
            ids[model] = frozenset()
        elif scope.kind is not ScopeKind.ALL:
            ids[model] = set(session.scalars(select(model.id).where(scope.condition(model))))
    return Visible(ids)
