"""Search everywhere on 10,000 records: the index against a plain scan, side by side.

Fills a fresh database (SQLite, and PostgreSQL when ``LIMITES_BENCH_PG`` gives a server DSN
such as ``host=127.0.0.1 user=postgres``) with 10,000 records through the ORM (so the
index is written by the same flush hook as in the app), then times
:func:`cases.records.search.search` (counts by kind and the first page) for a few queries,
and, as the baseline, a ``LIKE`` scan of the same texts (which folds neither accents nor
case on SQLite). Target: ≤ 100 ms per search.

Run: ``.venv/bin/python benchmarks/bench_search.py``
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from common import timed
from sqlalchemy import text

from cases.records.search import search
from cases.storage.db import make_engine, make_session_factory, upgrade
from cases.storage.models import Agreement, Institution, InstitutionKind, Meeting, MeetingKind

N_MEETINGS = 2_500  # each with two agreements, plus 2,500 institutions: 10,000 records
RUNS = 21
QUERIES = ["sauces", "XOXOCOTLÁN", "mesa seguridad", "plano firm"]
WORDS = ("reunión mesa seguridad colindancia plano firmado río atoyac vecinos deslinde "
         "agua drenaje camino paraje comisariado ejido predio calle puente escuela").split()
PLACES = ["Los Sauces", "Santa Cruz Xoxocotlán", "San Jacinto Amilpas", "Santa Lucía del Camino",
          "Tlalixtac de Cabrera", "San Agustín Yatareni", "Ánimas Trujano"]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + " en " + rng.choice(PLACES)


def fill(session_factory) -> None:
    rng = random.Random(19)
    with session_factory() as session:
        for n in range(N_MEETINGS):
            meeting = Meeting(date=dt.date(2026, 1, 1) + dt.timedelta(days=n % 365),
                              kind=MeetingKind.WORKING, title=f"{_sentence(rng, 4)} {n}",
                              summary=_sentence(rng, 30))
            meeting.agreements = [Agreement(text=_sentence(rng, 8)) for _ in range(2)]
            session.add(meeting)
            session.add(Institution(name=f"Institución {n} de {rng.choice(PLACES)}",
                                    short_name=f"I{n}", kind=InstitutionKind.OTHER))
            if n % 250 == 249:
                session.commit()
        session.commit()


def like_scan(session, query: str) -> int:
    pattern = f"%{query.lower().split()[0]}%"
    return session.execute(text(
        "SELECT count(*) FROM (SELECT id FROM meeting WHERE lower(title) LIKE :p "
        "OR lower(summary) LIKE :p UNION ALL SELECT id FROM agreement WHERE lower(text) LIKE :p "
        "UNION ALL SELECT id FROM institution WHERE lower(name) LIKE :p) found"),
        {"p": pattern}).scalar()


def bench(label: str, url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    fill(factory)
    print(f"{label}: 10,000 records written and indexed in {time.perf_counter() - started:.1f} s")
    with factory() as session:
        for query in QUERIES:
            found = search(session, query)
            ours = timed(lambda q=query: search(session, q), RUNS)
            scan = timed(lambda q=query: like_scan(session, q), RUNS)
            verdict = "ok" if ours <= 0.100 else "SLOW"
            print(f"  «{query}»: {found.total:5d} found  search {ours * 1000:7.1f} ms   "
                  f"LIKE scan {scan * 1000:7.1f} ms   {ours / scan:5.2f}× scan   {verdict}")
    engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite FTS5", f"sqlite:///{Path(folder) / 'bench.sqlite'}")
    dsn = os.environ.get("LIMITES_BENCH_PG")
    if not dsn:
        print("PostgreSQL: skipped (set LIMITES_BENCH_PG, e.g. 'host=127.0.0.1 user=postgres')")
        return
    name = f"limites_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        params = dict(part.split("=", 1) for part in dsn.split())
        url = (f"postgresql://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}"
               f":{params.get('port', '5432')}/{name}")
        bench("PostgreSQL tsvector + unaccent", url)
    finally:
        with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
