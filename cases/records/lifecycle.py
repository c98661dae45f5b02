"""Records staff edit: soft deletion hidden from every query, restore, optimistic versions.

Soft-deleted rows (``deleted_at`` set, see :class:`cases.storage.models.EditableMixin`) are hidden
from every ORM ``SELECT`` of a session, relationship and lazy loads included, by one
session event (SQLAlchemy's ``with_loader_criteria`` global-filter recipe). A deleted
record therefore never reaches a page, a map, an export, a share link or an analysis, and a
query written tomorrow is covered without remembering a filter. Only the Papelera and the
restore use case look at deleted rows, through :func:`including_deleted`. The event lives
next to the mixin in :mod:`cases.storage.models`, so every session has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from cases.errors import NotFoundError, StaleRecordError
from cases.records.audit import record_change
from cases.records.record_types import RECORD_TYPES, RecordType, record_label
from cases.storage.models import (
    INCLUDE_DELETED,
    Agreement,
    AuditAction,
    EditableMixin,
    Finding,
    Inspection,
    Meeting,
    User,
    utcnow,
)

__all__ = [
    "INCLUDE_DELETED",
    "including_deleted",
    "check_version",
    "touch",
    "soft_delete",
    "restore",
    "TrashItem",
    "deleted_records",
]

Model = TypeVar("Model", bound=EditableMixin)

def including_deleted(statement: Select) -> Select:
    """Return ``statement`` with soft-deleted rows visible (Papelera, restore, audit)."""
    return statement.execution_options(**{INCLUDE_DELETED: True})


# Records that go to the Papelera (and come back) with their parent.
_CHILDREN: dict[type, tuple[tuple[type, str], ...]] = {
    Meeting: ((Agreement, "meeting_id"),),
    Inspection: ((Finding, "inspection_id"), (Agreement, "inspection_id")),
}


def check_version(record: EditableMixin, expected: int | None) -> None:
    """Refuse to save ``record`` when it changed since its form was built (version ``expected``).

    Raises :class:`~cases.errors.StaleRecordError` (409), which carries the record as it is
    now so the page can show what changed meanwhile. A form that does not say which version
    it was built from (``None``: the field was empty or not a number) is refused the same
    way: it cannot prove that it saw the latest changes.
    """
    if expected is None:
        raise StaleRecordError(
            "El formulario no indica de qué versión del registro partió (falta o no es "
            "válida), así que podría borrar cambios de otra persona. Revise el registro como "
            "está ahora y vuelva a aplicar los suyos.",
            record,
            None,
            record.version,
        )
    if expected != record.version:
        raise StaleRecordError(
            "Otra persona modificó este registro mientras usted lo editaba "
            f"(versión {record.version}, su formulario era de la versión {expected}). "
            "Revise los cambios y vuelva a aplicar los suyos.",
            record,
            expected,
            record.version,
        )


def touch(record: EditableMixin) -> None:
    """Force an UPDATE (and a new version) when only a many-to-many collection changed."""
    flag_modified(record, "deleted_at")


def soft_delete(session: Session, actor: User | None, record: EditableMixin) -> None:
    """Send ``record`` (and its agreements or findings) to the Papelera, audited.

    Runs in the caller's transaction.
    """
    if record.is_deleted:
        raise NotFoundError(f"«{record_label(record)}» ya está en la papelera.")
    moment = utcnow()
    rows = [record]
    for child, key in _CHILDREN.get(type(record), ()):
        rows += session.scalars(select(child).where(getattr(child, key) == record.id)).all()
    for row in rows:
        row.deleted_at = moment
        row.deleted_by_id = actor.id if actor is not None else None
    record_change(session, actor, AuditAction.DELETE, record,
                  before={"en_papelera": False}, after={"en_papelera": True})


def restore(session: Session, actor: User | None, type_name: str, record_id: int) -> object:
    """Bring a record (and what was deleted with it) back from the Papelera, audited.

    Runs in the caller's transaction; returns the restored record.
    """
    kind = RECORD_TYPES.get(type_name)
    record = None
    if kind is not None and issubclass(kind.model, EditableMixin):
        record = session.scalar(
            including_deleted(select(kind.model).where(kind.model.id == record_id))
        )
    if record is None or not record.is_deleted:
        raise NotFoundError("Ese registro no está en la papelera.")
    rows = [record]
    for child, key in _CHILDREN.get(type(record), ()):
        rows += session.scalars(including_deleted(select(child).where(
            getattr(child, key) == record.id, child.deleted_at == record.deleted_at
        ))).all()
    for row in rows:
        row.deleted_at = None
        row.deleted_by_id = None
    record_change(session, actor, AuditAction.RESTORE, record,
                  before={"en_papelera": True}, after={"en_papelera": False})
    return record


@dataclass
class TrashItem:
    """A record in the Papelera."""

    type: RecordType
    record: EditableMixin
    label: str
    deleted_by: str | None

    @property
    def deleted_at(self):
        """When the record was deleted (UTC)."""
        return self.record.deleted_at


def deleted_records(session: Session) -> list[TrashItem]:
    """Every record in the Papelera, most recently deleted first.

    Children deleted together with their parent (a meeting's agreements, an inspection's
    findings) are listed under the parent only.
    """
    users = {u.id: u.username for u in session.scalars(select(User))}
    parents: dict[type, list[tuple[type, str]]] = {}
    for parent, children in _CHILDREN.items():
        for child, key in children:
            parents.setdefault(child, []).append((parent, key))
    items = []
    for kind in RECORD_TYPES.values():
        model = kind.model
        if not issubclass(model, EditableMixin):
            continue
        query = select(model).where(model.deleted_at.is_not(None))
        for parent, key in parents.get(model, ()):
            # Hidden when its parent went to the Papelera with it.
            together = select(parent.id).where(
                parent.id == getattr(model, key), parent.deleted_at == model.deleted_at
            ).execution_options(**{INCLUDE_DELETED: True})
            query = query.where(~together.exists())
        items.extend(
            TrashItem(kind, row, record_label(row), users.get(row.deleted_by_id))
            for row in session.scalars(including_deleted(query))
        )
    return sorted(items, key=lambda item: item.deleted_at, reverse=True)
