"""Backups of the database and the attachments in one archive, and their restore.

A backup is an uncompressed tar (photos and PDFs are compressed already) holding a manifest
(``limites-copia.json``), the database (``base.sqlite``, or ``base.pgdump`` from
``pg_dump --format=custom``) and every stored file under ``adjuntos/`` as the attachment
store lays them out (by SHA-256).

Consistency while the app keeps writing: the database is copied first as one snapshot
(SQLite's online backup API is one read transaction; ``pg_dump`` one repeatable-read
transaction), then the files. A file is written before the row that names it commits and
files are never deleted, so every row in the snapshot finds its file in the archive; files
newer than the snapshot are harmless extras. The archive is written beside its destination
and renamed into place once complete, so a crash never leaves half a backup under its name.

Restoring is all or nothing: the whole archive is read and checked first (only the expected
names, each attachment's bytes against its SHA-256, the database's integrity and schema);
then the files join the store (added, never overwritten: they are addressed by content),
and only then is the database replaced — SQLite with the backup API after saving the
current database beside it, PostgreSQL with ``pg_restore --single-transaction`` after a
``pg_dump`` of the current one. The data version moves past both, so no cached map of the
replaced data is served again. A plain SQLite file from an older ``limites backup`` is
still accepted (it has no attachments).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, inspect, text

from cases.errors import BackupToolError, ConflictError, InvalidInputError
from cases.storage.db import MIGRATIONS, head_revision

__all__ = [
    "BackupSummary",
    "write_backup",
    "restore_backup",
    "backup_sqlite",
    "restore_sqlite",
    "sqlite_path",
]

log = logging.getLogger(__name__)

FORMAT = "limites-copia"
FORMAT_VERSION = 1
MANIFEST = "limites-copia.json"
_DATABASE = {"sqlite": "base.sqlite", "postgresql": "base.pgdump"}
_FILES = "adjuntos"
#: The names an archive may hold: the manifest, one database, stored files and thumbnails.
_MEMBER = re.compile(
    r"limites-copia\.json|base\.sqlite|base\.pgdump"
    r"|adjuntos/[0-9a-f]{2}/[0-9a-f]{64}"
    r"|adjuntos/miniaturas/[a-z]{1,20}/[0-9a-f]{2}/[0-9a-f]{64}\.jpg"
)
_ORIGINAL = re.compile(r"adjuntos/[0-9a-f]{2}/([0-9a-f]{64})")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore wrote."""

    path: Path
    size_bytes: int
    revision: str | None
    previous: Path | None = None
    attachments: int = 0


