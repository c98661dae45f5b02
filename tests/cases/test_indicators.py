import datetime as dt

import pytest
from seed_report import apply_seed_goals
from sqlalchemy import select, text

from cases.demo.dataset import load_demo
from cases.errors import InvalidInputError, NotFoundError
from cases.reporting.indicators import (
    configure_indicator,
    find_indicator,
    override_level,
    quarter_levels,
    year_progress,
)
from cases.reporting.quarters import Quarter, parse_quarter
from cases.storage.db import make_engine, unit_of_work, upgrade
from cases.storage.models import (
    Indicator,
    IndicatorOverride,
    Inspection,
    Institution,
    Meeting,
    MeetingKind,
)
from geo_app.formatting import computed_note, rule_text

T2 = Quarter(2025, 2)


@pytest.fixture
def demo(session):
    with unit_of_work(session):
        load_demo(session)
    apply_seed_goals(session)
    return session


def _levels(session, quarter=T2):
    return {level.indicator.key: level for level in quarter_levels(session, quarter)}


def test_levels_are_computed_from_the_recorded_activities(demo):
    levels = _levels(demo)
    assert {k: (v.counted, v.computed_percent) for k, v in levels.items()} == {
        "12": (4, 20.0), "12.1": (4, 20.0), "12.2": (4, 20.0),
    }
    assert rule_text(levels["12.2"]) == "4 vinculaciones de 20 programadas en el año = 20 %"
    assert rule_text(levels["12.1"]) == "4 eventos de 20 programados en el año = 20 %"
    inspections = [item for item in levels["12.2"].items
                   if isinstance(item.activities[0], Inspection)]
    assert [item.dates for item in inspections] == [[dt.date(2025, 5, 15), dt.date(2025, 5, 22)]]


def test_each_inspection_counts_alone_when_the_indicator_does_not_group_them(demo):
    # The demo records the 15 and 22 May recorridos as one inspection; a second one of the
    # same case in the quarter joins it unless the indicator counts inspections one by one.
    first = demo.scalars(select(Inspection)).one()
    demo.add(Inspection(title="Otro recorrido", started_on=dt.date(2025, 6, 5),
                        cases=list(first.cases), indicator=first.indicator))
    demo.flush()
    assert _levels(demo)["12.2"].counted == 4
    configure_indicator(demo, find_indicator(demo, "12.2", 2025), group_inspections=False)
    assert _levels(demo)["12.2"].counted == 5


def test_rule_leaves_out_meeting_kinds_it_does_not_count_and_says_why(demo):
    configure_indicator(
        demo, find_indicator(demo, "12.1", 2025), meeting_kinds=[MeetingKind.SECURITY]
    )
    level = _levels(demo)["12.1"]
    assert level.counted == 3
    assert [x.activity.date for x in level.excluded] == [dt.date(2025, 6, 12)]
    assert "solo cuenta mesa de seguridad" in level.excluded[0].reason


def test_linkages_only_needs_another_municipality(demo):
    indicator = find_indicator(demo, "12", 2025)
    configure_indicator(demo, indicator, linkages_only=True)
    level = _levels(demo)["12"]
    # 8 April: only state bodies; the other three meetings include a neighbour.
    assert [x.activity.date for x in level.excluded] == [dt.date(2025, 4, 8)]
    assert level.counted == 3


def test_without_goal_the_level_is_not_invented(session):
    with unit_of_work(session):
        load_demo(session)
        session.execute(text("UPDATE indicator SET annual_goal = NULL"))
    session.expire_all()
    level = _levels(session)["12"]
    assert level.computed_percent is None and level.official_percent is None
    assert level.missing == ["Componente 12: sin meta anual programada."]
    assert rule_text(level) == (
        "4 estrategias acumuladas en el año; sin meta anual registrada: no se puede calcular "
        "el porcentaje"
    )
    assert computed_note(level) is None


