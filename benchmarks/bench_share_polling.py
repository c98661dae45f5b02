"""/mapa/ throughput while a visitor polls a share link 4 times a second, and without.

Builds, in a temporary directory, the demo database with the real INEGI frame of Oaxaca
imported, an editor account and a share link of one zone; starts ``limites serve`` (waitress,
map cache on, as shipped) in a process of its own on 127.0.0.1; then, in one run:

- ``sin enlace``: CLIENTS signed-in clients ask for ``/mapa/`` for DURATION seconds;
- ``con enlace``: the same, while one more client opens the share link (its page and its
  OGC API items, in turn) POLL_HZ times a second, as a Comisión member's browser left open
  and reloading would.

Prints the requests per second of ``/mapa/`` in both phases, their ratio (the target is
≥ 0.90: opening a link is a read, it must not renew the cached map for everyone), the link
requests made, the data version before and after, and the access rows written.

The load is bounded (at most 50 clients for 120 s) and only ever aimed at 127.0.0.1.

Run: ``.venv/bin/python benchmarks/bench_share_polling.py [--clients 8] [--duration 20]``
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import sqlite3
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench_load import MAX_CLIENTS, MAX_DURATION, start_server
from common import demo_with_state

USER, PASSWORD = "editora-bench", "una clave larga para medir 123"
LOGIN = "/cuenta/entrar"
POLL_HZ = 4.0


def build_database(directory: Path) -> tuple[str, str]:
    """The demo, the INEGI frame, an editor and a zone link; return the URL and the link."""
    from sqlalchemy import select

    from cases.access.accounts import create_user
    from cases.sharing.links import create_share
    from cases.storage.db import unit_of_work
    from cases.storage.models import DisputeZone, Role

    app = demo_with_state(
        directory, then=lambda session: create_user(session, USER, PASSWORD, Role.EDITOR)
    )
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        zone = session.scalar(select(DisputeZone.id).order_by(DisputeZone.id).limit(1))
        token = create_share(session, None, zone=zone).token
    app.extensions["limites_engine"].dispose()
    return app.config["DATABASE_URL"], f"/c/{token}"


def signed_in(base: str):
    """An opener with its own cookies, signed in as the benchmark's editor."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(base + LOGIN, timeout=30) as page:
        form = page.read().decode("utf-8", "replace")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    fields = {"usuario": USER, "contrasena": PASSWORD, "csrf_token": token.group(1)}
    request = urllib.request.Request(base + LOGIN, data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Referer": base + LOGIN, "Origin": base})
    with opener.open(request, timeout=30) as answer:
        answer.read()
        if answer.geturl().endswith(LOGIN):
            raise SystemExit("no se pudo entrar con la cuenta de la medición")
    return opener


def fetch(opener, url: str) -> bool:
    try:
        with opener.open(url, timeout=60) as page:
            page.read()
            return page.status == 200
    except (urllib.error.URLError, OSError):
        return False


def phase(base: str, openers, duration: float, link: str | None) -> tuple[int, int, int, int]:
    """``/mapa/`` answers and errors, link answers and errors, in ``duration`` seconds."""
    counts = [0, 0, 0, 0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def reader(opener) -> None:
        while time.monotonic() < stop:
            ok = fetch(opener, base + "/mapa/")
            with lock:
                counts[0 if ok else 1] += 1

    def poller() -> None:
        visitor = urllib.request.build_opener()
        paths = [link, f"{link}/ogcapi/collections/zonas/items?f=json"]
        turn, next_at = 0, time.monotonic()
        while time.monotonic() < stop:
            ok = fetch(visitor, base + paths[turn % len(paths)])
            turn += 1
            with lock:
                counts[2 if ok else 3] += 1
            next_at += 1 / POLL_HZ
            time.sleep(max(0.0, next_at - time.monotonic()))

    threads = [threading.Thread(target=reader, args=(o,)) for o in openers]
    if link is not None:
        threads.append(threading.Thread(target=poller))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tuple(counts)


def database_facts(url: str) -> tuple[int, int]:
    """The data version and the number of share access rows, read from the SQLite file."""
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        version = connection.execute("SELECT version FROM data_version WHERE id = 1").fetchone()
        rows = connection.execute("SELECT count(*) FROM share_access").fetchone()
    connection.close()
    return version[0], rows[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8, help="hilos de waitress")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.duration <= MAX_DURATION:
        raise SystemExit(f"carga acotada: 1–{MAX_CLIENTS} clientes, hasta {MAX_DURATION} s")
    with tempfile.TemporaryDirectory() as directory:
        database_url, link = build_database(Path(directory))
        process, base = start_server("cache", database_url, args.threads)
        try:
            openers = [signed_in(base) for _ in range(args.clients)]
            for opener in openers[:1]:  # warm-up: imports, templates, the first map
                fetch(opener, base + "/mapa/")
                fetch(opener, base + link)
            version_before, _ = database_facts(database_url)
            print(f"{args.clients} clientes de /mapa/ durante {args.duration:.0f} s por fase; "
                  f"enlace consultado {POLL_HZ:g} veces por segundo")
            alone = phase(base, openers, args.duration, None)
            polled = phase(base, openers, args.duration, link)
            time.sleep(6)  # the access log is written every 5 s, off the request path
            version_after, accesses = database_facts(database_url)
        finally:
            process.terminate()
            process.wait(timeout=30)
    without, with_link = alone[0] / args.duration, polled[0] / args.duration
    print(f"\n{'fase':<12} {'/mapa/ por s':>13} {'errores':>8} {'enlace':>8} {'errores':>8}")
    print(f"{'sin enlace':<12} {without:>13.1f} {alone[1]:>8}")
    print(f"{'con enlace':<12} {with_link:>13.1f} {polled[1]:>8} {polled[2]:>8} {polled[3]:>8}")
    print(f"\ncon enlace / sin enlace: {with_link / without:.2f} (objetivo ≥ 0.90)")
    print(f"versión de los datos: {version_before} antes, {version_after} después; "
          f"accesos registrados: {accesses}")


if __name__ == "__main__":
    main()
