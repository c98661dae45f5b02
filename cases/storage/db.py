"""Engines, sessions and schema migrations for SQLite and PostgreSQL + PostGIS."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from cases.errors import SchemaOutdatedError

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "make_engine",
    "make_session_factory",
    "unit_of_work",
    "upgrade",
    "current_revision",
    "head_revision",
    "require_current_schema",
    "sqlite_url",
    "include_object",
]

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def sqlite_url(path: Path | str) -> str:
    """Return the SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path)}"


# How long a SQLite write waits for another connection's write to finish before failing with
# «database is locked» (pysqlite's default is 5 s). Reads never wait: WAL lets them go on.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite connections get WAL, foreign keys, ``synchronous=FULL``.

    A SQLite write also waits up to :data:`SQLITE_BUSY_TIMEOUT_MS` for the lock held by
    another writer. It can wait because pysqlite runs reads outside any transaction and
    opens one just before the first write: that write starts from no transaction, where
    SQLite calls its busy handler (a read transaction upgraded to a write would fail at
    once, whatever the timeout).
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit what the block did to ``session``, or roll all of it back on any error.

    The one place that ends a transaction: use cases take a session and never commit; the
    view or the command that calls them wraps the calls in this block.
    """
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create the schema or bring it up to ``revision`` (idempotent)."""
    log.info("upgrading schema of %s to %s", engine.url.render_as_string(), revision)
    command.upgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision stored in the database, or ``None`` when it is empty."""
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """Return the newest schema revision the code knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def require_current_schema(engine: Engine) -> None:
    """Raise :class:`~cases.errors.SchemaOutdatedError` unless the schema is at the head.

    Schema upgrades run in ``limites init`` only; everything else checks and says how to
    fix it.
    """
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    if current is None:
        message = "la base de datos está vacía (sin esquema)"
    else:
        message = f"la base de datos está en la revisión {current} y el programa usa la {head}"
    raise SchemaOutdatedError(f"{message}; ejecute «limites init» para actualizarla")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Tell Alembic's autogenerate what it manages: not PostGIS's table, GiST nor search indexes."""
    if type_ == "table" and (name == "spatial_ref_sys" or name.startswith("search_")):
        return False  # the full-text index is engine-specific DDL (storage.search_index)
    if type_ == "index" and name and name.endswith("_gist"):
        return False
    return True