def sqlite_path(engine: Engine) -> Path:
    """Return the file of a SQLite engine, or raise if the database is not a SQLite file."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        raise InvalidInputError("la base de datos no es un archivo SQLite")
    return Path(database)


def write_backup(engine: Engine, files: Path | str, target: Path | str) -> BackupSummary:
    """Write the database and the stored files under ``files`` to the archive ``target``.

    ``target`` must not exist yet; the archive appears under its name only when complete.
    """
    target, files = Path(target), Path(files)
    if target.exists():
        raise ConflictError(f"ya existe {target.name}; elija otro nombre para la copia")
    if not target.parent.is_dir():
        raise InvalidInputError(f"no existe la carpeta {target.parent}")
    partial = target.with_name(f".{target.name}.parcial")
    with _scratch(target.parent) as scratch:
        try:
            kind = _engine_kind(engine)
            database = scratch / _DATABASE[kind]
            if kind == "sqlite":
                _copy(sqlite_path(engine), database)
                revision = _check(database, target.name)
            else:
                _pg_dump(engine, database)
                revision = _pg_revision(engine)
            stored = sorted(_stored_files(files))
            manifest = {"formato": FORMAT, "version": FORMAT_VERSION, "motor": kind,
                        "esquema": revision, "adjuntos": sum(
                            1 for p in stored if _ORIGINAL.fullmatch(_member_name(files, p))),
                        "creada": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
                archive.add(database, _DATABASE[kind], recursive=False)
                for path in stored:
                    archive.add(path, _member_name(files, path), recursive=False)
            with partial.open("rb") as written:
                os.fsync(written.fileno())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    log.info("backup written to %s (revision %s, %d attachments)", target, revision,
             manifest["adjuntos"])
    return BackupSummary(target, target.stat().st_size, revision,
                         attachments=manifest["adjuntos"])


def restore_backup(
    engine: Engine, files: Path | str, archive: Path | str, scratch: Path | str
) -> BackupSummary:
    """Replace the database with the one in ``archive`` and add its files under ``files``.

    Everything is checked before anything changes; a refused archive leaves the database
    and the stored files as they were. ``scratch`` (the instance folder) receives the
    copy of the current database and the staging area.

    Raises :class:`~cases.errors.InvalidInputError` for an archive that is not a sound
    backup of this program.
    """
    archive, files, scratch = Path(archive), Path(files), Path(scratch)
    if not archive.is_file():
        raise InvalidInputError(f"no existe la copia {archive.name}")
    if _is_sqlite(archive):
        return restore_sqlite(engine, archive)
    kind = _engine_kind(engine)
    files.mkdir(parents=True, exist_ok=True)
    with _scratch(files.parent) as staging:
        manifest, database, staged = _unpack(archive, staging)
        if manifest.get("motor") != kind:
            raise InvalidInputError(
                f"{archive.name} es una copia de una base {manifest.get('motor')}; esta "
                f"instalación usa {kind}. Restáurela en una instalación del mismo tipo"
            )
        if kind == "sqlite":
            revision = _check(database, archive.name)
        else:
            _pg_check(database, archive.name)
            revision = manifest.get("esquema")
        _require_known_revision(revision, archive.name)
        # Files first: if the database step then fails they are unreferenced, harmless.
        for name, path in staged:
            destination = files / name.removeprefix(f"{_FILES}/")
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, destination)
        if kind == "sqlite":
            summary = restore_sqlite(engine, database)
        else:
            summary = _pg_restore(engine, database, scratch, revision)
    count = sum(1 for name, _ in staged if _ORIGINAL.fullmatch(name))
    log.info("restored %s from %s with %d attachments", kind, archive, count)
    return BackupSummary(summary.path, archive.stat().st_size, revision, summary.previous,
                         attachments=count)


def backup_sqlite(engine: Engine, target: Path | str) -> BackupSummary:
    """Copy the live SQLite database alone to ``target`` (which must not exist yet)."""
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


# -- the archive ----------------------------------------------------------------------------

def _engine_kind(engine: Engine) -> str:
    if engine.dialect.name == "postgresql":
        return "postgresql"
    sqlite_path(engine)
    return "sqlite"


@contextmanager
def _scratch(near: Path) -> Iterator[Path]:
    """A private folder on the same disk as ``near`` (so files move by renaming)."""
    near.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=near, prefix=".limites-copia-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _stored_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and _MEMBER.fullmatch(
                _member_name(root, path)):
            yield path


def _member_name(root: Path, path: Path) -> str:
    return f"{_FILES}/{path.relative_to(root).as_posix()}"


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC


def _unpack(archive: Path, staging: Path) -> tuple[dict, Path, list[tuple[str, Path]]]:
    """Read the whole archive into ``staging``, checking every name and every file's hash."""
    name = archive.name
    manifest: dict | None = None
    database: Path | None = None
    staged: list[tuple[str, Path]] = []
    try:
        with tarfile.open(archive, "r:") as tar:
            for member in tar:
                if not member.isfile() or not _MEMBER.fullmatch(member.name):
                    raise InvalidInputError(
                        f"{name} no es una copia de Límites: contiene «{member.name[:80]}», "
                        "que una copia no tiene"
                    )
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = _manifest(source.read(64 * 1024), name)
                    continue
                path = staging / f"{len(staged)}.parte"
                digest = _copy_stream(source, path)
                if member.name.startswith("base."):
                    database = path.rename(staging / member.name)
                    continue
                original = _ORIGINAL.fullmatch(member.name)
                if original and digest != original.group(1):
                    raise InvalidInputError(
                        f"{name} está dañada: el adjunto {original.group(1)[:12]}… no "
                        "coincide con su huella SHA-256"
                    )
                staged.append((member.name, path))
    except tarfile.TarError as exc:
        raise InvalidInputError(f"{name} está dañada o no es una copia de Límites "
                                f"({exc})") from exc
    if manifest is None or database is None:
        raise InvalidInputError(f"{name} está incompleta: le falta la base de datos o su "
                                "descripción (¿se interrumpió al escribirla?)")
    return manifest, database, staged


