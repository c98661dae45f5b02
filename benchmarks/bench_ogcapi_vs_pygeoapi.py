"""OGC API – Features as QGIS gets it: Límites against pygeoapi (OGR provider), side by side.

In one run, in a temporary directory:

1. the demo plus the INEGI frame of Oaxaca (570 municipalities, full resolution), as
   ``benchmarks/common.demo_with_state`` builds it; a share link of its limits and a
   personal API key of the demo lector;
2. a GeoPackage of the same features the app's collection ``limites-oficial`` serves (same
   ids, attributes and coordinates, in id order), written with pyogrio;
3. two servers on loopback, each in its own process under waitress with the same threads
   (2): Límites (``limites serve``'s app) on its SQLite database, and pygeoapi with its OGR
   provider on the GeoPackage; pygeoapi runs in a virtual environment of its own (it pins
   other versions of the app's libraries), given by ``--pygeoapi-python``;
4. ``items?limit=100`` (≈ 1.9 MB) and a ``bbox`` of 20 municipalities, full precision, by
   ``wrk`` (Debian package ``wrk``) with N connections: pygeoapi, Límites through the share
   link, Límites through the API key, in turns, several rounds, so all three see the same
   load of the machine. Requests per second, p50 and p99, errors, and the ratios.

Set-up of pygeoapi (once)::

    python3 -m venv --system-site-packages /tmp/pygeoapi   # Debian python3 + python3-gdal
    /tmp/pygeoapi/bin/pip install 'pygeoapi==0.21.*' waitress

Run: ``.venv/bin/python benchmarks/bench_ogcapi_vs_pygeoapi.py --pygeoapi-python
/tmp/pygeoapi/bin/python [--seconds 10] [--rounds 2] [--clients 20] [--gzip]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, demo_with_state, free_port

THREADS = 2
CITY = (-96.7266, 17.0606)  # Oaxaca de Juárez: the 20-municipality bbox grows around it
PYGEOAPI_SERVER = """
import os, sys
import waitress
from pygeoapi.flask_app import APP
waitress.serve(APP, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]),
               _quiet=True)
