import datetime as dt

import pytest
from seed_report import SIGNER, ZONES, add_working_meeting, apply_seed_goals, seed_indicators
from sqlalchemy import select

from cases.demo.dataset import load_demo
from cases.fieldwork.attachments import AttachmentStore, attach_file, attach_link
from cases.reporting.quarterly import ReportSettings, Signer, build_report
from cases.reporting.quarters import Quarter
from cases.storage.db import unit_of_work
from cases.storage.models import Finding, Meeting, MeetingKind
from geo_app.formatting import computed_note, rule_text

SETTINGS = ReportSettings()


@pytest.fixture
def demo(session):
    """The plain demo: the report's 20 % computed as 4 of 20 programmed in the year."""
    with unit_of_work(session):
        load_demo(session)
    return session


def test_the_demo_quarter_carries_every_indicator_and_activity_of_the_seed(demo):
    report = build_report(demo, Quarter(2025, 2), SETTINGS, maps=False)
    sections = {s.level.indicator.key: s for s in report.sections}
    for seed in seed_indicators():
        section = sections[seed.key]
        indicator = section.level.indicator
        assert (indicator.program, indicator.level, indicator.name) == (
            seed.program, seed.level, seed.name
        )
        assert section.level.official_percent == seed.reached_percent
        entries = [frozenset(e.dates) for e in section.entries]
        assert frozenset().union(*entries) == seed.dates, seed.key
        if seed.items is not None:
            assert sorted(entries, key=min) == sorted(seed.items, key=min), seed.key
        assert [min(e) for e in entries] == sorted(min(e) for e in entries)  # date order
    zones = {z for s in report.sections for e in s.entries for z in e.zones}
    assert all(any(name in zone for zone in zones) for name in ZONES)
    assert report.other_activities == []
    assert report.missing == []


def test_inspections_entry_has_findings_and_a_map(demo):
    report = build_report(demo, Quarter(2025, 2), SETTINGS)
    section = next(s for s in report.sections if s.level.indicator.key == "12.2")
    [entry] = [e for e in section.entries if e.is_inspection]
    assert entry.dates == [dt.date(2025, 5, 15), dt.date(2025, 5, 22)]
    assert len(entry.findings) == 3 and entry.map is not None
    assert entry.map.routes and entry.map.limits and entry.map.illustrative


def test_a_third_quarter_activity_gets_its_computed_indicator(demo):
    apply_seed_goals(demo)  # the computation needs a goal, which the report does not state
    add_working_meeting(
        demo, dt.date(2025, 7, 10), "Santa Cruz Xoxocotlán",
        "Puntos críticos del límite con Santa Cruz Xoxocotlán",
        "Dar seguimiento a los puntos críticos identificados el 23 de mayo.",
    )
    demo.commit()
    report = build_report(demo, Quarter(2025, 3), SETTINGS)
    levels = {s.level.indicator.key: s.level for s in report.sections}
    assert rule_text(levels["12.2"]) == "1 vinculación de 20 programadas en el año = 5 %"
    assert levels["12"].counted == 0
    assert "Actividad 12.1: no hay actividades registradas en el trimestre." in report.missing


def test_an_empty_quarter_is_a_report_that_says_what_is_missing(session):
    report = build_report(session, Quarter(2031, 1), ReportSettings())
    assert report.sections == [] and report.activity_count == 0
    assert report.missing == [
        "No hay indicadores registrados para 2031: el informe solo lista las actividades.",
        "No hay actividades registradas en el primer trimestre de 2031.",
        "Falta quien autoriza el informe: regístrelo en Indicadores → «Quién autoriza».",
    ]


def test_activities_without_indicator_are_listed_apart(demo):
    demo.add(Meeting(date=dt.date(2025, 6, 2), kind=MeetingKind.WORKING, title="Sin indicador"))
    demo.commit()
    report = build_report(demo, Quarter(2025, 2), SETTINGS, maps=False)
    assert [e.titles for e in report.other_activities] == [["Sin indicador"]]
    assert report.activity_count == 13


def test_map_numbers_findings_in_the_order_the_report_lists_them(demo):
    report = build_report(demo, Quarter(2025, 2), SETTINGS)
    entries = [e for s in report.sections for e in s.entries if e.is_inspection]
    assert all([f.id for f in e.map.findings] == [f.id for f in e.findings] for e in entries)


def _entry(report, key, day):
    section = next(s for s in report.sections if s.level.indicator.key == key)
    return next(e for e in section.entries if day in e.dates)


