"""Facts written once: each is assigned in one module and read everywhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("boundaries", "cases", "geo_app")


def _assignments(name_part: str) -> list[str]:
    """Where a module-level or class-level name containing ``name_part`` is assigned."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                targets = (node.targets if isinstance(node, ast.Assign)
                           else [node.target] if isinstance(node, ast.AnnAssign) else [])
                for target in targets:
                    if isinstance(target, ast.Name) and name_part in target.id:
                        found.append(f"{path.relative_to(ROOT)}:{target.id}")
    return found


@pytest.mark.parametrize(("name_part", "home"), [
    ("SHARED_DISTANCE", ["boundaries/assign.py:SHARED_DISTANCE_M"]),
])
def test_a_rule_is_named_in_one_module(name_part, home):
    assert _assignments(name_part) == home


_GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".shp", ".fgb", ".gpx", ".kml", ".kmz"}
# The tables of accepted suffixes: the readers' own (io) and the one list exported from them.
_SUFFIX_HOMES = {"boundaries/io.py", "boundaries/formats.py"}


def _suffix_tables(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = (node.keys if isinstance(node, ast.Dict)
                 else node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [])
        named = {item.value for item in items
                 if isinstance(item, ast.Constant) and item.value in _GEO_SUFFIXES}
        if len(named) >= 2:
            lines.append(node.lineno)
    return lines


def test_accepted_file_suffixes_are_listed_only_in_boundaries_formats():
    tables = {
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in _SUFFIX_HOMES
        for line in _suffix_tables(path)
    }
    assert tables == set()


def test_templates_take_accepted_suffixes_from_boundaries_formats():
    written = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "geo_app" / "templates").rglob("*.html"))
        if any(f'{s},' in path.read_text(encoding="utf-8") for s in (".gpx", ".geojson", ".kmz"))
    ]
    assert written == []
