"""An offline base map: the tiles of an MBTiles file, for the phone and without a tile server.

The Unidad makes an MBTiles file of its work area with its own tools (QGIS «Generate XYZ
tiles», gdal_translate, TileMill…); the app serves its tiles itself, so the maps work with
no external server and the phone can keep the tiles of the work area for use offline.
MBTiles is a SQLite database: ``metadata`` (name, format, bounds, zooms) and ``tiles``
(``zoom_level``, ``tile_column``, ``tile_row`` counted from the south as in TMS,
``tile_data``). The file is opened read-only.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cases.errors import InvalidInputError

__all__ = ["TILE_TYPES", "MAX_PHONE_TILES", "TileSet", "open_tileset", "read_tile",
           "tiles_within"]

#: The tile formats a browser draws, by MBTiles' ``format``, with their media type.
TILE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
              "webp": "image/webp"}
#: The most tiles the phone is offered to keep (about 15 MB of PNG tiles of a city).
MAX_PHONE_TILES = 5_000
_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class TileSet:
    """An MBTiles file: its name, tile type, zooms, bounds (west, south, east, north), version."""

    path: Path
    name: str
    media_type: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]
    version: str


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def open_tileset(path: Path) -> TileSet:
    """Read the metadata of the MBTiles file at ``path``.

    Raises
    ------
    InvalidInputError
        Not an MBTiles file, or tiles a browser cannot draw (vector tiles).
    """
    with path.open("rb") as head:
        if head.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise InvalidInputError("el mapa base no es un archivo MBTiles (SQLite)")
    try:
        with _connect(path) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata"))
            zooms = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    except sqlite3.DatabaseError as error:
        raise InvalidInputError(f"el mapa base no es un archivo MBTiles válido ({error})") from None
    kind = meta.get("format", "png").lower()
    if kind not in TILE_TYPES:
        raise InvalidInputError(
            f"el mapa base tiene teselas «{kind}»; se aceptan {', '.join(sorted(TILE_TYPES))}")
    if zooms[0] is None:
        raise InvalidInputError("el mapa base no tiene teselas")
    try:
        bounds = tuple(float(v) for v in meta["bounds"].split(","))
    except (KeyError, ValueError):
        bounds = (-180.0, -85.0511, 180.0, 85.0511)
    stat = path.stat()
    version = hashlib.sha256(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return TileSet(path, meta.get("name", path.stem), TILE_TYPES[kind], int(zooms[0]),
                   int(zooms[1]), bounds, version.hexdigest()[:12])


def read_tile(tileset: TileSet, z: int, x: int, y: int) -> bytes | None:
    """The tile ``z/x/y`` (XYZ, counted from the north as web maps do), or ``None``."""
    with _connect(tileset.path) as db:
        row = db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, (1 << z) - 1 - y),
        ).fetchone()
    return None if row is None else bytes(row[0])


def _tile_range(bounds: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    # XYZ columns and rows covering the lon/lat box at zoom z (Web Mercator).
    west, south, east, north = bounds
    n = 1 << z

    def column(lon: float) -> int:
        return min(n - 1, max(0, int((lon + 180) / 360 * n)))

    def row(lat: float) -> int:
        lat = max(-85.0511, min(85.0511, lat))
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return min(n - 1, max(0, int(y)))

    return column(west), row(north), column(east), row(south)


def tiles_within(
    tileset: TileSet, bounds: tuple[float, float, float, float], max_tiles: int = MAX_PHONE_TILES
) -> tuple[list[tuple[int, int, int]], int]:
    """The stored tiles (z, x, y) over ``bounds`` from the lowest zoom up, and their bytes.

    Zoom levels are added whole while the count stays within ``max_tiles``.
    """
    tiles: list[tuple[int, int, int]] = []
    size = 0
    with _connect(tileset.path) as db:
        for z in range(tileset.min_zoom, tileset.max_zoom + 1):
            x0, y0, x1, y1 = _tile_range(bounds, z)
            top = (1 << z) - 1
            rows = db.execute(
                "SELECT tile_column, tile_row, length(tile_data) FROM tiles WHERE zoom_level=? "
                "AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?",
                (z, x0, x1, top - y1, top - y0),
            ).fetchall()
            if len(tiles) + len(rows) > max_tiles:
                break
            tiles += [(z, x, top - row) for x, row, _ in rows]
            size += sum(length for _, _, length in rows)
    return tiles, size
