"""Personal API keys: programs (QGIS, GDAL, OWSLib) read the OGC API as their owner.

A key is sent as ``Authorization: Bearer <token>``. The token
(``secrets.token_urlsafe(32)``, 256 bits, after a ``lim_`` prefix that says what it is) is
returned once by :func:`create_token`; only its SHA-256 hash is stored, as for share links
(:func:`cases.sharing.links.hash_token`). A revoked key, or one whose owner is disabled, opens
nothing. Every use case runs in the caller's transaction and never commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cases.access.permissions import can_revoke_token, require
from cases.errors import InvalidInputError, NotFoundError, UnauthorizedError
from cases.records.audit import record_change, snapshot
from cases.records.text import clean_name
from cases.sharing.links import hash_token
from cases.storage.models import ApiToken, AuditAction, User, utcnow

__all__ = [
    "PREFIX",
    "MAX_NAME",
    "NewToken",
    "create_token",
    "list_tokens",
    "revoke_token",
    "revoke_owner_tokens",
    "authenticate",
    "bearer_token",
]

PREFIX = "lim_"
MAX_NAME = 80
# How often a use is handed on to be written as the "last used" time: not on every request.
_USE_RESOLUTION = dt.timedelta(minutes=5)

UNKNOWN = ("La clave de acceso no es válida. Revise que la copió completa o cree una nueva "
           "en la página «Cuenta» de Límites.")
REVOKED = ("Esta clave de acceso fue revocada y ya no da acceso. Cree una nueva en la "
           "página «Cuenta» de Límites.")
DISABLED = ("La cuenta dueña de esta clave de acceso está desactivada. Pida ayuda a un "
            "administrador.")


@dataclass(frozen=True)
class NewToken:
    """A key just made: the record and the token (shown once, never stored)."""

    record: ApiToken
    token: str


def _public(token: ApiToken) -> dict:
    data = snapshot(token)
    data.pop("token_hash", None)
    data.pop("last_used_at", None)
    return data


def create_token(session: Session, actor: User | None, owner: User, name: str) -> NewToken:
    """Make a key for ``owner`` called ``name`` (what it is for: «QGIS de la oficina»)."""
    if not owner.active:
        raise InvalidInputError(f"La cuenta «{owner.username}» está desactivada.")
    label = clean_name(name, "el nombre de la clave")
    if len(label) > MAX_NAME:
        raise InvalidInputError(f"El nombre de la clave admite hasta {MAX_NAME} caracteres.")
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user_id=owner.id, user=owner, name=label,
                      token_hash=hash_token(token), created_at=utcnow())
    session.add(record)
    record_change(session, actor, AuditAction.CREATE, record, after=_public(record))
    return NewToken(record, token)


def list_tokens(session: Session, owner: User | None = None,
                include_revoked: bool = True) -> list[ApiToken]:
    """The keys of ``owner`` (everyone's when ``None``), newest first."""
    query = select(ApiToken).options(selectinload(ApiToken.user))
    if owner is not None:
        query = query.where(ApiToken.user_id == owner.id)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(query.order_by(ApiToken.created_at.desc(),
                                               ApiToken.id.desc())))


def revoke_token(session: Session, actor: User | None, token_id: int) -> ApiToken:
    """Revoke the key ``token_id`` (already revoked: unchanged), audited.

    ``actor`` must own it or be an administrator; ``None`` is the command line.
    """
    record = session.get(ApiToken, token_id)
    if record is None:
        raise NotFoundError(f"No existe la clave de acceso número {token_id}.")
    if actor is not None:
        require(can_revoke_token(actor, record))
    if record.revoked_at is None:
        _revoke(session, actor, record)
    return record


def revoke_owner_tokens(session: Session, actor: User | None, owner: User) -> int:
    """Revoke every key of ``owner`` still in force, audited; return how many.

    Disabling an account calls it, so enabling the account again brings no old key back:
    keys made before may have been copied anywhere while the account was off.
    """
    live = session.scalars(select(ApiToken).where(ApiToken.user_id == owner.id,
                                                  ApiToken.revoked_at.is_(None))).all()
    for record in live:
        _revoke(session, actor, record)
    return len(live)


def _revoke(session: Session, actor: User | None, record: ApiToken) -> None:
    before = _public(record)
    record.revoked_at = utcnow()
    record_change(session, actor, AuditAction.UPDATE, record, before=before,
                  after=_public(record))


def bearer_token(header_value: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or ``None``.

    Examples
    --------
    >>> bearer_token("Bearer lim_abc")
    'lim_abc'
    >>> bearer_token("Basic dXNlcjpwYXNz") is None
    True
    """
    scheme, _, token = (header_value or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def authenticate(session: Session, header_value: str | None,
                 now: dt.datetime | None = None,
                 on_use: Callable[[type, int, dt.datetime], None] | None = None) -> User | None:
    """The owner of the key in an ``Authorization`` header value, or ``None`` without one.

    A header that brings a key which is unknown, revoked or whose owner is disabled raises
    :class:`UnauthorizedError` (401) with a Spanish message that says which. Nothing is
    written: the key's use goes to ``on_use(ApiToken, id, now)`` (at most every few minutes
    of its stored last use), which writes it later off the request path
    (:meth:`cases.sharing.links.AccessWriter.touch`).
    """
    token = bearer_token(header_value)
    if token is None:
        return None
    record = session.scalar(
        select(ApiToken).options(selectinload(ApiToken.user))
        .where(ApiToken.token_hash == hash_token(token))
    )
    if record is None:
        raise UnauthorizedError(UNKNOWN)
    # Disabling revokes the keys too; say why the key stopped working.
    if not record.user.active:
        raise UnauthorizedError(DISABLED)
    if record.revoked_at is not None:
        raise UnauthorizedError(REVOKED)
    now = now or utcnow()
    if on_use is not None and (record.last_used_at is None
                               or now - record.last_used_at >= _USE_RESOLUTION):
        on_use(ApiToken, record.id, now)
    return record.user
