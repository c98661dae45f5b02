"""The technical annex (cuadro de construcción) of a limit line, and its CSV, DXF and GPKG."""

import subprocess

import ezdxf
import numpy as np
import pyogrio
import pyproj
import pytest
import shapely
from common import OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS
from limites_testing import system_tool
from shapely import LineString, Polygon

from boundaries.annex import construction_table, dms, limit_line, quadrant_bearing
from boundaries.annex_files import (
    CSV_HEADER,
    DXF_LAYERS,
    annex_csv,
    annex_dxf,
    annex_layers,
    line_from_annex_csv,
    line_from_dxf,
)
from boundaries.crs import STORAGE_CRS, SURVEY_CRS
from boundaries.errors import GeometryTypeError, LayerReadError, LimitLineError
from boundaries.export_io import write_gpkg
from boundaries.layers import project

SHORT = LineString([(-96.75, 17.08), (-96.748, 17.082), (-96.745, 17.085)])
GEOD = pyproj.Geod(ellps="GRS80")  # the ellipsoid of ITRF2008, EPSG:6369's datum


def metres(*geometries):
    return project(np.array(geometries, dtype=object), STORAGE_CRS, SURVEY_CRS)


def angle_gap_arcsec(a: float, b: float) -> float:
    """The difference of two azimuths in arc seconds, across north."""
    return abs((a - b + 180.0) % 360.0 - 180.0) * 3600


@pytest.fixture(scope="module")
def annex(inegi_state, inegi_change):
    return construction_table(inegi_change.line, inegi_state, code_col="cvegeo")


@pytest.mark.parametrize(("azimuth", "bearing"), [
    (0.0, "N 0°00'00\" E"),
    (12.58222, "N 12°34'56\" E"),
    (90.0, "N 90°00'00\" E"),
    (90.0002, "S 89°59'59\" E"),
    (135.5, "S 44°30'00\" E"),
    (180.0, "S 0°00'00\" O"),
    (225.25, "S 45°15'00\" O"),
    (270.0, "S 90°00'00\" O"),
    (300.0, "N 60°00'00\" O"),
    (359.99999, "N 0°00'00\" E"),
])
def test_quadrant_bearing(azimuth, bearing):
    assert quadrant_bearing(azimuth) == bearing


@pytest.mark.parametrize(("angle", "text"), [
    (0.0, "0°00'00\""), (10.999999, "11°00'00\""), (0.6611, "0°39'40\""), (359.5, "359°30'00\""),
])
def test_dms_rounds_to_the_second_and_carries(angle, text):
    assert dms(angle) == text


def test_vertices_are_numbered_in_order_with_both_coordinates():
    table = construction_table(SHORT)
    assert [v.number for v in table.vertices] == [1, 2, 3]
    assert [(s.start, s.end) for s in table.sides] == [(1, 2), (2, 3)]
    (line_m,) = metres(SHORT)
    assert np.array([(v.x, v.y) for v in table.vertices]) == pytest.approx(
        shapely.get_coordinates(line_m))
    assert [(v.lon, v.lat) for v in table.vertices] == list(SHORT.coords)
    assert table.line.equals(SHORT)
    assert table.start_limits == table.end_limits == ()
    assert table.crs == "EPSG:6369"


@pytest.mark.parametrize(("line", "error", "message"), [
    (Polygon([(0, 0), (1, 0), (1, 1)]), GeometryTypeError, "una sola línea"),
    (LineString([(-96.75, 17.08), (-96.75, 17.08)]), LimitLineError, "dos vértices distintos"),
    (LineString([(739446.7, 1889786.4), (739657.1, 1890010.3)]), LimitLineError,
     "longitud/latitud"),
    (LineString([(-96.75, 17.08), (-96.74, 17.09), (-96.74, 17.08), (-96.75, 17.09)]),
     LimitLineError, "se cruza a sí misma"),
])
def test_a_line_that_cannot_be_a_limit_has_no_annex(line, error, message):
    with pytest.raises(error, match=message):
        construction_table(line)


