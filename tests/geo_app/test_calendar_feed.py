"""«Cuenta › Calendario»: a personal iCalendar feed, read without a session, revocable."""

import datetime as dt
import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from cases.records.agreements import local_today
from cases.storage.models import Agreement, Meeting, MeetingKind


def _create(client) -> str:
    page = client.post("/calendario/crear")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "no se volverá a mostrar" in html
    url = re.search(r'data-testid="feed-url">([^<]+)</textarea>', html).group(1)
    return url.removeprefix("http://localhost")


@pytest.fixture
def meeting(app):
    """A timed meeting with an agreement due in seven days."""
    with app.extensions["limites_sessions"]() as session:
        record = Meeting(date=local_today(), kind=MeetingKind.WORKING, title="Mesa del río",
                         start_time=dt.time(10, 30), end_time=dt.time(12, 0),
                         place="Palacio municipal")
        record.agreements.append(Agreement(text="Entregar el plano firmado",
                                           due_date=local_today() + dt.timedelta(days=7)))
        session.add(record)
        session.commit()
        return record.id


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_feed_is_read_without_a_session_and_parses(app, reader_client, meeting):
    path = _create(reader_client)
    assert path.startswith("/calendario/cal_") and path.endswith(".ics")
    feed = app.test_client().get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    assert str(calendar["X-WR-CALNAME"]) == "Límites: reuniones y acuerdos"
    events = _events(feed.data)
    with app.extensions["limites_sessions"]() as session:
        agreement_id = session.scalar(select(Agreement.id).where(Agreement.meeting_id == meeting))
    due = events[f"acuerdo-{agreement_id}@limites"]
    # An all-day event on the due day, with a link to its meeting's page.
    assert due.decoded("DTSTART") == local_today() + dt.timedelta(days=7)
    assert not isinstance(due.decoded("DTSTART"), dt.datetime)
    assert due.decoded("DTEND") == local_today() + dt.timedelta(days=8)
    assert str(due["URL"]) == f"http://localhost/reuniones/{meeting}"
    assert str(due["SUMMARY"]) == "Vence acuerdo: Entregar el plano firmado"
    timed = events[f"reunion-{meeting}@limites"]
    start = timed.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 30, "America/Mexico_City")
    assert str(timed["LOCATION"]) == "Palacio municipal"
    assert calendar.walk("VTIMEZONE")


def test_revoked_feed_answers_410_and_unknown_404(app, reader_client):
    path = _create(reader_client)
    anonymous = app.test_client()
    assert reader_client.post("/calendario/revocar").status_code == 302
    gone = anonymous.get(path)
    assert gone.status_code == 410 and "revocada" in gone.get_data(as_text=True)
    assert anonymous.get("/calendario/cal_inventado.ics").status_code == 404


def test_a_new_address_revokes_the_old(app, client):
    first = _create(client)
    second = _create(client)
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 410
    assert anonymous.get(second).status_code == 200


def test_the_account_page_leads_to_the_calendar(reader_client):
    assert 'href="/calendario/"' in reader_client.get("/cuenta/").get_data(as_text=True)
    html = reader_client.get("/calendario/").get_data(as_text=True)
    assert "Crear la dirección del calendario" in html and "sin calendario" in html


def test_disabling_the_account_revokes_its_feed_for_good(app, reader_client):
    from cases.access import accounts

    path = _create(reader_client)
    with app.extensions["limites_sessions"]() as session:
        user = accounts.get_user(session, "lectora")
        accounts.disable_user(session, user)
        session.commit()
        assert app.test_client().get(path).status_code == 410
        accounts.enable_user(session, user)
        session.commit()
    assert app.test_client().get(path).status_code == 410
