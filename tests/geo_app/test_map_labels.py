"""Name labels, the subject view, the folded legend and popups clear of the controls."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
import shapely
from shapely import Polygon

from geo_app.maps import add_controls, base_map, boundaries_layer, zones_layer
from geo_app.maps.escape import popup_options
from geo_app.maps.labels import NameLabels, label_point, labels_for
from geo_app.maps.layers import version_text
from geo_app.maps.legend import Legend

LON, LAT = -96.72, 17.06
BOUNDS = (LON - 0.05, LAT - 0.05, LON + 0.05, LAT + 0.05)
SCRIPT_PAYLOAD = "</script><script>alert(1)</script>"


def square(dx: float, dy: float, size: float = 0.01) -> Polygon:
    x, y = LON + dx, LAT + dy
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


def zones(*names: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [
            {"name": name, "kind_label": "Colonia", "status": "identificada",
             "status_label": "Identificada", "url": f"/zonas/{n}", "meetings": [],
             "illustrative": False}
            for n, name in enumerate(names, start=1)
        ],
        geometry=[square(0.02 * n, 0.0, 0.01 * (n + 1)) for n in range(len(names))],
        crs=4326,
    )


def municipalities() -> gpd.GeoDataFrame:
    base = {"cvegeo": "20067", "source": "INEGI", "illustrative": False, "url": None}
    rows = [
        {**base, "municipality": "Oaxaca de Juárez", "kind": "oficial",
         "kind_label": "Marco oficial", "claimant": None},
        {**base, "municipality": "Oaxaca de Juárez", "kind": "reclamo",
         "kind_label": "Límite reclamado", "claimant": "Oaxaca de Juárez"},
        {**base, "municipality": "Santa Lucía del Camino", "kind": "oficial",
         "kind_label": "Marco oficial", "claimant": None, "cvegeo": "20390"},
    ]
    return gpd.GeoDataFrame(
        rows,
        geometry=[square(-0.04, -0.04, 0.04), square(-0.04, -0.04, 0.05), square(0.0, -0.04, 0.04)],
        crs=4326,
    )


def name_labels(layer) -> list[NameLabels]:
    return [c for c in layer._children.values() if isinstance(c, NameLabels)]


def label_texts(layer) -> list[str]:
    return [label.text for labels in name_labels(layer) for label in labels.labels]


def test_label_point_is_inside_the_widest_part():
    ring = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)]).difference(
        shapely.box(1, 1, 9, 9)
    )
    both = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 9, 9)])
    assert ring.contains(label_point(ring))
    assert shapely.box(5, 5, 9, 9).contains(label_point(both))
    assert label_point(None) is None


def test_bigger_places_win_collisions_and_blank_names_are_skipped():
    small, big = shapely.box(0, 0, 1, 1), shapely.box(5, 5, 9, 9)
    labels = labels_for([(small, "Chica"), (big, "Grande"), (big, " "), (None, "Nada")],
                        priority=1)
    assert [label.text for label in labels] == ["Grande", "Chica"]
    assert 1 <= labels[0].priority < labels[1].priority < 2


def test_zones_are_named_inside_their_shape():
    m = base_map(BOUNDS)
    layer = zones_layer(m, zones("Colonia Ejidal", "Los Sauces"))
    assert sorted(label_texts(layer)) == ["Colonia Ejidal", "Los Sauces"]
    shapes = dict(zip(zones("Colonia Ejidal", "Los Sauces")["name"],
                      zones("Colonia Ejidal", "Los Sauces").geometry, strict=True))
    for label in name_labels(layer)[0].labels:
        assert shapes[label.text].contains(shapely.Point(label.lon, label.lat))


def test_each_municipality_is_named_once_from_its_official_limit():
    m = base_map(BOUNDS)
    layer = boundaries_layer(m, municipalities())
    assert sorted(label_texts(layer)) == ["Oaxaca de Juárez", "Santa Lucía del Camino"]
    # Zones are named before municipalities when they collide.
    zone_layer = zones_layer(m, zones("Zona"))
    zone_priority = name_labels(zone_layer)[0].labels[0].priority
    assert all(label.priority > zone_priority for label in name_labels(layer)[0].labels)


def test_municipality_names_keep_clear_of_the_subject_and_inside_the_view():
    view = (LON - 0.03, LAT - 0.03, LON + 0.03, LAT + 0.03)
    subject = shapely.box(LON - 0.04, LAT - 0.04, LON - 0.015, LAT - 0.015)
    m = base_map(view)
    layer = boundaries_layer(m, municipalities(), label_within=view, label_away_from=subject)
    points = {label.text: shapely.Point(label.lon, label.lat)
              for label in name_labels(layer)[0].labels}
    assert shapely.box(*view).contains(points["Oaxaca de Juárez"])
    assert not subject.contains(points["Oaxaca de Juárez"])


def test_labels_travel_as_json_text_never_as_html():
    m = base_map(BOUNDS)
    zones_layer(m, zones(SCRIPT_PAYLOAD))
    add_controls(m)
    html = m.get_root().render()
    assert SCRIPT_PAYLOAD not in html
    assert "textContent = label[2]" in html


def test_controls_lay_out_labels_and_fit_the_subject_once():
    m = base_map(BOUNDS)
    zones_layer(m, zones("Zona"))
    add_controls(m)
    kinds = [type(c).__name__ for c in m._children.values()]
    assert kinds.count("LabelLayout") == 1 and kinds.count("SubjectView") == 1
    # The subject view comes after the legend so it can measure it.
    assert kinds.index("SubjectView") > kinds.index("Legend")
    html = m.get_root().render()
    subject = re.search(r"var bounds = (\[\[.*?\]\]);", html).group(1)
    assert json.loads(subject) == [[BOUNDS[1], BOUNDS[0]], [BOUNDS[3], BOUNDS[2]]]
    assert 'dataset.labels = "listo"' in html


@pytest.mark.parametrize("width", [900, 1200])
def test_legend_opens_only_on_wide_maps(width):
    m = base_map(BOUNDS)
    zones_layer(m, zones("Zona"))
    Legend([], open_from=width).add_to(m)
    assert f"map.getSize().x >= {width}" in m.get_root().render()


def test_default_legend_is_folded_below_900_px():
    m = base_map(BOUNDS)
    zones_layer(m, zones("Zona"))
    add_controls(m)
    assert "map.getSize().x >= 900" in m.get_root().render()


def test_popups_pan_clear_of_the_controls():
    options = popup_options()
    assert options["autoPanPaddingTopLeft"][0] >= 56  # the zoom, fullscreen, measure column
    assert options["autoPanPaddingBottomRight"][1] >= 40  # the scale bar
    m = base_map(BOUNDS)
    zones_layer(m, zones("Zona"))
    assert "autoPanPaddingTopLeft" in m.get_root().render()


@pytest.mark.parametrize(
    ("row", "text"),
    [
        ({"kind": "reclamo", "kind_label": "Límite reclamado", "claimant": "Xoxocotlán"},
         "Límite reclamado por Xoxocotlán"),
        ({"kind": "reclamo", "kind_label": "Límite reclamado", "claimant": None},
         "Límite reclamado"),
        ({"kind": "acuerdo", "kind_label": "Acuerdo entre las partes", "claimant": "X"},
         "Acuerdo entre las partes"),
    ],
)
def test_claims_say_who_claims_them(row, text):
    assert version_text(row) == text


def test_legend_names_the_claimant():
    m = base_map(BOUNDS)
    layer = boundaries_layer(m, municipalities())
    labels = [entry.label for entry in layer.legend.entries]
    assert "Límite reclamado por Oaxaca de Juárez" in labels