def test_the_seeds_level_is_computed_as_the_year_so_far_over_the_annual_goal(demo):
    report = build_report(demo, Quarter(2025, 2), SETTINGS, maps=False)
    for section in report.sections:
        level = section.level
        assert level.official_percent == level.computed_percent == 20.0
        assert not level.overridden and computed_note(level) is None
    assert rule_text(report.sections[2].level) == (
        "4 vinculaciones en el año hasta el segundo trimestre de 2025 (4 vinculaciones en "
        "el trimestre) de 20 programadas en el año = 20 %")


def test_entries_name_institutions_and_people_with_their_role(demo):
    report = build_report(demo, Quarter(2025, 2), SETTINGS, maps=False)
    table = _entry(report, "12.1", dt.date(2025, 5, 9))
    assert table.participants_text == "Autoridades federales, estatales y municipales"
    assert "Fiscalía General del Estado de Oaxaca" in table.participants
    assert [(p.role, p.person.label) for p in table.people] == [
        ("Estuvo presente", "Ray Chagoya, Presidente Municipal de Oaxaca de Juárez"),
        ("Participó", "Jesús Romero López, Secretario de Gobierno"),
        ("Participó", "Fiscal General del Estado"),
    ]
    presided = _entry(report, "12.1", dt.date(2025, 5, 23))
    assert [(p.role, p.person.name) for p in presided.people] == [("Presidió", "Ray Chagoya")]


def test_each_sheet_is_signed_by_whoever_authorized_it_at_the_quarters_end(demo):
    from cases.reporting.signers import add_signer
    from cases.storage.models import Indicator, Person

    head = "Titular de la Unidad de Atención de Asuntos Metropolitanos"
    report = build_report(demo, Quarter(2025, 2), ReportSettings(), maps=False)
    assert {s.signer for s in report.sections} == {Signer(SIGNER, head)}
    assert report.signer == Signer(SIGNER, head) and report.missing == []
    # A new head from 1 August signs the third quarter on; the second keeps its signer.
    with unit_of_work(demo):
        new = Person(name="Lucía Pérez Ortiz", position="Titular de la Unidad")
        demo.add(new)
        demo.flush()
        add_signer(demo, new.id, dt.date(2025, 8, 1))
        key = demo.scalars(select(Indicator).where(Indicator.key == "12.1")).one()
        own = Person(name="Ana Ruiz", position="Coordinadora de eventos")
        demo.add(own)
        demo.flush()
        add_signer(demo, own.id, dt.date(2025, 9, 30), key)
    second = build_report(demo, Quarter(2025, 2), ReportSettings(), maps=False)
    assert {s.signer for s in second.sections} == {Signer(SIGNER, head)}
    third = build_report(demo, Quarter(2025, 3), ReportSettings(), maps=False)
    signers = {s.level.indicator.key: s.signer.name for s in third.sections}
    assert signers == {"12": "Lucía Pérez Ortiz", "12.1": "Ana Ruiz",
                       "12.2": "Lucía Pérez Ortiz"}
    assert third.signer.name == "Lucía Pérez Ortiz"


def test_a_report_without_signer_says_so(session):
    with unit_of_work(session):
        load_demo(session)
        from cases.storage.models import IndicatorSigner
        for entry in session.scalars(select(IndicatorSigner)):
            session.delete(entry)
    report = build_report(session, Quarter(2025, 2), ReportSettings(), maps=False)
    assert all(s.signer.missing for s in report.sections)
    assert "Falta quien autoriza el informe: regístrelo en Indicadores → «Quién autoriza»." \
        in report.missing


def test_photos_of_activities_and_findings_in_the_list_order(demo, tmp_path):
    from limites_testing_field import photo

    store = AttachmentStore(tmp_path)
    meeting = demo.scalars(select(Meeting).where(Meeting.date == dt.date(2025, 5, 14))).one()
    findings = demo.scalars(select(Finding).order_by(Finding.id)).all()
    with unit_of_work(demo):
        attach_file(demo, store, findings[1], photo(), "residuos.jpg", label="Residuos")
        attach_file(demo, store, meeting, photo(), "reunion.jpg", label="Reunión")
        attach_link(demo, meeting, "https://oaxaca.gob.mx/nota")
    report = build_report(demo, Quarter(2025, 2), SETTINGS, maps=False)
    assert [p.caption for p in _entry(report, "12.2", dt.date(2025, 5, 14)).photos] == [
        "Reunión"
    ]
    assert [p.caption for p in _entry(report, "12.2", dt.date(2025, 5, 15)).photos] == [
        "Hallazgo 2: Residuos"
    ]
