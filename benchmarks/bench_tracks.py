"""Importing a 20,000-point GPX track: boundaries.trackfiles against gpxpy's object model.

Prints, in one run and side by side, the median time of:
- ``boundaries.trackfiles.read_track`` (streaming defusedxml reader, arrays, one MultiLineString);
- the same with jitter filtering (``min_step_m=5``);
- the naive parse: ``gpxpy.parse`` building one Python object per point, then a
  MultiLineString from them;
and the ratio. The target is an import in under 1 s.

Run: ``.venv/bin/python benchmarks/bench_tracks.py``
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import gpxpy
import gpxpy.gpx
from common import timed
from shapely import LineString, MultiLineString

from boundaries.trackfiles import read_track

POINTS = 20_000
RUNS = 5
TARGET_S = 1.0


def write_track(path: Path, points: int = POINTS) -> None:
    """A 1 Hz walk along the Atoyac, in two segments, written by gpxpy."""
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack()
    gpx.tracks.append(track)
    start = dt.datetime(2025, 5, 15, 15, tzinfo=dt.UTC)
    half = points // 2
    for first in (0, half):
        segment = gpxpy.gpx.GPXTrackSegment()
        for i in range(first, first + half):
            segment.points.append(gpxpy.gpx.GPXTrackPoint(
                17.02 + i * 2e-6, -96.74 + i * 1.5e-6, elevation=1540.5,
                time=start + dt.timedelta(seconds=i),
            ))
        track.segments.append(segment)
    path.write_text(gpx.to_xml(), encoding="utf-8")


def naive(path: Path) -> MultiLineString:
    gpx = gpxpy.parse(path.read_text(encoding="utf-8"))
    lines = [
        LineString([(p.longitude, p.latitude) for p in segment.points])
        for t in gpx.tracks for segment in t.segments
    ]
    gpx.get_time_bounds()
    return MultiLineString(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "recorrido.gpx"
        write_track(path)
        size_mb = path.stat().st_size / 2**20
        ours = timed(lambda: read_track(path), RUNS)
        filtered = timed(lambda: read_track(path, min_step_m=5), RUNS)
        baseline = timed(lambda: naive(path), RUNS)
        track = read_track(path)
        assert track.points_read == POINTS and track.geometry.equals(naive(path))
    print(f"GPX of {POINTS:,} points ({size_mb:.1f} MB), median of {RUNS} runs")
    rows = [
        ("boundaries.trackfiles.read_track", f"{ours:7.3f} s"),
        ("read_track(min_step_m=5)", f"{filtered:7.3f} s"),
        ("naive gpxpy.parse + shapely", f"{baseline:7.3f} s"),
        ("ratio naive / read_track", f"{baseline / ours:7.1f} x"),
    ]
    for label, value in rows:
        print(f"  {label:<36}{value}")
    verdict = "OK" if max(ours, filtered) < TARGET_S else "TOO SLOW"
    print(f"  target < {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
