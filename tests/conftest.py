"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL + PostGIS."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from limites_testing import (
    TEST_PG_DSN,
    AppClient,
    demo_app,
    migrate,
    missing,
    postgres_url,
    signed_in_client,
)

from cases.storage.db import make_engine, make_session_factory

ROOT = Path(__file__).resolve().parents[1]
INEGI = ROOT / ".." / "shared" / "data" / "inegi" / "oaxaca_municipios.geojson"
PG_DSN = TEST_PG_DSN
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# The demo accounts (cases.access.accounts.DEMO_ACCOUNTS); their passwords are in the README.
READER, EDITOR, ADMIN = "lectora", "editora", "administradora"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2id with tiny cost parameters: the scheme is real, the suite stays fast."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "cases.access.accounts._hasher",
            PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
        yield


def pg_url(database: str) -> str:
    """The SQLAlchemy URL of ``database`` on the test server."""
    return postgres_url(database, PG_DSN)


def _pg_admin() -> psycopg.Connection:
    return psycopg.connect(f"{PG_DSN} dbname=postgres", autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def postgres_available() -> None:
    """Fail (in CI) or skip loudly when the PostgreSQL + PostGIS server is missing."""
    try:
        with _pg_admin() as conn:
            row = conn.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
            ).fetchone()
    except psycopg.OperationalError as exc:
        missing(f"PostgreSQL no responde en {PG_DSN}: {exc}")
    if row is None:
        missing("PostGIS is not installed (apt-get install postgresql-15-postgis-3)")


@pytest.fixture(scope="session")
def pg_template(postgres_available, tmp_path_factory) -> str:
    """A migrated template database; each test copies it (fast) into a fresh one."""
    name = f"limites_tmpl_{uuid.uuid4().hex[:8]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    migrate(pg_url(name))
    yield name
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_pg_database(template: str | None = None) -> str:
    """Create an empty (or templated) PostgreSQL database; return its name."""
    name = f"limites_test_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')
    return name


