"""Small files that would inflate into huge geometries are refused while they are read."""

import io
import tracemalloc
import zipfile

import pytest

from boundaries.errors import FileFormatError, TooManyPointsError, TooManyVerticesError
from boundaries.io import check_zip_sizes, read_layer
from boundaries.placefiles import parse_kml_places, read_places
from boundaries.sanity import MAX_VERTICES
from boundaries.trackfiles import parse_gpx, parse_kml, read_track
from boundaries.tracks import MAX_TRACK_POINTS, track_from_points

MILLION = 1_000_001


def _coordinates(n: int) -> str:
    """``n`` points zigzagging a hundred metres (a period of 100 points packs well)."""
    block = [f"{-96.72 + i * 1e-5:.5f},{17.05 + (i % 2) * 1e-5:.5f},0" for i in range(100)]
    return " ".join(block * (n // 100) + block[: n % 100])


def _kml_line(n: int) -> bytes:
    return (f'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString><coordinates>'
            f"{_coordinates(n)}</coordinates></LineString></Placemark></kml>").encode()


def _kmz(kml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("doc.kml", kml)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def kmz_bomb() -> bytes:
    """A KMZ route of a million points that packs into about a hundred kilobytes."""
    data = _kmz(_kml_line(MILLION))
    assert len(data) < 400_000
    return data


def test_a_kmz_of_a_million_points_is_refused_before_its_geometry_is_built(tmp_path,
                                                                           kmz_bomb):
    path = tmp_path / "ruta.kmz"
    path.write_bytes(kmz_bomb)
    tracemalloc.start()
    try:
        with pytest.raises(TooManyPointsError, match="más de 100,000 puntos"):
            read_track(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The inflated text is ~23 MB; a million-point geometry took ~850 MB.
    assert peak < 200 * 2**20


def test_a_route_at_the_limit_is_read():
    track = parse_kml(_kml_line(MAX_TRACK_POINTS))
    assert track.points_read == MAX_TRACK_POINTS


@pytest.mark.parametrize("reader", ["gpx", "gx_track"])
def test_other_route_formats_count_their_points(reader):
    n = MAX_TRACK_POINTS + 1
    if reader == "gpx":
        points = "".join(f'<trkpt lat="17.05" lon="{-96.72 + i * 1e-7:.7f}"/>' for i in range(n))
        with pytest.raises(TooManyPointsError):
            parse_gpx(f'<gpx version="1.1"><trk><trkseg>{points}</trkseg></trk></gpx>'.encode())
    else:
        coords = "".join(f"<gx:coord>{-96.72 + i * 1e-7:.7f} 17.05 0</gx:coord>"
                         for i in range(n))
        with pytest.raises(TooManyPointsError):
            parse_kml(('<kml xmlns:gx="http://www.google.com/kml/ext/2.2"><Placemark>'
                       f"<gx:Track>{coords}</gx:Track></Placemark></kml>").encode())


def test_points_from_a_phone_are_counted_too():
    with pytest.raises(TooManyPointsError):
        track_from_points([[(-96.72, 17.05)] * (MAX_TRACK_POINTS + 1)])


def test_a_kmz_place_with_too_many_vertices_is_refused(tmp_path):
    ring = _coordinates(MAX_VERTICES + 1)
    kml = (f"<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}"
           "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>").encode()
    with pytest.raises(TooManyVerticesError, match="vértices"):
        parse_kml_places(kml, "zona.kml")
    path = tmp_path / "zona.kmz"
    path.write_bytes(_kmz(kml))
    with pytest.raises(TooManyVerticesError):
        read_places(path)


def test_a_zipped_shapefile_that_inflates_to_gigabytes_is_refused_unopened(tmp_path):
    path = tmp_path / "municipios.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("municipios.shp", b"\x00\x00\x27\x0a" + b"\x00" * (80 * 2**20))
        archive.writestr("municipios.dbf", b"\x00" * 1024)
    with pytest.raises(FileFormatError, match="se expandiría a 80 MB"):
        read_layer(path)
    with zipfile.ZipFile(path) as archive, pytest.raises(FileFormatError):
        check_zip_sizes(archive, path.name)
