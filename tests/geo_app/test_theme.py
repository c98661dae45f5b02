"""Every colour a page, map, script, figure, PDF or DOCX uses comes from ``geo_app/theme.py``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from geo_app import theme
from geo_app.maps.styles import BOUNDARY_STYLES, FINDING_MARKERS, ROUTE_STYLE, SITE_MARKER

GEO_APP = Path(__file__).resolve().parents[2] / "geo_app"
STATIC = GEO_APP / "static"
TEMPLATES = GEO_APP / "templates"

# White and black need no theme entry: paper, the halo behind map labels, the outline of
# markers, the text on a badge and the signature line are white or black whatever the brand.
ALLOWED = {"#fff", "#ffffff", "#000", "#000000", "white", "black"}
# Translucent white or black (a legend's background over the map, a navbar link).
ALLOWED_FUNCTIONS = re.compile(r"rgba\(\s*(255\s*,\s*255\s*,\s*255|0\s*,\s*0\s*,\s*0)\s*,")

HEX = re.compile(r"(?<![&\w])#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![0-9a-zA-Z_-])")
FUNCTION = re.compile(r"\b(?:rgba?|hsla?)\([^)]*\)")
# Named CSS colours given to a colour property (CSS, Leaflet options, matplotlib keywords).
NAMED = re.compile(
    r"""["']?\b(?:colou?r|background(?:-color)?|fill(?:Color)?|stroke|border(?:-[a-z]+)?|"""
    r"""facecolor|edgecolors?|markeredgecolor|markerfacecolor|fc|ec)["']?\s*[=:]\s*["']?"""
    r"""(red|green|blue|yellow|orange|purple|pink|gr[ae]y|brown|navy|maroon|olive|teal|"""
    r"""silver|lime|aqua|fuchsia|darkred|darkgreen|darkblue|cadetblue|crimson|gold|"""
    r"""tomato|salmon|coral|khaki|violet|indigo|magenta|cyan)\b"""
)


def _python_strings(path: Path) -> list[str]:
    """The string constants of a module that are not docstrings (examples may show colours)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def colour_literals(text: str, named: bool = True) -> list[str]:
    """The colours written in ``text`` that are not white or black.

    >>> colour_literals('a { color: gray; background: #fff; border: 1px solid #5b1f3a; }')
    ['#5b1f3a', 'gray']
    >>> colour_literals('color: var(--brand); x = "&#123;"; y = rgba(255,255,255,.9)')
    []
    """
    found = [m.group(0) for m in HEX.finditer(text)]
    found += [m.group(0) for m in FUNCTION.finditer(text)
              if not ALLOWED_FUNCTIONS.match(m.group(0))]
    if named:
        found += [m.group(1) for m in NAMED.finditer(text)]
    return [c for c in found if c.lower() not in ALLOWED]


def _front_end_files() -> list[Path]:
    return sorted(
        [*STATIC.rglob("*.css"), *STATIC.rglob("*.js"), *TEMPLATES.rglob("*.html")]
    )


def _python_files() -> list[Path]:
    return sorted(p for p in GEO_APP.rglob("*.py") if p != GEO_APP / "theme.py")


@pytest.mark.parametrize("path", _front_end_files(), ids=lambda p: str(p.relative_to(GEO_APP)))
def test_stylesheets_scripts_and_templates_write_no_colour(path):
    assert colour_literals(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(GEO_APP)))
def test_python_modules_write_no_colour(path):
    assert python_colours(path) == []


def python_colours(path: Path) -> list[str]:
    """Colours in a module's strings (docstrings aside), as ``color="gray"`` or as DOCX bytes."""
    source = path.read_text(encoding="utf-8")
    found = [c for s in _python_strings(path) for c in colour_literals(s, named=False)]
    found += [m.group(1) for m in NAMED.finditer(source) if m.group(1) not in ALLOWED]
    # python-docx colours written as bytes: RGBColor(0x5B, 0x1F, 0x3A).
    found += re.findall(r"RGBColor\(\s*0x", source)
    return found


def test_the_scan_sees_every_kind_of_colour(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        '"""Doc: #123456 is fine here."""\n'
        'a = "#c2185b"\nb = {"fc": "gray"}\nc = "rgb(1, 2, 3)"\n',
        encoding="utf-8",
    )
    assert python_colours(module) == ["#c2185b", "rgb(1, 2, 3)", "gray"]


def _used_variables() -> set[str]:
    used = set()
    for path in _front_end_files():
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"var\(--([\w-]+)\)", text))
        used |= set(re.findall(r"themeColour\(\"([\w-]+)\"\)", text))
        used |= set(re.findall(r"getPropertyValue\(\"--([\w-]+)\"\)", text))
    return {name for name in used if not name.startswith("bs-")}


def test_every_css_variable_used_is_declared_by_the_theme():
    assert _used_variables()
    assert _used_variables() <= set(theme.CSS_COLOURS)
    for name, colour in theme.CSS_COLOURS.items():
        assert f"--{name}: {colour};" in theme.root_css()


def test_every_print_colour_a_template_names_exists():
    names = set()
    for path in TEMPLATES.rglob("*.html"):
        names |= set(re.findall(r"theme\.Print\.(\w+)", path.read_text(encoding="utf-8")))
    assert names
    assert {name for name in names if not hasattr(theme.Print, name)} == set()


def test_routes_are_drawn_in_one_colour_everywhere():
    assert ROUTE_STYLE.colour == theme.ROUTE == theme.CSS_COLOURS["route"]
    # The phone's track and the drawing tool of the route form read the same variable.
    for script in ("field/capture.js", "geometry_editor.js"):
        assert 'themeColour("route")' in (STATIC / script).read_text(encoding="utf-8")


def test_map_styles_take_their_colours_from_the_theme():
    assert {k: s.colour for k, s in BOUNDARY_STYLES.items()} == theme.BOUNDARY_COLOURS
    assert {k: (m.colour, m.swatch) for k, m in FINDING_MARKERS.items()} == theme.FINDING_COLOURS
    assert (SITE_MARKER.colour, SITE_MARKER.swatch) == theme.SITE_MARKER_COLOUR


@pytest.mark.parametrize("path", ["/mapa/", "/campo/"])
def test_pages_declare_the_theme_colours(client, path):
    page = client.get(path).get_data(as_text=True)
    assert f"--brand: {theme.BRAND};" in page
    assert f"--route: {theme.ROUTE};" in page


def test_the_docx_brand_colour_is_the_theme_brand():
    from geo_app.reports.docx import GUINDA

    assert f"#{GUINDA}".lower() == theme.BRAND


def test_the_favicon_is_drawn_in_the_brand_colour():
    # A static file (the phone caches it offline by its URL), so it is checked, not generated.
    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8")
    assert set(HEX.findall(svg)) - ALLOWED == {theme.BRAND}
