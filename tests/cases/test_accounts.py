import pytest
from sqlalchemy import select

from cases.access import accounts, permissions
from cases.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from cases.storage.db import unit_of_work
from cases.storage.models import AuditAction, AuditEntry, DisputeZone, Role, User, utcnow

PASSWORD = "una clave larga"


@pytest.fixture
def ana(session):
    with unit_of_work(session):
        return accounts.create_user(session, " Ana.Lopez ", PASSWORD, Role.EDITOR,
                                    display_name="Ana López")


def test_create_user_stores_an_argon2id_hash_and_audits_without_it(session, ana):
    assert ana.username == "ana.lopez" and ana.active and not ana.is_demo
    assert ana.password_hash.startswith("$argon2id$") and PASSWORD not in ana.password_hash
    with session.begin():
        entry = session.scalar(select(AuditEntry).where(AuditEntry.record_type == "user_account"))
        assert entry.action is AuditAction.CREATE and entry.record_label == "ana.lopez"
        assert entry.after["role"] == "editor" and "password_hash" not in entry.after
        assert entry.username == "(línea de comandos)" and entry.user_id is None


@pytest.mark.parametrize("username, password, error, match", [
    ("ana.lopez", PASSWORD, ConflictError, "ya existe el usuario"),
    ("ANA.LOPEZ", PASSWORD, ConflictError, "ya existe el usuario"),
    ("a", PASSWORD, InvalidInputError, "nombre de usuario inválido"),
    ("josé", PASSWORD, InvalidInputError, "nombre de usuario inválido"),
    ("x" * 41, PASSWORD, InvalidInputError, "nombre de usuario inválido"),
    ("pedro", "corta", InvalidInputError, "al menos 10 caracteres"),
])
def test_bad_accounts_are_refused_and_nothing_is_written(session, ana, username, password,
                                                         error, match):
    with pytest.raises(error, match=match), unit_of_work(session):
        accounts.create_user(session, username, password, Role.READER)
    with session.begin():
        assert len(session.scalars(select(User)).all()) == 1


def test_authenticate_checks_password_and_active_flag(session, ana):
    with unit_of_work(session):
        assert accounts.authenticate(session, "ANA.LOPEZ", PASSWORD) is ana
        assert ana.last_login_at is not None
        assert accounts.authenticate(session, "ana.lopez", "otra clave larga") is None
        assert accounts.authenticate(session, "nadie", PASSWORD) is None
        assert accounts.authenticate(session, "", "") is None
        accounts.disable_user(session, ana)
        assert accounts.authenticate(session, "ana.lopez", PASSWORD) is None


def test_password_change_and_disabling_end_every_session(session, ana):
    with unit_of_work(session):
        version = ana.session_version
        accounts.set_password(session, ana, "otra clave larga")
        assert ana.session_version == version + 1
        assert accounts.check_password(ana, "otra clave larga")
        assert not accounts.check_password(ana, PASSWORD)
        accounts.disable_user(session, ana)
        assert ana.session_version == version + 2 and not ana.active
        accounts.enable_user(session, ana)
        assert ana.active
    with session.begin():
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.STATUS,
                       AuditAction.STATUS]


def test_get_user_and_list(session, ana):
    with session.begin():
        assert accounts.get_user(session, "Ana.Lopez") is ana
        assert [u.username for u in accounts.list_users(session)] == ["ana.lopez"]
        with pytest.raises(NotFoundError, match="no existe el usuario «nadie»"):
            accounts.get_user(session, "nadie")


def test_demo_accounts_one_per_role_created_once(session):
    with unit_of_work(session):
        assert accounts.create_demo_accounts(session) == 3
        assert accounts.create_demo_accounts(session) == 0
    with session.begin():
        users = {u.username: u for u in accounts.active_demo_accounts(session)}
    assert {u.role for u in users.values()} == set(Role)
    assert all(u.is_demo for u in users.values())
    for username, _, password, _ in accounts.DEMO_ACCOUNTS:
        assert accounts.check_password(users[username], password)


def _user(role: Role, active: bool = True) -> User:
    return User(username=role.value, role=role, active=active, password_hash="x")


@pytest.mark.parametrize("role, read, edit, admin", [
    (Role.READER, True, False, False),
    (Role.EDITOR, True, True, False),
    (Role.ADMIN, True, True, True),
])
def test_permissions_follow_the_role(role, read, edit, admin):
    user = _user(role)
    zone = DisputeZone(name="z")
    assert permissions.can_read(user) is read
    assert permissions.can_edit(user) is edit and permissions.can_edit(user, zone) is edit
    assert permissions.can_delete(user, zone) is edit
    assert permissions.can_manage_users(user) is admin
    assert permissions.can_view_audit(user) is admin
    assert permissions.can_restore(user) is admin
    zone.deleted_at = utcnow()
    assert permissions.can_edit(user, zone) is False
    assert permissions.can_restore(user, zone) is admin


def test_disabled_or_missing_users_may_do_nothing():
    for user in (None, _user(Role.ADMIN, active=False)):
        assert not permissions.can_read(user)
        assert not permissions.can_edit(user)
        assert not permissions.can_manage_users(user)
    with pytest.raises(ForbiddenError, match="no tiene permiso"):
        permissions.require(permissions.can_edit(None))
