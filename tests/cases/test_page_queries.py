"""Queries behind the pages, on SQLite and PostgreSQL: agreements due, sites, municipalities."""

from __future__ import annotations

import datetime as dt

import shapely
from sqlalchemy import select

from cases.records import queries
from cases.storage.models import (
    Agreement,
    AgreementStatus,
    BoundaryKind,
    Institution,
    InstitutionKind,
    Meeting,
    MeetingKind,
    Site,
)

TODAY = dt.date(2025, 8, 1)


def _meeting(title: str, **fields) -> Meeting:
    return Meeting(**{"date": dt.date(2025, 6, 1), "kind": MeetingKind.WORKING,
                      "title": title, **fields})


def test_agreements_due_and_overdue_are_apart(demo):
    demo.execute(Agreement.__table__.delete())
    # The demo's agreements may still sit in the identity map (reference cycles wait for the
    # garbage collector) and SQLite reuses their ids: forget them before adding new ones.
    demo.expunge_all()
    held = _meeting("Reunión con acuerdos")
    demo.add_all([
        Agreement(meeting=held, text=text, due_date=due, status=status)
        for text, due, status in [
            ("vencido", dt.date(2025, 7, 31), AgreementStatus.PENDING),
            ("hoy", TODAY, AgreementStatus.IN_PROGRESS),
            ("sin fecha", None, AgreementStatus.PENDING),
            ("cumplido", dt.date(2025, 7, 1), AgreementStatus.DONE),
        ]
    ])
    demo.flush()
    board = queries.dashboard(demo, today=TODAY)
    assert [a.text for a in board.next_agreements] == ["hoy", "sin fecha"]
    assert [a.text for a in board.overdue_agreements] == ["vencido"]


def test_a_site_lists_meetings_about_it_and_held_there_once(demo):
    site = Site(name="Sitio de prueba", geometry=shapely.Point(-96.72, 17.06))
    both = _meeting("Sobre el sitio y en él", venue=site, sites=[site])
    held = _meeting("En el sitio", venue=site, date=dt.date(2025, 6, 2))
    other = _meeting("En otra parte")
    demo.add_all([site, both, held, other])
    demo.flush()
    assert [m.title for m in queries.site_meetings(demo, site)] == [
        "En el sitio", "Sobre el sitio y en él",
    ]


def test_official_limits_of_the_participating_municipalities(demo):
    institutions = demo.scalars(select(Institution)).all()
    municipal = [i for i in institutions if i.kind == InstitutionKind.MUNICIPALITY]
    versions = queries.official_versions_of(demo, institutions)
    assert {v.municipality_id for v in versions} == {i.municipality_id for i in municipal}
    assert {v.kind for v in versions} == {BoundaryKind.OFFICIAL}
    others = [i for i in institutions if i.kind != InstitutionKind.MUNICIPALITY]
    assert queries.official_versions_of(demo, others) == []
