import datetime as dt
import io
import zipfile

import geopandas as gpd
import gpxpy
import gpxpy.gpx
import numpy as np
import pytest
import shapely
from shapely import LineString, MultiLineString, Point

from boundaries.errors import (
    BoundaryError,
    EmptyTrackError,
    GeometryTypeError,
    InvalidParameterError,
    OutsideAreaError,
    TrackCoordinateError,
    TrackReadError,
)
from boundaries.trackfiles import parse_gpx, parse_kml, parse_kmz, read_track
from boundaries.tracks import (
    drop_jitter,
    require_in_measure_area,
    track_from_points,
)

T0 = dt.datetime(2025, 5, 15, 15, 0, tzinfo=dt.UTC)


def gpx_document(segments, *, route=None, version="1.1") -> bytes:
    """A GPX written by gpxpy: one track with ``segments``, an optional route."""
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack()
    gpx.tracks.append(track)
    minute = 0
    for points in segments:
        segment = gpxpy.gpx.GPXTrackSegment()
        for lon, lat in points:
            segment.points.append(gpxpy.gpx.GPXTrackPoint(
                lat, lon, elevation=1550, time=T0 + dt.timedelta(minutes=minute)
            ))
            minute += 1
        track.segments.append(segment)
    if route:
        rte = gpxpy.gpx.GPXRoute()
        rte.points = [gpxpy.gpx.GPXRoutePoint(lat, lon) for lon, lat in route]
        gpx.routes.append(rte)
    gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(
        17.0, -96.7, time=T0 - dt.timedelta(days=3), name="Campamento"
    ))
    return gpx.to_xml(version=version).encode()


SEG_1 = [(-96.740, 17.040), (-96.735, 17.045), (-96.730, 17.050)]
SEG_2 = [(-96.720, 17.055), (-96.715, 17.060)]
ROUTE = [(-96.70, 17.07), (-96.69, 17.08)]


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_gpx_segments_and_routes_become_one_multiline_like_gpxpy_reads_them(version):
    data = gpx_document([SEG_1, SEG_2], route=ROUTE, version=version)
    track = parse_gpx(data)
    assert isinstance(track.geometry, MultiLineString)
    # In file order: the schema puts routes before tracks.
    assert [list(line.coords) for line in track.geometry.geoms] == [ROUTE, SEG_1, SEG_2]
    reference = gpxpy.parse(data.decode())
    expected = [[(p.longitude, p.latitude) for p in r.points] for r in reference.routes] + [
        [(p.longitude, p.latitude) for p in segment.points]
        for t in reference.tracks for segment in t.segments
    ]
    assert [list(line.coords) for line in track.geometry.geoms] == expected
    # Track times give start and end; the waypoint's older time does not count.
    start, end = reference.get_time_bounds()
    assert (track.started_at, track.ended_at) == (start, end) == (
        T0, T0 + dt.timedelta(minutes=4)
    )
    assert track.points_read == track.points_kept == 7
    assert track.source == "gpx"


def test_gpx_without_times_has_no_start_or_end():
    data = (b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><rte>'
            b'<rtept lat="17.05" lon="-96.72"/><rtept lat="17.06" lon="-96.71"/></rte></gpx>')
    track = parse_gpx(data)
    assert track.started_at is None and track.ended_at is None


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (gpx_document([]), EmptyTrackError, "no tiene puntos de recorrido"),
        (gpx_document([[(-96.72, 17.05)]]), EmptyTrackError, "al menos dos"),
        (b"<gpx><trk><trkseg><trkpt lat='17'", TrackReadError, "XML está dañado"),
        (b"<kml/>", TrackReadError, "no es un archivo GPX"),
        (b'<gpx><trk><trkseg><trkpt lat="17.1" lon="-96.7"/><trkpt lat="95" lon="-96.7"/>'
         b"</trkseg></trk></gpx>", TrackCoordinateError, "el punto 2 tiene coordenadas imposibles"),
        (b'<gpx><trk><trkseg><trkpt lat="17.1" lon="-96.7"/><trkpt lat="nan" lon="-96.7"/>'
         b"</trkseg></trk></gpx>", TrackCoordinateError, "imposibles"),
        (b'<gpx><trk><trkseg><trkpt lat="17.1" lon="-96.7"/><trkpt lat="x" lon="-96.7"/>'
         b"</trkseg></trk></gpx>", TrackCoordinateError, "el punto 2 no tiene longitud"),
        (b'<gpx><trk><trkseg><trkpt lat="17.1" lon="-96.7"><time>ayer</time></trkpt>'
         b'<trkpt lat="17.2" lon="-96.7"/></trkseg></trk></gpx>', TrackCoordinateError,
         "hora ilegible"),
    ],
    ids=["no-points", "one-point", "damaged", "not-gpx", "latitude", "nan", "text", "time"],
)
def test_bad_gpx_is_a_spanish_boundary_error(data, error, words):
    with pytest.raises(error, match=words) as caught:
        parse_gpx(data, "ruta.gpx")
    assert isinstance(caught.value, BoundaryError)
    assert str(caught.value).startswith("ruta.gpx: ")


