"""Several app processes on one PostGIS: ``limites serve --workers 2`` against one process.

In one run:

1. a PostgreSQL + PostGIS database (server of ``LIMITES_TEST_PG``, default 127.0.0.1:5432
   user postgres) with the demo, the INEGI frame in force (570 municipalities) and the demo
   accounts;
2. side by side, one server at a time on loopback: ``limites serve --workers 1 --threads 8``
   and ``limites serve --workers 2 --threads 4`` (the same 8 threads);
3. for each, N readers (default 40) with keep-alive connections, signed in, each asking in
   turn the overview map, a zone's page, a route's page and two OGC API pages (a 20-feature
   bbox of the limits and 100 findings), while an editor saves a new meeting every second
   through the form; for ``--seconds`` (default 60);
4. afterwards, every saved meeting is looked for in the database and its page asked 10 times
   on new connections (whichever process takes them): all must answer 200.

Prints p50/p99 per page, errors, saves, and whether every save is present and visible.

Run: ``.venv/bin/python benchmarks/bench_workers.py [--seconds 60] [--clients 40]``
"""

from __future__ import annotations

import argparse
import http.client
import random
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from bench_sync import EDITOR, EDITOR_PASSWORD, READER, READER_PASSWORD, Browser, _NoRedirect
from common import STATE, start_server

PATHS = ("/mapa/", "/zonas/{zone}", "/recorridos/{route}",
         "/ogcapi/collections/limites-oficial/items?bbox=-96.787414,16.999786,-96.665786,"
         "17.121414&limit=100&f=json",
         "/ogcapi/collections/hallazgos/items?limit=100&f=json")


def build_database() -> tuple[str, str, dict]:
    """A new PostGIS database with the demo, INEGI in force and the accounts; its URL, name
    and the ids the pages use."""
    import psycopg
    from limites_testing import TEST_PG_DSN, demo_app, postgres_url
    from sqlalchemy import select

    from boundaries.io import read_layer
    from cases.access.accounts import create_demo_accounts
    from cases.frames.importer import import_boundaries
    from cases.storage.models import DisputeZone, Inspection

    name = f"limites_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{TEST_PG_DSN} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = postgres_url(name)

    def prepare(session) -> None:
        import_boundaries(session, read_layer(STATE), source="INEGI", activate=True)
        create_demo_accounts(session)

    app = demo_app(database_url=url, prepare=prepare, TESTING=False,
                   instance_path=Path(tempfile.mkdtemp()) / "instance")
    with app.extensions["limites_sessions"]() as session:
        ids = {"zone": session.scalar(select(DisputeZone.id).order_by(DisputeZone.id)),
               "route": session.scalar(select(Inspection.id).order_by(Inspection.id))}
    app.extensions["limites_engine"].dispose()
    return url, name, ids


