"""User accounts: create, sign in, change password, disable, list; demo accounts.

Passwords are hashed with Argon2id (argon2-cffi, memory-hard). Every function runs in the
caller's transaction and audits what it changes; none commits.
"""

from __future__ import annotations

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.access.api_keys import revoke_owner_tokens
from cases.access.calendar_feeds import revoke_feeds
from cases.errors import ConflictError, InvalidInputError, NotFoundError
from cases.records.audit import record_change, snapshot
from cases.records.text import clean_name
from cases.storage.models import AuditAction, Role, User, utcnow

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "DEMO_ACCOUNTS",
    "normalize_username",
    "hash_password",
    "create_user",
    "get_user",
    "user_by_id",
    "set_password",
    "disable_user",
    "enable_user",
    "end_sessions",
    "check_password",
    "authenticate",
    "list_users",
    "create_demo_accounts",
    "active_demo_accounts",
]

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")

# One account per role, documented in the README; never to be left active on a network.
DEMO_ACCOUNTS = (
    ("lectora", Role.READER, "demo-lector", "Lectora de demostración"),
    ("editora", Role.EDITOR, "demo-editor", "Editora de demostración"),
    ("administradora", Role.ADMIN, "demo-administrador", "Administradora de demostración"),
)

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so timing hides usernames."""
    return _hasher.hash("cuenta-inexistente")


def normalize_username(username: str) -> str:
    """Lower-case ``username`` and check it: 2–40 letters, digits, dots, dashes, underscores."""
    name = (username or "").strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidInputError(
            f"nombre de usuario inválido «{username[:40]}»: use de 2 a 40 letras sin acentos, "
            "números, puntos, guiones o guiones bajos, empezando por letra o número"
        )
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"la contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"la contraseña admite hasta {MAX_PASSWORD_LENGTH} caracteres"
        )


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (after checking its length)."""
    _check_password(password)
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    *,
    display_name: str = "",
    is_demo: bool = False,
    actor: User | None = None,
) -> User:
    """Create an active account (audited); the username is stored lower-case."""
    name = normalize_username(username)
    if session.scalar(select(User).where(User.username == name)) is not None:
        raise ConflictError(f"ya existe el usuario «{name}»")
    user = User(
        username=name,
        display_name=clean_name(display_name, "el usuario") if display_name.strip() else "",
        role=Role(role),
        password_hash=hash_password(password),
        active=True,
        is_demo=is_demo,
        session_version=1,
        created_at=utcnow(),
    )
    session.add(user)
    record_change(session, actor, AuditAction.CREATE, user, after=snapshot(user))
    return user


def get_user(session: Session, username: str) -> User:
    """The account called ``username``, or a Spanish 404 error."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        raise NotFoundError(f"no existe el usuario «{username}»")
    return user


def user_by_id(session: Session, user_id: int) -> User:
    """The account number ``user_id``, or a Spanish 404 error."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no existe el usuario número {user_id}")
    return user


def end_sessions(user: User) -> None:
    """End every session of ``user``: a copied session cookie stops working."""
    user.session_version += 1


def set_password(
    session: Session, user: User, password: str, *, actor: User | None = None
) -> None:
    """Set a new password (audited, without the hash) and end every session of the user."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    record_change(session, actor, AuditAction.UPDATE, user,
                  before={"contraseña": "anterior"}, after={"contraseña": "cambiada"})


def _set_active(session: Session, user: User, active: bool, actor: User | None) -> None:
    if user.active == active:
        return
    before = snapshot(user)
    user.active = active
    end_sessions(user)
    record_change(session, actor, AuditAction.STATUS, user, before=before, after=snapshot(user))
    # Both ways: a key still in force when an account comes back was made before it was
    # disabled (a disabled account cannot make one), e.g. disabled before keys were revoked.
    revoke_owner_tokens(session, actor, user)
    revoke_feeds(session, actor, user)


def disable_user(session: Session, user: User, *, actor: User | None = None) -> None:
    """Disable an account (audited): it can no longer sign in, its sessions end.

    Its API keys are revoked for good: enabling the account again brings none back.
    """
    _set_active(session, user, False, actor)


def enable_user(session: Session, user: User, *, actor: User | None = None) -> None:
    """Enable a disabled account again (audited)."""
    _set_active(session, user, True, actor)


def check_password(user: User, password: str) -> bool:
    """Whether ``password`` is ``user``'s current password."""
    return len(password or "") <= MAX_PASSWORD_LENGTH and _verify(user.password_hash, password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active account matching ``username`` and ``password``, or ``None``.

    Takes the same time whether or not the account exists; records the sign-in time and
    upgrades the hash when Argon2's parameters changed.
    """
    try:
        name = normalize_username(username)
    except InvalidInputError:
        name = None
    user = session.scalar(select(User).where(User.username == name)) if name else None
    if len(password or "") > MAX_PASSWORD_LENGTH:
        return None
    matches = _verify(user.password_hash if user else _dummy_hash(), password or "")
    if user is None or not matches or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def list_users(session: Session) -> list[User]:
    """Every account, by username."""
    return session.scalars(select(User).order_by(User.username)).all()


def create_demo_accounts(session: Session) -> int:
    """Create the missing demo accounts of :data:`DEMO_ACCOUNTS`; return how many were new."""
    created = 0
    for username, role, password, display_name in DEMO_ACCOUNTS:
        if session.scalar(select(User).where(User.username == username)) is None:
            create_user(session, username, password, role, display_name=display_name,
                        is_demo=True)
            created += 1
    return created


def active_demo_accounts(session: Session) -> list[User]:
    """Demo accounts that can still sign in (a server on a network must have none)."""
    return session.scalars(
        select(User).where(User.is_demo.is_(True), User.active.is_(True)).order_by(User.username)
    ).all()