def test_each_rule_divides_what_the_mir_says(demo):
    from cases.storage.statuses import IndicatorRule, IndicatorSource

    add = Meeting(date=dt.date(2025, 8, 4), kind=MeetingKind.SECURITY, title="Mesa de agosto",
                  indicator=find_indicator(demo, "12.1", 2025))
    demo.add(add)
    demo.flush()
    indicator = find_indicator(demo, "12.1", 2025)
    q3 = Quarter(2025, 3)
    configure_indicator(demo, indicator, rule=IndicatorRule.QUARTER_OF_QUARTER,
                        quarterly_goals={3: 2})
    level = _levels(demo, q3)["12.1"]
    assert (level.counted, level.denominator, level.computed_percent) == (1, 2, 50.0)
    assert rule_text(level) == "1 evento de 2 programados en el trimestre = 50 %"
    configure_indicator(demo, indicator, rule=IndicatorRule.YEAR_TO_DATE)
    level = _levels(demo, q3)["12.1"]
    assert (level.year_to_date, level.computed_percent) == (5, 25.0)
    configure_indicator(demo, indicator, rule=IndicatorRule.QUARTER_OF_YEAR)
    assert _levels(demo, q3)["12.1"].computed_percent == 5.0
    # The component as the sum of its activities: 12 = 12.1 + 12.2.
    component = find_indicator(demo, "12", 2025)
    configure_indicator(demo, component, source=IndicatorSource.SUM,
                        rule=IndicatorRule.QUARTER_OF_YEAR, annual_goal=40)
    level = _levels(demo)["12"]
    assert [p.indicator.key for p in level.parts] == ["12.1", "12.2"]
    assert (level.counted, level.computed_percent) == (8, 20.0)
    assert rule_text(level).startswith("12.1 (4) + 12.2 (4) = 8 estrategias de 40")
    configure_indicator(demo, component, source=IndicatorSource.MEAN)
    level = _levels(demo)["12"]
    assert level.computed_percent == 20.0
    assert rule_text(level).startswith("Promedio de los niveles de sus actividades")


def test_override_is_kept_with_reason_author_and_time_and_can_be_withdrawn(demo):
    indicator = find_indicator(demo, "12.2", 2025)
    before = len(indicator.overrides)
    when = dt.datetime(2025, 7, 2, 10)
    override_level(demo, indicator, 2, 25.0, "Cifra enviada a Tesorería", "Sara Jara", now=when)
    level = _levels(demo)["12.2"]
    assert level.official_percent == 25.0 and level.computed_percent == 20.0
    assert level.overridden and level.override.author == "Sara Jara"
    assert level.override.created_at == when
    override_level(demo, indicator, 2, None, "Se corrigió el registro", "Sara Jara",
                   now=when + dt.timedelta(days=1))
    level = _levels(demo)["12.2"]
    assert level.official_percent == 20.0 and not level.overridden
    assert len(indicator.overrides) == before + 2


@pytest.mark.parametrize(
    "value, reason, author, message",
    [
        (25.0, "  ", "Sara", "motivo"),
        (25.0, "Cifra oficial", "", "quién"),
        (-1.0, "Cifra oficial", "Sara", "porcentaje"),
    ],
)
def test_override_needs_reason_author_and_a_sane_value(demo, value, reason, author, message):
    indicator = find_indicator(demo, "12.2", 2025)
    before = demo.scalars(select(IndicatorOverride)).all()
    with pytest.raises(InvalidInputError, match=message):
        override_level(demo, indicator, 2, value, reason, author)
    assert demo.scalars(select(IndicatorOverride)).all() == before


def test_invalid_goals_change_nothing(demo):
    indicator = find_indicator(demo, "12", 2025)
    with pytest.raises(InvalidInputError, match="T5"):
        configure_indicator(demo, indicator, annual_goal=40, quarterly_goals={5: 3})
    with pytest.raises(InvalidInputError, match="mayor o igual a cero"):
        configure_indicator(demo, indicator, annual_goal=-2)
    assert indicator.annual_goal == 20


def test_unknown_indicator_is_a_spanish_not_found(demo):
    with pytest.raises(NotFoundError, match="No existe el indicador 9.9 de 2025"):
        find_indicator(demo, "9.9", 2025)


def test_an_activity_of_the_third_quarter_moves_only_that_quarter(demo):
    indicator = find_indicator(demo, "12.2", 2025)
    neighbour = demo.scalars(
        select(Institution).where(Institution.name == "Municipio de San Jacinto Amilpas")
    ).one()
    demo.add(Meeting(
        date=dt.date(2025, 8, 14), kind=MeetingKind.WORKING, indicator=indicator,
        title="Seguimiento de límites con San Jacinto Amilpas", institutions=[neighbour],
    ))
    demo.commit()
    progress = {p.indicator.key: p for p in year_progress(demo, 2025)}["12.2"]
    assert [q.counted for q in progress.quarters] == [0, 4, 1, 0]
    assert rule_text(progress.quarters[2]) == "1 vinculación de 20 programadas en el año = 5 %"
    assert progress.percent == 25.0


@pytest.mark.parametrize("text_", ["2025-T5", "T2-2025", "2025", "", "2025-Q2"])
def test_bad_quarter_text_is_a_spanish_error(text_):
    with pytest.raises(InvalidInputError, match="Trimestre inválido"):
        parse_quarter(text_)


def test_upgrade_fills_the_year_of_stored_indicators(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO indicator (program, level, key, name, period, goal_percent) "
            "VALUES ('08', 'Actividad', '12.2', 'x', '2025 (abril–junio)', 100)"
        ))
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(
            select(Indicator.year, Indicator.unit, Indicator.group_inspections)
        ).one()
    assert tuple(row) == (2025, "actividades", True)
    engine.dispose()
