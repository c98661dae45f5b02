"""A KMZ route of 1,000,001 points (about 120 KB packed): time and peak memory to refuse it.

Prints, side by side, for the bomb and for a route at the limit (100,000 points):
the packed size, the inflated KML, the time and the peak of Python allocations
(``tracemalloc``) of ``boundaries.trackfiles.read_track``. Before the point count was checked
while parsing, the bomb was accepted for preview and took ~850 MB.

Run: ``.venv/bin/python benchmarks/bench_kmz_bomb.py``
"""

from __future__ import annotations

import io
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from boundaries.errors import TooManyPointsError
from boundaries.trackfiles import read_track
from boundaries.tracks import MAX_TRACK_POINTS


def kmz(points: int) -> tuple[bytes, int]:
    """A KMZ of one line of ``points`` points zigzagging over a hundred metres."""
    block = [f"{-96.72 + i * 1e-5:.5f},{17.05 + (i % 2) * 1e-5:.5f},0" for i in range(100)]
    text = " ".join(block * (points // 100) + block[: points % 100])
    kml = ('<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString><coordinates>'
           f"{text}</coordinates></LineString></Placemark></kml>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("doc.kml", kml)
    return buffer.getvalue(), len(kml)


def measure(points: int, folder: Path) -> tuple[int, int, float, float, str]:
    data, inflated = kmz(points)
    path = folder / f"ruta-{points}.kmz"
    path.write_bytes(data)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = f"aceptada ({read_track(path).points_read:,} puntos)"
    except TooManyPointsError:
        outcome = "rechazada"
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(data), inflated, elapsed, peak / 2**20, outcome


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'puntos':>10} {'KMZ':>9} {'KML':>9} {'tiempo':>8} {'pico':>9}  resultado")
        for points in (MAX_TRACK_POINTS, 1_000_001):
            packed, inflated, elapsed, peak, outcome = measure(points, Path(folder))
            print(f"{points:>10,} {packed / 1024:>6,.0f} KB {inflated / 2**20:>6.1f} MB "
                  f"{elapsed:>7.2f}s {peak:>6.0f} MB  {outcome}")


if __name__ == "__main__":
    main()
