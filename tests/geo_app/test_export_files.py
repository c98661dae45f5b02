"""Export files read back by the programs people use: GDAL's ogrinfo and validate_gpkg.py,
a KML parser, a zip reader, Excel's CSV expectations, poppler's pdftotext."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import shapely
from limites_testing import demo_app, system_tool
from sqlalchemy import select

from cases.sharing.scope import Scope, resolve_scope
from cases.sharing.tables import LAYERS, SPATIAL_LAYERS, export_data, layer_spec
from cases.storage.models import Case
from geo_app.exports import FORMATS, file_name, write_export
from geo_app.maps import external_references

VALIDATE_GPKG = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
KML = "{http://www.opengis.net/kml/2.2}"
OGR_TYPES = {"int": "Integer64", "float": "Real", "str": "String", "date": "Date",
             "bool": "Integer(Boolean)"}


def need(tool: str) -> str:
    """The path of a GDAL or poppler tool (or a skip, a failure in CI)."""
    return system_tool(tool, "gdal-bin python3-gdal poppler-utils")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every format of the first case with zones, written once for the module."""
    directory = tmp_path_factory.mktemp("exports")
    app = demo_app(directory)
    files = {}
    with app.app_context(), app.extensions["limites_sessions"]() as session:
        case = session.scalar(select(Case).where(Case.zones.any()).order_by(Case.id))
        data = export_data(session, resolve_scope(session, case=case.number))
        for fmt in FORMATS:
            files[fmt] = write_export(data, fmt, directory / file_name(data, fmt))
    app.extensions["limites_engine"].dispose()
    return data, files


def ogrinfo(*args: str) -> str:
    result = subprocess.run([need("ogrinfo"), "-ro", *args], capture_output=True, text=True,
                            check=True)
    return result.stdout


def test_file_names_say_scope_date_and_format(exported):
    data, files = exported
    assert files["gpkg"].name.startswith(f"limites-expediente-{data.scope.record_id}-")
    assert files["shp"].name.endswith(".shp.zip")


