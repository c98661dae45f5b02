import zipfile

import geopandas as gpd
import pytest
from shapely import box

from boundaries.errors import LayerReadError, MissingCRSError
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
