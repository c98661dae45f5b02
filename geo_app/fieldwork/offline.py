"""The "Captura en campo" page: what its service worker keeps for offline use."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app, url_for

from geo_app.vendor import vendor_url

__all__ = ["VENDOR_FILES", "OWN_FILES", "offline_assets", "cache_name"]

# The npm files the capture page loads; the service worker caches exactly these.
VENDOR_FILES = (
    "bootstrap/dist/css/bootstrap.min.css",
    "leaflet/dist/leaflet.css",
    "leaflet/dist/leaflet.js",
)
# The app's own files of the page, under static/.
OWN_FILES = ("field/capture.css", "field/capture.js")


def offline_assets() -> list[str]:
    """Every URL the capture page needs, versioned, for the service worker's cache."""
    return [
        url_for("field.capture"),
        *(vendor_url(path) for path in VENDOR_FILES),
        url_for("static", filename="limites.css"),
        url_for("static", filename="favicon.svg"),
        *(url_for("static", filename=name) for name in OWN_FILES),
    ]


def cache_name(assets: list[str]) -> str:
    """The service worker's cache, renamed whenever a file or a vendor version changes.

    A new name makes browsers install the new worker and drop the old cache.
    """
    digest = hashlib.sha256("\n".join(assets).encode())
    static = Path(current_app.static_folder)
    for name in OWN_FILES:
        digest.update((static / name).read_bytes())
    return f"limites-campo-{digest.hexdigest()[:12]}"
