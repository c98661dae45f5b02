"""QGIS styles written into a GeoPackage's layer_styles table, read back through GDAL."""

from xml.etree import ElementTree as ET

import geopandas as gpd
import pyogrio
import pytest
from shapely import LineString, Point

from boundaries.errors import InvalidParameterError
from boundaries.export_io import LAYER_STYLES, OutLayer, write_gpkg
from boundaries.layer_styles import LayerStyle, Symbol, qml, sld

LINE = LayerStyle("Rutas", (Symbol("#102030", "Ruta", width=3, dash="6 4"),), None, "nombre",
                  "#405060", "#a0b0c0", {"nombre": "Nombre <de> la ruta"})
POINTS = LayerStyle(
    "Puntos",
    (Symbol("#aa0000", "Rojo", "r", 9, outline="#ffffff"), Symbol("#00aa00", "Verde", "v", 9)),
    "clase",
)


def layers() -> list[OutLayer]:
    lines = gpd.GeoDataFrame({"nombre": ["a"]}, geometry=[LineString([(0, 0), (1, 1)])],
                             crs=4326)
    points = gpd.GeoDataFrame({"clase": ["r", "v"]}, geometry=[Point(0, 0), Point(1, 1)],
                              crs=4326)
    return [OutLayer("rutas", lines, {"nombre": "str"}, "LineString", style=LINE),
            OutLayer("puntos", points, {"clase": "str"}, "Point", style=POINTS)]


def test_one_default_style_row_per_styled_layer(tmp_path):
    path = write_gpkg(tmp_path / "a.gpkg", layers())
    assert LAYER_STYLES in pyogrio.list_layers(path)[:, 0]
    rows = pyogrio.read_dataframe(path, layer=LAYER_STYLES).set_index("f_table_name")
    assert sorted(rows.index) == ["puntos", "rutas"]
    assert rows.loc["rutas", "f_geometry_column"] == "geom"
    assert rows.loc["rutas", "useAsDefault"] and rows.loc["rutas", "description"] == "Rutas"
    assert 'value="16,32,48,255"' in rows.loc["rutas", "styleQML"]


def test_unstyled_layers_leave_no_table(tmp_path):
    bare = [OutLayer(x.name, x.frame, x.fields, x.geometry_type) for x in layers()]
    path = write_gpkg(tmp_path / "b.gpkg", bare)
    assert LAYER_STYLES not in pyogrio.list_layers(path)[:, 0]


def test_qml_is_xml_with_escaped_labels():
    root = ET.fromstring(qml(LINE, "LineString", ["nombre"]).split("\n", 1)[1])
    assert root.find("aliases/alias").get("name") == "Nombre <de> la ruta"
    assert root.find("labeling/settings/text-buffer").get("bufferColor") == "160,176,192,255"
    dash = root.find(".//layer[@class='SimpleLine']/Option/Option[@name='customdash']")
    assert dash.get("value") == "6;4"


def test_categories_and_sld_rules_follow_the_symbols():
    root = ET.fromstring(qml(POINTS, "Point", ["clase"]).split("\n", 1)[1])
    assert [c.get("value") for c in root.iter("category")] == ["r", "v"]
    markers = root.findall(".//layer[@class='SimpleMarker']")
    assert [m.find("prop[@k='outline_style']").get("v") for m in markers] == ["solid", "no"]
    document = sld(POINTS, "puntos", "Point")
    assert document.count("<se:Rule>") == 2 and "<ogc:Literal>v</ogc:Literal>" in document
    assert sld(POINTS, "tabla", None) == ""


@pytest.mark.parametrize("colour", ["red", "#12345", "123456"])
def test_colours_are_hex(colour):
    with pytest.raises(InvalidParameterError):
        Symbol(colour)
