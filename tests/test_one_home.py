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
