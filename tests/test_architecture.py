"""Imports flow one way: geo_app → cases → boundaries; inside each, folders import as drawn here.

The drawings below are the allowed graph. A new import that crosses them fails here: move the
shared piece down (to ``cases/storage``, ``cases/records`` core modules, or a shared module of
``geo_app``), or, if the new edge is right, add it to the drawing in the same commit.
"""

from __future__ import annotations

import ast
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("boundaries", "cases", "geo_app")
FORBIDDEN = {
    "boundaries": {"flask", "sqlalchemy", "alembic", "cases", "geo_app", "folium"},
    "cases": {"flask", "geo_app", "folium"},
}
# What shipped code must never import: the tests and their helpers.
TEST_MODULES = {"tests", "limites_testing", "limites_testing_field", "pytest", "conftest"}

# cases/: each folder and the other folders it may import. Lower folders never import higher
# ones; `demo` builds the demo through every use case.
CASES_DRAWING: dict[str, set[str]] = {
    "errors": set(),
    "storage": {"errors"},
    "frames": {"errors", "storage"},
    "reporting": {"errors", "storage", "frames"},
    "records": {"errors", "storage", "frames", "reporting"},
    "fieldwork": {"errors", "storage", "frames", "records"},
    "sharing": {"errors", "storage", "fieldwork"},
    "access": {"errors", "storage", "sharing"},
    "proposals": {"errors", "storage", "frames", "records"},
    "demo": {"errors", "storage", "frames", "reporting", "records", "fieldwork", "sharing",
             "access"},
}
# What a record is, its audit log, its versions and the rules for typed text: every folder
# above storage may use them, and they use only storage and errors.
RECORDS_CORE = {
    "cases.records.agreements",
    "cases.records.audit",
    "cases.records.lifecycle",
    "cases.records.record_types",
    "cases.records.text",
}

# geo_app/: feature folders (routes, page models, forms of one feature) and the other
# features' modules each may import. Never another feature's routes (see ROUTES_SHARED).
GEO_APP_FEATURES: dict[str, set[str]] = {
    "account": set(),
    "admin": {"account"},
    "analysis": {"account", "records"},  # the records' page models and map layers
    "cli": {"analysis", "exports", "reports"},  # the writers behind the commands
    "editing": {"account"},
    "exports": {"records"},  # the map layers of the offline HTML map
    "fieldwork": {"account"},
    "indicators": {"account", "reports"},  # the report's indicator table
    "records": set(),
    "reports": set(),
    "sharing": {"account", "exports"},  # a share link downloads the exports
    # the records' map layers; KML colours of the exports
    "proposals": {"account", "records", "exports"},
    "search": set(),
    "calendar": {"account"},
}
# Shared modules of geo_app (everything not a feature) import features only as drawn.
GEO_APP_SHARED: dict[str, set[str]] = {"map_cache": {"records"}}
# The app's wiring: it registers every blueprint.
GEO_APP_WIRING = {"geo_app", "geo_app.web"}
# Route modules other features may import: the sign-in helpers (acting_user, public).
ROUTES_SHARED = {"geo_app.account.auth"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _imports(path: Path) -> set[str]:
    """Top-level names of everything ``path`` imports (the old check, kept)."""
    return {name.split(".")[0] for name in _imported(path)}


@cache
def _imported(path: Path) -> frozenset[str]:
    """The modules ``path`` imports, resolved to the project's modules where they are ones."""
    modules = _modules()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(filter(None, [*anchor, base]))
            for alias in node.names:
                child = f"{base}.{alias.name}"
                names.add(child if child in modules else base)
    return frozenset(names)


def _edges(package: str):
    """(importer, imported) for every import between two modules of ``package``."""
    for module, path in _modules().items():
        if module.split(".")[0] != package:
            continue
        for target in _imported(path):
            if target.split(".")[0] == package:
                yield module, target


def _folder(module: str) -> str:
    """``cases.records.audit`` → ``records``; ``geo_app.web`` → ``web``; a package → ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _declares_routes(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint"
        for node in ast.walk(tree)
    )


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upwards(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_drawings_name_every_folder():
    on_disk = {
        package: {
            path.stem if path.is_file() else path.name
            for path in (ROOT / package).iterdir()
            if (path.is_dir() and (path / "__init__.py").exists())
            or (path.suffix == ".py" and path.stem != "__init__")
        }
        for package in ("cases", "geo_app")
    }
    assert on_disk["cases"] == set(CASES_DRAWING)
    features = {name for name in on_disk["geo_app"] if (ROOT / "geo_app" / name).is_dir()}
    assert features - {"maps", "figures"} == set(GEO_APP_FEATURES)


def test_the_cases_drawing_has_no_cycle():
    try:
        order = list(TopologicalSorter(CASES_DRAWING).static_order())
    except CycleError as error:  # pragma: no cover - the message is the point
        pytest.fail(f"the cases/ drawing has a cycle: {error.args[1]}")
    assert order[:2] == ["errors", "storage"]


def test_cases_folders_import_only_what_the_drawing_allows():
    offenders = []
    for module, target in _edges("cases"):
        source, folder = _folder(module), _folder(target)
        if folder in ("", source):
            continue
        if target in RECORDS_CORE and source not in ("errors", "storage"):
            continue
        if folder not in CASES_DRAWING[source]:
            offenders.append(f"{module} → {target}")
    assert offenders == []


def test_records_core_stands_on_storage_alone():
    offenders = [
        f"{module} → {target}"
        for module, target in _edges("cases")
        if module in RECORDS_CORE
        and target not in RECORDS_CORE
        and _folder(target) not in ("errors", "storage")
    ]
    assert offenders == []


def test_geo_app_features_import_only_what_the_drawing_allows():
    offenders = []
    for module, target in _edges("geo_app"):
        source, folder = _folder(module), _folder(target)
        if module in GEO_APP_WIRING or folder in ("", source) or folder not in GEO_APP_FEATURES:
            continue
        allowed = GEO_APP_FEATURES.get(source, GEO_APP_SHARED.get(source, set()))
        if folder not in allowed:
            offenders.append(f"{module} → {target}")
    assert offenders == []


def test_no_feature_imports_another_features_routes():
    modules = _modules()
    offenders = [
        f"{module} → {target}"
        for module, target in _edges("geo_app")
        if module not in GEO_APP_WIRING
        and _folder(target) in GEO_APP_FEATURES
        and _folder(target) != _folder(module)
        and target in modules
        and _declares_routes(modules[target])
        and target not in ROUTES_SHARED
    ]
    assert offenders == []


def test_the_folium_toolkit_never_touches_the_database_or_a_feature():
    offenders = [
        f"{module} → {target}"
        for module, path in _modules().items()
        if module.startswith("geo_app.maps")
        for target in _imported(path)
        if target.split(".")[0] == "sqlalchemy"
        or target in ("geo_app.db", "cases.storage.db")
        or _folder(target) in GEO_APP_FEATURES and target.startswith("geo_app.")
    ]
    assert offenders == []


def test_shipped_code_never_imports_the_tests():
    offenders = {
        module: sorted(name for name in _imported(path) if name.split(".")[0] in TEST_MODULES)
        for module, path in _modules().items()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_testing_module_ships():
    shipped = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "testing" in path.stem or path.stem.startswith("test_") or path.stem == "conftest"
    ]
    assert shipped == []