def test_geopackage_passes_gdal_validation(exported):
    _, files = exported
    result = subprocess.run(["/usr/bin/python3", need(str(VALIDATE_GPKG)), str(files["gpkg"])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_geopackage_keeps_every_layer_and_attribute(exported):
    data, files = exported
    summary = ogrinfo("-so", str(files["gpkg"]))
    for spec in LAYERS:
        assert re.search(rf"\d+: {spec.name} \(", summary), spec.name
    for spec in LAYERS:
        info = ogrinfo("-so", str(files["gpkg"]), spec.name)
        assert f"Feature Count: {len(data.layers[spec.name].frame)}" in info
        for field, kind in spec.fields.items():
            assert re.search(rf"^{field}: {re.escape(OGR_TYPES[kind])} ", info, re.M), (
                spec.name, field, info)
        if spec.spatial:
            assert 'ID["EPSG",4326]' in info
        assert "DESCRIPTION=" in info and "EPSG:4326" in info


def test_geopackage_values_read_back(exported):
    data, files = exported
    meetings = ogrinfo("-al", "-q", str(files["gpkg"]), "reuniones")
    first = data.layers["reuniones"].frame.iloc[0]
    assert f"fecha (Date) = {first['fecha']:%Y/%m/%d}" in meetings
    assert f"titulo (String) = {first['titulo']}" in meetings
    limits = ogrinfo("-al", "-q", str(files["gpkg"]), "limites")
    assert "ilustrativa (Integer(Boolean)) = 1" in limits
    assert "fuente (String) = " in limits and "vigente_desde (Date) = " in limits
    about = ogrinfo("-al", "-q", str(files["gpkg"]), "acerca_de")
    assert "Sistema de referencia" in about and "Fuente" in about


def test_kml_styled_by_kind_and_status_in_spanish(exported):
    data, files = exported
    root = ET.parse(files["kml"]).getroot()
    styles = {s.get("id") for s in root.iter(f"{KML}Style")}
    assert {"limite-oficial", "limite-reclamo", "zona-en_negociacion", "recorrido"} <= styles
    placemarks = list(root.iter(f"{KML}Placemark"))
    spatial = sum(len(data.layers[n].frame) for n in SPATIAL_LAYERS)
    assert len(placemarks) == spatial
    zone = next(p for p in placemarks if p.get("id").startswith("zonas-"))
    assert zone.find(f"{KML}styleUrl").text.startswith("#zona-")
    assert "Estado" in zone.find(f"{KML}description").text
    names = {d.get("name") for d in zone.iter(f"{KML}Data")}
    assert names == set(layer_spec("zonas").fields)
    assert "EPSG:4326" in root.find(f"{KML}Document/{KML}description").text


def test_kmz_holds_the_kml_and_room_for_photos(exported, tmp_path):
    data, files = exported
    with zipfile.ZipFile(files["kmz"]) as archive:
        assert archive.namelist()[0] == "doc.kml"
        assert archive.read("doc.kml") == files["kml"].read_bytes()
    from geo_app.exports.kml import ATTACHMENTS

    zone_id = int(data.layers["zonas"].frame["id"].iloc[0])
    data.extra[ATTACHMENTS] = {("zonas", zone_id): [("foto 1.jpg", b"\xff\xd8jpeg")]}
    try:
        out = write_export(data, "kmz", tmp_path / "con-fotos.kmz")
    finally:
        data.extra.clear()
    with zipfile.ZipFile(out) as archive:
        photo = f"files/zonas-{zone_id}-foto 1.jpg"
        assert archive.read(photo) == b"\xff\xd8jpeg"
        assert photo in archive.read("doc.kml").decode("utf-8")


def test_geojson_is_rfc7946_one_collection_per_layer(exported):
    data, files = exported
    with zipfile.ZipFile(files["geojson"]) as archive:
        names = set(archive.namelist())
        assert names == {f"{n}.geojson" for n in SPATIAL_LAYERS} | {"LEEME.txt"}
        zones = json.loads(archive.read("zonas.geojson"))
        assert "EPSG:4326" in archive.read("LEEME.txt").decode("utf-8")
    assert zones["type"] == "FeatureCollection" and "crs" not in zones
    assert zones["metadatos"]["Fuente"]
    feature = zones["features"][0]
    assert set(feature["properties"]) == set(layer_spec("zonas").fields)
    polygon = shapely.geometry.shape(feature["geometry"]).geoms[0]
    assert polygon.exterior.is_ccw  # RFC 7946 right-hand rule
    info = ogrinfo("-so", f"/vsizip/{files['geojson']}/hallazgos.geojson", "hallazgos")
    assert "fecha: Date" in info


def test_csv_has_bom_and_spanish_accents(exported):
    data, files = exported
    with zipfile.ZipFile(files["csv"]) as archive:
        assert {"reuniones.csv", "acuerdos.csv", "hallazgos.csv", "LEEME.txt"} == set(
            archive.namelist())
        raw = archive.read("reuniones.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(layer_spec("reuniones").fields)
    assert rows[0]["titulo"] == data.layers["reuniones"].frame["titulo"].iloc[0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rows[0]["fecha"])


def test_shapefile_zip_documents_the_short_names(exported):
    data, files = exported
    with zipfile.ZipFile(files["shp"]) as archive:
        readme = archive.read("LEEME.txt").decode("utf-8")
        assert {f"{n}.{ext}" for n in SPATIAL_LAYERS for ext in ("shp", "dbf", "prj")} <= set(
            archive.namelist())
    assert "hallazgos.distancia_limite_m → distancia_" in readme
    info = ogrinfo("-so", f"/vsizip/{files['shp']}/hallazgos.shp", "hallazgos")
    assert "distanci_2: Real" in info and "fecha: Date" in info
    assert f"Feature Count: {len(data.layers['hallazgos'].frame)}" in info


def test_standalone_html_needs_no_network(exported):
    data, files = exported
    html = files["html"].read_text("utf-8")
    assert external_references(html) == []
    assert "/vendor/" not in html and 'src="http' not in html
    assert "L.map(" in html and "Leaflet" in html
    zone = data.layers["zonas"].frame["nombre"].iloc[0]
    assert zone in html
    assert "EPSG:4326" in html and "Fecha de exportación" in html


def test_pdf_ficha_reads_back(exported):
    data, files = exported
    text = subprocess.run([need("pdftotext"), "-layout", str(files["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Ficha: Expediente" in text
    for heading in ("Partes", "Cronología de reuniones y acuerdos", "Hallazgos",
                    "Límites: fuente y fecha", "Nombre y firma"):
        assert heading in text
    assert "Geometría ilustrativa — no es un límite oficial" in text
    assert re.search(r"Página 1 de \d", text)
    first_limit = data.layers["limites"].frame.iloc[0]
    assert first_limit["cve_geo"] in text
    assert data.parties[0].split()[-1] in text


def test_an_empty_database_exports_empty_files(tmp_path):
    app = demo_app(tmp_path, demo=False)
    with app.app_context(), app.extensions["limites_sessions"]() as session:
        data = export_data(session, Scope.everything())
        for fmt in FORMATS:
            out = write_export(data, fmt, tmp_path / file_name(data, fmt))
            assert out.stat().st_size > 0, fmt
    app.extensions["limites_engine"].dispose()
    info = ogrinfo("-so", str(tmp_path / file_name(data, "gpkg")), "zonas")
    assert "Feature Count: 0" in info
