"""OGC API: a single item and the HTML pages, from cached features against from the records.

In one run, in a temporary directory: the demo plus the INEGI frame of Oaxaca (570
municipalities, full resolution, ``benchmarks/common.demo_with_state``). Each request is
answered in this process by the app (Flask's test client, signed in as the demo lector: the
server's time, no network), first the way it was built before (from the records, each time:
the old builders put back in place of :mod:`geo_app.sharing.ogcapi_pages`' functions), then
from the cached features (warmed by one request). Median and p90 of N requests per row, and
the ratio.

Run: ``.venv/bin/python benchmarks/bench_ogcapi_items.py [--repeat 30]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import demo_with_state
from sqlalchemy import func, select

GEOJSON = {"Accept": "application/geo+json"}


def _from_records():
    """The builders as they were: every request reads and writes its features again."""
    from cases.sharing import features
    from geo_app.sharing import ogcapi_documents as docs
    from geo_app.sharing.ogcapi_pages import ItemsBody

    def item_body(session, scope, collection, feature_id, links, zipped=False):
        record = features.item(session, scope, collection, feature_id)
        return ItemsBody([docs.to_json({**docs.feature_doc(record), "links": links}).encode()])

    def items_document(session, scope, collection, url, query, **params):
        page = features.items(session, scope, collection, **params)
        return docs.items_doc(url, collection, page, query)

    def item_document(session, scope, collection, feature_id):
        return docs.feature_doc(features.item(session, scope, collection, feature_id))

    return {"item_body": item_body, "items_document": items_document,
            "item_document": item_document}


def _time(client, path: str, headers: dict, repeat: int) -> tuple[float, float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        answer = client.get(path, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
        size = len(answer.get_data())
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from cases.storage.models import BoundaryVersion
    from geo_app.sharing import ogcapi_pages as pages

    with tempfile.TemporaryDirectory() as tmp:
        app = demo_with_state(Path(tmp))
        with app.extensions["limites_sessions"]() as session:
            largest = session.scalar(
                select(BoundaryVersion.id).where(BoundaryVersion.source == "INEGI")
                .order_by(func.length(BoundaryVersion.geometry).desc()).limit(1))
        base = "/ogcapi/collections/limites-oficial/items"
        rows = [
            ("un elemento, JSON (el municipio más grande)", f"{base}/{largest}", GEOJSON),
            ("un elemento, JSON con gzip", f"{base}/{largest}",
             {**GEOJSON, "Accept-Encoding": "gzip"}),
            ("un elemento, HTML", f"{base}/{largest}?f=html", {}),
            ("página HTML, 10 municipios", f"{base}?f=html", {}),
            ("página HTML, 100 municipios", f"{base}?f=html&limit=100", {}),
        ]
        client = app.test_client().login("lectora")
        cached = {}
        for _, path, headers in rows:  # warm: the features are built once
            client.get(path, headers=headers)
        for label, path, headers in rows:
            cached[label] = _time(client, path, headers, args.repeat)
        cache = app.extensions.pop("limites_feature_cache")
        kept = {name: getattr(pages, name) for name in _from_records()}
        for name, old in _from_records().items():
            setattr(pages, name, old)
        try:
            before = {label: _time(client, path, headers, args.repeat)
                      for label, path, headers in rows}
        finally:
            for name, new in kept.items():
                setattr(pages, name, new)
            app.extensions["limites_feature_cache"] = cache
        app.extensions["limites_engine"].dispose()

    print(f"\n{'petición':<46} {'antes p50':>10} {'p90':>8} {'caché p50':>10} {'p90':>8} "
          f"{'bytes':>9} {'razón':>7}")
    for label, _, _ in rows:
        old, new = before[label], cached[label]
        print(f"{label:<46} {old[0]:>8.1f}ms {old[1]:>6.1f}ms {new[0]:>8.1f}ms "
              f"{new[1]:>6.1f}ms {new[2]:>9,} {old[0] / new[0]:>6.1f}×")


if __name__ == "__main__":
    main()
