"""Load on loopback: concurrent readers on /, /mapa/ and a zone page, server by server.

Builds, in a temporary directory, the demo database with the real INEGI frame of Oaxaca
imported (570 municipal limits), then for each server mode starts the app in a process of
its own on 127.0.0.1 and runs CLIENTS concurrent clients for DURATION seconds, each asking
for the three pages in turn. Prints, per mode and page, requests, p50, p99 and errors, and
the p99 ratio of each mode to the first.

Modes (side by side, same database, same run):

- ``dev``: Flask's development server, threaded, no map cache (how the app was served
  before ``limites serve`` ran waitress);
- ``waitress``: ``limites serve`` without the map cache (``LIMITES_MAP_CACHE=0``);
- ``cache``: ``limites serve`` as shipped, rendered maps cached per data version.

The load is bounded (at most 50 clients for 120 s) and only ever aimed at 127.0.0.1: this is
a measurement, not a tool to load someone else's server. With ``--url`` it measures a server
already running on loopback (for example one that needs a login: ``--user``/``--password``).

Run: ``.venv/bin/python benchmarks/bench_load.py [--clients 20] [--duration 20]``
"""

from __future__ import annotations

import argparse
import http.cookiejar
import ipaddress
import re
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

from common import demo_with_state
from common import start_server as serve

MAX_CLIENTS = 50
MAX_DURATION = 120
MODES = {
    "dev": (["-m", "flask", "--app", "geo_app", "run", "--with-threads", "--no-reload",
             "--no-debugger"], "0"),
    "waitress": (["-c", "from geo_app.cli import main; main()", "serve"], "0"),
    "cache": (["-c", "from geo_app.cli import main; main()", "serve"], "1"),
}


def build_database(directory: Path) -> tuple[str, int]:
    """The demo plus the INEGI frame in a new SQLite file; return its URL and a zone id."""
    from sqlalchemy import select

    from cases.storage.models import DisputeZone

    app = demo_with_state(directory)
    with app.extensions["limites_sessions"]() as session:
        zone = session.scalar(select(DisputeZone.id).order_by(DisputeZone.id).limit(1))
    app.extensions["limites_engine"].dispose()
    return app.config["DATABASE_URL"], zone


def start_server(mode: str, database_url: str, threads: int) -> tuple[subprocess.Popen, str]:
    args, cache = MODES[mode]
    env = {
        "LIMITES_DATABASE_URL": database_url,
        "LIMITES_TILES": "",
        "LIMITES_LOG_LEVEL": "ERROR",
        "LIMITES_MAP_CACHE": cache,
    }
    extra = ["--threads", str(threads)] if mode != "dev" else []
    return serve(args, env, extra, what=f"el servidor {mode}")


def require_loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"solo se mide un servidor en loopback (127.0.0.1), no {host!r}")


def client(base: str, user: str | None, password: str | None, login_path: str):
    """An opener with its own cookies, logged in when a user is given."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    if user:
        with opener.open(base + login_path, timeout=30) as page:
            form = page.read().decode("utf-8", "replace")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        fields = {"username": user, "password": password or ""}
        if token:
            fields["csrf_token"] = token.group(1)
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            base + login_path, data=data, headers={"Referer": base + login_path}
        )
        with opener.open(request, timeout=30) as answer:
            answer.read()
    return opener


def run_load(base, paths, clients, duration, user, password, login_path):
    """Return {path: [latencies]} and {path: errors} of ``clients`` threads for ``duration``."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    openers = [client(base, user, password, login_path) for _ in range(clients)]
    for path in paths:  # warm-up: imports, templates, first render
        with openers[0].open(base + path, timeout=60) as page:
            page.read()
    stop = time.monotonic() + duration

    def work(n: int) -> None:
        turn = n
        while time.monotonic() < stop:
            path = paths[turn % len(paths)]
            turn += 1
            start = time.perf_counter()
            try:
                with openers[n].open(base + path, timeout=60) as page:
                    page.read()
                    ok = page.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies[path].append(elapsed)
                else:
                    errors[path] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(rows) -> None:
    print(f"\n{'modo':<10} {'página':<14} {'pedidos':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'errores':>8} {'p99/1.º':>8}")
    first: dict[str, float] = {}
    for mode, path, count, p50, p99, errors in rows:
        first.setdefault(path, p99)
        ratio = p99 / first[path] if first[path] else float("nan")
        print(f"{mode:<10} {path:<14} {count:>8} {p50 * 1000:>8.0f} {p99 * 1000:>8.0f} "
              f"{errors:>8} {ratio:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8, help="hilos de waitress")
    parser.add_argument("--modes", default="dev,waitress,cache")
    parser.add_argument("--url", help="un servidor ya en marcha en 127.0.0.1")
    parser.add_argument("--zone", type=int, help="zona a pedir con --url")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--login-path", default="/login")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.duration <= MAX_DURATION:
        raise SystemExit(f"carga acotada: 1–{MAX_CLIENTS} clientes, hasta {MAX_DURATION} s")
    rows = []

    def measure(mode: str, base: str, zone: int) -> None:
        paths = ["/", "/mapa/", f"/zonas/{zone}"]
        latencies, errors = run_load(
            base, paths, args.clients, args.duration, args.user, args.password, args.login_path
        )
        for path in paths:
            values = latencies[path]
            rows.append((mode, path, len(values), percentile(values, 50),
                         percentile(values, 99), errors[path]))
        print(f"{mode}: {sum(len(v) for v in latencies.values())} pedidos, "
              f"{sum(errors.values())} errores")

    print(f"{args.clients} clientes durante {args.duration:.0f} s por modo, en 127.0.0.1")
    if args.url:
        require_loopback(args.url)
        measure("externo", args.url.rstrip("/"), args.zone or 1)
    else:
        with tempfile.TemporaryDirectory() as directory:
            database_url, zone = build_database(Path(directory))
            for mode in args.modes.split(","):
                process, base = start_server(mode, database_url, args.threads)
                try:
                    measure(mode, base, zone)
                finally:
                    process.terminate()
                    process.wait(timeout=30)
    report(rows)


if __name__ == "__main__":
    main()
