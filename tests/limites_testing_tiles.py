"""Base map files made in a test: a few zoom levels of solid tiles over a lon/lat box, as
MBTiles (SQLite) or PMTiles (version 3, written here from the specification)."""

from __future__ import annotations

import gzip
import io
import json
import math
import sqlite3
import struct
from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from cases.fieldwork.base_map import pmtiles_tile_id

# The demo's work area (its records' box with cases.fieldwork.offline_layers' margin).
WORK_AREA = (-96.7825, 16.992, -96.664, 17.1365)


def tile_png(colour: tuple[int, int, int]) -> bytes:
    """A 256×256 PNG of one colour."""
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, "PNG")
    return out.getvalue()


def xyz_range(bounds, z: int) -> tuple[range, range]:
    """The XYZ columns and rows of the tiles over ``bounds`` at zoom ``z``."""
    west, south, east, north = bounds
    n = 1 << z

    def row(lat: float) -> int:
        return int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)

    columns = range(int((west + 180) / 360 * n), int((east + 180) / 360 * n) + 1)
    return columns, range(row(north), row(south) + 1)


def make_mbtiles(path: Path, bounds=WORK_AREA, zooms: Iterable[int] = (12, 13, 14)) -> int:
    """Write an MBTiles file of PNG tiles over ``bounds``; return how many tiles it holds."""
    count = 0
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
                   "tile_row INTEGER, tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [
            ("name", "Área de trabajo (prueba)"), ("format", "png"),
            ("bounds", ",".join(str(v) for v in bounds)),
        ])
        for z in zooms:
            columns, rows = xyz_range(bounds, z)
            data = tile_png((200, 220 - 20 * (z % 3), 180))
            for x in columns:
                for y in rows:
                    db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                               (z, x, (1 << z) - 1 - y, data))
                    count += 1
    return count


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def make_pmtiles(path: Path, bounds=WORK_AREA, zooms: Iterable[int] = (12, 13, 14)) -> int:
    """Write a PMTiles v3 file of PNG tiles over ``bounds``; return how many tiles it holds.

    One gzip root directory (tile ids, run lengths, lengths, offsets + 1 as varints), gzip
    JSON metadata, uncompressed tiles.
    """
    zooms = list(zooms)
    tiles = []
    for z in zooms:
        columns, rows = xyz_range(bounds, z)
        data = tile_png((180, 200, 220 - 20 * (z % 3)))
        tiles += [(pmtiles_tile_id(z, x, y), data) for x in columns for y in rows]
    tiles.sort()
    body = b"".join(data for _, data in tiles)
    ids, runs, lengths, offsets, last, at = [], [], [], [], 0, 0
    for tile_id, data in tiles:
        ids.append(_varint(tile_id - last))
        runs.append(_varint(1))
        lengths.append(_varint(len(data)))
        offsets.append(_varint(at + 1))
        last, at = tile_id, at + len(data)
    root = gzip.compress(_varint(len(tiles)) + b"".join(ids + runs + lengths + offsets))
    metadata = gzip.compress(json.dumps({"name": "Área de trabajo (PMTiles)"}).encode())
    root_at = 127
    metadata_at = root_at + len(root)
    data_at = metadata_at + len(metadata)
    e7 = [round(v * 1e7) for v in bounds]
    header = struct.pack(
        "<7sB11Q6B4iB2i", b"PMTiles", 3, root_at, len(root), metadata_at, len(metadata),
        0, 0, data_at, len(body), len(tiles), len(tiles), len(tiles),
        0, 2, 1, 2, min(zooms), max(zooms), *e7, min(zooms),
        (e7[0] + e7[2]) // 2, (e7[1] + e7[3]) // 2,
    )
    path.write_bytes(header + root + metadata + body)
    return len(tiles)
