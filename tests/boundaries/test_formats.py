"""The accepted file suffixes are the readers' own: what the tables list is what is read."""

from __future__ import annotations

import pytest

from boundaries.errors import LayerReadError
from boundaries.formats import (
    LAYER_FILES,
    PLACE_FILES,
    ROUTE_FILES,
    SHAPE_FILES,
    TRACK_FILES,
    WRITABLE_LAYER_FILES,
    ZONE_FILES,
)
from boundaries.io import FORMATS, read_layer
from boundaries.placefiles import read_places
from boundaries.trackfiles import read_track


def test_layer_files_are_the_formats_read_layer_knows():
    assert set(LAYER_FILES) == set(FORMATS)
    assert set(WRITABLE_LAYER_FILES) <= set(LAYER_FILES)


def test_route_and_shape_files_are_made_of_readable_files():
    assert set(ROUTE_FILES) == set(TRACK_FILES) | {".geojson", ".json", ".gpkg"}
    assert set(ROUTE_FILES) - set(TRACK_FILES) <= set(LAYER_FILES)
    assert set(SHAPE_FILES) <= set(LAYER_FILES) | set(PLACE_FILES)
    assert set(ZONE_FILES) == set(SHAPE_FILES) - {".gpx"}


@pytest.mark.parametrize(("reader", "kinds"), [
    (read_track, ROUTE_FILES), (read_places, PLACE_FILES), (read_layer, LAYER_FILES),
])
def test_a_refused_suffix_is_answered_with_the_accepted_formats(tmp_path, reader, kinds):
    path = tmp_path / "recorrido_del_arroyo.txt"
    path.write_text("no es una capa", encoding="utf-8")
    # A route or place file that cannot be read is a LayerReadError too.
    with pytest.raises(LayerReadError, match="recorrido_del_arroyo.txt") as raised:
        reader(path)
    assert kinds.names in str(raised.value)


def test_accept_attribute_lists_every_suffix():
    assert PLACE_FILES.accept == ".kml,.kmz,.gpx"
    assert ".kml" in PLACE_FILES and ".zip" not in PLACE_FILES
