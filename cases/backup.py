"""Backups of the SQLite database with SQLite's online backup API, and their restore.

The backup API copies a consistent snapshot while the app keeps serving and writing: in WAL
mode a reader does not block writers, and the copy is one read transaction, so it holds every
committed transaction or none of it. The copy is written beside its destination and renamed
into place once checked, so a crash never leaves half a backup under the final name.

Restoring copies the backup into the live database with the same API (other connections see
the new content at their next transaction) after saving the current database beside it, and
moves the data version past both so no cached map of the replaced data is ever served again.

PostgreSQL has its own tools; :func:`postgres_instructions` says how to use them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from cases.db import MIGRATIONS, head_revision
from cases.errors import ConflictError, InvalidInputError

__all__ = [
    "BackupSummary",
    "backup_sqlite",
    "restore_sqlite",
    "postgres_instructions",
    "sqlite_path",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore wrote."""

    path: Path
    size_bytes: int
    revision: str | None
    previous: Path | None = None


def sqlite_path(engine: Engine) -> Path:
    """Return the file of a SQLite engine, or raise if the database is not a SQLite file."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        raise InvalidInputError("la base de datos no es un archivo SQLite")
    return Path(database)


def backup_sqlite(engine: Engine, target: Path | str) -> BackupSummary:
    """Copy the live SQLite database to ``target`` (which must not exist yet)."""
    source, target = sqlite_path(engine), Path(target)
    if target.exists():
        raise ConflictError(f"ya existe {target.name}; elija otro nombre para la copia")
    if not target.parent.is_dir():
        raise InvalidInputError(f"no existe la carpeta {target.parent}")
    partial = target.with_name(f".{target.name}.parcial")
    try:
        _copy(source, partial)
        revision = _check(partial, target.name)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    log.info("backup of %s written to %s (revision %s)", source, target, revision)
    return BackupSummary(target, target.stat().st_size, revision)


def restore_sqlite(engine: Engine, backup: Path | str) -> BackupSummary:
    """Replace the live SQLite database with ``backup``, keeping the current one beside it.

    Raises :class:`~cases.errors.InvalidInputError` if ``backup`` is not a sound SQLite
    database of this program (integrity, foreign keys, a schema revision the code knows).
    """
    live, backup = sqlite_path(engine), Path(backup)
    if not backup.is_file():
        raise InvalidInputError(f"no existe la copia {backup.name}")
    revision = _check(backup, backup.name)
    _require_known_revision(revision, backup.name)
    previous = None
    if live.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        previous = live.with_name(f"{live.stem}.antes-de-restaurar-{stamp}{live.suffix}")
        _copy(live, previous)
    engine.dispose()  # the engine's pooled connections must not keep pages of the old data
    old_version = _data_version(live) if previous else None
    _copy(backup, live)
    _move_version_past(live, old_version)
    log.info("restored %s from %s (revision %s); previous copy %s", live, backup, revision,
             previous)
    return BackupSummary(live, live.stat().st_size, revision, previous)


def postgres_instructions(engine: Engine, path: str, restore: bool = False) -> str:
    """Say, in Spanish, how to back up or restore a PostgreSQL database with its own tools."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
    if restore:
        return (
            "La base es PostgreSQL: restáurela con sus propias herramientas, con la aplicación "
            f"detenida:\n  pg_restore --clean --if-exists --no-owner --dbname '{url}' '{path}'\n"
            "y después ejecute «limites init»."
        )
    return (
        "La base es PostgreSQL: respáldela con sus propias herramientas (copia consistente "
        f"aunque la aplicación siga en uso):\n  pg_dump --format=custom --file '{path}' '{url}'"
        "\nPara restaurarla: limites restore RUTA (le dirá cómo usar pg_restore)."
    )


def _copy(source: Path, target: Path) -> None:
    """Copy with the online backup API: one consistent snapshot, in a single step."""
    with closing(_connect(source)) as src, closing(_connect(target)) as dst:
        src.backup(dst)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=30)


def _check(path: Path, name: str) -> str | None:
    """Return the schema revision of the SQLite file ``path`` after checking it is sound."""
    try:
        with closing(_connect(path)) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )}
            revision = (
                connection.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables else None
            )
    except sqlite3.DatabaseError as exc:
        raise InvalidInputError(f"{name} no es una base SQLite válida ({exc})") from exc
    if integrity != "ok":
        raise InvalidInputError(f"{name} está dañada: {integrity}")
    if orphans:
        raise InvalidInputError(f"{name} tiene {len(orphans)} referencias rotas entre tablas")
    if revision is None:
        raise InvalidInputError(f"{name} no es una base de Límites (no tiene esquema)")
    return revision[0]


def _require_known_revision(revision: str, name: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        known = ScriptDirectory.from_config(config).get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise InvalidInputError(
            f"{name} es de una versión del programa más nueva (esquema {revision}; este "
            f"programa llega a la {head_revision()}); actualice Límites antes de restaurarla"
        )


def _data_version(path: Path) -> int | None:
    with closing(_connect(path)) as connection:
        try:
            row = connection.execute("SELECT version FROM data_version WHERE id = 1").fetchone()
        except sqlite3.OperationalError:  # a schema older than the data version
            row = None
    return row[0] if row else None


def _move_version_past(path: Path, old_version: int | None) -> None:
    """Give the restored data a version no running cache has seen."""
    with closing(_connect(path)) as connection, connection:
        try:
            connection.execute(
                "UPDATE data_version SET version = max(version, ?) + 1 WHERE id = 1",
                (old_version or 0,),
            )
        except sqlite3.OperationalError:
            pass  # an older schema: «limites init» adds the version
