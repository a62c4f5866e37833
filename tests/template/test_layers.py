"""Imports go one way: handlers → services → adapters → domain (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from leaddesk_local.template import PROJECT_ROOT

SHARED = PROJECT_ROOT / "shared" / "leaddesk"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (imports inside functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def sources(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


# layer → the prefixes its modules must never import
FORBIDDEN = {
    "domain": ("leaddesk.adapters", "leaddesk.services", "leaddesk.api", "leaddesk.composition", "boto3"),
    "adapters": ("leaddesk.services", "leaddesk.api", "leaddesk.composition"),
    "services": ("leaddesk.api", "leaddesk.composition"),
    "api": ("leaddesk.adapters", "leaddesk.composition", "boto3"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_never_imports_the_ones_above_it(layer: str) -> None:
    for path in sources(SHARED / layer):
        wrong = {m for m in imported_modules(path) if m.startswith(FORBIDDEN[layer])}
        assert not wrong, f"{path.relative_to(PROJECT_ROOT)} imports {sorted(wrong)}"


def test_handlers_never_reach_past_the_services() -> None:
    for path in sources(PROJECT_ROOT / "functions"):
        wrong = {m for m in imported_modules(path) if m.startswith(("leaddesk.adapters", "boto3"))}
        assert not wrong, f"{path.relative_to(PROJECT_ROOT)} imports {sorted(wrong)}"
