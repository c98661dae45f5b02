import io
import zipfile

import pytest

from boundaries.errors import BoundaryError, EmptyLayerError, TrackReadError
from boundaries.placefiles import read_places

KML = """<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Zona</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
-96.73,17.05 -96.71,17.05 -96.71,17.07 -96.73,17.07 -96.73,17.05</coordinates></LinearRing>
</outerBoundaryIs><innerBoundaryIs><LinearRing><coordinates>-96.725,17.055 -96.72,17.055
-96.72,17.06 -96.725,17.055</coordinates></LinearRing></innerBoundaryIs></Polygon></Placemark>
<Placemark><LineString><coordinates>-96.7,17.0 -96.6,17.1</coordinates></LineString></Placemark>
<Placemark><Point><coordinates>-96.72,17.06,0</coordinates></Point></Placemark>
</Document></kml>"""


def test_kml_polygons_with_holes_and_points(tmp_path):
    path = tmp_path / "zona.kml"
    path.write_text(KML)
    polygon, point = read_places(path)
    assert polygon.geom_type == "Polygon" and len(polygon.interiors) == 1
    assert (point.x, point.y) == (-96.72, 17.06)


def test_kmz_reads_its_main_kml(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as kmz:
        kmz.writestr("doc.kml", KML)
    path = tmp_path / "zona.kmz"
    path.write_bytes(buffer.getvalue())
    assert [g.geom_type for g in read_places(path)] == ["Polygon", "Point"]


def test_gpx_waypoints(tmp_path):
    path = tmp_path / "puntos.gpx"
    path.write_text('<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
                    '<wpt lat="17.06" lon="-96.72"><name>Puente</name></wpt>'
                    '<trk><trkseg><trkpt lat="17" lon="-96"/></trkseg></trk></gpx>')
    [point] = read_places(path)
    assert (point.x, point.y) == (-96.72, 17.06)


@pytest.mark.parametrize(("name", "content", "error", "message"), [
    ("vacio.gpx", '<gpx version="1.1"/>', EmptyLayerError, "puntos de paso"),
    ("linea.kml", '<kml><Placemark><LineString><coordinates>-96.7,17 -96.6,17.1'
                  '</coordinates></LineString></Placemark></kml>', EmptyLayerError, "polígonos"),
    ("hostil.kml", '<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml>&x;</kml>',
     TrackReadError, "por seguridad"),
    ("otro.kml", "<html></html>", TrackReadError, "no es un archivo KML"),
    ("malo.kml", '<kml><Placemark><Point><coordinates>x,y</coordinates></Point></Placemark>'
                 '</kml>', BoundaryError, "numéricas"),
    ("nota.txt", "hola", TrackReadError, "KML, KMZ o GPX"),
])
def test_bad_place_files_are_refused_in_spanish(tmp_path, name, content, error, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(error, match=message):
        read_places(path)
