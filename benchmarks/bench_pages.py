"""The Mapa general page: weight and render time, side by side with a naive Folium map.

Builds, in a temporary directory, the demo database, then the same database with the real
INEGI municipal frame of Oaxaca imported at full resolution (so the overview draws the real
limits around the demo area). For each it measures, in one run:

- app: ``GET /mapa/`` through the Flask test client (query, simplified and rounded layers,
  escaped popups, controls, page template);
- naive: the same layers from :func:`geo_app.records.pages.overview_map`, drawn with
  ``folium.GeoJson`` straight from the full-resolution GeoDataFrames with every property
  in a popup, no simplification, no rounding (what ``gdf.explore()``-style code gives);

and prints HTML bytes (raw and gzipped), vertices drawn and the median time, with the
app/naive ratios.

Run: ``.venv/bin/python benchmarks/bench_pages.py [runs]``
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

import folium
import shapely
from common import STATE, demo_with_state
from limites_testing import demo_app, signed_in_client

from geo_app.maps.display import for_display
from geo_app.records import pages
from geo_app.records.map_render import display_boundaries

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def median_time(fn, runs: int = RUNS) -> tuple[float, object]:
    fn()  # warm-up: imports, template compilation, first query
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def make_app(directory: Path, inegi: bool):
    directory = directory / ("inegi" if inegi else "demo")
    directory.mkdir()
    return demo_with_state(directory) if inegi else demo_app(directory, TESTING=False)


def naive_page(app) -> str:
    """The overview drawn naively: every vertex, every property, folium defaults."""
    with app.test_request_context(), app.extensions["limites_sessions"]() as session:
        data = pages.overview_map(session)
    west, south, east, north = data.bounds
    m = folium.Map(tiles=None)
    m.fit_bounds([[south, west], [north, east]])
    for name, frame in data.layers().items():
        if not len(frame):
            continue
        fields = [c for c in frame.columns if c != frame.geometry.name]
        folium.GeoJson(
            frame.to_json(default=str),
            name=name,
            popup=folium.GeoJsonPopup(fields=fields),
        ).add_to(m)
    folium.LayerControl().add_to(m)
    return m.get_root().render()


def vertices(app) -> tuple[int, int]:
    """Vertices stored in the overview's layers, and vertices the app draws."""
    with app.test_request_context(), app.extensions["limites_sessions"]() as session:
        data = pages.overview_map(session)
    stored = drawn = 0
    for name, frame in data.layers().items():
        if not len(frame):
            continue
        stored += int(shapely.get_num_coordinates(frame.geometry.values).sum())
        if name == "boundaries":
            shown = display_boundaries(frame)  # what the app draws: a coverage at 5 m
        else:
            shown = for_display(frame, 0 if name in ("findings", "sites") else 2.0)
        drawn += int(shapely.get_num_coordinates(shown.geometry.values).sum())
    return stored, drawn


def measure(app) -> dict[str, dict[str, float]]:
    client = signed_in_client(app, "lectora")  # every page needs an account

    def app_page() -> str:
        response = client.get("/mapa/")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    app_time, app_html = median_time(app_page)
    naive_time, naive_html = median_time(lambda: naive_page(app))
    stored, drawn = vertices(app)
    with app.test_request_context(), app.extensions["limites_sessions"]() as session:
        boundaries = len(pages.overview_map(session).boundaries)
    return {
        "app": _figures(app_time, app_html, drawn, boundaries),
        "naive": _figures(naive_time, naive_html, stored, boundaries),
    }


def _figures(seconds: float, html: str, vertices: int, boundaries: int) -> dict:
    return {
        "time": seconds,
        "bytes": len(html.encode()),
        "gzip": len(gzip.compress(html.encode())),
        "vertices": vertices,
        "boundaries": boundaries,
    }


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB"


def main() -> None:
    if not STATE.exists():
        sys.exit(f"missing INEGI file: {STATE}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, inegi in (("demo", False), ("demo + INEGI", True)):
            print(f"building {label} …")
            app = make_app(Path(tmp), inegi)
            results[label] = measure(app)
            app.extensions["limites_engine"].dispose()

    print(f"\nMapa general (/mapa/), median of {RUNS} runs\n")
    header = (
        f"{'database':<14} {'map':<6} {'limits':>6} {'vertices':>9} {'HTML':>10} "
        f"{'gzip':>9} {'time':>9}"
    )
    print(header)
    print("-" * len(header))
    for label, pair in results.items():
        for kind in ("app", "naive"):
            r = pair[kind]
            print(
                f"{label:<14} {kind:<6} {r['boundaries']:>6} {r['vertices']:>9,} "
                f"{kb(r['bytes']):>10} {kb(r['gzip']):>9} {r['time'] * 1000:>7.0f} ms"
            )
        a, n = pair["app"], pair["naive"]
        print(
            f"{label:<14} {'ratio':<6} {'':>6} {a['vertices'] / n['vertices']:>9.2f} "
            f"{a['bytes'] / n['bytes']:>10.2f} {a['gzip'] / n['gzip']:>9.2f} "
            f"{a['time'] / n['time']:>10.2f}"
        )
        print()
    print("ratio = app / naive (below 1: the app's page is lighter or faster)")


if __name__ == "__main__":
    main()
