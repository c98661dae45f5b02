"""Límites web application: ``create_app`` is the only entry point."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flask import Flask

from geo_app.deployment import load_secret_key

__all__ = ["create_app"]

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "dev",
    # None means: a SQLite file in the instance folder.
    "DATABASE_URL": None,
    # XYZ template for base tiles; empty string or "none" for no base map at all.
    "TILES": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TILES_ATTRIBUTION": "&copy; colaboradores de OpenStreetMap",
    # 1 when browsers reach the app over HTTPS (a proxy in front): cookies become Secure.
    "HTTPS": False,
    # Origins besides the app's own accepted on unsafe requests ("https://limites.example").
    "TRUSTED_ORIGINS": [],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=12),
    # Forms are small; uploads raise the limit for their own request.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # The CSRF token lives as long as the session (a form left open an hour still works).
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_I18N_ENABLED": False,
    # The address share links (/c/<token>) are given with, as people outside reach it.
    "PUBLIC_URL": "http://127.0.0.1:5000",
}


def create_app(
    config: dict[str, Any] | None = None, instance_path: str | Path | None = None
) -> Flask:
    """Build the Flask app.

    Configuration comes from :data:`DEFAULTS`, then ``instance/config.py``, then environment
    variables prefixed ``LIMITES_`` (``LIMITES_DATABASE_URL``…), then ``config``; without
    any ``SECRET_KEY`` there, from ``instance/secret_key`` (written by ``limites init``).
    ``instance_path`` replaces the ``instance/`` folder (tests use a temporary one).
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("LIMITES")
    if config:
        app.config.from_mapping(config)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
    # "none" is said once here: every map, form and script then reads an empty template.
    if str(app.config.get("TILES") or "").strip().lower() in ("", "none"):
        app.config["TILES"] = ""
        app.config["TILES_ATTRIBUTION"] = ""
    load_secret_key(app)
    if not app.config["DATABASE_URL"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'limites.sqlite'}"

    from geo_app import cli, converters, db, map_cache, security_headers
    from geo_app.account import auth

    converters.init_app(app)
    security_headers.init_app(app)
    db.init_app(app)
    map_cache.init_app(app)
    cli.init_app(app)
    auth.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from geo_app import web

    web.init_app(app)
