"""Building a ready app for tests, browser tests and benchmarks: migrated database and demo.

One helper, so the suites and the benchmarks measure the same thing the README's
``make run`` serves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cases.db import make_engine, sqlite_url, unit_of_work, upgrade
from cases.demo import load_demo
from geo_app import create_app

__all__ = ["TEST_PG_DSN", "postgres_url", "migrate", "demo_app"]

# The PostgreSQL + PostGIS server of the tests and benchmarks (libpq key=value form).
TEST_PG_DSN = os.environ.get("LIMITES_TEST_PG", "host=127.0.0.1 port=5432 user=postgres")


def postgres_url(database: str, dsn: str = TEST_PG_DSN) -> str:
    """The SQLAlchemy URL of ``database`` on the server of ``dsn``.

    Examples
    --------
    >>> postgres_url("limites", "host=db port=5433 user=ana")
    'postgresql://ana@db:5433/limites'
    """
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    return make_url("postgresql://").set(
        username=params.get("user", "postgres"),
        password=params.get("password"),
        host=params.get("host", "127.0.0.1"),
        port=int(params.get("port", 5432)),
        database=database,
    ).render_as_string(hide_password=False)


def migrate(url: str) -> str:
    """Create or upgrade the schema of the database at ``url``; return ``url``."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url


def demo_app(
    directory: Path | None = None,
    *,
    database_url: str | None = None,
    demo: bool = True,
    prepare: Callable[[Session], Any] | None = None,
    **config: Any,
) -> Flask:
    """The app on a migrated database, with the demo loaded (unless ``demo=False``).

    The database is ``database_url`` or a SQLite file in ``directory``. ``prepare`` may
    change the data, in the same unit of work as the demo, before the app is returned.
    ``config`` overrides the app's configuration (``TILES`` defaults to none).
    """
    if database_url is None:
        if directory is None:
            raise TypeError("demo_app needs a directory or a database_url")
        database_url = sqlite_url(Path(directory) / "limites.sqlite")
    migrate(database_url)
    app = create_app({"TESTING": True, "TILES": "", **config, "DATABASE_URL": database_url})
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        if demo:
            load_demo(session)
        if prepare is not None:
            prepare(session)
    return app
