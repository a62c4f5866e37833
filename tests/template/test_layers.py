"""Imports go one way: handlers → services → adapters → domain (see docs/architecture.md), and
storage stays behind the adapters' façades: services and handlers never import the DynamoDB
internals (`leaddesk.adapters.dynamo`), botocore, boto3 or boto3's type stubs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from leaddesk_local.template import PROJECT_ROOT

SHARED = PROJECT_ROOT / "shared" / "leaddesk"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (imports inside functions and `TYPE_CHECKING`
    blocks included); `from package import name` counts as `package` and `package.name`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def reaches(module: str, prefixes: tuple[str, ...]) -> bool:
    """Whether `module` is one of `prefixes`, inside one, or (`mypy_boto3` → `mypy_boto3_s3`) one
    of a family of packages named after it."""
    return any(module == p or module.startswith((p + ".", p + "_")) for p in prefixes)


def sources(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


# layer → the prefixes its modules must never import
FORBIDDEN = {
    "domain": ("leaddesk.adapters", "leaddesk.services", "leaddesk.api", "leaddesk.composition", "boto3"),
    "adapters": ("leaddesk.services", "leaddesk.api", "leaddesk.composition"),
    "services": ("leaddesk.api", "leaddesk.composition"),
    "api": ("leaddesk.adapters", "leaddesk.composition", "boto3"),
}


# What only adapters touch: the table's keys and items, the AWS clients, the SDK and its stubs.
STORAGE_INTERNALS = ("leaddesk.adapters.dynamo", "leaddesk.adapters.aws", "botocore", "boto3", "mypy_boto3")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_never_imports_the_ones_above_it(layer: str) -> None:
    for path in sources(SHARED / layer):
        wrong = {m for m in imported_modules(path) if reaches(m, FORBIDDEN[layer])}
        assert not wrong, f"{path.relative_to(PROJECT_ROOT)} imports {sorted(wrong)}"


def test_services_reach_storage_only_through_adapter_facades() -> None:
    for path in sources(SHARED / "services"):
        wrong = {m for m in imported_modules(path) if reaches(m, STORAGE_INTERNALS)}
        assert not wrong, f"{path.relative_to(PROJECT_ROOT)} imports {sorted(wrong)}"


def test_handlers_never_reach_past_the_services() -> None:
    for path in sources(PROJECT_ROOT / "functions"):
        wrong = {m for m in imported_modules(path) if reaches(m, ("leaddesk.adapters", *STORAGE_INTERNALS))}
        assert not wrong, f"{path.relative_to(PROJECT_ROOT)} imports {sorted(wrong)}"


def test_the_scan_finds_imports_at_any_depth(tmp_path: Path) -> None:
    """What the rules above rely on: local and `TYPE_CHECKING` imports, and a module imported by
    name from its package, are all seen."""
    module = tmp_path / "service.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from leaddesk.adapters import dynamo\n"
        "if TYPE_CHECKING:\n"
        "    from mypy_boto3_s3 import S3Client\n"
        "def run() -> None:\n"
        "    from botocore.exceptions import ClientError\n",
        encoding="utf-8",
    )
    found = {m for m in imported_modules(module) if reaches(m, STORAGE_INTERNALS)}
    expected = {"leaddesk.adapters.dynamo", "mypy_boto3_s3", "mypy_boto3_s3.S3Client"}
    assert found == expected | {"botocore.exceptions", "botocore.exceptions.ClientError"}
    assert not reaches("leaddesk.adapters.dynamos", STORAGE_INTERNALS)
