import re
import zipfile

import geopandas as gpd
import pytest
from shapely import box

from boundaries.errors import FileFormatError, LayerReadError, MissingCRSError
from boundaries.io import list_layers, read_layer, write_layer

CODES = ["20067", "20157", "20385"]


def test_geojson_geopackage_and_zipped_shapefile_read_alike(inegi_three, tmp_path, zip_shapefile):
    gpkg = tmp_path / "m.gpkg"
    inegi_three.to_crs("EPSG:6372").to_file(gpkg, layer="municipios", engine="fiona")
    shp_zip = zip_shapefile(inegi_three, tmp_path)
    from_gpkg = read_layer(gpkg, layer="municipios")
    from_zip = read_layer(shp_zip)
    assert from_gpkg.crs.to_epsg() == 6372
    assert from_zip.crs.to_epsg() == 4326
    assert sorted(from_gpkg.cvegeo) == sorted(from_zip.cvegeo) == CODES
    assert from_gpkg.geometry.area.sum() == pytest.approx(
        from_zip.to_crs(6372).geometry.area.sum(), rel=1e-6
    )


def test_geopackage_with_several_layers_needs_a_layer(inegi_three, tmp_path):
    gpkg = tmp_path / "m.gpkg"
    write_layer(inegi_three, gpkg, layer="a")
    write_layer(inegi_three, gpkg, layer="b")
    assert list_layers(gpkg) == ["a", "b"]
    with pytest.raises(LayerReadError, match="varias capas"):
        read_layer(gpkg)


def test_layer_without_crs_is_refused_unless_crs_is_given(inegi_three, tmp_path, zip_shapefile):
    archive = zip_shapefile(inegi_three, tmp_path, keep_prj=False)
    with pytest.raises(MissingCRSError, match="--crs"):
        read_layer(archive)
    assert read_layer(archive, crs="EPSG:4326").crs.to_epsg() == 4326


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 this is not really a zip", "ZIP está dañado"),
        (b"", "ZIP está dañado"),
    ],
)
def test_broken_zip_is_refused(tmp_path, content, message):
    path = tmp_path / "roto.zip"
    path.write_bytes(content)
    with pytest.raises(LayerReadError, match=message):
        read_layer(path)


def test_truncated_zip_is_refused(inegi_three, tmp_path, zip_shapefile):
    archive = zip_shapefile(inegi_three, tmp_path)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(LayerReadError, match="ZIP está dañado"):
        read_layer(archive)


def test_zip_without_shapefile_is_refused(tmp_path):
    archive = tmp_path / "vacio.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("leeme.txt", "nada")
    with pytest.raises(LayerReadError, match="exactamente un Shapefile"):
        read_layer(archive)


@pytest.mark.parametrize("name", ["no-existe.geojson", "datos.csv"])
def test_missing_or_unknown_files(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("a,b\n")
    with pytest.raises(LayerReadError):
        read_layer(path)


def test_garbage_geojson_gives_a_clear_error(tmp_path):
    path = tmp_path / "malo.geojson"
    path.write_text("{ no es json")
    with pytest.raises(LayerReadError, match="no se pudo leer"):
        read_layer(path)


def test_write_and_read_round_trip(tmp_path):
    frame = gpd.GeoDataFrame({"cvegeo": ["20001"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    write_layer(frame, tmp_path / "a.geojson")
    assert read_layer(tmp_path / "a.geojson").cvegeo.tolist() == ["20001"]


def test_unknown_crs_is_a_clear_error(inegi_three, tmp_path, zip_shapefile):
    archive = zip_shapefile(inegi_three, tmp_path, keep_prj=False)
    with pytest.raises(LayerReadError, match="CRS inválido «FOO»"):
        read_layer(archive, crs="FOO")


VRT = '<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd</SrcDataSource>' \
    "</OGRVRTLayer></OGRVRTDataSource>"


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("capa.geojson", VRT, "un VRT de GDAL"),
        ("capa.json", '{"type": "gdal_streamed_alg", "command_line": "gdal vector read x"}',
         "un algoritmo GDALG"),
        ("capa.gpkg", '{"type": "FeatureCollection", "features": []}', "GeoJSON"),
        ("capa.fgb", "cvegeo,WKT", "texto (por ejemplo CSV)"),
        ("capa.shp", VRT, "un VRT de GDAL"),
    ],
)
def test_content_of_another_format_is_refused_before_gdal_opens_it(tmp_path, name, content, found):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileFormatError, match=re.escape(f"sino {found}; el archivo no se abrió")):
        read_layer(path)


def test_flatgeobuf_and_plain_shapefile_are_read_with_their_own_driver(inegi_three, tmp_path):
    inegi_three.to_file(tmp_path / "m.fgb", driver="FlatGeobuf", engine="pyogrio")
    inegi_three.to_file(tmp_path / "m.shp", engine="pyogrio")
    assert sorted(read_layer(tmp_path / "m.fgb").cvegeo) == CODES
    assert sorted(read_layer(tmp_path / "m.shp").cvegeo) == CODES


def test_errors_name_the_file_never_its_directory(tmp_path):
    path = tmp_path / "rota.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 52 + b"GPKG" + b"\x00" * 200)
    with pytest.raises(LayerReadError) as error:
        read_layer(path)
    assert "rota.gpkg" in str(error.value) and str(tmp_path) not in str(error.value)
