"""One import at a time: a lock that a second import finds taken, on either engine.

Two imports running together would contend for the same rows and SQLite's single writer; the
second one would fail deep inside with a traceback. :func:`import_lock` lets the second one
stop at once with a Spanish message instead. On PostgreSQL it is a session-level advisory
lock (every process that shares the database sees it); on SQLite, an OS file lock on a file
next to the database (``instance/limites.sqlite.import-lock`` by default).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, text

from cases.errors import ImportInProgressError

__all__ = ["import_lock", "IMPORT_LOCK_KEY"]

log = logging.getLogger(__name__)

#: The advisory lock key of imports on PostgreSQL ("LIMITES" in ASCII, as a number).
IMPORT_LOCK_KEY = 0x4C494D49544553


@contextmanager
def import_lock(engine: Engine) -> Iterator[None]:
    """Hold the import lock of ``engine``'s database, or raise ImportInProgressError.

    The lock is released when the block ends, and by the operating system or the server if
    the process dies, so a crashed import never blocks the next one.
    """
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield  # a private in-memory database has no other writer
        return
    with _file_lock(Path(f"{database}.import-lock")):
        yield


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        taken = connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": IMPORT_LOCK_KEY}
        )
        if not taken:
            raise ImportInProgressError()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": IMPORT_LOCK_KEY})


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a+b") as handle:
        if not _try_lock(handle):
            raise ImportInProgressError()
        log.debug("import lock taken: %s", path)
        try:
            yield
        finally:
            _unlock(handle)


if os.name == "nt":  # pragma: no cover - exercised on the Unidad's Windows machines
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
