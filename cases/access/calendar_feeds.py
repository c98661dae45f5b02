"""Personal calendar feeds: a private iCalendar address for Outlook, Google or Thunderbird.

A calendar program subscribes to ``/calendario/<token>.ics`` and polls it without a session,
so the address itself is the key: the token (``secrets.token_urlsafe(32)``, 256 bits, after a
``cal_`` prefix that says what it is) is returned once by :func:`create_feed` and only its
SHA-256 hash is stored (:func:`cases.sharing.links.hash_token`), as for API keys. Each
account has at most one feed in force: making a new one revokes the old. A revoked feed, or
one whose owner is disabled, answers 410; an unknown one 404. Every use case runs in the
caller's transaction and never commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cases.errors import NotFoundError, ShareGoneError
from cases.records.audit import record_change, snapshot
from cases.sharing.links import hash_token
from cases.storage.models import AuditAction, CalendarFeed, User, utcnow

__all__ = ["PREFIX", "NewFeed", "create_feed", "current_feed", "revoke_feeds", "feed_owner"]

PREFIX = "cal_"
# How often a use is handed on to be written as the "last used" time: calendar programs poll
# every few minutes.
_USE_RESOLUTION = dt.timedelta(hours=1)

UNKNOWN = "Esta dirección de calendario no existe. Copie la dirección completa desde Límites."
REVOKED = ("Esta dirección de calendario fue revocada. Cree una nueva en «Cuenta › Calendario» "
           "de Límites y suscríbase de nuevo.")
DISABLED = "La cuenta dueña de este calendario está desactivada."


@dataclass(frozen=True)
class NewFeed:
    """A feed just made: the record and its token (shown once, never stored)."""

    record: CalendarFeed
    token: str


def _public(feed: CalendarFeed) -> dict:
    data = snapshot(feed)
    data.pop("token_hash", None)
    data.pop("last_used_at", None)
    return data


def current_feed(session: Session, owner: User) -> CalendarFeed | None:
    """The feed of ``owner`` in force, if any."""
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == owner.id,
                                                     CalendarFeed.revoked_at.is_(None)))


def revoke_feeds(session: Session, actor: User | None, owner: User) -> int:
    """Revoke the feeds of ``owner`` in force, audited; return how many."""
    live = session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == owner.id,
                                                      CalendarFeed.revoked_at.is_(None))).all()
    for feed in live:
        before = _public(feed)
        feed.revoked_at = utcnow()
        record_change(session, actor, AuditAction.UPDATE, feed, before=before,
                      after=_public(feed))
    return len(live)


def create_feed(session: Session, actor: User | None, owner: User) -> NewFeed:
    """Make a new feed for ``owner`` (revoking the one in force), audited."""
    revoke_feeds(session, actor, owner)
    token = PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=owner.id, user=owner, token_hash=hash_token(token),
                        created_at=utcnow())
    session.add(feed)
    session.flush()
    record_change(session, actor, AuditAction.CREATE, feed, after=_public(feed))
    return NewFeed(feed, token)


def feed_owner(session: Session, token: str, now: dt.datetime | None = None,
               on_use: Callable[[type, int, dt.datetime], None] | None = None) -> User:
    """The owner of the feed ``token``; 404 when unknown, 410 when revoked or disabled.

    Nothing is written: the feed's use goes to ``on_use(CalendarFeed, id, now)`` (at most
    every hour of its stored last use), which writes it later off the request path.
    """
    feed = session.scalar(select(CalendarFeed).options(selectinload(CalendarFeed.user))
                          .where(CalendarFeed.token_hash == hash_token(token)))
    if feed is None:
        raise NotFoundError(UNKNOWN)
    if feed.revoked_at is not None:
        raise ShareGoneError(REVOKED)
    if not feed.user.active:
        raise ShareGoneError(DISABLED)
    now = now or utcnow()
    if on_use is not None and (feed.last_used_at is None
                               or now - feed.last_used_at >= _USE_RESOLUTION):
        on_use(CalendarFeed, feed.id, now)
    return feed.user
