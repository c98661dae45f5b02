"""The "Captura en campo" page: what its service worker keeps for offline use."""

from __future__ import annotations

from flask import url_for

from geo_app.vendor import vendor_url

__all__ = ["VENDOR_FILES", "offline_assets"]

# The npm files the capture page loads; the service worker caches exactly these.
VENDOR_FILES = (
    "bootstrap/dist/css/bootstrap.min.css",
    "leaflet/dist/leaflet.css",
    "leaflet/dist/leaflet.js",
)


def offline_assets() -> list[str]:
    """Every URL the capture page needs, versioned, for the service worker's cache."""
    return [
        url_for("field.capture"),
        *(vendor_url(path) for path in VENDOR_FILES),
        url_for("static", filename="limites.css"),
        url_for("static", filename="favicon.svg"),
        url_for("static", filename="field/capture.css"),
        url_for("static", filename="field/capture.js"),
    ]
