"""Two writers on one SQLite file: the second waits for the first instead of failing."""

import threading
import time

import pytest
from sqlalchemy import func, select

from cases.storage.db import make_session_factory
from cases.storage.models import Municipality


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_writer_that_read_first_waits_for_the_lock(engine):
    """B reads, then writes while A holds the write lock: B's write waits and succeeds.

    A read transaction upgraded to a write would fail at once with «database is locked»
    whatever the busy timeout; pysqlite runs reads outside a transaction, so B's write
    starts from none and waits (no BEGIN IMMEDIATE needed).
    """
    sessions = make_session_factory(engine)
    holding, about_to_write = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        with sessions() as session:
            session.add(Municipality(cvegeo="99001", name="Primera"))
            session.flush()  # the write lock is taken here
            holding.set()
            about_to_write.wait(timeout=30)
            time.sleep(0.5)  # B is now waiting on the lock
            session.commit()

    def second() -> None:
        try:
            with sessions() as session:
                holding.wait(timeout=30)
                count = session.scalar(select(func.count()).select_from(Municipality))
                session.add(Municipality(cvegeo="99002", name=f"Segunda de {count + 1}"))
                about_to_write.set()
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
            about_to_write.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with sessions() as session:
        names = session.scalars(select(Municipality.name).where(
            Municipality.cvegeo.in_(["99001", "99002"])).order_by(Municipality.cvegeo)).all()
    assert names == ["Primera", "Segunda de 1"]
