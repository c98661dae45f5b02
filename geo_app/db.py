"""Binds the storage layer to the app: one engine per app, one session per request."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from cases.errors import NotFoundError
from cases.records.editing import record_by_id
from cases.storage.db import make_engine, make_session_factory, require_current_schema
from geo_app.errors import MESSAGES

__all__ = ["init_app", "get_session", "new_session", "get_or_404"]


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory and close sessions after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["limites_engine"] = engine
    app.extensions["limites_sessions"] = make_session_factory(engine)
    app.teardown_appcontext(_close_session)


def new_session() -> Session:
    """Return a new session of the current app (the caller closes it)."""
    return current_app.extensions["limites_sessions"]()


def get_session() -> Session:
    """Return the session of the current request, opening it on first use.

    The first session of an app checks that the schema is current (``limites init``).
    """
    if "limites_session" not in g:
        if not current_app.extensions.get("limites_schema_checked"):
            require_current_schema(current_app.extensions["limites_engine"])
            current_app.extensions["limites_schema_checked"] = True
        g.limites_session = new_session()
    return g.limites_session


def get_or_404(model: type, record_id: int | None):
    """The live ``model`` record ``record_id``, or the 404 answer (deleted ones are gone too)."""
    record = record_by_id(get_session(), model, record_id)
    if record is None:
        raise NotFoundError(MESSAGES[404])
    return record


def _close_session(exception: BaseException | None = None) -> None:
    session = g.pop("limites_session", None)
    if session is not None:
        session.close()
