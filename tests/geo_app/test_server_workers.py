"""``limites serve --workers N``: N processes on one port, coherent through the data version."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from limites_testing import demo_app
from sqlalchemy import select

from cases.access.accounts import get_user
from cases.access.api_keys import create_token
from cases.storage.db import unit_of_work
from cases.storage.models import ApiToken, DisputeZone

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="--workers needs fork")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _zone_names(url: str, key: str) -> set[str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}",
                                                   "Accept": "application/geo+json",
                                                   "Connection": "close"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {f["properties"]["nombre"] for f in json.load(response)["features"]}


def test_two_workers_share_a_port_and_both_see_every_write(database_url, tmp_path):
    app = demo_app(database_url=database_url, instance_path=tmp_path / "instance")
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        key = create_token(session, None, get_user(session, "lectora"), "QGIS").token
    port = _free_port()
    # The key's last use waits in memory until each worker stops, and is written then.
    env = {**os.environ, "LIMITES_DATABASE_URL": database_url, "LIMITES_TILES": "",
           "LIMITES_SHARE_ACCESS_FLUSH_SECONDS": "3600"}
    server = subprocess.Popen(
        [sys.executable, "-c", "from geo_app.cli import main; main()", "serve", "--port",
         str(port), "--threads", "2", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/ogcapi/collections/zonas/items?limit=100"
    try:
        deadline = time.monotonic() + 60
        while len(_children(server.pid)) < 2 or not _answers(port):
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        assert len(_children(server.pid)) == 2
        before = set.union(*(_zone_names(url, key) for _ in range(12)))  # both warm up
        with app.extensions["limites_sessions"]() as session, unit_of_work(session):
            session.scalar(select(DisputeZone).order_by(DisputeZone.id)).name = "Renombrada"
        after = [_zone_names(url, key) for _ in range(12)]
        assert "Renombrada" not in before
        assert all("Renombrada" in names for names in after)
        with app.extensions["limites_sessions"]() as session:
            assert session.scalar(select(ApiToken.last_used_at)) is None
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
        with app.extensions["limites_sessions"]() as session:
            last_use = session.scalar(select(ApiToken.last_used_at))
        app.extensions["limites_engine"].dispose()
    assert last_use is not None  # written by the workers as they stopped
    assert server.returncode == 0, output
    assert "Traceback" not in output, output


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