"""


def serve_limites(database_url: str, port: int, threads: int) -> None:
    """The app as ``limites serve --threads N`` serves it."""
    from geo_app import create_app
    from geo_app.server import serve

    serve(create_app({"DATABASE_URL": database_url, "TILES": ""}), "127.0.0.1", port, threads)


# -- the data ---------------------------------------------------------------------------

def prepare(directory: Path) -> dict:
    """The database, the GeoPackage, a share link, an API key and the 20-feature bbox."""
    import geopandas as gpd

    from cases.access.accounts import get_user
    from cases.access.api_keys import create_token
    from cases.sharing.features import features_of, get_collection, matching_ids
    from cases.sharing.links import create_share
    from cases.sharing.scope import Scope
    from cases.storage.db import unit_of_work

    app = demo_with_state(directory)
    collection = get_collection("limites-oficial")
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        ids, _ = matching_ids(session, Scope.everything(), collection, limit=10_000)
        found = features_of(session, Scope.everything(), collection, ids)
        token = create_share(session, None, layers=["limites"], days=1).token
        key = create_token(session, None, get_user(session, "lectora"), "bench").token
        half = 0.01
        while True:  # the smallest square around the city that meets 20 municipalities
            box = (CITY[0] - half, CITY[1] - half, CITY[0] + half, CITY[1] + half)
            _, matched = matching_ids(session, Scope.everything(), collection, bbox=box)
            if matched >= 20:
                break
            half *= 1.05
    frame = gpd.GeoDataFrame([f.properties for f in found],
                             geometry=[f.geometry for f in found], crs="EPSG:4326")
    gpkg = directory / "municipios.gpkg"
    frame.to_file(gpkg, layer="municipios", engine="pyogrio")
    app.extensions["limites_engine"].dispose()
    return {"database_url": app.config["DATABASE_URL"], "gpkg": gpkg, "token": token,
            "key": key, "bbox": ",".join(f"{v:.6f}" for v in box), "features": len(ids),
            "in_bbox": matched}


def pygeoapi_config(gpkg: Path, port: int, path: Path, gzip: bool = False) -> Path:
    import yaml

    text = "Límites"
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8",
            "languages": ["es"], "cors": False, "pretty_print": False, "gzip": gzip,
            "limits": {"default_items": 10, "max_items": 1000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "attribution": "OSM"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": text, "description": text, "keywords": [text],
                               "keywords_type": "theme", "terms_of_service": text,
                               "url": "http://127.0.0.1"},
            "license": {"name": "CC-BY 4.0",
                        "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": text, "url": "http://127.0.0.1"},
            "contact": {"name": text, "position": text, "address": text, "city": "Oaxaca",
                        "stateorprovince": "Oaxaca", "postalcode": "68000",
                        "country": "México", "phone": "+52", "fax": "+52",
                        "email": "x@example.org", "url": "http://127.0.0.1", "hours": text,
                        "instructions": text, "role": "pointOfContact"},
        },
        "resources": {"municipios": {
            "type": "collection", "title": "municipios", "description": "municipios",
            "keywords": ["municipios"],
            "extents": {"spatial": {"bbox": [-99, 15, -93, 19],
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [{
                "type": "feature", "name": "OGR", "id_field": "id", "layer": "municipios",
                "data": {"source_type": "GPKG", "source": str(gpkg),
                         "source_srs": "EPSG:4326", "target_srs": "EPSG:4326",
                         "source_capabilities": {"paging": True},
                         "gdal_ogr_options": {"EMPTY_AS_NULL": "NO", "CPL_DEBUG": "NO"}},
            }],
        }},
    }
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


# -- servers ----------------------------------------------------------------------------

def wait_ready(process: subprocess.Popen, url: str, headers: dict, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"el servidor terminó: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                        timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"el servidor no respondió: {url}")


def fetch(url: str, headers: dict) -> tuple[dict, float, int]:
    """The document at ``url``, the seconds it took and its size in bytes."""
    began = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json",
                                                   **headers})
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
    return json.loads(body), time.perf_counter() - began, len(body)


def _coordinates(document: dict) -> dict[int, str]:
    """Each feature's coordinates as numbers, by id."""
    return {int(f["properties"].get("id", f["id"])): json.dumps(f["geometry"]["coordinates"])
            for f in document["features"]}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(url: str, headers: dict, seconds: float, clients: int) -> dict:
    """Requests per second, p50/p99 (ms) and errors of ``clients`` connections for ``seconds``."""
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "60s",
               "--latency", url]
    for name, value in {"Accept": "application/geo+json", **headers}.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    errors += sum(int(n) for n in socket.groups()) if socket else 0
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pygeoapi-python", default="/tmp/pygeoapi/bin/python")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--gzip", action="store_true",
                        help="los clientes aceptan gzip (Accept-Encoding: gzip; pygeoapi "
                             "con server.gzip)")
    options = parser.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        raise SystemExit("falta wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print("Preparando la base (demo + INEGI), el GeoPackage, el enlace y la clave…")
        data = prepare(directory)
        ours, theirs = free_port(), free_port()
        config = pygeoapi_config(data["gpkg"], theirs, directory / "pygeoapi.yml",
                                 options.gzip)
        openapi = directory / "openapi.yml"
        environment = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
        pygeoapi_bin = Path(options.pygeoapi_python).parent / "pygeoapi"
        subprocess.run([str(pygeoapi_bin), "openapi", "generate", str(config),
                        "--output-file", str(openapi)], check=True, capture_output=True,
                       env={**environment, "PATH": "/usr/bin:/bin"})
        (directory / "serve_pygeoapi.py").write_text(PYGEOAPI_SERVER, encoding="utf-8")
        logs = (directory / "limites.log", directory / "pygeoapi.log",
                directory / "limites-sin-cache.log")
        uncached = free_port()
        servers = [
            subprocess.Popen([sys.executable, __file__, "--serve-limites",
                              data["database_url"], str(ours), str(THREADS)], cwd=ROOT,
                             stdout=logs[0].open("w"), stderr=subprocess.STDOUT),
            subprocess.Popen([sys.executable, __file__, "--serve-limites",
                              data["database_url"], str(uncached), str(THREADS)], cwd=ROOT,
                             env={**os.environ, "LIMITES_FEATURE_CACHE": "0"},
                             stdout=logs[2].open("w"), stderr=subprocess.STDOUT),
            subprocess.Popen([options.pygeoapi_python, str(directory / "serve_pygeoapi.py"),
                              str(theirs), str(THREADS)], cwd=directory,
                             env={**environment, "PATH": "/usr/bin:/bin"},
                             stdout=logs[1].open("w"), stderr=subprocess.STDOUT),
        ]
        try:
            key = {"Authorization": f"Bearer {data['key']}"}
            encoding = {"Accept-Encoding": "gzip"} if options.gzip else {}
            share = f"http://127.0.0.1:{ours}/c/{data['token']}/ogcapi"
            api = f"http://127.0.0.1:{ours}/ogcapi"
            geo = f"http://127.0.0.1:{theirs}"
            wait_ready(servers[0], f"{api}/", key, logs[0])
            wait_ready(servers[2], f"{geo}/?f=json", {}, logs[1])
            wait_ready(servers[1], f"http://127.0.0.1:{uncached}/ogcapi/", key, logs[2])
            bare = f"http://127.0.0.1:{uncached}/ogcapi"
            targets = {
                "pygeoapi": (f"{geo}/collections/municipios/items", {}),
                "Límites (enlace)": (f"{share}/collections/limites-oficial/items", {}),
                "Límites (clave API)": (f"{api}/collections/limites-oficial/items", key),
                "Límites sin caché (clave API)": (
                    f"{bare}/collections/limites-oficial/items", key),
            }
            # Each server's landing page: answered once what wrk left queued is done.
            landings = {"pygeoapi": (f"{geo}/?f=json", {}),
                        "Límites (enlace)": (f"{share}/", {}),
                        "Límites (clave API)": (f"{api}/", key),
                        "Límites sin caché (clave API)": (f"{bare}/", key)}
            queries = {
                "items, 100 municipios": "?limit=100&f=json",
                f"bbox, {data['in_bbox']} municipios": f"?bbox={data['bbox']}&limit=100&f=json",
            }
            print(f"{data['features']} límites oficiales; caja {data['bbox']}")
            print(f"{options.clients} conexiones (wrk), waitress {THREADS} hilos cada uno, "
                  f"{options.rounds} rondas de {options.seconds:g} s por turnos, "
                  f"{'con' if options.gzip else 'sin'} gzip, loopback\n")
            rows = []
            for label, query in queries.items():
                reference, coordinates = None, {}
                for name, (base, headers) in targets.items():
                    document, cold, size = fetch(base + query, headers)
                    ids = [f["id"] for f in document["features"]]
                    if name == "pygeoapi":
                        ids = [f["properties"].get("id", f["id"]) for f in document["features"]]
                    ids = sorted(int(i) for i in ids)  # pygeoapi's bbox: index order
                    reference = reference or ids
                    assert ids == reference, (name, ids[:5], reference[:5])
                    coordinates[name] = _coordinates(document)
                    print(f"  {label} · {name}: {len(ids)} elementos, {size / 1e6:.2f} MB, "
                          f"primera respuesta {cold * 1000:.0f} ms")
                same = all(c == coordinates["pygeoapi"] for c in coordinates.values())
                print(f"  mismas coordenadas en todos: {'sí' if same else 'NO'}")
                results: dict[str, list[dict]] = {name: [] for name in targets}
                for _ in range(options.rounds):
                    for name, (base, headers) in targets.items():
                        results[name].append(wrk(base + query, {**headers, **encoding},
                                                 options.seconds, options.clients))
                        fetch(*landings[name])  # the next turn starts on an idle machine
                rows.append((label, results))
            print("\n| consulta | servidor | peticiones/s | p50 | p99 | errores | razón |")
            print("|---|---|---:|---:|---:|---:|---:|")
            for label, results in rows:
                base_rps = statistics.median(r["rps"] for r in results["pygeoapi"])
                for name, runs in results.items():
                    rps = statistics.median(r["rps"] for r in runs)
                    p50 = statistics.median(r["p50"] for r in runs)
                    p99 = max(r["p99"] for r in runs)
                    errors = sum(r["errors"] for r in runs)
                    ratio = "" if name == "pygeoapi" else f"**{rps / base_rps:.1f}×**"
                    print(f"| {label} | {name} | {rps:.1f} | {p50:.0f} ms | {p99:.0f} ms | "
                          f"{errors} | {ratio} |")
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-limites":
        serve_limites(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
