"""Share links: made with a token shown once, stored as a hash, revoked, expired, audited."""

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from cases.errors import InvalidInputError, NotFoundError, ShareGoneError
from cases.sharing.links import (
    create_share,
    list_shares,
    record_access,
    resolve_token,
    revoke_share,
)
from cases.sharing.scope import ScopeKind
from cases.storage.db import unit_of_work
from cases.storage.models import AuditEntry, Case, DisputeZone, ShareAccess, ShareLink, utcnow


def test_a_zone_link_resolves_to_the_zone_scope_and_stores_only_a_hash(demo):
    zone = demo.scalar(select(DisputeZone).order_by(DisputeZone.id))
    with unit_of_work(demo):
        new = create_share(demo, None, zone=zone.name, note="Comisión de Límites")
    assert len(new.token) >= 43  # 32 random bytes, URL-safe base64
    link = demo.get(ShareLink, new.link.id)
    assert link.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    stored = [str(v) for v in demo.execute(select(ShareLink.__table__)).one()]
    assert all(new.token not in value for value in stored)
    assert (link.expires_at - link.created_at) == dt.timedelta(days=30)
    assert not link.include_attachments and not link.include_notes
    resolved = resolve_token(demo, new.token)
    assert resolved.scope.kind is ScopeKind.ZONE and resolved.scope.record_id == zone.id
    entry = demo.scalar(select(AuditEntry).where(AuditEntry.record_type == "share_link"))
    assert entry is not None and "token_hash" not in (entry.after or {})


def test_case_and_map_links(demo):
    case = demo.scalar(select(Case).order_by(Case.id))
    with unit_of_work(demo):
        by_case = create_share(demo, None, case=case.number, days=3)
        by_map = create_share(demo, None, layers=["zonas", "hallazgos"])
    assert resolve_token(demo, by_case.token).scope.record_id == case.id
    assert resolve_token(demo, by_map.token).scope.kind is ScopeKind.ALL
    assert {s.id for s in list_shares(demo)} == {by_case.link.id, by_map.link.id}


def test_unknown_token_is_404_revoked_and_expired_are_410(demo):
    zone = demo.scalar(select(DisputeZone).order_by(DisputeZone.id))
    with unit_of_work(demo):
        revoked = create_share(demo, None, zone=zone.id)
        expired = create_share(demo, None, zone=zone.id)
    with pytest.raises(NotFoundError):
        resolve_token(demo, "no-such-token")
    with unit_of_work(demo):
        revoke_share(demo, None, revoked.link.id)
        expired.link.expires_at = utcnow() - dt.timedelta(seconds=1)
    for token in (revoked.token, expired.token):
        with pytest.raises(ShareGoneError) as caught:
            resolve_token(demo, token)
        assert caught.value.status_code == 410
    with pytest.raises(NotFoundError):
        revoke_share(demo, None, 9999)


def test_bad_requests_are_refused(demo):
    with pytest.raises(InvalidInputError):
        create_share(demo, None)
    with pytest.raises(InvalidInputError):
        create_share(demo, None, layers=["secret"])
    with pytest.raises(InvalidInputError):
        create_share(demo, None, layers=["zonas"], days=0)
    with pytest.raises(NotFoundError):
        create_share(demo, None, zone="Nowhere")


def test_access_is_logged(demo):
    with unit_of_work(demo):
        new = create_share(demo, None, layers=["zonas"])
        record_access(demo, new.link, "10.0.0.1", "página")
    assert [a.what for a in demo.scalars(select(ShareAccess))] == ["página"]
