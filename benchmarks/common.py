"""What the benchmarks share: the INEGI frame, a timer, the demo with it, an app server.

The server runs in a process of its own on 127.0.0.1; the demo has the real frame of Oaxaca.

The benchmarks run as scripts (``python benchmarks/bench_x.py``), so this folder is on
``sys.path`` and they ``from common import …``.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / ".." / "shared" / "data" / "inegi" / "oaxaca_municipios.geojson"
# The app-building helpers live with the tests (tests/limites_testing.py). The project goes
# first: tests/geo_app/ (a folder of tests, no package) must not shadow the geo_app package.
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def timed(fn: Callable[[], object], runs: int) -> float:
    """The median of ``runs`` timings of ``fn()``, in seconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def demo_with_state(
    directory: Path, *, activate: bool = False, then: Callable[[Any], None] | None = None
):
    """The demo app in ``directory`` with the INEGI frame of Oaxaca (570 limits) imported.

    ``activate`` puts the frame in force; ``then(session)`` adds more in the same
    transaction. The caller disposes of the app's engine when done.
    """
    from limites_testing import demo_app

    from boundaries.io import read_layer
    from cases.frames.importer import import_boundaries

    def prepare(session) -> None:
        start = time.perf_counter()
        summary = import_boundaries(session, read_layer(STATE), source="INEGI",
                                    activate=activate)
        if then is not None:
            then(session)
        print(f"INEGI importado{' y en vigor' if activate else ''}: {summary.added} límites en "
              f"{time.perf_counter() - start:.1f} s")

    return demo_app(directory, prepare=prepare, TESTING=False)


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    args: Sequence[str], env: dict[str, str], extra: Sequence[str] = (), what: str = "el servidor"
) -> tuple[subprocess.Popen, str]:
    """Run ``python ARGS --host 127.0.0.1 --port N EXTRA`` with ``env`` added to the environment.

    Returns the process and its base URL once it accepts connections.
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *args, "--host", "127.0.0.1", "--port", str(port), *extra],
        cwd=ROOT, env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{what} no arrancó")