@pytest.mark.parametrize(
    "prolog",
    [
        # XXE: an external entity would read a local file.
        b'<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        # Billion laughs: nested entities would explode in memory.
        b'<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        # An external DTD would be fetched from the network.
        b'<!DOCTYPE gpx SYSTEM "http://example.invalid/gpx.dtd">',
    ],
    ids=["xxe", "billion-laughs", "external-dtd"],
)
@pytest.mark.parametrize("reader", [parse_gpx, parse_kml])
def test_dtd_entities_and_external_references_are_refused(prolog, reader):
    root = b"gpx" if reader is parse_gpx else b"kml"
    data = (b'<?xml version="1.0"?>' + prolog + b"<" + root + b"><name>&xxe;</name></"
            + root + b">")
    with pytest.raises(TrackReadError, match="por seguridad no se lee"):
        reader(data, "ruta")


KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
  <Placemark><name>Punto</name><Point><coordinates>-96.7,17.0,0</coordinates></Point></Placemark>
  <Placemark><name>Zona</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
    -96.7,17.0 -96.6,17.0 -96.6,17.1 -96.7,17.0</coordinates></LinearRing></outerBoundaryIs>
  </Polygon></Placemark>
  <Placemark><TimeSpan><begin>2025-05-15T09:00:00-06:00</begin>
    <end>2025-05-15T12:30:00-06:00</end></TimeSpan>
    <MultiGeometry>
      <LineString><coordinates>-96.740,17.040,0 -96.735,17.045,0
        -96.730,17.050,0</coordinates></LineString>
      <LineString><coordinates>-96.720,17.055 -96.715,17.060</coordinates></LineString>
    </MultiGeometry>
  </Placemark>
