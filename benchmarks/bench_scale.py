"""Every page with a year of work: the demo and a synthetic year, side by side in one run.

Builds, in a temporary directory, two SQLite databases: the demo alone, and the demo plus
the synthetic year of :mod:`benchmarks.generate_year` (50 inspections with 20,000-point
routes, 5,000 findings with photos, 200 meetings, 600 agreements). For each page it asks
the Flask test client, signed in as the demo administrator, and measures:

- server time, the median of several requests: for pages with a map, ``cold`` builds the
  map (the map cache emptied before each request, as after any write) and ``warm`` reads
  it from the cache (as the next readers do);
- HTML bytes (raw and gzipped) and the number of SQL statements of one request.

It prints a table with the year/demo ratios and checks the targets of the scale
requirement: the overview map at most 1.5 MB of HTML and 500 ms, record pages at most
300 ms (cold map), lists paginated (at most one page of rows).

Run: ``.venv/bin/python benchmarks/bench_scale.py [runs]`` (about a minute).
"""

from __future__ import annotations

import gzip
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generate_year import generate_year  # benchmarks/, beside this script
from sqlalchemy import event, func, select

from cases.fieldwork.attachments import AttachmentStore
from cases.storage.models import Case, DisputeZone, Inspection, Meeting, Site
from geo_app.map_cache import MapCache

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from limites_testing import demo_app, signed_in_client

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
MB = 1024 * 1024
OVERVIEW_MAX_BYTES = 1.5 * MB
OVERVIEW_MAX_S = 0.5
RECORD_MAX_S = 0.3


@dataclass
class Measure:
    """One page of one database."""

    cold: float
    warm: float | None
    size: int
    gzipped: int
    queries: int


def make_app(directory: Path, year: bool):
    directory.mkdir()
    store = AttachmentStore(directory / "instance" / "attachments")

    def add_year(session):
        start = time.perf_counter()
        counts = generate_year(session, store, progress=print)
        print(f"  año sintético: {counts} en {time.perf_counter() - start:.1f} s")

    return demo_app(directory, prepare=add_year if year else None, TESTING=False)


def pages(app) -> dict[str, tuple[str, bool]]:
    """Path of each measured page and whether it draws a map; records: the heaviest one."""
    with app.extensions["limites_sessions"]() as session:
        def most(model, *relations):
            counts = {}
            for record in session.scalars(select(model)):
                counts[record.id] = sum(len(getattr(record, r)) for r in relations)
            return max(counts, key=lambda k: (counts[k], -k))

        zone = most(DisputeZone, "inspections", "meetings")
        case = most(Case, "inspections", "meetings")
        meeting = most(Meeting, "zones", "sites", "agreements")
        site = most(Site, "meetings")
        inspection = session.scalar(
            select(Inspection.id).order_by(func.coalesce(Inspection.route_points_kept, 0).desc(),
                                           Inspection.id)
        )
    return {
        "Mapa general /mapa/": ("/mapa/", True),
        "Tablero /": ("/", False),
        "Zona": (f"/zonas/{zone}", True),
        "Recorrido": (f"/recorridos/{inspection}", True),
        "Reunión": (f"/reuniones/{meeting}", True),
        "Expediente": (f"/expedientes/{case}", True),
        "Sitio": (f"/sitios/{site}", True),
        "Lista de zonas": ("/zonas/", False),
        "Lista de expedientes": ("/expedientes/", False),
        "Lista de reuniones": ("/reuniones/", False),
        "Lista de recorridos": ("/recorridos/", False),
        "Lista de sitios": ("/editar/sitio/", False),
        "Lista de instituciones": ("/editar/institucion/", False),
        "Lista de personas": ("/editar/persona/", False),
        "Papelera": ("/admin/papelera", False),
        "Registro de cambios": ("/admin/registro", False),
    }


def measure(app) -> dict[str, Measure]:
    client = signed_in_client(app, "administradora")
    engine = app.extensions["limites_engine"]
    statements = [0]

    def count(*args):
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)

    def get(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def timed(path: str, cold: bool) -> float:
        samples = []
        for _ in range(RUNS):
            if cold:
                app.extensions["limites_map_cache"] = MapCache()
            start = time.perf_counter()
            get(path)
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    results = {}
    for label, (path, has_map) in pages(app).items():
        get(path)  # warm-up: templates, imports
        app.extensions["limites_map_cache"] = MapCache()
        statements[0] = 0
        html = get(path)
        queries = statements[0]
        cold = timed(path, cold=True)
        warm = timed(path, cold=False) if has_map else None
        data = html.encode()
        results[label] = Measure(cold, warm, len(data), len(gzip.compress(data)), queries)
    event.remove(engine, "before_cursor_execute", count)
    return results


def verdict(label: str, year: Measure) -> str:
    if label.startswith("Mapa general"):
        ok = year.size <= OVERVIEW_MAX_BYTES and year.cold <= OVERVIEW_MAX_S
        return ("PASS" if ok else "FAIL") + " ≤1.5 MB, ≤500 ms"
    if label.startswith("Tablero") or label.startswith("Lista") or label in (
        "Papelera", "Registro de cambios"
    ):
        return ("PASS" if year.cold <= RECORD_MAX_S else "FAIL") + " ≤300 ms"
    return ("PASS" if year.cold <= RECORD_MAX_S else "FAIL") + " ≤300 ms (frío)"


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB"


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, year in (("demo", False), ("año", True)):
            print(f"construyendo {label} …")
            start = time.perf_counter()
            app = make_app(Path(tmp) / label, year)
            print(f"  {time.perf_counter() - start:.1f} s")
            results[label] = measure(app)
            app.extensions["limites_engine"].dispose()

    print(
        f"\nPáginas con la demostración y con un año sintético; mediana de {RUNS} pedidos, "
        f"{platform.machine()}, {os.cpu_count()} núcleos, Python {platform.python_version()}\n"
    )
    header = (
        "| página | base | frío | caliente | HTML | gzip | consultas | "
        "razón año/demo (frío, HTML) | meta |"
    )
    print(header)
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for label in results["demo"]:
        demo, year = results["demo"][label], results["año"][label]
        for base, r in (("demo", demo), ("año", year)):
            ratio = (
                f"{year.cold / demo.cold:.1f} × / {year.size / demo.size:.1f} ×"
                if base == "año" else ""
            )
            print(
                f"| {label} | {base} | {ms(r.cold)} | {ms(r.warm)} | {kb(r.size)} | "
                f"{kb(r.gzipped)} | {r.queries} | {ratio} | "
                f"{verdict(label, year) if base == 'año' else ''} |"
            )
    failed = [label for label in results["año"]
              if verdict(label, results["año"][label]).startswith("FAIL")]
    print(f"\n{'FAIL: ' + ', '.join(failed) if failed else 'PASS: todas las metas'}")


if __name__ == "__main__":
    main()
