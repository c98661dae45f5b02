"""Registers the feature blueprints."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint of the app."""
