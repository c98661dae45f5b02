"""An MBTiles file made in a test: a few zoom levels of solid tiles over a lon/lat box."""

from __future__ import annotations

import io
import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from PIL import Image

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
