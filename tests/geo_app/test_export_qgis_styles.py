"""The GeoPackage export carries a QGIS style per layer: the app's colours and Spanish labels.

The file is read back with GDAL (``ogrinfo`` and pyogrio), as the Comisión's QGIS reads it.
"""

from __future__ import annotations

import re
import subprocess
from xml.etree import ElementTree as ET

import pyogrio
import pytest
from limites_testing import demo_app, system_tool
from sqlalchemy import select

from cases.sharing.scope import resolve_scope
from cases.sharing.tables import SPATIAL_LAYERS, export_data
from cases.storage.models import Case
from cases.storage.statuses import BoundaryKind, FindingCategory, ZoneStatus
from geo_app import theme
from geo_app.exports import file_name, write_export
from geo_app.exports.files import ABOUT_LAYER
from geo_app.maps.styles import ROUTE_STYLE

SLD = "{http://www.opengis.net/sld}"
SE = "{http://www.opengis.net/se}"


def qml_colour(css: str) -> str:
    """A ``#rrggbb`` colour as QML writes it (``r,g,b,alpha``), without the alpha."""
    return ",".join(str(byte) for byte in theme.rgb(css)) + ","


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    """The GeoPackage of the first case with zones, and what it exported."""
    directory = tmp_path_factory.mktemp("qgis")
    app = demo_app(directory)
    with app.app_context(), app.extensions["limites_sessions"]() as session:
        case = session.scalar(select(Case).where(Case.zones.any()).order_by(Case.id))
        data = export_data(session, resolve_scope(session, case=case.number))
        path = write_export(data, "gpkg", directory / file_name(data, "gpkg"))
    app.extensions["limites_engine"].dispose()
    return data, path


@pytest.fixture(scope="module")
def styles(gpkg):
    """The ``layer_styles`` rows, by table name."""
    _, path = gpkg
    rows = pyogrio.read_dataframe(path, layer="layer_styles")
    return {row.f_table_name: row for row in rows.itertuples()}


def test_ogrinfo_lists_layer_styles_with_a_row_per_layer(gpkg):
    data, path = gpkg
    ogrinfo = system_tool("ogrinfo", "gdal-bin")
    info = subprocess.run([ogrinfo, "-ro", "-al", "-q", str(path), "layer_styles"],
                          capture_output=True, text=True, check=True).stdout
    names = re.findall(r"^\s+f_table_name \(String\) = (\S+)$", info, re.M)
    assert sorted(names) == sorted([*data.layers, ABOUT_LAYER])
    assert "useAsDefault (Integer(Boolean)) = 1" in info


def test_each_row_is_the_default_style_of_its_table_and_geometry(gpkg, styles):
    data, path = gpkg
    geometry_names = {
        name: pyogrio.read_info(path, layer=name)["geometry_name"] for name in data.layers
    }
    for name in data.layers:
        row = styles[name]
        assert (row.f_table_catalog, row.f_table_schema) == ("", "")
        assert row.f_geometry_column == (geometry_names[name] or "")
        assert row.useAsDefault and row.styleName == name
        ET.fromstring(row.styleQML.split("\n", 1)[1])
    assert {name for name in SPATIAL_LAYERS if name in data.layers} == {
        name for name in data.layers if styles[name].f_geometry_column
    }


@pytest.mark.parametrize(
    ("layer", "colours"),
    [
        ("limites", [theme.BOUNDARY_COLOURS[k] for k in BoundaryKind]),
        ("zonas", [theme.ZONE_STATUS_COLOURS[s] for s in ZoneStatus]),
        ("recorridos", [ROUTE_STYLE.colour]),
        ("hallazgos", [theme.FINDING_COLOURS[c][1] for c in FindingCategory]),
        ("sedes", [theme.SITE]),
    ],
)
def test_qml_names_the_app_colours(styles, layer, colours):
    qml = styles[layer].styleQML
    for colour in colours:
        assert f'value="{qml_colour(colour)}' in qml, (layer, colour)


@pytest.mark.parametrize(
    ("layer", "field", "values"),
    [
        ("limites", "tipo", [k.label for k in BoundaryKind]),
        ("zonas", "estado", [s.label for s in ZoneStatus]),
        ("hallazgos", "categoria", [c.label for c in FindingCategory]),
    ],
)
def test_categories_are_the_values_the_layer_holds(gpkg, styles, layer, field, values):
    data, _ = gpkg
    root = ET.fromstring(styles[layer].styleQML.split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == field
    categories = [c.get("value") for c in renderer.iter("category")]
    assert categories == values
    assert set(data.layers[layer].frame[field].dropna()) <= set(categories)


def test_layers_are_labelled_and_fields_read_in_spanish(styles):
    zones = ET.fromstring(styles["zonas"].styleQML.split("\n", 1)[1])
    assert zones.get("labelsEnabled") == "1"
    assert zones.find("labeling/settings/text-style").get("fieldName") == "nombre"
    aliases = {a.get("field"): a.get("name") for a in zones.iter("alias")}
    assert aliases["descripcion"] == "Descripción"
    meetings = ET.fromstring(styles["reuniones"].styleQML.split("\n", 1)[1])
    assert {a.get("name") for a in meetings.iter("alias")} >= {"Propósito", "Número"}
    assert meetings.find("renderer-v2") is None and styles["reuniones"].styleSLD in ("", None)


def test_sld_draws_each_category_in_its_colour(styles):
    root = ET.fromstring(styles["zonas"].styleSLD.encode())
    rules = root.find(f"{SLD}NamedLayer/{SLD}UserStyle/{SE}FeatureTypeStyle").findall(f"{SE}Rule")
    fills = {
        rule.find(f"{SE}Name").text: rule.find(f".//{SE}Fill/{SE}SvgParameter").text
        for rule in rules
        if rule.find(f"{SE}PolygonSymbolizer") is not None
    }
    assert fills == {s.label: theme.ZONE_STATUS_COLOURS[s] for s in ZoneStatus}
