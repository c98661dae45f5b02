"""«Cuenta › Calendario»: make or revoke the feed, and the feed itself (no session)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for

from cases.access import calendar_feeds
from cases.records.agreements import local_today
from cases.records.calendar import calendar_entries
from cases.storage.db import unit_of_work
from cases.storage.models import utcnow
from geo_app import read_log
from geo_app.account.auth import acting_user, public
from geo_app.calendar.feed import feed_document
from geo_app.db import get_session

__all__ = ["bp", "PAGES"]

bp = Blueprint("calendar", __name__, url_prefix="/calendario")

#: The page of each kind of record a feed links to.
PAGES = {"meeting": ("meetings.detail", "meeting_id"),
         "inspection": ("inspections.detail", "inspection_id")}


def _page(new_url: str | None = None):
    feed = calendar_feeds.current_feed(get_session(), acting_user())
    return render_template("calendar/feed.html", title="Calendario", feed=feed,
                           new_url=new_url,
                           breadcrumbs=[("Cuenta", url_for("auth.account"))])


@bp.get("/")
def index():
    """Calendario personal: la dirección para Outlook, Google Calendar o Thunderbird."""
    return _page()


@bp.post("/crear")
def create():
    """Crea la dirección del calendario (revoca la anterior) y la muestra una sola vez."""
    db = get_session()
    with unit_of_work(db):
        new = calendar_feeds.create_feed(db, acting_user(), acting_user())
    # Rendered, never flashed: the address must not travel in the session cookie.
    return _page(url_for("calendar.feed", token=new.token, _external=True))


@bp.post("/revocar")
def revoke():
    """Revoca la dirección del calendario: los programas suscritos dejan de leerla."""
    db = get_session()
    with unit_of_work(db):
        calendar_feeds.revoke_feeds(db, acting_user(), acting_user())
    flash("La dirección del calendario quedó revocada.", "success")
    return redirect(url_for("calendar.index"))


def _link(kind: str, record_id: int) -> str:
    endpoint, argument = PAGES[kind]
    return url_for(endpoint, _external=True, **{argument: record_id})


@bp.get("/<token>.ics")
@public
def feed(token: str):
    """El calendario en formato iCalendar, para suscribirse sin iniciar sesión."""
    db = get_session()  # a read: the feed's last use is written later, off the request path
    calendar_feeds.feed_owner(db, token, on_use=read_log.writer().touch)
    body = feed_document(calendar_entries(db, local_today()), _link, utcnow())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="limites.ics"',
                             "Cache-Control": "private, max-age=300"})
