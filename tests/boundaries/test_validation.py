import geopandas as gpd
import pytest
from shapely import LineString, MultiPolygon, Point, Polygon, box

from boundaries.validation import (
    EmptyLayerError,
    GeometryTypeError,
    repair_polygons,
    require_polygons,
    to_multipolygon,
)

BOWTIE = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])


@pytest.mark.parametrize(
    ("geometries", "error", "message"),
    [
        ([LineString([(0, 0), (1, 1)])], GeometryTypeError, "líneas"),
        ([Point(0, 0)], GeometryTypeError, "puntos"),
        ([], EmptyLayerError, "no tiene elementos"),
        ([Polygon()], EmptyLayerError, "solo tiene geometrías vacías"),
        ([box(0, 0, 1, 1), None], EmptyLayerError, "1 elementos sin geometría"),
    ],
)
def test_require_polygons_refuses(geometries, error, message):
    with pytest.raises(error, match=message):
        require_polygons(gpd.GeoDataFrame(geometry=geometries))


def test_repairs_are_reported_and_valid_features_untouched():
    frame = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), BOWTIE], crs=4326)
    fixed, repairs = repair_polygons(frame, ["A", "B"])
    assert [(r.position, r.code) for r in repairs] == [(1, "B")]
    assert "Self-intersection" in repairs[0].reason
    assert fixed.geometry.is_valid.all()
    assert (fixed.geom_type == "MultiPolygon").all()
    assert fixed.geometry[0].equals(box(0, 0, 1, 1))
    assert fixed.crs == frame.crs


def test_to_multipolygon_keeps_only_areas():
    collection = box(0, 0, 1, 1).union(LineString([(2, 2), (3, 3)]))
    result = to_multipolygon(collection)
    assert isinstance(result, MultiPolygon) and result.area == 1
