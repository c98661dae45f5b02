import datetime as dt

import fiona
import geopandas as gpd
import pandas as pd
import pytest
import shapely

from boundaries.errors import InvalidParameterError
from boundaries.export_io import OutLayer, csv_text, shapefile_names, write_gpkg

FIELDS = {"nombre": "str", "fecha": "date", "n": "int", "x": "float", "ok": "bool"}


def _layer(geometry_type="Point"):
    frame = pd.DataFrame({
        "nombre": ["Atoyac", None], "fecha": [dt.date(2025, 5, 15), None], "n": [3, None],
        "x": [1.5, None], "ok": [True, None],
    }).astype(object)
    if geometry_type:
        frame = gpd.GeoDataFrame(frame, geometry=[shapely.Point(-96.7, 17.0), None], crs=4326)
    return OutLayer("capa", frame, FIELDS, geometry_type, "descripción")


@pytest.mark.parametrize("geometry_type", ["Point", None])
def test_gpkg_keeps_types_and_missing_values(tmp_path, geometry_type):
    out = write_gpkg(tmp_path / "a.gpkg", [_layer(geometry_type)])
    with fiona.open(out) as layer:
        types = layer.schema["properties"]
        assert (types["fecha"], types["ok"], types["x"]) == ("date", "bool", "float")
        first, second = list(layer)
    assert dict(first.properties) == {"nombre": "Atoyac", "fecha": "2025-05-15", "n": 3,
                                      "x": 1.5, "ok": True}
    assert all(value is None for value in second.properties.values())


def test_date_text_before_text_fields_stays_text(tmp_path):
    # fiona picks a field writer by the value's Python type: dates must be date objects.
    frame = pd.DataFrame({"fecha": ["2025-05-15"], "nombre": ["Los Sauces"]})
    write_gpkg(tmp_path / "b.gpkg", [OutLayer("t", frame, {"fecha": "date", "nombre": "str"})])
    with fiona.open(tmp_path / "b.gpkg") as layer:
        assert dict(next(iter(layer)).properties) == {"fecha": "2025-05-15",
                                                      "nombre": "Los Sauces"}


def test_csv_text_writes_iso_dates_and_si_no():
    assert csv_text(_layer(None)).splitlines() == [
        "nombre,fecha,n,x,ok", "Atoyac,2025-05-15,3,1.5,sí", ",,,,"]


def test_shapefile_names_are_unique_and_short():
    names = shapefile_names([f"campo_largo_{i}" for i in range(12)])
    assert len(set(names.values())) == 12
    assert all(len(v) <= 10 for v in names.values())


def test_unknown_field_type_is_refused():
    with pytest.raises(InvalidParameterError):
        OutLayer("t", pd.DataFrame(), {"a": "complex"})
