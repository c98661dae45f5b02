"""Build hook: a wheel carries the front-end files its maps load (served by geo_app/vendor.py).

``pip wheel .`` after ``npm ci`` copies into ``geo_app/_vendor/`` of the build (never of the
checkout) the files :data:`geo_app.maps.assets.CDN_ASSETS` names, every file their CSS
links (fonts, marker images) with its siblings of the same type (Leaflet's script picks
``marker-icon-2x.png`` beside the ``marker-icon.png`` its CSS names), and each package's
``package.json`` (its version versions the URLs) and licence. Nothing else of
``node_modules/`` ships. An editable install reads ``node_modules/``
of the checkout and copies nothing. The list is read from the source with :mod:`ast`, so
the build needs neither folium nor the app.
"""

from __future__ import annotations

import ast
import posixpath
import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import SetupError

ROOT = Path(__file__).resolve().parent
NODE_MODULES = ROOT / "node_modules"
ASSETS_MODULE = ROOT / "geo_app" / "maps" / "assets.py"
PACKAGED_DIR = ("geo_app", "_vendor")  # geo_app.vendor.PACKAGED_VENDOR_DIR

_CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)
_EXTERNAL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.I)


def listed_assets(source: Path = ASSETS_MODULE) -> list[str]:
    """Return the ``node_modules``-relative paths the literal ``CDN_ASSETS`` dict maps to."""
    for node in ast.walk(ast.parse(source.read_text("utf-8"))):
        target = getattr(node, "target", None) or next(iter(getattr(node, "targets", [])), None)
        if isinstance(target, ast.Name) and target.id == "CDN_ASSETS":
            return [
                value.value
                for value in node.value.values
                if isinstance(value, ast.Constant) and isinstance(value.value, str)
            ]
    raise SetupError(f"{source} ya no define CDN_ASSETS")


def npm_package(path: str) -> str:
    """Return the npm package of a ``node_modules``-relative path (as geo_app.maps.assets)."""
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def vendor_files(node_modules: Path, listed: list[str]) -> list[str]:
    """Return ``listed``, what their CSS links (and its siblings), each package's manifest."""
    found: set[str] = set()
    pending = list(listed)
    while pending:
        path = pending.pop()
        if path in found:
            continue
        if not (node_modules / path).is_file():
            raise SetupError(f"falta {node_modules / path}: ejecute «npm ci»")
        found.add(path)
        if path.endswith(".css"):
            css = (node_modules / path).read_text("utf-8", errors="replace")
            for match in _CSS_URL_RE.finditer(css):
                link = (match.group(2) or match.group(4) or "").split("?")[0].split("#")[0]
                if not link or _EXTERNAL_RE.match(link):
                    continue
                linked = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
                if npm_package(linked) == npm_package(path) and (node_modules / linked).is_file():
                    pending.append(linked)
                    pending.extend(_siblings(node_modules, linked))
    for package in {npm_package(path) for path in found}:
        found.add(f"{package}/package.json")
        found.update(
            f"{package}/{licence.name}" for licence in (node_modules / package).glob("*LICEN[CS]E*")
        )
    return sorted(found)


def _siblings(node_modules: Path, path: str) -> list[str]:
    folder, suffix = posixpath.dirname(path), posixpath.splitext(path)[1]
    return [
        f"{folder}/{sibling.name}"
        for sibling in (node_modules / folder).glob(f"*{suffix}")
        if sibling.is_file() and suffix != ".css"
    ]


class BuildWithVendor(build_py):
    """``build_py`` that also copies the maps' npm files into ``geo_app/_vendor/``."""

    def run(self) -> None:
        """Build the packages, then copy the npm files (not for an editable install)."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        if not NODE_MODULES.is_dir():
            raise SetupError(
                f"Faltan los paquetes npm en {NODE_MODULES}: ejecute «npm ci» antes de "
                "construir el wheel (los mapas sirven Leaflet desde él)."
            )
        target = Path(self.build_lib, *PACKAGED_DIR)
        shutil.rmtree(target, ignore_errors=True)
        self._vendor_outputs = []
        for path in vendor_files(NODE_MODULES, listed_assets()):
            destination = target / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(NODE_MODULES / path, destination)
            self._vendor_outputs.append(str(destination))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        """Return the built modules and data, and the copied npm files."""
        return super().get_outputs(include_bytecode) + getattr(self, "_vendor_outputs", [])


setup(cmdclass={"build_py": BuildWithVendor})