def drop_pg_database(name: str) -> None:
    """Drop a test database, closing its remaining connections."""
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    """The URL of a brand-new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    request.getfixturevalue("postgres_available")
    name = new_pg_database()
    yield pg_url(name)
    drop_pg_database(name)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """The URL of a fresh, migrated database: SQLite file or PostGIS database."""
    if request.param == "sqlite":
        yield migrate(f"sqlite:///{tmp_path / 'limites.sqlite'}")
        return
    name = new_pg_database(request.getfixturevalue("pg_template"))
    yield pg_url(name)
    drop_pg_database(name)


@pytest.fixture
def empty_pg_url(postgres_available):
    """The URL of a brand-new, empty PostgreSQL database."""
    name = new_pg_database()
    yield pg_url(name)
    drop_pg_database(name)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory):
    with session_factory() as session:
        yield session


@pytest.fixture
def demo(session):
    """A session on a database holding the demo (committed)."""
    from cases.demo.dataset import load_demo

    load_demo(session)
    session.commit()
    return session


@pytest.fixture
def demo_with_agreement(demo):
    """The demo plus one agreement in a zone's meeting: the report records none, so the demo
    has none, but agreement layers and scopes need one to be tested."""
    from sqlalchemy import select

    from cases.storage.models import Agreement, AgreementStatus, Meeting

    meeting = demo.scalar(select(Meeting).where(Meeting.zones.any()).order_by(Meeting.date))
    meeting.agreements.append(
        Agreement(text="Acuerdo de prueba", status=AgreementStatus.PENDING)
    )
    demo.commit()
    return demo


def _copy_database(source: Path, target: Path) -> str:
    """Copy a closed SQLite database file (and any WAL beside it); return its URL."""
    shutil.copyfile(source, target)
    for suffix in ("-wal", "-shm"):
        extra = source.with_name(source.name + suffix)
        if extra.exists():
            shutil.copyfile(extra, target.with_name(target.name + suffix))
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """A migrated, empty SQLite file, made once: each test gets its own copy."""
    path = tmp_path_factory.mktemp("plantillas") / "migrada.sqlite"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, migrated_database) -> Path:
    """A migrated SQLite file with the demo loaded, made once: each ``app`` gets a copy."""
    path = tmp_path_factory.mktemp("plantillas") / "demostracion.sqlite"
    url = _copy_database(migrated_database, path)
    built = demo_app(database_url=url, instance_path=path.parent / "instance",
                     SECRET_KEY="prueba")
    built.extensions["limites_engine"].dispose()
    return path


@pytest.fixture
def sqlite_url(tmp_path, migrated_database):
    return _copy_database(migrated_database, tmp_path / "app.sqlite")


@pytest.fixture
def app(sqlite_url, tmp_path, demo_database):
    """The app on its own SQLite database with the demo data loaded (a copy of one built once)."""
    url = _copy_database(demo_database, tmp_path / "app.sqlite")
    assert url == sqlite_url
    app = demo_app(database_url=url, instance_path=tmp_path / "instance", demo=False,
                   SECRET_KEY="prueba")
    yield app
    app.extensions["limites_engine"].dispose()


@pytest.fixture
def field_app(tmp_path):
    """A demo app of its own that keeps attachments (photos, PDFs) under ``tmp_path``."""
    app = demo_app(tmp_path, ATTACHMENTS_DIR=str(tmp_path / "adjuntos"))
    yield app
    app.extensions["limites_engine"].dispose()


@pytest.fixture
def sign_in():
    """Factory: a client of an app a test built itself, signed in as a demo account."""
    return signed_in_client


@pytest.fixture
def anon_client(app) -> AppClient:
    """A visitor who has not signed in."""
    return app.test_client()


@pytest.fixture
def client(app) -> AppClient:
    """Signed in as the demo editor."""
    return app.test_client().login(EDITOR)


@pytest.fixture
def reader_client(app) -> AppClient:
    """Signed in as the demo lector (read-only)."""
    return app.test_client().login(READER)


@pytest.fixture
def admin_client(app) -> AppClient:
    """Signed in as the demo administrator."""
    return app.test_client().login(ADMIN)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def inegi_path() -> Path:
    if not INEGI.exists():
        pytest.fail(f"missing shared INEGI file: {INEGI}")
    return INEGI


@pytest.fixture
def zip_shapefile():
    """Factory: write a frame as a Shapefile with fiona and zip it (optionally without .prj)."""

    def make(frame, directory: Path, name: str = "municipios", keep_prj: bool = True) -> Path:
        import zipfile

        shp = directory / f"{name}.shp"
        frame.to_file(shp, engine="fiona")
        archive = directory / f"{name}.zip"
        with zipfile.ZipFile(archive, "w") as out:
            for part in directory.glob(f"{name}.*"):
                if part.suffix == ".zip" or (part.suffix == ".prj" and not keep_prj):
                    continue
                out.write(part, part.name)
        return archive

    return make


@pytest.fixture(scope="session")
def inegi_three(inegi_path):
    """Oaxaca de Juárez, San Jacinto Amilpas and Santa Cruz Xoxocotlán from the INEGI file."""
    import geopandas as gpd

    frame = gpd.read_file(inegi_path, engine="fiona")
    return frame[frame.cvegeo.isin(["20067", "20157", "20385"])].reset_index(drop=True)


# -- a proposed limit on the INEGI frame (tests/boundaries/test_exchange.py, test_annex.py) --
# Kept here, not in a tests/boundaries/conftest.py: with --doctest-modules a second module
# named «conftest» makes pytest import the wrong one.


@pytest.fixture(scope="session")
def inegi_state():
    """The INEGI state, read once."""
    import geopandas as gpd

    if not INEGI.exists():
        pytest.fail(f"missing {INEGI} (the shared INEGI data)")
    return gpd.read_file(INEGI)


@pytest.fixture(scope="session")
def inegi_change(inegi_state):
    """A proposed limit across a demo zone between Oaxaca de Juárez and San Jacinto Amilpas."""
    # tests/boundaries is on sys.path once its test modules are collected.
    from common import OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS
    from proposals import PROPOSAL

    from boundaries.exchange import limit_change

    return limit_change(inegi_state, OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS, PROPOSAL,
                        code_col="cvegeo")