def drop_database(name: str) -> None:
    import psycopg
    from limites_testing import TEST_PG_DSN

    with psycopg.connect(f"{TEST_PG_DSN} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cookie_of(browser: Browser) -> str:
    """The ``Cookie`` header of a signed-in browser (the readers share it)."""
    jar = next(h.cookiejar for h in browser.opener.handlers if hasattr(h, "cookiejar"))
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class Editor(threading.Thread):
    """Saves a new meeting every second through the form; keeps the new pages' paths."""

    def __init__(self, base: str, zone: int | None = None) -> None:
        super().__init__()
        self.zone = zone  # the meetings' zone (None: meetings on no map)
        self.browser = Browser(base, EDITOR, EDITOR_PASSWORD)
        self.saved: list[tuple[str, str]] = []  # (title, page path)
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            began = time.perf_counter()
            title = f"Mesa técnica {uuid.uuid4().hex[:8]}"
            path = "/editar/reunion/nuevo"
            fields = {"title": title, "date": "02/05/2025", "kind": "reunion_trabajo",
                      "csrf_token": self.browser.form_token(path)}
            if self.zone is not None:
                fields["zones"] = str(self.zone)
            request = urllib.request.Request(
                self.browser.base + path, urllib.parse.urlencode(fields).encode(),
                {"Origin": self.browser.base,
                 "Content-Type": "application/x-www-form-urlencoded"})
            try:
                with _NoRedirect(self.browser.opener).open(request, timeout=60) as answer:
                    status, location = answer.status, answer.headers.get("Location", "")
            except urllib.error.HTTPError as error:
                status, location = error.code, error.headers.get("Location", "")
                error.close()
            if status == 302 and "/reuniones/" in location:
                self.saved.append((title, urllib.parse.urlsplit(location).path))
            else:
                self.errors.append(f"guardar: {status} {location}")
            self.stop.wait(max(0.0, 1.0 - (time.perf_counter() - began)))


def readers(base: str, cookie: str, paths: list[str], clients: int, seconds: float,
            think: float = 0.0) -> dict:
    parts = urllib.parse.urlsplit(base)
    latencies: dict[str, list[float]] = {p: [] for p in paths}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine: dict[str, list[float]] = {p: [] for p in paths}
        failed: list[str] = []
        turn = n
        while time.perf_counter() < stop:
            path = paths[turn % len(paths)]
            turn += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed.append(f"{path}: HTTP {response.status}")
                    continue
            except (OSError, http.client.HTTPException) as exc:
                failed.append(f"{path}: {type(exc).__name__}")
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                continue
            mine[path].append(time.perf_counter() - began)
            if think:  # a person reads the page before the next click
                time.sleep(random.uniform(0.5 * think, 1.5 * think))
        connection.close()
        with lock:
            for path, values in mine.items():
                latencies[path].extend(values)
            errors.extend(failed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def visible(base: str, cookie: str, saved: list[tuple[str, str]], tries: int = 10) -> int:
    """How many saved meetings answer 200 on ``tries`` new connections each."""
    parts = urllib.parse.urlsplit(base)
    seen = 0
    for _, path in saved:
        answers = []
        for _ in range(tries):
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            connection.request("GET", path, headers={"Cookie": cookie, "Connection": "close"})
            response = connection.getresponse()
            response.read()
            answers.append(response.status)
            connection.close()
        seen += all(status == 200 for status in answers)
    return seen


def stored_titles(url: str, titles: list[str]) -> int:
    from sqlalchemy import create_engine, func, select

    from cases.storage.models import Meeting

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count(Meeting.id))
                                     .where(Meeting.title.in_(titles)))
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--think", type=float, default=0.0,
                        help="segundos medios entre dos pedidos de un lector (0: sin pausa)")
    parser.add_argument("--only", choices=("1x8", "2x4"),
                        help="medir solo esa configuración")
    parser.add_argument("--meetings-in-zone", action="store_true",
                        help="cada reunión guardada trata la zona de la página medida, así que "
                             "renueva los mapas de esa zona, del recorrido y el general")
    options = parser.parse_args()
    print("Preparando PostGIS (demo + INEGI en vigor + cuentas)…")
    url, name, ids = build_database()
    paths = [p.format(**ids) for p in PATHS]
    rows = []
    try:
        setups = [(1, 8), (2, 4)]
        if options.only:
            setups = [tuple(int(n) for n in options.only.split("x"))]
        for workers, threads in setups:
            env = {"LIMITES_DATABASE_URL": url, "LIMITES_TILES": "",
                   "LIMITES_LOG_LEVEL": "ERROR"}
            process, base = start_server(
                ["-c", "from geo_app.cli import main; main()", "serve"], env,
                ["--threads", str(threads), "--workers", str(workers)])
            try:
                time.sleep(2)
                cookie = cookie_of(Browser(base, READER, READER_PASSWORD))
                for path in paths:  # every page once: the first build is not the load
                    readers(base, cookie, [path], 1, 0.01)
                editor = Editor(base, ids["zone"] if options.meetings_in_zone else None)
                editor.start()
                result = readers(base, cookie, paths, options.clients, options.seconds,
                                 options.think)
                editor.stop.set()
                editor.join()
                titles = [title for title, _ in editor.saved]
                rows.append((workers, threads, result, editor, stored_titles(url, titles),
                             visible(base, cookie, editor.saved)))
            finally:
                process.terminate()
                process.wait(timeout=30)
    finally:
        drop_database(name)
    pause = (f"con {options.think:g} s (±50 %) entre sus pedidos" if options.think
             else "sin pausa entre pedidos")
    where = (" en la zona medida" if options.meetings_in_zone else " sin zona ni sede")
    print(f"\n{options.clients} lectores {pause}, una editora que guarda una reunión{where} por "
          f"segundo, {options.seconds:g} s, PostGIS, loopback\n")
    print("| procesos × hilos | página | pedidos | p50 | p99 |")
    print("|---|---|---:|---:|---:|")
    for workers, threads, result, *_ in rows:
        every = []
        for path, values in result["latencies"].items():
            every += values
            label = path.split("?")[0]
            print(f"| {workers} × {threads} | `{label}` | {len(values)} | "
                  f"{statistics.median(values) * 1000:.0f} ms | "
                  f"{percentile(values, 0.99) * 1000:.0f} ms |")
        print(f"| {workers} × {threads} | **todas** | {len(every)} | "
              f"{statistics.median(every) * 1000:.0f} ms | "
              f"**{percentile(every, 0.99) * 1000:.0f} ms** |")
    print()
    for workers, threads, result, editor, stored, seen in rows:
        problems = result["errors"] + editor.errors
        print(f"{workers} × {threads}: {len(problems)} errores"
              f"{' (' + problems[0] + ')' if problems else ''}; {len(editor.saved)} reuniones "
              f"guardadas, {stored} en la base, {seen} vistas 10 de 10 veces tras la carga")


if __name__ == "__main__":
    main()
