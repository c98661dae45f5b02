import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from cases.storage.db import current_revision, head_revision, include_object, make_engine, upgrade
from cases.storage.models import Base


def test_upgrade_from_empty_creates_every_table_and_is_idempotent(empty_database_url):
    engine = make_engine(empty_database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    engine.dispose()


@pytest.mark.postgres
def test_postgis_columns_are_typed_geometry_in_4326(empty_pg_url):
    engine = make_engine(empty_pg_url)
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT f_table_name, f_geometry_column, type, srid FROM geometry_columns")
        ).all()
    engine.dispose()
    found = {(table, column): (kind, srid) for table, column, kind, srid in rows}
    assert found[("boundary_version", "geometry")] == ("MULTIPOLYGON", 4326)
    assert found[("finding", "geometry")] == ("POINT", 4326)
    assert found[("inspection", "route")] == ("MULTILINESTRING", 4326)
    assert found[("watercourse", "geometry")] == ("LINESTRING", 4326)


def test_sqlite_connections_use_wal_foreign_keys_and_full_sync(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    engine.dispose()


def test_upgrade_from_first_revision_keeps_stored_rows(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO municipality (cvegeo, name, population) VALUES ('20067', 'Oaxaca', 1)"
        ))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM municipality")).scalar() == "Oaxaca"
        assert current_revision(engine) == head_revision()
    engine.dispose()


def test_upgrade_that_rebuilds_tables_keeps_the_rows_that_point_at_them(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO indicator (program, level, key, name, period, goal_percent) "
            "VALUES ('08', 'Actividad', '12.2', 'n', '2025', 100)",
            "INSERT INTO meeting (date, kind, title, place, purpose, summary, indicator_id) "
            "VALUES ('2025-05-14', 'reunion_trabajo', 't', '', '', '', "
            "(SELECT id FROM indicator))",
            "INSERT INTO case_file (number, title, status, description, opened_on) "
            "VALUES ('1', 't', 'abierto', '', '2025-05-14')",
            "INSERT INTO meeting_case (meeting_id, case_id) "
            "VALUES ((SELECT id FROM meeting), (SELECT id FROM case_file))",
        ):
            connection.execute(text(statement))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT indicator_id FROM meeting")).scalar() is not None
        assert connection.execute(text("SELECT count(*) FROM meeting_case")).scalar() == 1
    engine.dispose()
