"""What the search index says of each kind of record: its title, body and context.

A document quotes the records around it (a meeting's zones, an agreement's meeting), so
:func:`dependents` names the documents to write again when one of those changes.
:mod:`cases.storage.search_index` writes and reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def _join(*parts: str | None) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def _names(items: Iterable, attribute: str = "name") -> str:
    return ", ".join(getattr(item, attribute) or "" for item in items)


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}" if value else ""


def _people(participants) -> str:
    return ", ".join(p.person.label for p in participants if p.person is not None)


def _zone(zone: DisputeZone) -> Document:
    return Document("dispute_zone", zone.id, "dispute_zone", zone.id, zone.name,
                     zone.description or "", _labelled("Municipios", _names(zone.municipalities)))


def _case(case: Case) -> Document:
    return Document("case_file", case.id, "case_file", case.id, f"{case.number} {case.title}",
                     case.description or "", _join(_labelled("Zonas", _names(case.zones)),
                                                   _labelled("Partes", _names(case.parties))))


def _meeting(meeting: Meeting) -> Document:
    return Document(
        "meeting", meeting.id, "meeting", meeting.id, meeting.title,
        _join(meeting.place, meeting.purpose, meeting.summary, meeting.participants),
        _join(_labelled("Zonas", _names(meeting.zones)),
              _labelled("Expedientes", _names(meeting.cases, "number")),
              _labelled("Instituciones", _names(meeting.institutions)),
              _labelled("Personas", _people(meeting.people))),
    )


def _inspection(inspection: Inspection) -> Document:
    return Document(
        "inspection", inspection.id, "inspection", inspection.id, inspection.title,
        _join(inspection.place, inspection.purpose, inspection.summary,
              ", ".join(str(name) for name in inspection.participants or [])),
        _join(_labelled("Zonas", _names(inspection.zones)),
              _labelled("Expedientes", _names(inspection.cases, "number")),
              _labelled("Instituciones", _names(inspection.institutions)),
              _labelled("Personas", _people(inspection.people))),
    )


def _activity_context(activity: Meeting | Inspection | None) -> str:
    if activity is None:
        return ""
    return _join(activity.title, _labelled("Zonas", _names(activity.zones)))


def _agreement(agreement: Agreement) -> Document:
    activity = agreement.meeting if agreement.meeting is not None else agreement.inspection
    link = ("meeting", agreement.meeting_id) if agreement.meeting_id is not None else (
        "inspection", agreement.inspection_id)
    who = _join(agreement.responsible.name if agreement.responsible else "",
                agreement.responsible_person.label if agreement.responsible_person else "")
    return Document("agreement", agreement.id, *link, agreement.text, who,
                     _activity_context(activity))


def _finding(finding: Finding) -> Document:
    return Document("finding", finding.id, "inspection", finding.inspection_id,
                     finding.description.split("\n", 1)[0][:300], finding.description,
                     _activity_context(finding.inspection))


def _person(person: Person) -> Document:
    return Document("person", person.id, "person", person.id, person.name or person.position,
                     person.position if person.name else "",
                     person.institution.name if person.institution else "")


def _institution(institution: Institution) -> Document:
    return Document("institution", institution.id, "institution", institution.id,
                     institution.name, institution.short_name or "", "")


def _site(site: Site) -> Document:
    return Document("site", site.id, "site", site.id, site.name, site.description or "", "")


def _attachment_link(attachment: Attachment) -> tuple[str, int]:
    if attachment.meeting_id is not None:
        return "meeting", attachment.meeting_id
    if attachment.inspection_id is not None:
        return "inspection", attachment.inspection_id
    if attachment.finding_id is not None:
        return "inspection", attachment.finding.inspection_id
    return "limit_proposal", attachment.proposal_id


def attachment_document(attachment: Attachment) -> Document:
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
