"""The built wheel holds every package of the layer and of the local tooling."""

from __future__ import annotations

import tomllib

from leaddesk_local.template import PROJECT_ROOT


def test_every_package_directory_is_listed_in_pyproject() -> None:
    setuptools = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    found = set()
    for name, directory in setuptools["package-dir"].items():
        root = PROJECT_ROOT / directory
        for init in root.rglob("__init__.py"):
            relative = init.parent.relative_to(root)
            found.add(".".join([name, *relative.parts]))
    assert found == listed
