"""Building a ready app for tests, browser tests and benchmarks: migrated database and demo.

One helper, so the suites and the benchmarks measure the same thing the README's
``make run`` serves.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import psycopg
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cases.access.accounts import create_demo_accounts, get_user
from cases.demo.dataset import load_demo
from cases.storage.db import make_engine, sqlite_url, unit_of_work, upgrade
from geo_app import create_app
from geo_app.account.auth import Account

__all__ = [
    "TEST_PG_DSN",
    "postgres_url",
    "migrate",
    "demo_app",
    "session_token",
    "session_cookie",
    "AppClient",
    "signed_in_client",
    "row_count",
    "demo_editor",
    "demo_zone",
    "missing",
    "system_tool",
]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

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
    instance_path: Path | None = None,
    **config: Any,
) -> Flask:
    """The app on a migrated database, with the demo loaded (unless ``demo=False``).

    The database is ``database_url`` or a SQLite file in ``directory``. ``prepare`` may
    change the data, in the same unit of work as the demo, before the app is returned.
    ``config`` overrides the app's configuration (``TILES`` defaults to none). The app's
    ``instance/`` folder is ``instance_path``, else ``directory/instance``, so nothing a
    test does (``limites init`` writing a secret key) lands in the repository. Its test
    client is :class:`AppClient`.
    """
    if database_url is None:
        if directory is None:
            raise TypeError("demo_app needs a directory or a database_url")
        database_url = sqlite_url(Path(directory) / "limites.sqlite")
    if instance_path is None and directory is not None:
        instance_path = Path(directory) / "instance"
    migrate(database_url)
    app = create_app(
        {"TESTING": True, "TILES": "", **config, "DATABASE_URL": database_url},
        instance_path=instance_path,
    )
    app.test_client_class = AppClient
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        if demo:
            load_demo(session)
        if prepare is not None:
            prepare(session)
    return app


def session_token(app: Flask, username: str) -> str:
    """What Flask-Login keeps in the session for ``username``: id and session version."""
    with app.extensions["limites_sessions"]() as session:
        return Account(get_user(session, username)).get_id()


def session_cookie(app: Flask, username: str) -> str:
    """The signed session cookie of ``username`` signed in, for a browser."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps(
        {"_user_id": session_token(app, username), "_fresh": True, "_permanent": True}
    )


class AppClient(FlaskClient):
    """A test client that behaves like the app's own pages in a browser.

    Unsafe requests carry the page's CSRF token and a same-origin ``Origin`` header, as a
    form submitted from the app would; ``csrf=False`` or ``origin=None`` (or another
    origin) leave them out to test the guards.
    """

    def login(self, username: str) -> AppClient:
        """Sign in as ``username`` (no password: the session is written directly)."""
        with self.session_transaction() as session:
            session["_user_id"] = session_token(self.application, username)
            session["_fresh"] = True
        return self

    def csrf_token(self) -> str:
        """The CSRF token a page of this session would carry (as Flask-WTF makes it)."""
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", uuid.uuid4().hex)
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def open(self, *args, csrf: bool = True, origin: str | None = "http://localhost",
             **kwargs):
        """Open a URL; unsafe methods get the CSRF token and ``Origin`` unless told not to."""
        if kwargs.get("method", "GET").upper() in UNSAFE_METHODS:
            headers = dict(kwargs.pop("headers", None) or {})
            if origin is not None:
                headers.setdefault("Origin", origin)
            kwargs["headers"] = headers
            if csrf and ("json" in kwargs or not isinstance(kwargs.get("data"), dict | None)):
                headers.setdefault("X-CSRFToken", self.csrf_token())
            elif csrf:
                data = dict(kwargs.get("data") or {})
                data.setdefault("csrf_token", self.csrf_token())
                kwargs["data"] = data
        return super().open(*args, **kwargs)


def signed_in_client(app: Flask, username: str = "editora") -> AppClient:
    """A client signed in as a demo account (created if missing; default the editor)."""
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        create_demo_accounts(session)
    app.test_client_class = AppClient
    return app.test_client().login(username)


def demo_editor(session: Session):
    """The demo's editor account (``editora``)."""
    return get_user(session, "editora")


def demo_zone(session: Session, name: str = "Colonia Ejidal"):
    """A dispute zone of the demo, by name."""
    from cases.storage.models import DisputeZone

    return session.scalar(select(DisputeZone).where(DisputeZone.name == name))


def row_count(app: Flask, model: type) -> int:
    """How many rows of ``model`` the app's database holds."""
    with app.extensions["limites_sessions"]() as session:
        return session.scalar(select(func.count()).select_from(model))


def missing(reason: str) -> NoReturn:
    """Something the suite needs from the system is missing: fail in CI, skip loudly elsewhere."""
    import pytest

    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(f"SKIPPED LOUDLY — {reason}")


def system_tool(tool: str, packages: str = "gdal-bin") -> str:
    """The path of a Debian tool (``make system-deps`` installs it), or :func:`missing`.

    ``tool`` is a command name or a path.
    """
    path = shutil.which(tool) if "/" not in tool else (tool if Path(tool).exists() else None)
    if path is None:
        missing(f"{tool} not found (apt-get install {packages}; make system-deps)")
    return path
