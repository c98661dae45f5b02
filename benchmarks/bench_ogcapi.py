"""OGC API – Features: Límites' /ogcapi/ against pygeoapi serving the same data, side by side.

In one run, in a temporary directory:

1. the demo database plus the INEGI municipal frame of Oaxaca (570 municipalities, full
   resolution), as ``benchmarks/bench_pages.py`` builds it;
2. its GeoPackage export (``limites export --all --format gpkg``);
3. two servers on loopback, each in its own process, both under waitress with the same
   thread count: the app (``/ogcapi/``) on the database, and pygeoapi with its SQLiteGPKG
   provider on the GeoPackage (one collection per layer);
4. for each server and each query — ``items?limit=100`` of the limits and a ``bbox`` query
   of the limits around the city of Oaxaca — 20 concurrent clients with keep-alive
   connections for a fixed time; requests per second and p50/p99 latency, and the ratios.

The app's limits are split by kind (``limites-oficial``…); pygeoapi serves the single
``limites`` layer of the GeoPackage, filtered by its ``tipo`` property to the official frame.
Both answer the same polygons, so the work per request is the same.

pygeoapi's GeoPackage provider needs SQLite extensions (SpatiaLite): Debian's
``libsqlite3-mod-spatialite`` and, when the Python build cannot load extensions, the
``pysqlite3-binary`` wheel (``pip install '.[bench]'``).

Run: ``.venv/bin/python benchmarks/bench_ogcapi.py [seconds] [clients]``
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from common import ROOT, demo_with_state

THREADS = 8
CITY = "-96.78,17.02,-96.68,17.10"


# -- the two servers (each run in its own process by this same script) --------------------

def serve_limites(database_url: str, port: int) -> None:
    import waitress

    from geo_app import create_app

    app = create_app({"DATABASE_URL": database_url, "TILES": ""})
    waitress.serve(app, host="127.0.0.1", port=port, threads=THREADS, _quiet=True)


def _sqlite_with_extensions() -> None:
    """pygeoapi imports ``sqlite3``; give it one that can load SpatiaLite."""
    import sqlite3

    if not hasattr(sqlite3.Connection, "enable_load_extension"):
        import pysqlite3

        sys.modules["sqlite3"] = pysqlite3


def serve_pygeoapi(config: str, openapi: str, port: int, threads: int) -> None:
    _sqlite_with_extensions()
    os.environ["PYGEOAPI_CONFIG"] = config
    os.environ["PYGEOAPI_OPENAPI"] = openapi
    import waitress
    from pygeoapi.flask_app import APP

    waitress.serve(APP, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def generate_openapi(config: str, out: str) -> None:
    _sqlite_with_extensions()
    os.environ["PYGEOAPI_CONFIG"] = config
    import yaml
    from pygeoapi.openapi import get_oas

    with open(config, encoding="utf-8") as source:
        document = get_oas(yaml.safe_load(source))
    Path(out).write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


# -- preparing the data -------------------------------------------------------------------

def prepare(directory: Path) -> tuple[str, Path]:
    from cases.sharing.scope import Scope
    from cases.sharing.tables import export_data
    from geo_app.exports import write_export

    app = demo_with_state(directory)
    gpkg = directory / "limites.gpkg"
    with app.app_context(), app.extensions["limites_sessions"]() as session:
        write_export(export_data(session, Scope.everything()), "gpkg", gpkg)
    app.extensions["limites_engine"].dispose()
    return app.config["DATABASE_URL"], gpkg


def pygeoapi_config(gpkg: Path, port: int, path: Path) -> Path:
    import yaml

    from cases.sharing.tables import SPATIAL_LAYERS

    def resource(layer: str) -> dict:
        return {
            "type": "collection", "title": layer, "description": layer, "keywords": [layer],
            "extents": {"spatial": {"bbox": [-180, -90, 180, 90],
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [{"type": "feature", "name": "SQLiteGPKG", "data": str(gpkg),
                           "id_field": "id", "table": layer}],
        }

    text = "Límites"
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8",
            "languages": ["es"], "cors": False, "pretty_print": False,
            "limits": {"default_items": 10, "max_items": 1000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "attribution": "OSM"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": text, "description": text, "keywords": [text],
                               "keywords_type": "theme", "terms_of_service": text,
                               "url": "http://127.0.0.1"},
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": text, "url": "http://127.0.0.1"},
            "contact": {"name": text, "position": text, "address": text, "city": "Oaxaca",
                        "stateorprovince": "Oaxaca", "postalcode": "68000", "country": "México",
                        "phone": "+52", "fax": "+52", "email": "x@example.org",
                        "url": "http://127.0.0.1", "hours": text, "instructions": text,
                        "role": "pointOfContact"},
        },
        "resources": {layer: resource(layer) for layer in SPATIAL_LAYERS},
    }
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _wal(gpkg: Path) -> None:
    """Put pygeoapi's copy in WAL mode: SpatiaLite writes when each connection opens it, and
    with the default journal concurrent requests fail with "database is locked"."""
    import sqlite3

    with sqlite3.connect(gpkg) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def start(args: list[str], ready_url: str, log: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, __file__, *args], cwd=ROOT,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"el servidor terminó: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(ready_url, timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"el servidor no respondió: {ready_url}")


# -- the load -----------------------------------------------------------------------------

def check(url: str) -> int:
    """The number of features one answer carries (and that it is a FeatureCollection)."""
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json"})
    for attempt in range(5):  # pygeoapi's GeoPackage provider fails now and then
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                document = json.load(response)
            break
        except urllib.error.HTTPError:
            if attempt == 4:
                raise
    assert document["type"] == "FeatureCollection", url
    return len(document["features"])


def load(url: str, seconds: float, clients: int) -> dict[str, float]:
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    latencies: list[float] = []
    errors = 0
    problems: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine, failed = [], 0
        while time.perf_counter() < stop:
            began = time.perf_counter()
            try:
                connection.request("GET", target, headers={"Accept": "application/geo+json"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                    problems.append(f"HTTP {response.status}")
            except (OSError, http.client.HTTPException) as exc:
                failed += 1
                problems.append(f"{type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                continue
            mine.append(time.perf_counter() - began)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p99": p99,
        "errors": errors,
        "problem": problems[0] if problems else "",
    }


def main(seconds: float, clients: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print("Preparando la base (demo + INEGI) y su GeoPackage…")
        database_url, gpkg = prepare(directory)
        app_port, geo_port, geo_single = 18701, 18702, 18703
        served = directory / "pygeoapi.gpkg"
        served.write_bytes(gpkg.read_bytes())
        _wal(served)
        config = pygeoapi_config(served, geo_port, directory / "pygeoapi.yml")
        openapi = directory / "openapi.yml"
        subprocess.run([sys.executable, __file__, "--openapi", str(config), str(openapi)],
                       check=True, cwd=ROOT)
        servers = [
            start(["--serve-limites", database_url, str(app_port)],
                  f"http://127.0.0.1:{app_port}/ogcapi/", directory / "limites.log"),
            start(["--serve-pygeoapi", str(config), str(openapi), str(geo_port), str(THREADS)],
                  f"http://127.0.0.1:{geo_port}/?f=json", directory / "pygeoapi.log"),
            start(["--serve-pygeoapi", str(config), str(openapi), str(geo_single), "1"],
                  f"http://127.0.0.1:{geo_single}/?f=json", directory / "pygeoapi-1.log"),
        ]
        try:
            app = f"http://127.0.0.1:{app_port}/ogcapi/collections/limites-oficial/items"
            # pygeoapi serves every kind of limit in one layer: its property filter keeps
            # the official frame, the same features as the app's limites-oficial.
            geo = f"http://127.0.0.1:{geo_port}/collections/limites/items"
            single = f"http://127.0.0.1:{geo_single}/collections/limites/items"
            official = "tipo=Marco%20oficial&"
            queries = {
                "items?limit=100": ("?limit=100&f=json", f"?{official}limit=100&f=json"),
                f"bbox={CITY}&limit=100": (f"?bbox={CITY}&limit=100&f=json",
                                           f"?{official}bbox={CITY}&limit=100&f=json"),
            }
            print(f"\n{clients} clientes concurrentes, {seconds:g} s por medida, "
                  f"waitress con {THREADS} hilos (y pygeoapi también con 1), loopback\n")
            print("| consulta | servidor | elementos | peticiones/s | p50 | p99 | errores |")
            print("|---|---|---:|---:|---:|---:|---:|")
            for label, (app_query, geo_query) in queries.items():
                results = {}
                for name, base, query in (
                    ("Límites /ogcapi/", app, app_query),
                    ("pygeoapi", geo, geo_query),
                    ("pygeoapi, 1 hilo", single, geo_query),
                ):
                    count = check(base + query)
                    load(base + query, min(2.0, seconds), clients)  # warm-up
                    results[name] = result = load(base + query, seconds, clients)
                    print(f"| `{label}` | {name} | {count} | {result['rps']:.1f} | "
                          f"{result['p50'] * 1000:.0f} ms | {result['p99'] * 1000:.0f} ms | "
                          f"{result['errors']} {result['problem']} |")
                ours = results["Límites /ogcapi/"]
                for name in ("pygeoapi", "pygeoapi, 1 hilo"):
                    theirs = results[name]
                    print(f"| `{label}` | Límites / {name} | | "
                          f"{ours['rps'] / theirs['rps']:.2f}× | "
                          f"{ours['p50'] / theirs['p50']:.2f} | "
                          f"{ours['p99'] / theirs['p99']:.2f} | |")
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-limites":
        serve_limites(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--serve-pygeoapi":
        serve_pygeoapi(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--openapi":
        generate_openapi(sys.argv[2], sys.argv[3])
    else:
        main(float(sys.argv[1]) if len(sys.argv) > 1 else 15.0,
             int(sys.argv[2]) if len(sys.argv) > 2 else 20)
