"""The exact cutting machinery: the plane with its way back, faces and the even–odd rule."""

import numpy as np
import pytest
import shapely
from shapely import LineString, Point, box

from boundaries.arrangement import ProjectedPlane, insert_vertices, odd_region, polygon_faces
from boundaries.crs import SURVEY_CRS


def test_the_plane_gives_every_original_vertex_back_bit_for_bit():
    rng = np.random.default_rng(7)
    lonlat = np.column_stack([rng.uniform(-96.8, -96.6, 500), rng.uniform(17.0, 17.2, 500)])
    plane = ProjectedPlane(SURVEY_CRS)
    line = plane.forward(LineString(lonlat))
    assert (shapely.get_coordinates(plane.back(line)) == lonlat).all()


def test_the_plane_reprojects_what_it_made():
    plane = ProjectedPlane(SURVEY_CRS)
    line = plane.forward(LineString([(-96.75, 17.08), (-96.74, 17.09)]))
    back = plane.back(line.interpolate(0.5, normalized=True))
    assert (back.x, back.y) == pytest.approx((-96.745, 17.085), abs=1e-6)


def test_inserted_vertices_keep_the_shape():
    square = box(0, 0, 10, 10).difference(box(4, 4, 6, 6))
    points = [Point(10, 3), Point(5, 4), Point(0, 0), Point(50, 50)]
    result = insert_vertices(square, points, 1e-9)
    assert result.equals(square)
    coords = {tuple(c) for c in shapely.get_coordinates(result)}
    assert {(10.0, 3.0), (5.0, 4.0)} <= coords and (50.0, 50.0) not in coords
    assert len(shapely.get_coordinates(result)) == len(shapely.get_coordinates(square)) + 2


def test_faces_in_a_hole_belong_to_nobody():
    ring = box(0, 0, 10, 10).difference(box(4, 4, 6, 6))
    faces, owner = polygon_faces([ring, box(10, 0, 20, 10)], [LineString([(0, 5), (20, 5)])])
    assert sorted(owner.tolist()) == [0, 0, 1, 1]
    assert shapely.union_all(faces).area == pytest.approx(196)


@pytest.mark.parametrize(("lines", "area"), [
    # A square loop.
    ([LineString([(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)])], 16),
    # A line crossing a straight stretch twice: three lens-shaped faces, all inside.
    ([LineString([(0, 0), (6, 0)]), LineString([(0, 0), (2, 1), (4, -1), (6, 0)])], 3),
    # A loop around a loop sharing no edge: the inner square is outside again.
    ([LineString([(0, 0), (6, 0), (6, 6), (0, 6), (0, 0)]),
      LineString([(2, 2), (4, 2), (4, 4), (2, 4), (2, 2)])], 32),
    # Nothing closed, nothing inside.
    ([LineString([(0, 0), (1, 1)])], 0),
])
def test_the_even_odd_inside(lines, area):
    assert odd_region(lines).area == pytest.approx(area)


def test_a_face_walled_by_other_faces_is_outside_when_crossed_twice():
    # A five-pointed star drawn in one stroke: its centre lies behind two crossings (winding
    # number 2), so only the five points are inside.
    angles = np.radians(90 + 144 * np.arange(5))
    points = np.column_stack([np.cos(angles), np.sin(angles)])
    star = LineString([*points, points[0]])
    region = odd_region([star])
    assert not region.contains(Point(0, 0))
    assert region.contains(Point(0, 0.8))
    assert len(shapely.get_parts(region)) == 5
    assert region.area == pytest.approx(shapely.Polygon(star.coords).buffer(0).area
                                        - odd_centre_area(star), rel=1e-9)


def odd_centre_area(star: LineString) -> float:
    """The area of the star's inner pentagon, from the crossings of its strokes."""
    strokes = [LineString(star.coords[i:i + 2]) for i in range(5)]
    crossings = [strokes[i].intersection(strokes[(i + 2) % 5]) for i in range(5)]
    return shapely.convex_hull(shapely.MultiPoint(crossings)).area
