"""What a server needs before it faces a network: its own secret key and no demo accounts.

``limites init`` writes a random secret key to ``instance/secret_key`` when none is
configured; :func:`create_app <geo_app.create_app>` reads it. ``limites serve`` refuses a
non-loopback address while the key is the development default or a demo account is active.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect

from cases.access.accounts import active_demo_accounts

__all__ = [
    "DEV_SECRET_KEY",
    "SECRET_KEY_FILE",
    "secret_key_path",
    "load_secret_key",
    "ensure_secret_key",
    "is_loopback",
    "exposure_problems",
]

DEV_SECRET_KEY = "dev"
SECRET_KEY_FILE = "secret_key"


def secret_key_path(app: Flask) -> Path:
    """Where the generated secret key lives: ``instance/secret_key``."""
    return Path(app.instance_path) / SECRET_KEY_FILE


def load_secret_key(app: Flask) -> None:
    """Use ``instance/secret_key`` when no key was configured (config.py, env, dict)."""
    path = secret_key_path(app)
    if app.config["SECRET_KEY"] == DEV_SECRET_KEY and path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            app.config["SECRET_KEY"] = key


def ensure_secret_key(app: Flask) -> Path | None:
    """Write a random secret key to ``instance/`` when none is configured.

    Returns the path written, or ``None`` when a key was already configured.
    """
    if app.config["SECRET_KEY"] != DEV_SECRET_KEY:
        return None
    path = secret_key_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Readable by the owner only: whoever holds the key can forge sessions.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    app.config["SECRET_KEY"] = key
    return path


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_problems(app: Flask, host: str) -> list[str]:
    """Why serving on ``host`` would be unsafe, in Spanish; empty when it is fine."""
    if is_loopback(host):
        return []
    problems = []
    if app.config["SECRET_KEY"] == DEV_SECRET_KEY:
        problems.append(
            "la clave secreta es la de desarrollo («dev»): ejecute «limites init» para generar "
            "una en instance/secret_key, o defina LIMITES_SECRET_KEY"
        )
    engine = app.extensions["limites_engine"]
    if "user_account" in inspect(engine).get_table_names():
        with app.extensions["limites_sessions"]() as session:
            demo = [user.username for user in active_demo_accounts(session)]
        if demo:
            problems.append(
                f"hay cuentas de demostración activas ({', '.join(demo)}), cuyas contraseñas "
                f"son públicas: desactívelas con «limites user disable {' '.join(demo)}»"
            )
    return problems
