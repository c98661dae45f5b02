"""Who authorizes («Autorizó») each sheet of the quarterly report: data, per period.

A signer is a person named from a date on, for one indicator or for the whole unit (the
default: the sheets of indicators without a signer of their own and the «Otras actividades»
sheet). The signer of a quarter is the entry with the latest ``valid_from`` on or before the
quarter's last day: a new head signs from the quarter in which they took office. No name is
built in; a report without a signer says so.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cases.errors import InvalidInputError, NotFoundError
from cases.records.audit import record_change
from cases.storage.models import (
    AuditAction,
    Indicator,
    IndicatorSigner,
    Person,
    User,
)

__all__ = ["signer_of", "unit_signers", "add_signer", "remove_signer", "signer_candidates"]


def _latest(entries: list[IndicatorSigner], day: dt.date) -> IndicatorSigner | None:
    valid = [e for e in entries if e.valid_from <= day and not e.person.is_deleted]
    return max(valid, key=lambda e: (e.valid_from, e.id), default=None)


def unit_signers(session: Session) -> list[IndicatorSigner]:
    """The unit's default signers (no indicator), oldest first."""
    return list(session.scalars(
        select(IndicatorSigner).options(selectinload(IndicatorSigner.person))
        .where(IndicatorSigner.indicator_id.is_(None))
        .order_by(IndicatorSigner.valid_from, IndicatorSigner.id)
    ))


def signer_of(session: Session, indicator: Indicator | None, day: dt.date) -> Person | None:
    """Who signs ``indicator``'s sheet (``None``: «Otras actividades») up to ``day``.

    The indicator's own signer, else the unit's, else nobody.
    """
    if indicator is not None:
        own = _latest(list(indicator.signers), day)
        if own is not None:
            return own.person
    default = _latest(unit_signers(session), day)
    return default.person if default is not None else None


def signer_candidates(session: Session) -> list[Person]:
    """The people who may sign a sheet, by name."""
    return sorted(session.scalars(select(Person)).all(), key=lambda p: p.label.lower())


def add_signer(
    session: Session,
    person_id: int | None,
    valid_from: dt.date | None,
    indicator: Indicator | None = None,
    actor: User | None = None,
) -> IndicatorSigner:
    """Name ``person_id`` signer from ``valid_from`` on (of ``indicator``, or the unit's).

    Audited on the indicator (or as a change of the unit's signer). A second entry with the
    same date replaces the first one, so a mistake is corrected by entering it again.
    """
    if valid_from is None:
        raise InvalidInputError("Escriba desde qué fecha firma (dd/mm/aaaa).", field="desde")
    person = session.get(Person, person_id) if person_id is not None else None
    if person is None or person.is_deleted:
        raise InvalidInputError("Elija a la persona que autoriza.", field="persona")
    entries = list(indicator.signers) if indicator is not None else unit_signers(session)
    same_day = next((e for e in entries if e.valid_from == valid_from), None)
    before = {"autoriza_desde": valid_from.isoformat(),
              "autoriza": same_day.person.label if same_day is not None else None}
    if same_day is not None:
        same_day.person = person
        entry = same_day
    else:
        entry = IndicatorSigner(indicator=indicator, person=person, valid_from=valid_from)
        session.add(entry)
    session.flush()
    after = {"autoriza_desde": valid_from.isoformat(), "autoriza": person.label}
    record_change(session, actor, AuditAction.UPDATE, indicator if indicator is not None
                  else person, before=before, after=after)
    return entry


def remove_signer(session: Session, signer_id: int, actor: User | None = None) -> None:
    """Remove a signer entry (audited); the previous one signs again from its date."""
    entry = session.get(IndicatorSigner, signer_id)
    if entry is None:
        raise NotFoundError(f"No existe el firmante número {signer_id}.")
    before = {"autoriza_desde": entry.valid_from.isoformat(), "autoriza": entry.person.label}
    owner = entry.indicator if entry.indicator is not None else entry.person
    session.delete(entry)
    session.flush()
    record_change(session, actor, AuditAction.UPDATE, owner, before=before,
                  after={"autoriza_desde": None, "autoriza": None})
