"""``limites backup`` copies consistently while others write; ``limites restore`` puts it back."""

from __future__ import annotations

import sqlite3
import tarfile
import threading
from contextlib import closing

import pytest
from limites_testing import demo_app, signed_in_client
from sqlalchemy import func, select

from cases.storage.db import make_engine, make_session_factory, unit_of_work
from cases.storage.models import Municipality, data_version

BATCH = 20


def write_batches(url: str, stop: threading.Event, done: list[int]) -> None:
    """Insert municipalities in batches of BATCH, one transaction per batch, until stopped."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    batch = 0
    while not stop.is_set() and batch < 400:
        with sessions() as session, unit_of_work(session):
            session.add_all(
                Municipality(cvegeo=f"{batch:03d}{n:02d}", name=f"lote {batch}")
                for n in range(BATCH)
            )
        batch += 1
        done.append(batch)
    engine.dispose()


def database_in(archive, folder):
    """The SQLite database inside a backup archive, extracted into ``folder``."""
    with tarfile.open(archive) as tar:
        tar.extract("base.sqlite", folder, filter="data")
    return folder / "base.sqlite"


def batches_are_whole(path) -> tuple[int, set[int]]:
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        sizes = connection.execute(
            "SELECT name, count(*) FROM municipality WHERE name LIKE 'lote %' GROUP BY name"
        ).fetchall()
    return len(sizes), {size for _, size in sizes}


@pytest.fixture
def app(tmp_path):
    (tmp_path / "vivo").mkdir()
    app = demo_app(tmp_path / "vivo")
    yield app
    app.extensions["limites_engine"].dispose()


def test_a_backup_taken_during_writes_restores_to_a_consistent_database(app, tmp_path):
    url = app.config["DATABASE_URL"]
    stop, done = threading.Event(), []
    writer = threading.Thread(target=write_batches, args=(url, stop, done))
    writer.start()
    try:
        while len(done) < 5:  # the backup starts while batches keep committing
            threading.Event().wait(0.01)
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copia.sqlite")])
        written_during_backup = len(done)
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "Copia de seguridad escrita" in result.output
    assert not list(tmp_path.glob(".*parcial"))
    copied, sizes = batches_are_whole(database_in(tmp_path / "copia.sqlite", tmp_path))
    assert sizes == {BATCH}  # every transaction whole, none half
    assert 5 <= copied <= written_during_backup + 1

    # Restore into another installation and use it.
    (tmp_path / "otra").mkdir()
    other = demo_app(tmp_path / "otra", demo=False)
    with other.extensions["limites_sessions"]() as session:
        version_before = data_version(session)
    result = other.test_cli_runner().invoke(
        args=["restore", str(tmp_path / "copia.sqlite"), "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert "Base restaurada" in result.output and "La base anterior quedó en" in result.output
    restored, sizes = batches_are_whole(tmp_path / "otra" / "limites.sqlite")
    assert (restored, sizes) == (copied, {BATCH})
    with other.extensions["limites_sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(Municipality)) > copied * BATCH
        assert data_version(session) > version_before  # no cached map of the old data survives
    client = signed_in_client(other)
    assert client.get("/").status_code == 200
    assert client.get("/mapa/").status_code == 200
    other.extensions["limites_engine"].dispose()


def test_backup_refuses_to_overwrite(app, tmp_path):
    target = tmp_path / "copia.sqlite"
    target.write_bytes(b"no tocar")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "ya existe copia.sqlite" in result.output
    assert target.read_bytes() == b"no tocar"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"esto no es una base", "no es una copia de Límites"),
        ("sqlite-sin-esquema", "no es una base de Límites"),
        ("futuro", "de una versión del programa más nueva"),
    ],
)
def test_restore_refuses_what_is_not_a_sound_backup(app, tmp_path, content, message):
    path = tmp_path / "copia.sqlite"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE t (x)")
            if content == "futuro":
                connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
                connection.execute("INSERT INTO alembic_version VALUES ('9999')")
    with app.extensions["limites_sessions"]() as session:
        before = session.scalar(select(func.count()).select_from(Municipality))
    result = app.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "No se modificó la base de datos" in result.output
    with app.extensions["limites_sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(Municipality)) == before


def test_restore_asks_first(app, tmp_path):
    app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copia.sqlite")])
    result = app.test_cli_runner().invoke(
        args=["restore", str(tmp_path / "copia.sqlite")], input="n\n"
    )
    assert result.exit_code == 1
    assert "¿Continuar?" in result.output
