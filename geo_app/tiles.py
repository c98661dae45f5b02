"""Where the maps' base tiles come from.

The offline base map when there is one, else the configured tile server
(``LIMITES_TILES``), else none.

The offline base map is an MBTiles or PMTiles file an administrator uploads
(Administración › Mapa base sin conexión); the app serves its tiles at
``/campo/mapa-base/<z>/<x>/<y>``, so maps draw it with the network cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for

from cases.fieldwork.base_map import TileSet, open_tileset

__all__ = ["BASE_MAP_NAMES", "TileSource", "base_map_path", "base_map", "tile_prefix",
           "tile_source"]

# Where the administrator leaves the base map file (in the instance folder) when
# BASE_MAP_FILE does not name one: the first of these that exists.
BASE_MAP_NAMES = ("mapa-base.mbtiles", "mapa-base.pmtiles")


def base_map_path() -> Path:
    """The MBTiles or PMTiles file of the offline base map (it may not exist)."""
    configured = current_app.config.get("BASE_MAP_FILE")
    if configured:
        return Path(configured)
    candidates = [Path(current_app.instance_path) / name for name in BASE_MAP_NAMES]
    return next((path for path in candidates if path.exists()), candidates[0])


@lru_cache(maxsize=4)
def _tileset(path: Path, stamp: tuple[int, int]) -> TileSet:
    return open_tileset(path)


def base_map() -> TileSet | None:
    """The offline base map, or ``None`` when there is none (read once per file version)."""
    path = base_map_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return _tileset(path, (stat.st_size, stat.st_mtime_ns))


def tile_prefix() -> str:
    """The URL of the base map's tiles without ``/z/x/y``."""
    return url_for("field.base_map_tile", z=0, x=0, y=0).removesuffix("/0/0/0")


@dataclass(frozen=True)
class TileSource:
    """The base tiles of a map: URL template, attribution and a version for caches."""

    url: str
    attribution: str
    version: str
    # The deepest zoom the tiles exist at (an offline file's); deeper, maps enlarge them.
    max_native_zoom: int | None = None


def tile_source() -> TileSource:
    """The offline base map's tiles when there is one, else the configured server's.

    An empty ``url`` means no base map at all (the maps draw only their layers).
    """
    tileset = base_map()
    if tileset is not None:
        return TileSource(f"{tile_prefix()}/{{z}}/{{x}}/{{y}}?v={tileset.version}",
                          f"Mapa base sin conexión: {tileset.name}", tileset.version,
                          tileset.max_zoom)
    url = current_app.config.get("TILES") or ""
    return TileSource(url, current_app.config.get("TILES_ATTRIBUTION") or "" if url else "",
                      "")