</Document>
</kml>"""


def test_kml_lines_are_read_and_points_and_polygons_ignored():
    track = parse_kml(KML)
    assert [list(line.coords) for line in track.geometry.geoms] == [SEG_1, SEG_2]
    assert track.started_at == dt.datetime(2025, 5, 15, 15, 0, tzinfo=dt.UTC)
    assert track.ended_at == dt.datetime(2025, 5, 15, 18, 30, tzinfo=dt.UTC)


def test_kml_with_only_points_has_no_route():
    data = (b'<kml><Placemark><Point><coordinates>-96.7,17.0</coordinates></Point>'
            b"</Placemark></kml>")
    with pytest.raises(EmptyTrackError, match="no tiene líneas"):
        parse_kml(data, "sitios.kml")


def kmz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_kmz_reads_its_doc_kml():
    track = parse_kmz(kmz({"doc.kml": KML, "files/foto.jpg": b"\xff\xd8"}))
    assert track.source == "kmz" and len(track.geometry.geoms) == 2


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"no es un zip", "dañado o no es un ZIP"),
        (kmz({"leeme.txt": b"hola"}), "contiene 0"),
        (kmz({"a.kml": KML, "b.kml": KML}), "contiene 2"),
    ],
    ids=["not-zip", "no-kml", "two-kml"],
)
def test_bad_kmz_is_refused(data, words):
    with pytest.raises(TrackReadError, match=words):
        parse_kmz(data, "ruta.kmz")


def test_kmz_bomb_is_refused_before_inflating(monkeypatch):
    import boundaries.trackfiles as trackfiles

    monkeypatch.setattr(trackfiles, "MAX_TRACK_BYTES", 1000)
    bomb = kmz({"doc.kml": b"<kml>" + b" " * 100_000 + b"</kml>"})
    assert len(bomb) < 1000
    with pytest.raises(TrackReadError, match="demasiado grande"):
        parse_kmz(bomb, "ruta.kmz")


@pytest.mark.parametrize("suffix", [".gpx", ".kml", ".kmz", ".geojson", ".gpkg"])
def test_read_track_picks_the_reader_by_suffix(tmp_path, suffix):
    path = tmp_path / f"ruta{suffix}"
    if suffix == ".gpx":
        path.write_bytes(gpx_document([SEG_1, SEG_2]))
    elif suffix == ".kml":
        path.write_bytes(KML)
    elif suffix == ".kmz":
        path.write_bytes(kmz({"doc.kml": KML}))
    else:
        # In metres: the reader reprojects to lon/lat.
        lines = gpd.GeoSeries([LineString(SEG_1), LineString(SEG_2)], crs=4326).to_crs(6372)
        gpd.GeoDataFrame(geometry=lines).to_file(path, engine="pyogrio")
    track = read_track(path)
    assert len(track.geometry.geoms) == 2
    coords = shapely.get_coordinates(track.geometry)
    np.testing.assert_allclose(coords, np.array(SEG_1 + SEG_2), atol=1e-9)


def test_layer_of_points_is_not_a_route(tmp_path):
    path = tmp_path / "puntos.geojson"
    gpd.GeoDataFrame(geometry=[Point(-96.7, 17.0)], crs=4326).to_file(path)
    with pytest.raises(GeometryTypeError, match="debe ser de líneas"):
        read_track(path)


@pytest.mark.parametrize("name", ["ruta.txt", "ruta.csv"])
def test_unknown_suffix_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_text("x")
    with pytest.raises(TrackReadError, match="formato de ruta no reconocido"):
        read_track(path)


def test_missing_file_names_only_the_file(tmp_path):
    with pytest.raises(TrackReadError, match="no existe el archivo nada.gpx") as caught:
        read_track(tmp_path / "nada.gpx")
    assert str(tmp_path) not in str(caught.value)


def test_jitter_filter_is_optional_and_visible(tmp_path):
    # Standing still for 50 readings scattered within 2 m, then walking 1 km.
    rng = np.random.default_rng(7)
    still = [(-96.72 + dx, 17.05 + dy) for dx, dy in rng.normal(0, 0.00001, (50, 2))]
    walk = [(-96.72 + i * 0.001, 17.05) for i in range(1, 11)]
    path = tmp_path / "ruta.gpx"
    path.write_bytes(gpx_document([still + walk]))
    raw = read_track(path)
    assert raw.points_read == raw.points_kept == 60 and raw.points_dropped == 0
    filtered = read_track(path, min_step_m=10)
    assert filtered.points_read == 60
    assert filtered.points_kept == 11
    assert filtered.geometry.geoms[0].coords[-1] == walk[-1]
    assert (filtered.started_at, filtered.ended_at) == (raw.started_at, raw.ended_at)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_jitter_distance_must_be_positive(bad):
    track = track_from_points([SEG_1])
    with pytest.raises(InvalidParameterError, match="número positivo"):
        drop_jitter(track, bad)


def test_phone_points_worse_than_the_accuracy_threshold_are_dropped():
    track = track_from_points(
        [SEG_1, SEG_2],
        times=[T0, T0 + dt.timedelta(minutes=9)],
        accuracy_m=[[4, 150, 8], [None, 12]],
        max_accuracy_m=25,
    )
    assert (track.points_read, track.points_kept) == (5, 4)
    assert list(track.geometry.geoms[0].coords) == [SEG_1[0], SEG_1[2]]
    assert track.ended_at - track.started_at == dt.timedelta(minutes=9)


@pytest.mark.parametrize(
    ("geometry", "ok"),
    [
        (Point(-96.72, 17.06), True),
        (LineString([(-96.72, 17.06), (-99.1, 19.4)]), True),
        (Point(17.06, -96.72), False),
        (Point(2.35, 48.85), False),
        (LineString([(-96.72, 17.06), (-70.0, 17.06)]), False),
    ],
)
def test_places_outside_mexico_are_refused(geometry, ok):
    if ok:
        require_in_measure_area(geometry)
    else:
        with pytest.raises(OutsideAreaError, match="fuera de México"):
            require_in_measure_area(geometry, "la ruta")
