"""The phone's offline layers (/campo/capas.json): size and time, beside the Mapa general page.

Issue 20 asks the bundle for the demo + INEGI frame to stay ≤ 1 MB compressed. It is not
simplified (the phone's «¿Dónde estoy?» must give the server's answer to the centimetre), so
it is measured here against the overview map, which draws the same area simplified to 5 m.
Also: the time «¿Dónde estoy?» takes per GPS fix in Node (geo_app/static/field/where.js).

Run: ``.venv/bin/python benchmarks/bench_offline_layers.py``
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, STATE, demo_with_state, timed

RUNS = 5
LIMIT = 1_000_000
FIXES = 2_000
NODE_SCRIPT = f"""
const where = require(process.argv[1]);
const doc = JSON.parse(require("fs").readFileSync(0, "utf8"));
const index = where.prepare(doc);
const [w, s, e, n] = doc.area;
const start = process.hrtime.bigint();
for (let i = 0; i < {FIXES}; i++) {{
  where.where(index, w + (e - w) * Math.random(), s + (n - s) * Math.random());
}}
console.log(Number(process.hrtime.bigint() - start) / 1e6 / {FIXES});
"""


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB"


def main() -> None:
    if not STATE.exists():
        sys.exit(f"missing INEGI file: {STATE}")
    from limites_testing import signed_in_client

    with tempfile.TemporaryDirectory() as directory:
        app = demo_with_state(Path(directory), activate=True)
        client = signed_in_client(app)
        bundle = client.get("/campo/capas.json").data
        page = client.get("/mapa/").data
        bundle_time = timed(lambda: client.get("/campo/capas.json"), RUNS)
        page_time = timed(lambda: client.get("/mapa/"), RUNS)
        doc = json.loads(bundle)
        app.extensions["limites_engine"].dispose()
    packed, page_packed = len(gzip.compress(bundle)), len(gzip.compress(page))
    print(f"Capas sin conexión, demo + INEGI en vigor ({len(doc['municipios'])} municipios, "
          f"{len(doc['zonas'])} zonas, {len(doc['hallazgos'])} hallazgos)")
    print(f"  capas.json   {kb(len(bundle)):>9}  gzip {kb(packed):>8}  {bundle_time:6.3f} s")
    print(f"  /mapa/       {kb(len(page)):>9}  gzip {kb(page_packed):>8}  {page_time:6.3f} s")
    print(f"  capas / mapa {len(bundle) / len(page):9.2f}  gzip {packed / page_packed:8.2f}  "
          f"{bundle_time / page_time:6.2f}")
    print(f"  meta ≤ 1 MB comprimido: {'cumple' if packed <= LIMIT else 'NO CUMPLE'} "
          f"({packed / LIMIT:.2f} de la meta)")
    node = shutil.which("node")
    if node:
        where_js = str(ROOT / "geo_app" / "static" / "field" / "where.js")
        run = subprocess.run([node, "-e", NODE_SCRIPT, where_js], input=bundle.decode(),
                             capture_output=True, text=True, check=True)
        print(f"  «¿Dónde estoy?» por lectura del GPS (Node): {float(run.stdout):.3f} ms")


if __name__ == "__main__":
    main()
