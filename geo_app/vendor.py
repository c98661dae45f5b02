"""Blueprint ``vendor``: the front-end files installed by ``npm ci``, served under /vendor/.

Maps load Leaflet, its plugins and Font Awesome from here (see
:func:`geo_app.maps.assets.localize`), never from a CDN; every page loads Bootstrap, and the
record forms Tom Select (their pickers). Only the npm packages listed in
:data:`geo_app.maps.assets.CDN_ASSETS`, and only static file types, are served. The
directory is the first of: the ``VENDOR_DIR`` setting (``LIMITES_VENDOR_DIR``),
``node_modules/`` in the working directory, ``node_modules/`` of the source checkout, and
``geo_app/_vendor/``, the copy of those files a wheel carries (``setup.py`` makes it at
build time); so an installed wheel serves its maps from any working directory.
"""

from __future__ import annotations

import json
import logging
import posixpath
from functools import lru_cache
from pathlib import Path, PurePosixPath

from flask import Blueprint, Response, current_app, request, send_from_directory, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import NotFound

from geo_app.maps.assets import (
    ROTATE_CSS_PATH,
    awesome_rotate_css,
    npm_package,
    vendor_packages,
)

__all__ = [
    "bp",
    "DEFAULT_VENDOR_DIR",
    "PACKAGED_VENDOR_DIR",
    "find_vendor_dir",
    "vendor_dir",
    "vendor_url",
]

logger = logging.getLogger(__name__)

# node_modules/ of a source checkout (an editable install); a wheel has none beside it.
DEFAULT_VENDOR_DIR = Path(__file__).resolve().parent.parent / "node_modules"
# The maps' files of node_modules/ that setup.py copies into a wheel (absent in a checkout).
PACKAGED_VENDOR_DIR = Path(__file__).resolve().parent / "_vendor"

# With ?v=<package version> in the URL a file never changes, so browsers may keep it a
# year; a bare URL (fonts and images named inside CSS) is revalidated daily.
VERSIONED_MAX_AGE = 365 * 24 * 3600
UNVERSIONED_MAX_AGE = 24 * 3600
_SERVED_SUFFIXES = frozenset(
    {".js", ".css", ".png", ".svg", ".gif", ".woff", ".woff2", ".ttf", ".eot"}
)
_MISSING_MESSAGE = (
    "Faltan los archivos de la interfaz del mapa (Leaflet y complementos) en {path}. "
    "Instálelos con «npm ci» en la raíz del proyecto (o indique la carpeta con "
    "LIMITES_VENDOR_DIR) y reinicie la aplicación."
)

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


def find_vendor_dir(configured: str | Path | None = None) -> Path:
    """Return where the npm packages are.

    ``configured`` when given, else the first that exists of ``./node_modules``,
    :data:`DEFAULT_VENDOR_DIR` and :data:`PACKAGED_VENDOR_DIR` (the first candidate when
    none does).
    """
    if configured:
        return Path(configured)
    candidates = [Path.cwd() / "node_modules", DEFAULT_VENDOR_DIR, PACKAGED_VENDOR_DIR]
    return next((path for path in candidates if path.is_dir()), candidates[0])


@bp.record_once
def _resolve(state: BlueprintSetupState) -> None:
    path = find_vendor_dir(state.app.config.get("VENDOR_DIR"))
    state.app.config["VENDOR_DIR"] = path
    if not path.is_dir():
        logger.warning(_MISSING_MESSAGE.format(path=path))


def vendor_dir() -> Path:
    """Return the directory of npm packages the current app serves."""
    return Path(current_app.config["VENDOR_DIR"])


def vendor_url(path: str) -> str:
    """Return the URL of ``path`` (relative to ``node_modules/``), versioned by its package.

    Use as the ``static_url`` of :func:`geo_app.maps.assets.localize`; needs an app context.
    """
    if path == ROTATE_CSS_PATH:
        return url_for("vendor.rotate_css")
    try:
        version = _package_version(str(vendor_dir()), npm_package(path))
    except (OSError, ValueError):
        # Not cached: once `npm ci` has run, the next page gets versioned URLs.
        logger.warning("no se pudo leer la versión del paquete npm de %s", path)
        version = "0"
    return url_for("vendor.asset", filename=path, v=version)


@bp.route(f"/{ROTATE_CSS_PATH}")
def rotate_css() -> Response:
    """Serve the ``fa-rotate-N`` classes of folium's awesome markers."""
    response = Response(awesome_rotate_css(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = UNVERSIONED_MAX_AGE
    return response


@bp.route("/<path:filename>")
def asset(filename: str) -> Response:
    """Serve one file of an allowed npm package."""
    root = vendor_dir()
    if not root.is_dir():
        logger.error(_MISSING_MESSAGE.format(path=root))
        return Response(
            _MISSING_MESSAGE.format(path=root), status=500, mimetype="text/plain; charset=utf-8"
        )
    if not _is_allowed(filename):
        raise NotFound()
    versioned = "v" in request.args
    response = send_from_directory(
        root, filename, max_age=VERSIONED_MAX_AGE if versioned else UNVERSIONED_MAX_AGE
    )
    response.cache_control.public = True
    if versioned:
        response.cache_control.immutable = True
    return response


def _is_allowed(filename: str) -> bool:
    """Whether ``filename`` is a canonical path to a front-end file of an allowed package.

    The package is judged on the path as the file system will resolve it: a path with
    ``..``, ``.``, empty segments or backslashes is refused outright, or
    ``leaflet/../lodash/lodash.js`` would pass as Leaflet's and serve another package.
    """
    parts = filename.split("/")
    if any(part in ("", ".", "..") or "\\" in part or "\x00" in part for part in parts):
        return False
    return (
        PurePosixPath(filename).suffix.lower() in _SERVED_SUFFIXES
        and posixpath.normpath(filename) == filename
        and npm_package(filename) in vendor_packages()
    )


@lru_cache(maxsize=64)
def _package_version(root: str, package: str) -> str:
    manifest = json.loads((Path(root) / package / "package.json").read_text("utf-8"))
    return str(manifest.get("version", "0"))
