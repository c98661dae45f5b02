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


def _upload(client, path, name=None):
    with path.open("rb") as data:
        return client.post("/campo/mapa-base", data={
            "csrf_token": client.csrf_token(), "archivo": (data, name or path.name)},
            content_type="multipart/form-data")


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_an_administrator_uploads_the_base_map(tmp_path, kind):
    (tmp_path / "app").mkdir()
    app = demo_app(tmp_path / "app")
    client = signed_in_client(app, "administradora")
    page = client.get("/campo/mapa-base")
    assert page.status_code == 200 and "No hay mapa base sin conexión" in page.text
    assert "/campo/mapa-base" in client.get("/admin/").text
    made = tmp_path / f"hecho.{kind}"
    count = MAKERS[kind](made)
    answer = _upload(client, made)
    assert answer.status_code == 302
    page = client.get("/campo/mapa-base")
    assert f"{count} teselas del área de trabajo" in page.text
    assert (tmp_path / "app" / "instance" / f"mapa-base.{kind}").exists()
    assert len(client.get("/campo/mapa-base.json").get_json()["teselas"]) == count


def test_a_bad_file_changes_nothing_and_only_administrators_upload(tmp_path):
    (tmp_path / "app").mkdir()
    app = demo_app(tmp_path / "app")
    admin = signed_in_client(app, "administradora")
    good = tmp_path / "bueno.mbtiles"
    make_mbtiles(good)
    _upload(admin, good)
    bad = tmp_path / "malo.pmtiles"
    bad.write_bytes(b"no es un mapa")
    answer = _upload(admin, bad)
    assert "No se cambió el mapa base" in admin.get("/campo/mapa-base").text or \
        "No se cambió el mapa base" in answer.text
    assert not (tmp_path / "app" / "instance" / "mapa-base.pmtiles").exists()
    assert admin.get("/campo/mapa-base.json").get_json()["nombre"].startswith("Área de trabajo")
    editor = signed_in_client(app, "editora")
    assert editor.get("/campo/mapa-base").status_code == 403
    assert _upload(editor, good).status_code == 403
