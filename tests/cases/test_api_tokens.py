"""Personal API keys: shown once, stored as a hash, revoked, refused for disabled accounts."""

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from cases.access import accounts
from cases.access.api_keys import authenticate, create_token, list_tokens, revoke_token
from cases.errors import ForbiddenError, InvalidInputError, UnauthorizedError
from cases.sharing.links import LastUses, write_last_uses
from cases.storage.db import unit_of_work
from cases.storage.models import ApiToken, AuditAction, AuditEntry, Role, data_version


@pytest.fixture
def people(session):
    with unit_of_work(session):
        made = {name: accounts.create_user(session, name, "una clave larga 123", role)
                for name, role in (("lectora", Role.READER), ("otra", Role.READER),
                                   ("admin", Role.ADMIN))}
    return made


def _make(session, owner, name="QGIS de la oficina"):
    with unit_of_work(session):
        return create_token(session, owner, owner, name)


def _last_use(session, uses: LastUses, key_id: int):
    """Write the uses kept (as the app's writer does, later) and read the key's last use."""
    with unit_of_work(session):
        write_last_uses(session, uses.drain())
    session.expire_all()
    return session.get(ApiToken, key_id).last_used_at


def test_a_key_is_shown_once_and_stored_only_as_a_hash(session, people):
    new = _make(session, people["lectora"])
    assert new.token.startswith("lim_") and len(new.token) >= 4 + 43  # 256 random bits
    record = session.get(ApiToken, new.record.id)
    assert record.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    stored = [str(v) for v in session.execute(select(ApiToken.__table__)).one()]
    assert all(new.token not in value for value in stored)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.record_type == "api_token"))
    assert entry.username == "lectora" and "token_hash" not in entry.after
    assert entry.after["name"] == "QGIS de la oficina"
    uses = LastUses()
    assert authenticate(session, f"Bearer {new.token}", on_use=uses.touch) == people["lectora"]
    assert record.last_used_at is None and not session.dirty  # nothing written in the read
    assert _last_use(session, uses, record.id) is not None
    assert list_tokens(session, people["lectora"]) == [record]
    assert list_tokens(session, people["otra"]) == []


@pytest.mark.parametrize("header", [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer  "])
def test_no_key_is_no_one(session, people, header):
    assert authenticate(session, header) is None


def test_unknown_revoked_and_disabled_keys_are_401_in_spanish(session, people):
    new = _make(session, people["lectora"])
    with pytest.raises(UnauthorizedError, match="no es válida"):
        authenticate(session, "Bearer lim_adivinanza")
    with unit_of_work(session):
        accounts.disable_user(session, people["lectora"], actor=people["admin"])
    with pytest.raises(UnauthorizedError, match="desactivada") as refused:
        authenticate(session, f"Bearer {new.token}")
    assert refused.value.status_code == 401
    with unit_of_work(session):
        accounts.enable_user(session, people["lectora"], actor=people["admin"])
        revoke_token(session, people["lectora"], new.record.id)
    with pytest.raises(UnauthorizedError, match="revocada"):
        authenticate(session, f"Bearer {new.token}")
    entries = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "api_token")
                              .order_by(AuditEntry.id)).all()
    assert entries[-1].action is AuditAction.UPDATE
    assert entries[-1].after["revoked_at"]


def test_only_the_owner_or_an_administrator_revokes(session, people):
    new = _make(session, people["lectora"])
    with pytest.raises(ForbiddenError), unit_of_work(session):
        revoke_token(session, people["otra"], new.record.id)
    assert session.get(ApiToken, new.record.id).revoked_at is None
    with unit_of_work(session):
        revoke_token(session, people["admin"], new.record.id)
    assert session.get(ApiToken, new.record.id).revoked_at is not None


def test_last_use_is_handed_on_at_most_every_few_minutes(session, people):
    new, uses = _make(session, people["lectora"]), LastUses()
    first = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    authenticate(session, f"Bearer {new.token}", now=first, on_use=uses.touch)
    assert _last_use(session, uses, new.record.id) == first
    authenticate(session, f"Bearer {new.token}", now=first + dt.timedelta(minutes=1),
                 on_use=uses.touch)
    assert len(uses) == 0
    authenticate(session, f"Bearer {new.token}", now=first + dt.timedelta(minutes=6),
                 on_use=uses.touch)
    assert _last_use(session, uses, new.record.id) > first


def test_a_late_write_never_moves_the_last_use_back(session, people):
    new = _make(session, people["lectora"])
    late, early = LastUses(), LastUses()
    now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    late.touch(ApiToken, new.record.id, now)
    early.touch(ApiToken, new.record.id, now - dt.timedelta(minutes=10))  # another process
    assert _last_use(session, late, new.record.id) == now
    assert _last_use(session, early, new.record.id) == now


def test_recording_a_key_use_is_no_data_change(session, people):
    """Reading with a key renews no cached map: its last use is bookkeeping, not data."""
    new, uses = _make(session, people["lectora"]), LastUses()
    version = data_version(session)
    authenticate(session, f"Bearer {new.token}", on_use=uses.touch)
    assert _last_use(session, uses, new.record.id) is not None
    assert data_version(session) == version


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "dos\nlíneas"])
def test_a_key_needs_a_short_name_and_nothing_is_written(session, people, name):
    with pytest.raises(InvalidInputError), unit_of_work(session):
        create_token(session, people["lectora"], people["lectora"], name)
    assert session.scalars(select(ApiToken)).all() == []
