"""The frame in force, named on every map and analysis screen with its source and date."""

from __future__ import annotations

from flask import Flask, g

from cases.frames.in_force import frame_in_force
from cases.storage.models import Frame
from geo_app.db import get_session

__all__ = ["init_app", "page_frame"]


def page_frame() -> Frame | None:
    """The frame in force for this request's page (read once per request)."""
    if "limites_frame" not in g:
        g.limites_frame = frame_in_force(get_session())
    return g.limites_frame


def init_app(app: Flask) -> None:
    """Expose :func:`page_frame` to templates as ``marco_vigente()``."""
    app.add_template_global(page_frame, "marco_vigente")
