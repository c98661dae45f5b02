"""Límites web application: ``create_app`` is the only entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

__all__ = ["create_app"]

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "dev",
    # None means: a SQLite file in the instance folder.
    "DATABASE_URL": None,
    # XYZ template for base tiles; empty string or "none" for no base map at all.
    "TILES": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TILES_ATTRIBUTION": "&copy; colaboradores de OpenStreetMap",
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app.

    Configuration comes from :data:`DEFAULTS`, then ``instance/config.py``, then environment
    variables prefixed ``LIMITES_`` (``LIMITES_DATABASE_URL``…), then ``config``.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("LIMITES")
    if config:
        app.config.from_mapping(config)
    if not app.config["DATABASE_URL"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'limites.sqlite'}"

    from geo_app import cli, converters, db, map_cache, security_headers

    converters.init_app(app)
    security_headers.init_app(app)
    db.init_app(app)
    map_cache.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from geo_app import web

    web.init_app(app)
