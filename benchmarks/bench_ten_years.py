"""Ten synthetic years against the demo: the overview, a zone page and the map tiles per view.

Builds two SQLite databases: the demo alone (in a temporary directory) and the demo plus ten
synthetic years of :mod:`benchmarks.generate_year` (seeds 1–10, one year after another:
500 inspections with 20,000-point routes, 50,000 findings with photos, 2,000 meetings).
The ten years take minutes to generate: ``--cache DIR`` keeps them in ``DIR`` and later runs
reuse them (the schema is upgraded if it moved on).

With the Flask test client, signed in as the demo administrator, it measures:

- the overview ``/mapa/`` cold (map cache emptied before each request): server time (median
  of ``--runs``), HTML bytes raw and gzipped;
- the page of the zone with most inspections, cold;
- a 1280×800 view of the overview at its opening zoom, panned, and zoomed in: the tiles of
  ``/mapa/teselas/`` covering it (the browser asks for each), their gzipped bytes summed and
  the time of asking them one after another, ``cold`` (a process that has read nothing
  yet), ``new`` (after a finding is written: tiles and the findings' positions read again,
  thinned routes kept) and ``warm`` (every tile built).

It prints a table with both databases side by side and the targets of issue 21: overview
≤ 300 KB gzipped and ≤ 300 ms cold, zone ≤ 300 ms cold, ≤ 200 KB per view.

Run: ``.venv/bin/python benchmarks/bench_ten_years.py [--runs 5] [--cache /tmp/limites-10]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import os
import platform
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import common  # noqa: F401 - beside this script; puts the project and tests/ on sys.path
from generate_year import FIRST_DAY, generate_year
from limites_testing import demo_app, signed_in_client
from sqlalchemy import func, select

from boundaries.tiles import TILE_SIZE, to_lonlat, to_pixels
from cases.fieldwork.attachments import AttachmentStore
from cases.storage.db import sqlite_url, unit_of_work
from cases.storage.models import DisputeZone, Finding, Inspection, inspection_zones
from geo_app.map_cache import MapCache
from geo_app.records import pages
from geo_app.records.viewport import FINDINGS_SINGLE_ZOOM

YEARS = 10
VIEW = (1280, 800)
KB = 1024
OVERVIEW_MAX_GZ = 300 * KB
PAGE_MAX_S = 0.3
VIEW_MAX_GZ = 200 * KB
# Extensions holding the maps, tiles and thinned routes a process keeps.
CACHES = ("limites_map_cache", "limites_tile_cache", "limites_viewport_index",
          "limites_route_shapes")


@dataclass
class PageMeasure:
    cold: float
    size: int
    gzipped: int


@dataclass
class ViewMeasure:
    zoom: int
    tiles: int
    gzipped: int
    raw: int
    findings: int
    clusters: int
    routes: int
    cold: float
    new: float
    warm: float


def build_ten_years(directory: Path) -> None:
    """The demo and ten synthetic years in ``directory`` (a year per transaction)."""
    app = demo_app(directory, TESTING=False)
    store = AttachmentStore(directory / "instance" / "attachments")
    try:
        for year in range(1, YEARS + 1):
            start = time.perf_counter()
            first_day = FIRST_DAY.replace(year=FIRST_DAY.year - YEARS + year)
            with app.extensions["limites_sessions"]() as session, unit_of_work(session):
                counts = generate_year(session, store, seed=year, first_day=first_day)
            print(f"  año {year} ({first_day:%Y}): {counts} en "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
    finally:
        app.extensions["limites_engine"].dispose()
    (directory / "complete").write_text(dt.datetime.now(dt.UTC).isoformat())


def ten_year_app(cache: Path | None, tmp: Path):
    directory = cache if cache is not None else tmp / "diez"
    if not (directory / "complete").exists():
        print(f"generando {YEARS} años sintéticos en {directory} …", flush=True)
        if directory.exists() and any(directory.iterdir()):
            raise SystemExit(f"{directory} tiene una generación a medias: bórrela primero")
        directory.mkdir(parents=True, exist_ok=True)
        build_ten_years(directory)
    return demo_app(directory, database_url=sqlite_url(directory / "limites.sqlite"),
                    demo=False, TESTING=False)


def clear(app, *names: str) -> None:
    for name in names or CACHES:
        app.extensions.pop(name, None)
    app.extensions["limites_map_cache"] = MapCache()


def measure_page(app, client, path: str, runs: int) -> PageMeasure:
    client.get(path)  # warm-up: templates, imports
    samples, body = [], b""
    for _ in range(runs):
        clear(app, "limites_map_cache")
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        body = response.data
    return PageMeasure(statistics.median(samples), len(body), len(gzip.compress(body)))


def opening_view(app) -> tuple[int, float, float]:
    """The overview's opening zoom and centre in a 1280×800 view (Leaflet's fitBounds)."""
    with app.test_request_context(), app.extensions["limites_sessions"]() as session:
        west, south, east, north = pages.overview_map(session).bounds
    for z in range(22, -1, -1):
        (x0, x1), (y1, y0) = to_pixels([west, east], [south, north], z)
        if x1 - x0 <= VIEW[0] and y1 - y0 <= VIEW[1]:
            break
    return z, (west + east) / 2, (south + north) / 2


def view_tiles(z: int, lon: float, lat: float) -> list[tuple[int, int]]:
    """The tiles of zoom ``z`` a 1280×800 view centred on ``lon``, ``lat`` shows."""
    px, py = to_pixels(lon, lat, z)
    x0, x1 = math.floor((px - VIEW[0] / 2) / TILE_SIZE), math.floor((px + VIEW[0] / 2) / TILE_SIZE)
    y0, y1 = math.floor((py - VIEW[1] / 2) / TILE_SIZE), math.floor((py + VIEW[1] / 2) / TILE_SIZE)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def views(app) -> dict[str, tuple[int, float, float]]:
    """The views measured: opening, a pan, and zooms in on the busiest place."""
    z, lon, lat = opening_view(app)
    px, py = to_pixels(lon, lat, z)
    pan_lon, pan_lat = to_lonlat(px + VIEW[0] / 2, py + VIEW[1] / 3, z)
    with app.extensions["limites_sessions"]() as session:
        # The busiest place: the median finding.
        count = session.scalar(select(func.count()).select_from(Finding))
        busy = session.execute(
            select(Finding.min_x, Finding.min_y).order_by(Finding.min_x)
            .offset(count // 2).limit(1)
        ).one()
    return {
        "apertura": (z, lon, lat),
        "desplazada ½ vista": (z, float(pan_lon), float(pan_lat)),
        "alejada 1 nivel": (z - 1, lon, lat),
        "acercada 2 niveles, donde más hay": (z + 2, busy[0], busy[1]),
        "hallazgos sueltos, donde más hay": (FINDINGS_SINGLE_ZOOM, busy[0], busy[1]),
    }


def measure_view(app, client, z: int, lon: float, lat: float) -> ViewMeasure:
    tiles = view_tiles(z, lon, lat)
    headers = {"Accept-Encoding": "gzip"}

    def fetch() -> tuple[float, list[bytes]]:
        start = time.perf_counter()
        bodies = []
        for x, y in tiles:
            response = client.get(f"/mapa/teselas/{z}/{x}/{y}.json", headers=headers)
            assert response.status_code == 200, (z, x, y, response.status_code)
            bodies.append(response.data)
        return time.perf_counter() - start, bodies

    clear(app)
    cold, bodies = fetch()
    # A finding written: tiles and the index of positions are renewed, routes are kept.
    clear(app, "limites_tile_cache", "limites_viewport_index")
    new, _ = fetch()
    warm, _ = fetch()
    documents = [json.loads(gzip.decompress(b)) for b in bodies]
    return ViewMeasure(
        z, len(tiles), sum(len(b) for b in bodies),
        sum(len(gzip.decompress(b)) for b in bodies),
        sum(len(d["findings"]) for d in documents),
        sum(len(d["clusters"]) for d in documents),
        sum(len(d["routes"]) for d in documents),
        cold, new, warm,
    )


def busiest_zone(app) -> int:
    with app.extensions["limites_sessions"]() as session:
        return session.execute(
            select(DisputeZone.id)
            .outerjoin(inspection_zones, inspection_zones.c.zone_id == DisputeZone.id)
            .group_by(DisputeZone.id)
            .order_by(func.count(inspection_zones.c.inspection_id).desc(), DisputeZone.id)
            .limit(1)
        ).scalar_one()


def measure(app, runs: int) -> dict[str, object]:
    client = signed_in_client(app, "administradora")
    with app.extensions["limites_sessions"]() as session:
        counts = {
            "recorridos": session.scalar(select(func.count()).select_from(Inspection)),
            "hallazgos": session.scalar(select(func.count()).select_from(Finding)),
        }
    results: dict[str, object] = {"counts": counts}
    results["Mapa general /mapa/"] = measure_page(app, client, "/mapa/", runs)
    zone = busiest_zone(app)
    results[f"Zona con más recorridos /zonas/{zone}"] = measure_page(
        app, client, f"/zonas/{zone}", runs
    )
    for label, (z, lon, lat) in views(app).items():
        results[f"vista {label}"] = measure_view(app, client, z, lon, lat)
    shapes = app.extensions.get("limites_route_shapes")
    results["counts"]["MB de recorridos adelgazados (última vista)"] = round(
        (shapes.nbytes if shapes else 0) / KB / KB, 1
    )
    return results


def kb(n: float) -> str:
    return f"{n / KB:,.0f} KB"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=None,
                        help="carpeta donde guardar (y reutilizar) los diez años generados")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("construyendo la demostración …", flush=True)
        (Path(tmp) / "demo").mkdir()
        demo = demo_app(Path(tmp) / "demo", TESTING=False)
        ten = ten_year_app(args.cache, Path(tmp))
        results = {}
        for label, app in (("demo", demo), ("diez años", ten)):
            print(f"midiendo {label} …", flush=True)
            results[label] = measure(app, args.runs)
            app.extensions["limites_engine"].dispose()

    demo_r, ten_r = results["demo"], results["diez años"]
    print(f"\nDemostración ({demo_r['counts']}) y diez años sintéticos ({ten_r['counts']}); "
          f"mediana de {args.runs} pedidos; {platform.machine()}, {os.cpu_count()} núcleos, "
          f"Python {platform.python_version()}, carga {os.getloadavg()[0]:.1f}\n")
    print("| página | base | frío | HTML | gzip | razón (frío, gzip) | meta |")
    print("|---|---|---:|---:|---:|---:|---|")
    failed = []
    for label, measure_ in ten_r.items():
        if not isinstance(measure_, PageMeasure):
            continue
        base = demo_r.get(label) or next(
            v for k, v in demo_r.items() if k.split(" /")[0] == label.split(" /")[0]
        )
        overview = label.startswith("Mapa general")
        ok = measure_.cold <= PAGE_MAX_S and (not overview or measure_.gzipped <= OVERVIEW_MAX_GZ)
        goal = ("≤ 300 KB gz, " if overview else "") + "≤ 300 ms frío"
        if not ok:
            failed.append(label)
        for name, m in (("demo", base), ("diez años", measure_)):
            ratio = (f"{measure_.cold / base.cold:.1f} × / {measure_.gzipped / base.gzipped:.1f} ×"
                     if name != "demo" else "")
            verdict = f"{'PASS' if ok else 'FAIL'} {goal}" if name != "demo" else ""
            print(f"| {label} | {name} | {ms(m.cold)} | {kb(m.size)} | {kb(m.gzipped)} | "
                  f"{ratio} | {verdict} |")
    print("\n| vista 1280×800 | base | teselas | gzip | JSON | hallazgos / grupos / tramos | "
          "frío | tras escribir | caché | meta |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for label, measure_ in ten_r.items():
        if not isinstance(measure_, ViewMeasure):
            continue
        ok = measure_.gzipped <= VIEW_MAX_GZ
        if not ok:
            failed.append(label)
        for name, m in (("demo", demo_r[label]), ("diez años", measure_)):
            verdict = f"{'PASS' if ok else 'FAIL'} ≤ 200 KB" if name != "demo" else ""
            print(f"| {label} (z {m.zoom}) | {name} | {m.tiles} | {kb(m.gzipped)} | {kb(m.raw)} | "
                  f"{m.findings} / {m.clusters} / {m.routes} | {ms(m.cold)} | {ms(m.new)} | "
                  f"{ms(m.warm)} | {verdict} |")
    print(f"\n{'FAIL: ' + ', '.join(failed) if failed else 'PASS: todas las metas'}")


if __name__ == "__main__":
    main()
