"""What reads leave behind, written off the request path: link accesses and last uses.

A read never writes in its request. Opening a share link, reading with an API key or polling
a calendar feed hands what is to be remembered (the link's access, the key's or feed's last
use) to the app's :class:`~cases.sharing.links.AccessWriter`, which writes it in one short
transaction every ``SHARE_ACCESS_FLUSH_SECONDS`` (default 5) and when the process ends
(also each worker of ``limites serve --workers``).
"""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import event

from cases.sharing.links import FLUSH_SECONDS, AccessWriter

__all__ = ["flush", "init_app", "writer"]

_WRITER = "limites_share_accesses"


def init_app(app: Flask) -> None:
    """Give ``app`` its writer, forgotten when its database engine is disposed."""
    made = AccessWriter(app.extensions["limites_sessions"],
                        float(app.config.get("SHARE_ACCESS_FLUSH_SECONDS", FLUSH_SECONDS)))
    app.extensions[_WRITER] = made
    event.listen(app.extensions["limites_engine"], "engine_disposed",
                 lambda engine: made.discard())


def writer() -> AccessWriter:
    """The current app's writer."""
    return current_app.extensions[_WRITER]


def flush(app: Flask) -> int:
    """Write what ``app`` keeps in memory now; return how many link accesses were written."""
    kept: AccessWriter | None = app.extensions.get(_WRITER)
    return 0 if kept is None else kept.flush()
