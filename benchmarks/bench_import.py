"""Import of the 570 Oaxaca municipalities: time, side by side with plain baselines.

Prints, in one run:
- reading the state file with pyogrio against fiona (why boundaries.io picks pyogrio);
- ``limites import-boundaries`` work (validate, repair, reproject, measure, fingerprint,
  store) on SQLite and on PostgreSQL + PostGIS, against geopandas writing the same layer to a
  GeoPackage (a plain write, no checks), as a ratio.

Run: ``.venv/bin/python benchmarks/bench_import.py``
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from pathlib import Path

import geopandas as gpd
import psycopg
from common import STATE, timed
from limites_testing import TEST_PG_DSN, postgres_url

from boundaries.io import read_layer
from cases.frames.importer import import_boundaries
from cases.storage.db import make_engine, make_session_factory, unit_of_work, upgrade

PG = f"{TEST_PG_DSN} dbname=postgres"
RUNS = 3


def import_into(url_factory) -> float:
    frame = read_layer(STATE)

    def once():
        url, cleanup = url_factory()
        engine = make_engine(url)
        upgrade(engine)
        with make_session_factory(engine)() as session, unit_of_work(session):
            start = time.perf_counter()
            summary = import_boundaries(session, frame, source="INEGI")
            elapsed = time.perf_counter() - start
        assert summary.added == 570
        engine.dispose()
        cleanup()
        return elapsed

    return statistics.median(once() for _ in range(RUNS))


def sqlite_url():
    directory = tempfile.mkdtemp()
    return f"sqlite:///{directory}/bench.sqlite", lambda: None


def new_postgres_url():
    name = f"limites_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    return postgres_url(name), drop


def main() -> None:
    read_pyogrio = timed(lambda: gpd.read_file(STATE, engine="pyogrio"), RUNS)
    read_fiona = timed(lambda: gpd.read_file(STATE, engine="fiona"), RUNS)
    frame = gpd.read_file(STATE, engine="pyogrio")
    out = Path(tempfile.mkdtemp()) / "plain.gpkg"
    plain_write = timed(lambda: frame.to_file(out, engine="pyogrio", driver="GPKG"), RUNS)
    on_sqlite = import_into(sqlite_url)
    on_postgres = import_into(new_postgres_url)
    rows = [
        ("read state file, pyogrio", read_pyogrio, "fiona", read_fiona),
        ("import 570 → SQLite", on_sqlite, "geopandas → GPKG", plain_write),
        ("import 570 → PostGIS", on_postgres, "geopandas → GPKG", plain_write),
    ]
    print(f"{'measure':30} {'time s':>8}  {'baseline':18} {'time s':>8}  {'ratio':>6}")
    for name, value, base_name, base in rows:
        print(f"{name:30} {value:8.3f}  {base_name:18} {base:8.3f}  {value / base:6.2f}")


if __name__ == "__main__":
    main()
