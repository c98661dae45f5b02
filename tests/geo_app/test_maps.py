"""Map builders, escaping of user text, asset localization and display simplification."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from branca.element import Element
from folium.elements import JSCSSMixin
from limites_testing import demo_app, signed_in_client
from shapely import LineString, Point, Polygon

from boundaries.errors import CRSMismatchError
from cases.storage.statuses import (
    AgreementStatus,
    BoundaryKind,
    CaseStatus,
    FindingCategory,
    ZoneStatus,
)
from geo_app.errors import UnknownAssetError
from geo_app.maps import (
    POPUP_CLASS,
    MapLayer,
    add_controls,
    base_map,
    boundaries_layer,
    external_references,
    findings_layer,
    for_display,
    localize,
    popup_html,
    river_layer,
    routes_layer,
    safe_url,
    sites_layer,
    zones_layer,
)
from geo_app.maps.escape import script_json
from geo_app.maps.legend import IllustrativeNotice, Legend
from geo_app.maps.markers import CompactMarkers
from geo_app.maps.styles import (
    BOUNDARY_FALLBACK,
    BOUNDARY_STYLES,
    FINDING_MARKERS,
)
from geo_app.theme import STATUS_COLOURS, ZONE_STATUS_COLOURS, theme_css

# Tiny shapes around the centre of Oaxaca de Juárez.
LON, LAT = -96.72, 17.06
BOUNDS = (LON - 0.05, LAT - 0.05, LON + 0.05, LAT + 0.05)
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
SCRIPT_PAYLOAD = "</script><script>alert(1)</script>"
RAW_PAYLOADS = [IMG_PAYLOAD, SCRIPT_PAYLOAD, "<!--", "\u2028"]
JS_PAYLOAD = "`${alert(1)}` \\` '\" \n"


def square(dx: float, dy: float, size: float = 0.01) -> Polygon:
    x, y = LON + dx, LAT + dy
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


def frame(rows: list[dict], geometries: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geometries, crs=4326)


def boundaries(name: str = "Oaxaca de Juárez", illustrative: bool = False) -> gpd.GeoDataFrame:
    base = {"cvegeo": "20067", "source": "INEGI", "url": "/limites/1"}
    return frame(
        [
            {
                **base,
                "municipality": name,
                "kind": "oficial",
                "kind_label": "Límite oficial",
                "claimant": None,
                "illustrative": False,
            },
            {
                **base,
                "municipality": name,
                "kind": "reclamo",
                "kind_label": "Reclamo",
                "claimant": name,
                "illustrative": illustrative,
            },
            {
                **base,
                "municipality": "Santa Lucía del Camino",
                "kind": "reclamo",
                "kind_label": "Reclamo",
                "claimant": "Santa Lucía del Camino",
                "illustrative": False,
            },
            {
                **base,
                "municipality": name,
                "kind": "acuerdo",
                "kind_label": "Acuerdo",
                "claimant": None,
                "illustrative": False,
            },
            {
                **base,
                "municipality": name,
                "kind": "resolucion",
                "kind_label": "Resolución",
                "claimant": None,
                "illustrative": False,
            },
        ],
        [
            square(-0.03, -0.03, 0.06),
            square(-0.025, -0.03, 0.055),
            square(0.0, -0.02, 0.04),
            LineString([(LON + 0.01, LAT - 0.03), (LON + 0.012, LAT + 0.03)]),
            LineString([(LON + 0.02, LAT - 0.03), (LON + 0.021, LAT + 0.03)]),
        ],
    )


def zones(name: str = "Zona Norte", illustrative: bool = False) -> gpd.GeoDataFrame:
    return frame(
        [
            {
                "name": name,
                "kind_label": "Límite",
                "status": "identificada",
                "status_label": "Identificada",
                "url": "/zonas/1",
                "meetings": [{"label": f"Reunión sobre {name}", "url": "/reuniones/7"}],
                "illustrative": illustrative,
            },
            {
                "name": "Zona Sur",
                "kind_label": "Servicios",
                "status": "acordada",
                "status_label": "Acordada",
                "url": "/zonas/2",
                "meetings": [],
                "illustrative": False,
            },
        ],
        [square(0.0, 0.0), square(-0.02, -0.02)],
    )


def river(name: str = "Río Atoyac") -> gpd.GeoDataFrame:
    return frame([{"name": name}], [LineString([(LON - 0.04, LAT + 0.04), (LON, LAT - 0.04)])])


def routes(title: str = "Recorrido 1") -> gpd.GeoDataFrame:
    return frame(
        [{"title": title, "date_label": "3 de marzo de 2025", "url": "/inspecciones/1"}],
        [LineString([(LON - 0.02, LAT - 0.02), (LON + 0.02, LAT + 0.01)])],
    )


CATEGORIES = [
    "contaminacion_agua",
    "residuos_solidos",
    "relleno_escombro",
    "estacionamiento_irregular",
    "otro",
]


def findings(description: str = "Descarga al río") -> gpd.GeoDataFrame:
    return frame(
        [
            {
                "category": category,
                "category_label": category.replace("_", " ").capitalize(),
                "description": description,
                "inspection": "Recorrido 1",
                "url": f"/hallazgos/{index}",
            }
            for index, category in enumerate(CATEGORIES)
        ],
        [Point(LON + 0.005 * index, LAT) for index in range(len(CATEGORIES))],
    )


def sites(name: str = "Palacio municipal") -> gpd.GeoDataFrame:
    return frame(
        [
            {
                "name": name,
                "url": "/sedes/1",
                "meetings": [
                    {"label": "Reunión 1", "url": "/reuniones/1"},
                    {"label": "Reunión 2", "url": "/reuniones/2"},
                ],
            }
        ],
        [Point(LON, LAT)],
    )


def full_map(text: str | None = None, illustrative: bool = False) -> folium.Map:
    """A map with every layer and control; ``text`` replaces each user-entered name."""
    m = base_map(BOUNDS)
    boundaries_layer(m, boundaries(text or "Oaxaca de Juárez", illustrative))
    zones_layer(m, zones(text or "Zona Norte", illustrative))
    river_layer(m, river(text or "Río Atoyac"))
    routes_layer(m, routes(text or "Recorrido 1"))
    findings_layer(m, findings(text or "Descarga al río"))
    sites_layer(m, sites(text or "Palacio municipal"))
    add_controls(m)
    return m


def walk(element: Element):
    yield element
    for child in element._children.values():
        yield from walk(child)


def render(m: folium.Map) -> str:
    return m.get_root().render()


# --- builders -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "data", "name", "legend_labels"),
    [
        (
            boundaries_layer,
            boundaries,
            "Límites municipales",
            [
                "Límite oficial",
                "Reclamo por Oaxaca de Juárez",
                "Reclamo por Santa Lucía del Camino",
                "Acuerdo",
                "Resolución",
            ],
        ),
        (zones_layer, zones, "Zonas en disputa", ["Identificada", "Acordada"]),
        (river_layer, river, "Ríos", ["Río Atoyac"]),
        (routes_layer, routes, "Recorridos de inspección", ["Recorrido"]),
        (
            findings_layer,
            findings,
            "Hallazgos",
            [c.replace("_", " ").capitalize() for c in CATEGORIES],
        ),
        (sites_layer, sites, "Sedes de reuniones", ["Sede de reunión"]),
    ],
)
def test_builder_adds_one_named_layer_with_legend(builder, data, name, legend_labels):
    m = base_map(BOUNDS)
    layer = builder(m, data())
    assert isinstance(layer, MapLayer)
    assert layer.layer_name == name
    assert layer._parent is m
    assert [entry.label for entry in layer.legend.entries] == legend_labels
    html = render(m)
    assert POPUP_CLASS in html


def test_boundary_kinds_have_distinct_colour_and_dash():
    m = base_map(BOUNDS)
    layer = boundaries_layer(m, boundaries())
    (geojson,) = [c for c in layer._children.values() if isinstance(c, folium.GeoJson)]
    styles = [f["properties"]["style"] for f in geojson.data["features"]]
    official = styles[0]
    assert official["color"] == "#333333" and "dashArray" not in official
    pairs = {(s["color"], s.get("dashArray")) for s in styles}
    assert len(pairs) == len(styles)  # two claimants, two colours; every kind its own style
    assert len({s.get("dashArray") for s in styles}) == 4  # solid, claim, agreement, ruling


def test_unknown_kind_is_drawn_in_the_fallback_style_and_columns_are_required():
    data = boundaries()
    data.loc[0, "kind"] = "inventado"
    m = base_map(BOUNDS)
    boundaries_layer(m, data)
    html = render(m)
    assert BOUNDARY_FALLBACK.colour in html
    with pytest.raises(ValueError, match="claimant"):
        boundaries_layer(base_map(BOUNDS), boundaries().drop(columns="claimant"))


@pytest.mark.parametrize(
    ("table", "enum"),
    [
        (BOUNDARY_STYLES, BoundaryKind),
        (ZONE_STATUS_COLOURS, ZoneStatus),
        (FINDING_MARKERS, FindingCategory),
        (STATUS_COLOURS, ZoneStatus),
        (STATUS_COLOURS, CaseStatus),
        (STATUS_COLOURS, AgreementStatus),
    ],
)
def test_every_enum_value_has_a_style(table, enum):
    assert set(enum) <= set(table)


def test_badge_css_matches_the_map_colour_of_each_zone_status():
    css = theme_css()
    for status, colour in ZONE_STATUS_COLOURS.items():
        assert f".status-{status.value} {{ background: {colour}; }}" in css


def test_builders_require_storage_crs():
    with pytest.raises(CRSMismatchError):
        zones_layer(base_map(BOUNDS), zones().to_crs(6372))


def test_zone_popup_links_zone_and_meetings():
    m = base_map(BOUNDS)
    layer = zones_layer(m, zones())
    (geojson,) = [c for c in layer._children.values() if isinstance(c, folium.GeoJson)]
    popup = geojson.data["features"][0]["properties"]["popup"]
    assert '<a href="/zonas/1" target="_top">Ver zona</a>' in popup
    assert '<a href="/reuniones/7" target="_top">Reunión sobre Zona Norte</a>' in popup
    assert "Identificada" in popup


def test_findings_are_clustered_with_one_icon_per_category():
    m = base_map(BOUNDS)
    findings_layer(m, findings())
    clusters = [e for e in walk(m) if isinstance(e, folium.plugins.MarkerCluster)]
    assert len(clusters) == 1
    (markers,) = [e for e in walk(m) if isinstance(e, CompactMarkers)]
    icons = list(markers.icons.values())
    assert len(icons) == len(CATEGORIES)
    assert all(icon["prefix"] == "fa" for icon in icons)
    assert len({(i["icon"], i["markerColor"]) for i in icons}) == len(CATEGORIES)


def test_site_popup_lists_its_meetings():
    m = base_map(BOUNDS)
    sites_layer(m, sites())
    html = render(m)
    for index in (1, 2):
        assert (
            f'\\u003ca href=\\"/reuniones/{index}\\" target=\\"_top\\"\\u003eReunión {index}'
            in html
        )


def test_base_map_without_tiles_has_no_tile_layer():
    m = base_map(BOUNDS, tiles=None)
    assert not [e for e in walk(m) if isinstance(e, folium.TileLayer)]
    assert "L.tileLayer" not in render(m)


def test_base_map_with_tiles_needs_attribution():
    tiles = "/teselas/{z}/{x}/{y}.png"
    with pytest.raises(ValueError, match="atribución"):
        base_map(BOUNDS, tiles=tiles)
    m = base_map(BOUNDS, tiles=tiles, attribution="© INEGI")
    (layer,) = [e for e in walk(m) if isinstance(e, folium.TileLayer)]
    assert layer.tiles == tiles


def test_add_controls_in_spanish():
    html = render(full_map())
    for name in [
        "Límites municipales",
        "Zonas en disputa",
        "Ríos",
        "Recorridos de inspección",
        "Hallazgos",
        "Sedes de reuniones",
    ]:
        assert json.dumps(name) in html  # layer control entry
    assert '"title": "Pantalla completa"' in html
    # Our measuring tool, in metres, kilometres and hectares, and no eval (CSP).
    assert "new L.Control.LimitesMeasure(" in html and '"Medir distancia"' in html
    assert '" ha ("' in html and '" km"' in html and '" m"' in html
    assert "new Function" not in html and "leaflet-measure" not in html
    assert "L.control.scale" in html and '"imperial": false' in html
    assert "L.control.layers" in html


@pytest.mark.parametrize("illustrative", [False, True])
def test_illustrative_notice_only_when_a_row_is_illustrative(illustrative):
    m = full_map(illustrative=illustrative)
    notices = [e for e in walk(m) if isinstance(e, IllustrativeNotice)]
    assert len(notices) == int(illustrative)
    html = render(m)
    notice = script_json("Geometría ilustrativa — no es un límite oficial")
    assert (notice in html) is illustrative


def test_legend_lists_every_layer():
    m = full_map()
    (legend,) = [e for e in walk(m) if isinstance(e, Legend)]
    for title in ["Límites municipales", "Zonas en disputa", "Hallazgos"]:
        assert title in json.loads(legend.html_json)


# --- escaping -----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [IMG_PAYLOAD, SCRIPT_PAYLOAD, "<!-- x", "a\u2028b\u2029c"])
def test_user_text_never_reaches_the_page_raw(payload):
    html = render(full_map(payload))
    for raw in RAW_PAYLOADS:
        assert raw not in html
    benign = render(full_map())
    assert html.count("<script") == benign.count("<script")
    assert html.count("</script>") == benign.count("</script>")


@pytest.mark.parametrize("payload", [IMG_PAYLOAD, SCRIPT_PAYLOAD])
def test_popup_shows_the_text_literally(payload):
    m = base_map(BOUNDS)
    layer = zones_layer(m, zones(payload))
    (geojson,) = [c for c in layer._children.values() if isinstance(c, folium.GeoJson)]
    properties = geojson.data["features"][0]["properties"]
    escaped = payload.replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in properties["popup"]
    assert escaped in properties["tooltip"]
    assert payload not in properties["popup"]


def test_no_user_text_goes_through_folium_popup_or_tooltip():
    """folium.Popup/Tooltip splice HTML into JS template literals unescaped."""
    m = full_map(JS_PAYLOAD)
    kinds = {type(e) for e in walk(m)}
    assert folium.Popup not in kinds
    assert folium.Tooltip not in kinds
    html = render(m)
    assert "`" not in render(full_map())
    # Every backtick is inside a JSON string literal, never a template literal.
    for script in re.findall(r"<script>(.*?)</script>", html, re.S):
        for line in script.splitlines():
            if "`" in line:
                assert re.search(r'"[^"]*`[^"]*"', line), line


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
        "/\\evil.example/x",
        "zonas/1",
        "",
        None,
        12,
    ],
)
def test_safe_url_refuses(url):
    assert safe_url(url) is None
    html = str(popup_html("x", link=("Ver", url), items=[{"label": "r", "url": url}]))
    assert "href" not in html


@pytest.mark.parametrize("url", ["/zonas/1", "/zonas/1?a=1&b=2#x", "https://www.inegi.org.mx/"])
def test_safe_url_accepts_app_and_http_urls(url):
    assert safe_url(url) == url


def test_popup_escapes_attribute_context():
    html = str(popup_html("x", link=("Ver", '/zonas/1"onmouseover="alert(1)')))
    assert 'href="/zonas/1&#34;onmouseover=&#34;alert(1)"' in html


def test_script_json_cannot_close_a_script():
    text = script_json({"a": "</script><!--\u2028\u2029&'"})
    assert not set("<>&'\u2028\u2029") & set(text)
    assert json.loads(text) == {"a": "</script><!--\u2028\u2029&'"}


# --- assets -------------------------------------------------------------------------------


def test_localize_leaves_no_external_reference():
    m = full_map(illustrative=True)
    assert external_references(render(m))  # folium's defaults point at CDNs
    localize(m, lambda path: "/vendor/" + path)
    html = render(m)
    assert external_references(html) == []
    assert '<script src="/vendor/leaflet/dist/leaflet.js"></script>' in html


def test_localize_is_idempotent_and_keeps_folium_class_defaults():
    m = full_map()
    localize(m, lambda path: "/vendor/" + path)
    localize(m, lambda path: "/vendor/" + path)
    assert external_references(render(m)) == []
    assert folium.Map.default_js[0][1].startswith("https://")


def test_localize_refuses_unknown_cdn_url():
    class Plugin(JSCSSMixin):
        default_js = [("nuevo", "https://unpkg.com/leaflet-nuevo@1.0.0/nuevo.js")]

    m = base_map(BOUNDS)
    m.add_child(Plugin())
    with pytest.raises(UnknownAssetError, match="leaflet-nuevo"):
        localize(m, lambda path: "/vendor/" + path)


def test_external_references_finds_scripts_links_and_css_urls():
    html = """
    <script src="https://a.example/a.js"></script><script src="/vendor/b.js"></script>
    <link rel="stylesheet" href="//b.example/b.css"/><link rel="icon" href="/favicon.ico">
    <style>@font-face { src: url('https://c.example/f.woff2') } .x { background: url(i.png) }
    @import "http://d.example/d.css";</style>
    <div style="background-image: url(&quot;https://e.example/e.png&quot;)"></div>
    <script>var s = "<script src='https://not.parsed/inside.js'>";</script>
    """
    assert external_references(html) == [
        "https://a.example/a.js",
        "//b.example/b.css",
        "https://c.example/f.woff2",
        "http://d.example/d.css",
        "https://e.example/e.png",
    ]


# --- display ------------------------------------------------------------------------------


def test_for_display_reduces_vertices_and_keeps_rows():
    circle = shapely.buffer(Point(LON, LAT), 0.01, quad_segs=256)
    wiggly = LineString([(LON + i * 1e-5, LAT + (i % 2) * 1e-7) for i in range(500)])
    data = frame(
        [{"name": "a"}, {"name": "b"}, {"name": "c"}],
        [circle, wiggly, Point(LON + 0.1234567891, LAT)],
    )
    data.index = [10, 20, 30]
    out = for_display(data, tolerance_m=5)
    assert list(out.index) == [10, 20, 30]
    assert list(out["name"]) == ["a", "b", "c"]
    assert out.crs.to_epsg() == 4326
    before = shapely.get_num_coordinates(data.geometry.values)
    after = shapely.get_num_coordinates(out.geometry.values)
    assert (after[:2] < before[:2] / 4).all()
    assert out.geometry.is_valid.all()
    coords = shapely.get_coordinates(out.geometry.values)
    np.testing.assert_array_equal(coords, np.round(coords, 6))
    assert out.geometry.iloc[2].x == pytest.approx(LON + 0.123457, abs=1e-9)
    assert data.geometry.iloc[0].equals(circle)  # input untouched


def test_for_display_keeps_close_polygon_within_tolerance():
    circle = shapely.buffer(Point(LON, LAT), 0.01, quad_segs=256)
    out = for_display(frame([{}], [circle]), tolerance_m=2)
    assert out.geometry.iloc[0].symmetric_difference(circle).area / circle.area < 0.01


@pytest.mark.parametrize(
    ("text", "if_run"),
    [("{{ 'inyec' ~ 'tado' }}", "inyectado"), ("{% for x in 'ab' %}{{ x ~ 'zq' }}{% endfor %}",
                                              "azqbzq")],
)
def test_template_syntax_in_user_text_is_never_run(text, if_run):
    # branca compiles each rendered map script as a Jinja template: user text must be inert.
    assert if_run not in render(full_map(text))


@pytest.mark.parametrize("setting", ["none", "NONE", " ", ""])
def test_no_base_map_reaches_every_form_and_script_as_empty(tmp_path, setting):
    app = demo_app(tmp_path, TILES=setting)
    assert app.config["TILES"] == ""
    client = signed_in_client(app, "editora")
    for path in ("/editar/zona/nuevo", "/campo/", "/mapa/"):
        html = client.get(path).get_data(as_text=True)
        assert "openstreetmap" not in html.lower() and 'data-tiles="none"' not in html