def _manifest(data: bytes, name: str) -> dict:
    try:
        manifest = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{name}: la descripción de la copia está dañada") from exc
    if not isinstance(manifest, dict) or manifest.get("formato") != FORMAT:
        raise InvalidInputError(f"{name} no es una copia de Límites")
    if manifest.get("version") != FORMAT_VERSION:
        raise InvalidInputError(
            f"{name} es de una versión del programa más nueva (formato de copia "
            f"{manifest.get('version')}); actualice Límites antes de restaurarla"
        )
    return manifest


def _copy_stream(source, path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


# -- PostgreSQL -----------------------------------------------------------------------------

def _pg_target(engine: Engine) -> tuple[str, dict[str, str]]:
    """The connection string for pg_dump and pg_restore, the password in the environment."""
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str] | None, what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupToolError(
            f"no se encontró «{command[0]}»: instale el cliente de PostgreSQL "
            "(paquete postgresql-client) para copiar o restaurar esta base"
        ) from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupToolError(f"{what} falló: {detail[-1] if detail else done.returncode}")


def _pg_dump(engine: Engine, path: Path) -> None:
    url, env = _pg_target(engine)
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), "--dbname", url],
         env, "pg_dump")


def _pg_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        raise InvalidInputError("la base no es de Límites (no tiene esquema): ejecute "
                                "«limites init» antes de copiarla")
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _pg_check(path: Path, name: str) -> None:
    try:
        _run(["pg_restore", "--list", str(path)], None, "pg_restore --list")
    except BackupToolError as exc:
        if "no se encontró" in exc.message:
            raise
        raise InvalidInputError(f"{name}: la base de la copia está dañada") from exc


def _pg_restore(engine: Engine, dump: Path, scratch: Path, revision: str | None
                ) -> BackupSummary:
    url, env = _pg_target(engine)
    old_version = _pg_data_version(engine)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    previous = scratch / f"{engine.url.database}.antes-de-restaurar-{stamp}.pgdump"
    scratch.mkdir(parents=True, exist_ok=True)
    _pg_dump(engine, previous)
    # The pool's idle connections hold no lock; the caller disposes of them afterwards (the
    # import lock's connection is still checked out here).
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--exit-on-error", "--dbname", url, str(dump)], env, "pg_restore")
    if inspect(engine).has_table("data_version"):  # else an older schema: «limites init»
        with engine.begin() as connection:
            connection.execute(text(
                "UPDATE data_version SET version = greatest(version, :old) + 1"
            ), {"old": old_version or 0})
    log.info("restored PostgreSQL %s (revision %s); previous copy %s", engine.url.database,
             revision, previous)
    return BackupSummary(Path(engine.url.database or ""), dump.stat().st_size, revision,
                         previous)


def _pg_data_version(engine: Engine) -> int | None:
    if not inspect(engine).has_table("data_version"):  # a schema older than the version
        return None
    with engine.connect() as connection:
        total = connection.execute(text("SELECT sum(version) FROM data_version")).scalar()
        return None if total is None else int(total)


# -- SQLite ---------------------------------------------------------------------------------

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
            row = connection.execute("SELECT sum(version) FROM data_version").fetchone()
        except sqlite3.OperationalError:  # a schema older than the data version
            row = None
    return row[0] if row else None


def _move_version_past(path: Path, old_version: int | None) -> None:
    """Give the restored data a version no running cache has seen."""
    with closing(_connect(path)) as connection, connection:
        try:
            connection.execute(
                "UPDATE data_version SET version = max(version, ?) + 1",
                (old_version or 0,),
            )
        except sqlite3.OperationalError:
            pass  # an older schema: «limites init» adds the version
