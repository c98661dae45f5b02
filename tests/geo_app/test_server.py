"""``limites serve`` runs waitress with the app's headers, in a process of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(sqlite_url, tmp_path):
    port = free_port()
    env = {**os.environ, "LIMITES_DATABASE_URL": sqlite_url, "LIMITES_TILES": ""}
    process = subprocess.Popen(
        [sys.executable, "-c", "from geo_app.cli import main; main()",
         "serve", "--port", str(port), "--threads", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"limites serve exited: {process.stdout.read()}")
            time.sleep(0.2)
    yield url
    process.terminate()
    output, _ = process.communicate(timeout=10)
    assert "Traceback" not in output, output


def test_serve_runs_waitress_with_a_neutral_server_header(served):
    with urllib.request.urlopen(f"{served}/") as response:
        assert response.status == 200
        server = response.headers["Server"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert server == "Limites"
    assert "waitress" not in server.lower() and "python" not in server.lower()


def test_serve_answers_not_found_for_hostile_ids(served):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{served}/zonas/{2**63}")
    error.value.close()
    assert error.value.code == 404


def test_serve_offers_threads_and_the_dev_server(runner):
    result = runner.invoke(args=["serve", "--help"])
    assert "--threads" in result.output and "--dev" in result.output
