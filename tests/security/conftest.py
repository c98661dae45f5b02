"""Helpers of the security suite: row counts to prove that a refused request wrote nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cases.storage.models import AuditEntry, DisputeZone, User


@pytest.fixture
def counts(app):
    """Factory: the number of zones, audit entries and users stored now."""

    def count() -> dict[str, int]:
        with app.extensions["limites_sessions"]() as session:
            return {
                model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (DisputeZone, AuditEntry, User)
            }

    return count
