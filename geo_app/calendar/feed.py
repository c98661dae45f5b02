"""The iCalendar (RFC 5545) document of a personal feed, written with ``icalendar``.

Meetings are timed events in Oaxaca's time zone when their times are recorded, all-day
events otherwise; an agreement is an all-day event on its due date that links to the page
of its meeting or inspection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from icalendar import Calendar, Event

from cases.records.calendar import CalendarEntries
from cases.storage.models import Agreement, Meeting
from geo_app.formatting import LOCAL_ZONE

__all__ = ["PRODUCT", "CALENDAR_NAME", "feed_document"]

PRODUCT = "-//Unidad de Atención de Asuntos Metropolitanos//Límites//ES"
CALENDAR_NAME = "Límites: reuniones y acuerdos"
# A meeting with a start and no end time lasts an hour in the calendar.
DEFAULT_LENGTH = dt.timedelta(hours=1)
# How often calendar programs should read the feed again.
REFRESH = dt.timedelta(hours=1)


def _meeting_event(meeting: Meeting, link: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"reunion-{meeting.id}@limites")
    event.add("dtstamp", stamp)
    event.add("summary", f"{meeting.kind.label}: {meeting.title}")
    if meeting.start_time is not None:
        start = dt.datetime.combine(meeting.date, meeting.start_time, tzinfo=LOCAL_ZONE)
        end = (dt.datetime.combine(meeting.date, meeting.end_time, tzinfo=LOCAL_ZONE)
               if meeting.end_time is not None and meeting.end_time > meeting.start_time
               else start + DEFAULT_LENGTH)
        event.add("dtstart", start)
        event.add("dtend", end)
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + dt.timedelta(days=1))
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", "\n\n".join(part for part in (meeting.purpose, link) if part))
    event.add("url", link)
    return event


def _agreement_event(agreement: Agreement, link: str, stamp: dt.datetime) -> Event:
    activity = agreement.activity
    noun = "Reunión" if agreement.meeting is not None else "Recorrido"
    lines = [agreement.text, f"Estado: {agreement.status.label}"]
    if agreement.responsible is not None:
        lines.append(f"Responsable: {agreement.responsible.name}")
    lines += [f"{noun}: {activity.title}", link]
    event = Event()
    event.add("uid", f"acuerdo-{agreement.id}@limites")
    event.add("dtstamp", stamp)
    event.add("summary", f"Vence acuerdo: {agreement.text}")
    event.add("dtstart", agreement.due_date)
    event.add("dtend", agreement.due_date + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("description", "\n".join(lines))
    event.add("url", link)
    return event


def feed_document(entries: CalendarEntries, link_of: Callable[[str, int], str],
                  stamp: dt.datetime) -> bytes:
    """The feed's ``.ics`` bytes; ``link_of(kind, id)`` is the absolute URL of a page."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-timezone", str(LOCAL_ZONE))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for meeting in entries.meetings:
        calendar.add_component(_meeting_event(meeting, link_of("meeting", meeting.id), stamp))
    for agreement in entries.agreements:
        activity = agreement.activity
        kind = "meeting" if agreement.meeting is not None else "inspection"
        calendar.add_component(
            _agreement_event(agreement, link_of(kind, activity.id), stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
