"""What the search index says of each kind of record: its title, body and context.

A document quotes the records around it (a meeting's zones, an agreement's meeting), so
:func:`dependents` names the documents to write again when one of those changes.
:mod:`cases.storage.search_index` writes and reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass

from cases.storage.models import (
    Agreement,
    Attachment,
    Case,
    DisputeZone,
    Finding,
    Inspection,
    Institution,
    Meeting,
    Person,
    Site,
)

__all__ = ["Document", "BUILDERS", "attachment_document", "dependents"]


@dataclass(frozen=True)
class Document:
    """A record's entry in the index, and the page (``link_kind``, ``link_id``) showing it."""

    kind: str
    record_id: int
    link_kind: str
    link_id: int
    title: str
    body: str
    context: str


def _many(obj, name: str, fresh: Set[int]) -> list:
    """A collection of ``obj``; one never set on a record just inserted is empty.

    Loading it would cost a query per collection and record (a bulk load of the demo).
    """
    if id(obj) in fresh and name not in obj.__dict__:
        return []
    return getattr(obj, name)


def _join(*parts: str | None) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def _names(items: Iterable, attribute: str = "name") -> str:
    return ", ".join(getattr(item, attribute) or "" for item in items)


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}" if value else ""


def _people(participants) -> str:
    return ", ".join(p.person.label for p in participants if p.person is not None)


def _zone(zone: DisputeZone, fresh: Set[int] = frozenset()) -> Document:
    municipalities = _names(_many(zone, "municipalities", fresh))
    return Document("dispute_zone", zone.id, "dispute_zone", zone.id, zone.name,
                    zone.description or "", _labelled("Municipios", municipalities))


def _case(case: Case, fresh: Set[int] = frozenset()) -> Document:
    return Document("case_file", case.id, "case_file", case.id, f"{case.number} {case.title}",
                    case.description or "",
                    _join(_labelled("Zonas", _names(_many(case, "zones", fresh))),
                         _labelled("Partes", _names(_many(case, "parties", fresh)))))


def _meeting(meeting: Meeting, fresh: Set[int] = frozenset()) -> Document:
    return Document(
        "meeting", meeting.id, "meeting", meeting.id, meeting.title,
        _join(meeting.place, meeting.purpose, meeting.summary, meeting.participants),
        _join(_labelled("Zonas", _names(_many(meeting, "zones", fresh))),
              _labelled("Expedientes", _names(_many(meeting, "cases", fresh), "number")),
              _labelled("Instituciones", _names(_many(meeting, "institutions", fresh))),
              _labelled("Personas", _people(_many(meeting, "people", fresh)))),
    )


def _inspection(inspection: Inspection, fresh: Set[int] = frozenset()) -> Document:
    return Document(
        "inspection", inspection.id, "inspection", inspection.id, inspection.title,
        _join(inspection.place, inspection.purpose, inspection.summary,
              ", ".join(str(name) for name in inspection.participants or [])),
        _join(_labelled("Zonas", _names(_many(inspection, "zones", fresh))),
              _labelled("Expedientes", _names(_many(inspection, "cases", fresh), "number")),
              _labelled("Instituciones", _names(_many(inspection, "institutions", fresh))),
              _labelled("Personas", _people(_many(inspection, "people", fresh)))),
    )


def _activity_context(activity: Meeting | Inspection | None, fresh: Set[int]) -> str:
    if activity is None:
        return ""
    return _join(activity.title, _labelled("Zonas", _names(_many(activity, "zones", fresh))))


def _agreement(agreement: Agreement, fresh: Set[int] = frozenset()) -> Document:
    activity = agreement.meeting if agreement.meeting is not None else agreement.inspection
    link = ("meeting", agreement.meeting_id) if agreement.meeting_id is not None else (
        "inspection", agreement.inspection_id)
    who = _join(agreement.responsible.name if agreement.responsible else "",
                agreement.responsible_person.label if agreement.responsible_person else "")
    return Document("agreement", agreement.id, *link, agreement.text, who,
                    _activity_context(activity, fresh))


def _finding(finding: Finding, fresh: Set[int] = frozenset()) -> Document:
    return Document("finding", finding.id, "inspection", finding.inspection_id,
                    finding.description.split("\n", 1)[0][:300], finding.description,
                    _activity_context(finding.inspection, fresh))


def _person(person: Person, fresh: Set[int] = frozenset()) -> Document:
    return Document("person", person.id, "person", person.id, person.name or person.position,
                    person.position if person.name else "",
                    person.institution.name if person.institution else "")


def _institution(institution: Institution, fresh: Set[int] = frozenset()) -> Document:
    return Document("institution", institution.id, "institution", institution.id,
                    institution.name, institution.short_name or "", "")


def _site(site: Site, fresh: Set[int] = frozenset()) -> Document:
    return Document("site", site.id, "site", site.id, site.name, site.description or "", "")


def _attachment_link(attachment: Attachment) -> tuple[str, int]:
    if attachment.meeting_id is not None:
        return "meeting", attachment.meeting_id
    if attachment.inspection_id is not None:
        return "inspection", attachment.inspection_id
    if attachment.finding_id is not None:
        return "inspection", attachment.finding.inspection_id
    return "limit_proposal", attachment.proposal_id


def attachment_document(attachment: Attachment, fresh: Set[int] = frozenset()) -> Document:
    """An attachment's entry, without its file's text (written apart, once, when attached)."""
    owner = attachment.owner
    context = getattr(owner, "title", None) or getattr(owner, "description", "") or ""
    # The body (a PDF's text) is written by put_attachment_text and kept by _write.
    return Document("attachment", attachment.id, *_attachment_link(attachment),
                    _join(attachment.label, attachment.original_name
                          if attachment.original_name != attachment.label else ""),
                    "", context[:300])


BUILDERS: dict[type, Callable[..., Document]] = {
    DisputeZone: _zone, Case: _case, Meeting: _meeting, Inspection: _inspection,
    Agreement: _agreement, Finding: _finding, Person: _person, Institution: _institution,
    Site: _site, Attachment: attachment_document,
}


def dependents(obj) -> Iterable:
    """Records whose document quotes ``obj`` (a zone's name in its meetings' context)."""
    if isinstance(obj, DisputeZone):
        yield from obj.meetings
        yield from obj.inspections
        yield from obj.cases
    elif isinstance(obj, Meeting):
        yield from obj.agreements
        yield from obj.attachments
    elif isinstance(obj, Inspection):
        yield from obj.agreements
        yield from obj.findings
        yield from obj.attachments
