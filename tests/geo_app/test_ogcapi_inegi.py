"""GDAL's OAPIF driver (what QGIS uses) reads the whole INEGI frame from cached features:
all of it, page after page, with every coordinate as stored."""

from __future__ import annotations

import subprocess
import threading

import numpy as np
import pyogrio
import pytest
import shapely
from limites_testing import demo_app, session_cookie, system_tool
from werkzeug.serving import make_server

from boundaries.io import read_layer
from cases.frames.importer import import_boundaries
from cases.sharing.features import get_collection, load_shapes, matching_ids
from cases.sharing.scope import Scope


@pytest.fixture(scope="module")
def inegi_app(tmp_path_factory, inegi_path):
    """The demo with the 570 municipalities of the INEGI frame imported."""
    app = demo_app(tmp_path_factory.mktemp("ogcapi-inegi"), prepare=lambda session: (
        import_boundaries(session, read_layer(inegi_path), source="INEGI")))
    yield app
    app.extensions["limites_engine"].dispose()


@pytest.fixture(scope="module")
def api_url(inegi_app):
    """The API on 127.0.0.1 (threads), GDAL signed in as the demo lector."""
    server = make_server("127.0.0.1", 0, inegi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="ogcapi-inegi", daemon=True)
    thread.start()
    cookie = f"{inegi_app.config['SESSION_COOKIE_NAME']}={session_cookie(inegi_app, 'lectora')}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GDAL_HTTP_COOKIE", cookie)
        yield f"http://127.0.0.1:{server.server_port}/ogcapi/"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def test_ogr2ogr_reads_every_municipality_identically_twice(inegi_app, api_url, tmp_path):
    collection = get_collection("limites-oficial")
    with inegi_app.extensions["limites_sessions"]() as session:
        ids, matched = matching_ids(session, Scope.everything(), collection, limit=10_000)
        stored = load_shapes(session, collection, ids)
    assert matched == len(ids) >= 570
    for run in ("cold", "cached"):  # the second copy comes from the cache
        out = tmp_path / f"{run}.gpkg"
        subprocess.run([system_tool("ogr2ogr"), "-f", "GPKG", str(out), f"OAPIF:{api_url}",
                        "limites-oficial", "-oo", "PAGE_SIZE=100"],
                       capture_output=True, text=True, check=True)
        copy = pyogrio.read_dataframe(out, fid_as_index=True)
        assert len(copy) == len(ids)
        assert copy["municipio"].notna().all() and copy["cve_geo"].nunique() >= 570
        for fid, shape in zip(copy["id"], copy.geometry, strict=True):
            np.testing.assert_array_equal(shapely.get_coordinates(shape),
                                          shapely.get_coordinates(stored[fid]))
    assert inegi_app.extensions["limites_feature_cache"].built == len(ids)
