"""The offline base map's endpoints: tiles for the maps, the file by byte ranges, staff only."""

from __future__ import annotations

import pytest
from limites_testing import demo_app, signed_in_client
from limites_testing_tiles import WORK_AREA, make_mbtiles, make_pmtiles, xyz_range

from geo_app.fieldwork.offline import EMPTY_TILE

MAKERS = {"mbtiles": make_mbtiles, "pmtiles": make_pmtiles}


@pytest.fixture(params=sorted(MAKERS))
def base_map_app(request, tmp_path):
    """The demo with a base map file of the work area in its instance folder."""
    app = demo_app(tmp_path)
    path = tmp_path / "instance" / f"mapa-base.{request.param}"
    path.parent.mkdir(exist_ok=True)
    app.config["TILE_COUNT"] = MAKERS[request.param](path)
    return app


def test_tiles_are_served_from_the_file(base_map_app):
    client = signed_in_client(base_map_app)
    info = client.get("/campo/mapa-base.json").get_json()
    assert len(info["teselas"]) == base_map_app.config["TILE_COUNT"]
    assert info["texto"].startswith(f"{base_map_app.config['TILE_COUNT']} teselas del área")
    columns, rows = xyz_range(WORK_AREA, 14)
    tile = client.get(f"/campo/mapa-base/14/{columns[0]}/{rows[0]}?v={info['version']}")
    assert (tile.status_code, tile.mimetype) == (200, "image/png")
    assert tile.data.startswith(b"\x89PNG") and tile.data != EMPTY_TILE
    assert "immutable" in tile.headers["Cache-Control"]
    outside = client.get(f"/campo/mapa-base/14/{columns[0]}/{rows[-1] + 3}")
    assert outside.data == EMPTY_TILE


def test_a_pmtiles_file_is_read_by_byte_ranges(base_map_app):
    client = signed_in_client(base_map_app)
    info = client.get("/campo/mapa-base.json").get_json()
    with client.get("/campo/mapa-base.pmtiles", headers={"Range": "bytes=0-126"}) as answer:
        status, data, ranges = answer.status_code, answer.data, answer.headers.get("Accept-Ranges")
    if info["archivo"] is None:  # an MBTiles file is a database, read tile by tile
        assert status == 404
        return
    assert info["archivo"] == "/campo/mapa-base.pmtiles"
    assert (status, len(data), ranges) == (206, 127, "bytes")
    assert data.startswith(b"PMTiles\x03")


def test_without_a_base_map(tmp_path):
    client = signed_in_client(demo_app(tmp_path))
    assert client.get("/campo/mapa-base.json").get_json() is None
    assert client.get("/campo/mapa-base/14/0/0").status_code == 404


def test_the_base_map_is_for_signed_in_staff(base_map_app):
    client = base_map_app.test_client()
    for path in ("/campo/mapa-base.json", "/campo/mapa-base/14/0/0", "/campo/mapa-base.pmtiles"):
        with client.get(path) as answer:
            assert answer.status_code in (302, 401)
