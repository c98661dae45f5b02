"""The offline base map: an MBTiles or PMTiles file read as web maps ask for tiles."""

from __future__ import annotations

import pytest
from limites_testing_tiles import WORK_AREA, make_mbtiles, make_pmtiles, xyz_range

from cases.errors import InvalidInputError
from cases.fieldwork.base_map import open_tileset, read_tile, tiles_within

MAKERS = {"mbtiles": make_mbtiles, "pmtiles": make_pmtiles}


@pytest.fixture(params=sorted(MAKERS))
def tileset(request, tmp_path):
    path = tmp_path / f"mapa.{request.param}"
    MAKERS[request.param](path)
    return open_tileset(path)


def test_metadata_and_tiles_counted_from_the_north(tileset):
    assert tileset.name.startswith("Área de trabajo") and tileset.media_type == "image/png"
    assert (tileset.min_zoom, tileset.max_zoom) == (12, 14)
    assert tileset.bounds == pytest.approx(WORK_AREA)
    columns, rows = xyz_range(WORK_AREA, 13)
    assert read_tile(tileset, 13, columns[0], rows[0]).startswith(b"\x89PNG")
    assert read_tile(tileset, 13, columns[-1], rows[-1]).startswith(b"\x89PNG")
    assert read_tile(tileset, 13, columns[0], rows[-1] + 1) is None
    assert read_tile(tileset, 15, columns[0], rows[0]) is None


def test_the_tiles_of_an_area_with_their_size_and_a_limit(tileset):
    tiles, size = tiles_within(tileset, WORK_AREA)
    assert len(tiles) == sum(len(c) * len(r) for c, r in (xyz_range(WORK_AREA, z)
                                                          for z in (12, 13, 14)))
    assert size == sum(len(read_tile(tileset, *tile)) for tile in tiles)
    few, _ = tiles_within(tileset, WORK_AREA, max_tiles=10)
    assert {z for z, _, _ in few} < {12, 13, 14} and len(few) <= 10


@pytest.mark.parametrize("content", [b"not a database", b"", b"PMTiles\x02" + bytes(119)])
def test_other_files_are_refused_in_spanish(tmp_path, content):
    path = tmp_path / "mapa.mbtiles"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match="MBTiles|PMTiles"):
        open_tileset(path)
