"""Who may do what: pure functions of a user (and a record), never of the request.

Roles: a **lector** reads; an **editor** also creates, edits and deletes records; an
**administrador** also manages users, reads the whole audit log and restores from the
Papelera. A disabled account may do nothing.
"""

from __future__ import annotations

from cases.errors import ForbiddenError
from cases.storage.models import ApiToken, EditableMixin, Role, User

__all__ = [
    "can_read",
    "can_edit",
    "can_delete",
    "can_restore",
    "can_manage_users",
    "can_ratify",
    "can_view_audit",
    "can_revoke_token",
    "require",
]

FORBIDDEN = "Su cuenta no tiene permiso para esta acción."


def _active(user: User | None) -> bool:
    return user is not None and user.active


def can_read(user: User | None) -> bool:
    """Any active account may read every page."""
    return _active(user)


def can_edit(user: User | None, record: EditableMixin | None = None) -> bool:
    """Editors and administrators write records; nobody edits a record in the Papelera."""
    if record is not None and record.is_deleted:
        return False
    return _active(user) and user.role in (Role.EDITOR, Role.ADMIN)


def can_delete(user: User | None, record: EditableMixin) -> bool:
    """Whoever may edit a record may send it to the Papelera."""
    return can_edit(user, record)


def can_restore(user: User | None, record: EditableMixin | None = None) -> bool:
    """Only administrators bring records back from the Papelera."""
    return _active(user) and user.role is Role.ADMIN and (record is None or record.is_deleted)


def can_manage_users(user: User | None) -> bool:
    """Only administrators create, disable and reset accounts."""
    return _active(user) and user.role is Role.ADMIN


def can_ratify(user: User | None) -> bool:
    """Only administrators record a convenio or decree and the frame it makes."""
    return _active(user) and user.role is Role.ADMIN


def can_revoke_token(user: User | None, token: ApiToken) -> bool:
    """Any active account revokes its own API keys; administrators revoke anyone's."""
    return _active(user) and (user.id == token.user_id or user.role is Role.ADMIN)


def can_view_audit(user: User | None) -> bool:
    """Only administrators read the whole audit log (every record page shows its own)."""
    return _active(user) and user.role is Role.ADMIN


def require(allowed: bool, message: str = FORBIDDEN) -> None:
    """Raise :class:`~cases.errors.ForbiddenError` (403) unless ``allowed``."""
    if not allowed:
        raise ForbiddenError(message)