def test_repeated_vertices_make_no_empty_side():
    assert len(limit_line(LineString([SHORT.coords[0], *SHORT.coords])).coords) == 3


@pytest.mark.slow
def test_the_sides_add_up_to_the_line_in_epsg_6369(annex, inegi_change):
    (line_m,) = metres(inegi_change.line)
    assert sum(side.length_m for side in annex.sides) == pytest.approx(line_m.length, abs=1e-3)
    assert annex.length_m == pytest.approx(line_m.length, abs=1e-3)
    assert len(annex.vertices) == len(inegi_change.line.coords) == 6


def geodetic_azimuths(annex):
    ends = {v.number: v for v in annex.vertices}
    for side in annex.sides:
        a, b = ends[side.start], ends[side.end]
        geodetic, _, _ = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
        yield side, a, geodetic


@pytest.mark.slow
def test_grid_azimuths_are_geodetic_azimuths_minus_the_stated_convergence(annex):
    # East of the zone's central meridian (99° W) grid north lies east of true north. The
    # proposal spans 850 m east–west, where the convergence changes by about 8″: stated at the
    # centre of the extent it is within 5″ of every side's own.
    assert 0.6 < annex.convergence_deg < 0.7
    for side, _, geodetic in geodetic_azimuths(annex):
        assert angle_gap_arcsec(side.azimuth_deg, geodetic - annex.convergence_deg) < 5


@pytest.mark.slow
def test_each_vertex_convergence_turns_its_side_to_the_geodetic_azimuth(annex):
    for side, start, geodetic in geodetic_azimuths(annex):
        assert angle_gap_arcsec(side.azimuth_deg, geodetic - start.convergence_deg) < 0.5


@pytest.mark.slow
def test_the_ends_name_the_limits_they_lie_on(annex):
    assert annex.start_limits == annex.end_limits == (OAXACA_DE_JUAREZ, SAN_JACINTO_AMILPAS)


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_the_csv_rebuilds_the_line_within_a_centimetre(annex, inegi_change, encoding):
    text = annex_csv(annex).encode(encoding).decode(encoding)
    back = line_from_annex_csv(text)
    assert len(back.coords) == len(inegi_change.line.coords)
    for original, rebuilt in zip(inegi_change.line.coords, back.coords, strict=True):
        a, b = metres(shapely.Point(original), shapely.Point(rebuilt))
        assert a.distance(b) < 0.01


@pytest.mark.slow
def test_the_csv_reads_like_a_surveyors_table(annex):
    rows = annex_csv(annex).splitlines()
    assert rows[0].split(",") == list(CSV_HEADER)
    first, second = rows[1].split(","), rows[2].split(",")
    assert first[:5] == ["1", "", "", "", ""]
    side = annex.sides[0]
    assert second[:2] == ["2", "1-2"]
    assert side.bearing in rows[2].replace('""', '"')
    assert second[4] == f"{side.length_m:.2f}"


@pytest.mark.parametrize(("text", "message"), [
    ("Vértice,Lado\r\n1,\r\n", "necesita las columnas"),
    ("", "necesita las columnas"),
    (",".join(CSV_HEADER) + "\r\n1,,,,,abc,1,,\r\n2,,,,,1,1,,\r\n", "ilegible"),
    (",".join(CSV_HEADER) + "\r\n1,,,,,1,1,,\r\n1,,,,,2,2,,\r\n", "repite un vértice"),
    (",".join(CSV_HEADER) + "\r\n1,,,,,nan,1,,\r\n2,,,,,2,2,,\r\n", "no finitas"),
])
def test_a_bad_table_is_refused_in_spanish(text, message):
    with pytest.raises(LayerReadError, match=message):
        line_from_annex_csv(text)


@pytest.fixture(scope="module")
def dxf_file(annex, tmp_path_factory):
    path = tmp_path_factory.mktemp("annex") / "anexo.dxf"
    path.write_bytes(annex_dxf(annex, title="Propuesta de límite Oaxaca de Juárez – San Jacinto"))
    return path


