"""An offline base map: the tiles of an MBTiles or PMTiles file, served by the app itself.

The Unidad makes a raster tile file of its work area with its own tools (QGIS «Generate XYZ
tiles» to MBTiles, ``pmtiles convert``, gdal_translate…); the app serves its tiles, so the
maps work with no external server and the phone can keep the tiles of the work area for use
offline. Both formats are read here, read-only:

- MBTiles is a SQLite database: ``metadata`` (name, format, bounds) and ``tiles``
  (``zoom_level``, ``tile_column``, ``tile_row`` counted from the south, ``tile_data``).
- PMTiles (version 3) is one file read by byte ranges: a 127-byte header, directories of
  varint-coded entries keyed by a Hilbert-curve tile id, JSON metadata, the tiles.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import sqlite3
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cases.errors import InvalidInputError

__all__ = ["TILE_TYPES", "MAX_PHONE_TILES", "BASE_MAP_FILES", "BASE_MAP_MAX_BYTES", "TileSet",
           "open_tileset", "install_tileset", "read_tile", "tiles_within", "pmtiles_tile_id"]

#: The tile formats a browser draws, by MBTiles' ``format``, with their media type.
TILE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
              "webp": "image/webp"}
#: The most tiles the phone is offered to keep (about 15 MB of PNG tiles of a city).
MAX_PHONE_TILES = 5_000
#: The files a base map may come in, named for a person.
BASE_MAP_FILES = (".mbtiles", ".pmtiles")
#: The largest base map an administrator uploads (a city to zoom 18 is a few hundred MB).
BASE_MAP_MAX_BYTES = 1024 * 1024 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PMTILES_MAGIC = b"PMTiles"
# PMTiles v3 header: magic, version, eleven offsets/lengths/counts, clustered, internal and
# tile compression, tile type, min and max zoom, bounds (1e-7 degrees), centre.
_PMTILES_HEADER = struct.Struct("<7sB11Q6B4iB2i")
_PMTILES_TYPES = {2: "image/png", 3: "image/jpeg", 4: "image/webp"}
_NO_COMPRESSION, _GZIP = 1, 2


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
    kind: str = "mbtiles"


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _version(path: Path) -> str:
    stat = path.stat()
    digest = hashlib.sha256(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def open_tileset(path: Path) -> TileSet:
    """Read the metadata of the MBTiles or PMTiles file at ``path``.

    Raises
    ------
    InvalidInputError
        Neither format, or tiles a browser cannot draw (vector tiles).
    """
    with path.open("rb") as stream:
        head = stream.read(_PMTILES_HEADER.size)
    if head.startswith(_PMTILES_MAGIC):
        return _open_pmtiles(path, head)
    if not head.startswith(_SQLITE_MAGIC):
        raise InvalidInputError("el mapa base no es un archivo MBTiles ni PMTiles")
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
    return TileSet(path, meta.get("name", path.stem), TILE_TYPES[kind], int(zooms[0]),
                   int(zooms[1]), bounds, _version(path))


def install_tileset(upload: Path, target: Path, replaced: tuple[Path, ...] = ()) -> TileSet:
    """Check the uploaded file ``upload`` and make it the base map at ``target``.

    ``upload`` must sit on the same file system as ``target`` (it is moved, not copied);
    ``replaced`` are earlier base map files that go (the other format's). A file that is not
    a base map raises :class:`~cases.errors.InvalidInputError` and changes nothing.
    """
    open_tileset(upload)
    upload.replace(target)
    for old in replaced:
        if old != target:
            old.unlink(missing_ok=True)
    return open_tileset(target)


def read_tile(tileset: TileSet, z: int, x: int, y: int) -> bytes | None:
    """The tile ``z/x/y`` (XYZ, counted from the north as web maps do), or ``None``."""
    if tileset.kind == "pmtiles":
        return _pmtiles(tileset.path, tileset.version).tile(z, x, y)
    with _connect(tileset.path) as db:
        row = db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, (1 << z) - 1 - y),
        ).fetchone()
    return None if row is None else bytes(row[0])


# -- PMTiles ------------------------------------------------------------------------------------

def pmtiles_tile_id(z: int, x: int, y: int) -> int:
    """The PMTiles id of tile ``z/x/y``: the tiles of lower zooms, then its Hilbert index.

    Examples
    --------
    >>> [pmtiles_tile_id(*t) for t in [(0, 0, 0), (1, 0, 0), (1, 0, 1), (1, 1, 1), (1, 1, 0)]]
    [0, 1, 2, 3, 4]
    >>> pmtiles_tile_id(12, 3423, 1763)
    19078479
    """
    before = ((1 << (2 * z)) - 1) // 3
    index = 0
    half = 1 << z >> 1
    while half:
        right, low = int(x & half > 0), int(y & half > 0)
        index += half * half * ((3 * right) ^ low)
        if not low:  # rotate the quadrant so the curve stays continuous
            if right:
                x, y = half - 1 - x, half - 1 - y
            x, y = y, x
        half >>= 1
    return before + index


def _varints(data: bytes):
    value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            yield value
            value = shift = 0


class _PMTiles:
    """An open PMTiles file: its header and the directories read so far."""

    def __init__(self, path: Path, header: tuple):
        self.path = path
        (_, _, self.root_offset, self.root_length, self.metadata_offset, self.metadata_length,
         self.leaf_offset, _, self.data_offset, *_rest) = header
        self.internal, self.tile_compression = header[14], header[15]
        self._directories: dict[tuple[int, int], tuple[list[int], list[tuple]]] = {}

    def _read(self, offset: int, length: int) -> bytes:
        with self.path.open("rb") as stream:
            stream.seek(offset)
            return stream.read(length)

    def _inflate(self, data: bytes, compression: int) -> bytes:
        return gzip.decompress(data) if compression == _GZIP else data

    def metadata(self) -> dict:
        raw = self._read(self.metadata_offset, self.metadata_length)
        try:
            return json.loads(self._inflate(raw, self.internal) or b"{}")
        except ValueError:
            return {}

    def _directory(self, offset: int, length: int) -> tuple[list[int], list[tuple]]:
        key = (offset, length)
        if key not in self._directories:
            values = list(_varints(self._inflate(self._read(offset, length), self.internal)))
            n = values[0] if values else 0
            ids, runs, lengths, offsets = (values[1 + i * n: 1 + (i + 1) * n] for i in range(4))
            tile_ids, entries, last, previous = [], [], 0, None
            for delta, run, size, stored in zip(ids, runs, lengths, offsets, strict=True):
                last += delta
                # An offset of 0 means "right after the previous entry's bytes".
                start = previous[0] + previous[1] if stored == 0 and previous else stored - 1
                previous = (start, size)
                tile_ids.append(last)
                entries.append((last, run, size, start))
            self._directories[key] = (tile_ids, entries)
        return self._directories[key]

    def entry(self, z: int, x: int, y: int) -> tuple[int, int] | None:
        """Offset and length of the tile's bytes in the file, or ``None``."""
        wanted = pmtiles_tile_id(z, x, y)
        offset, length = self.root_offset, self.root_length
        for _ in range(4):  # the root and at most three levels of leaves
            tile_ids, entries = self._directory(offset, length)
            position = _last_at_most(tile_ids, wanted)
            if position < 0:
                return None
            tile_id, run, size, start = entries[position]
            if run == 0:  # a leaf directory
                offset, length = self.leaf_offset + start, size
                continue
            return (self.data_offset + start, size) if wanted < tile_id + run else None
        return None

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        found = self.entry(z, x, y)
        if found is None:
            return None
        return self._inflate(self._read(*found), self.tile_compression)


def _last_at_most(values: list[int], wanted: int) -> int:
    low, high = 0, len(values)
    while low < high:
        middle = (low + high) // 2
        if values[middle] <= wanted:
            low = middle + 1
        else:
            high = middle
    return low - 1


@lru_cache(maxsize=4)
def _pmtiles(path: Path, version: str) -> _PMTiles:
    with path.open("rb") as stream:
        return _PMTiles(path, _PMTILES_HEADER.unpack(stream.read(_PMTILES_HEADER.size)))


def _open_pmtiles(path: Path, head: bytes) -> TileSet:
    if len(head) < _PMTILES_HEADER.size or head[7] != 3:
        raise InvalidInputError("el mapa base es un PMTiles de una versión distinta de la 3")
    header = _PMTILES_HEADER.unpack(head)
    internal, tile_compression, tile_type, min_zoom, max_zoom = header[14:19]
    if tile_type not in _PMTILES_TYPES:
        raise InvalidInputError("el mapa base PMTiles no tiene teselas de imagen (PNG, JPEG o "
                                "WebP); las teselas vectoriales no se dibujan aquí")
    if internal not in (_NO_COMPRESSION, _GZIP) or tile_compression not in (
            _NO_COMPRESSION, _GZIP):
        raise InvalidInputError("el mapa base PMTiles usa una compresión que no se lee aquí "
                                "(se leen gzip y sin compresión)")
    version = _version(path)
    name = _pmtiles(path, version).metadata().get("name", path.stem)
    bounds = tuple(v / 1e7 for v in header[19:23])
    return TileSet(path, str(name), _PMTILES_TYPES[tile_type], min_zoom, max_zoom, bounds,
                   version, kind="pmtiles")


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
    for z in range(tileset.min_zoom, tileset.max_zoom + 1):
        found = _stored_tiles(tileset, z, *_tile_range(bounds, z))
        if len(tiles) + len(found) > max_tiles:
            break
        tiles += [tile for tile, _ in found]
        size += sum(length for _, length in found)
    return tiles, size


def _stored_tiles(tileset: TileSet, z: int, x0: int, y0: int, x1: int, y1: int):
    if tileset.kind == "pmtiles":
        archive = _pmtiles(tileset.path, tileset.version)
        found = []
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                entry = archive.entry(z, x, y)
                if entry is not None:
                    found.append(((z, x, y), entry[1]))
        return found
    top = (1 << z) - 1
    with _connect(tileset.path) as db:
        rows = db.execute(
            "SELECT tile_column, tile_row, length(tile_data) FROM tiles WHERE zoom_level=? "
            "AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?",
            (z, x0, x1, top - y1, top - y0),
        ).fetchall()
    return [((z, x, top - row), length) for x, row, length in rows]
