"""Error classes live only in the errors modules: one family per package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOMES = {"boundaries": "boundaries/errors.py", "cases": "cases/errors.py",
         "geo_app": "geo_app/errors.py"}


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _error_classes(path: Path):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ClassDef) and any(
            name.endswith(("Error", "Exception"))
            for name in [node.name, *(_name(base) for base in node.bases)]
        ):
            yield node.name


@pytest.mark.parametrize("package", sorted(HOMES))
def test_error_classes_are_defined_in_the_errors_module_only(package):
    elsewhere = [
        f"{path.relative_to(ROOT).as_posix()}: {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.relative_to(ROOT).as_posix() != HOMES[package]
        and "migrations" not in path.parts
        for name in _error_classes(path)
    ]
    assert elsewhere == []


@pytest.mark.parametrize("package", sorted(HOMES))
def test_each_errors_module_exports_its_family(package):
    import importlib

    module = importlib.import_module(HOMES[package].removesuffix(".py").replace("/", "."))
    defined = sorted(_error_classes(ROOT / HOMES[package]))
    assert defined and sorted(set(defined) & set(module.__all__)) == defined