@pytest.mark.slow
def test_the_dxf_opens_with_ezdxf_and_holds_the_numbered_vertices(annex, dxf_file):
    doc = ezdxf.readfile(dxf_file)
    msp = doc.modelspace()
    assert set(DXF_LAYERS) <= {layer.dxf.name for layer in doc.layers}
    (polyline,) = msp.query("LWPOLYLINE[layer=='LIMITE']")
    assert np.array(list(polyline.get_points("xy"))) == pytest.approx(
        np.array([(v.x, v.y) for v in annex.vertices]))
    numbers = {t.dxf.text: t.dxf.insert for t in msp.query("TEXT[layer=='NUMEROS']")}
    assert sorted(numbers, key=int) == [str(v.number) for v in annex.vertices]
    assert len(msp.query("POINT[layer=='VERTICES']")) == len(annex.vertices)
    assert [t.dxf.text for t in msp.query("TEXT[layer=='LADOS']")] == [
        f"{s.bearing}  {s.length_m:.2f} m" for s in annex.sides]


@pytest.mark.slow
def test_the_dxf_opens_with_ogrinfo(annex, dxf_file):
    ogrinfo = system_tool("ogrinfo", "gdal-bin")
    out = subprocess.run([ogrinfo, "-ro", "-al", str(dxf_file)], capture_output=True,
                         text=True, check=True).stdout
    # The line, a point and a number per vertex, a label per side, the title and 3 notes.
    assert f"Feature Count: {1 + 2 * len(annex.vertices) + len(annex.sides) + 4}" in out
    features = out.split("OGRFeature(entities)")[1:]
    numbers = [line.split(" = ", 1)[1] for feature in features
               if "Layer (String) = NUMEROS" in feature
               for line in feature.splitlines() if line.strip().startswith("Text (String)")]
    assert numbers == [str(v.number) for v in annex.vertices]
    assert "Convergencia de meridianos: 0°" in out and "Cuadro de construcción" in out
    assert out.count("LINESTRING (") == 1


@pytest.mark.slow
def test_the_dxf_gives_the_line_back(annex, dxf_file, inegi_change):
    back = line_from_dxf(dxf_file.read_bytes())
    for original, rebuilt in zip(inegi_change.line.coords, back.coords, strict=True):
        a, b = metres(shapely.Point(original), shapely.Point(rebuilt))
        assert a.distance(b) < 1e-6


def test_a_dxf_with_two_lines_and_no_limit_layer_is_refused(tmp_path):
    doc = ezdxf.new("R2000")
    doc.modelspace().add_lwpolyline([(0, 0), (1, 1)])
    doc.modelspace().add_lwpolyline([(2, 2), (3, 3)])
    doc.saveas(tmp_path / "dos.dxf")
    with pytest.raises(GeometryTypeError, match="una sola polilínea"):
        line_from_dxf((tmp_path / "dos.dxf").read_bytes())


def test_a_file_that_is_not_dxf_is_refused():
    with pytest.raises(LayerReadError, match="no es un DXF"):
        line_from_dxf(b"<kml>no</kml>")


def test_the_annex_layers_go_into_a_geopackage(tmp_path):
    table = construction_table(SHORT)
    path = write_gpkg(tmp_path / "propuesta.gpkg", annex_layers(table))
    names = [name for name, _ in pyogrio.list_layers(path)]
    assert names == ["propuesta_linea", "propuesta_vertices", "propuesta_lados"]
    vertices = pyogrio.read_dataframe(path, layer="propuesta_vertices")
    assert vertices.vertice.tolist() == [1, 2, 3]
    assert vertices.crs.equals(STORAGE_CRS)
    sides = pyogrio.read_dataframe(path, layer="propuesta_lados")
    assert sides.rumbo.tolist() == [s.bearing for s in table.sides]
    line = pyogrio.read_dataframe(path, layer="propuesta_linea")
    assert line.geometry[0].equals(SHORT)
