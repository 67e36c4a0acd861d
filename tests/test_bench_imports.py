"""The benchmarks in bench/ run by hand, so nothing else notices when the code they use moves:
every name they import from the project must still be there."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("server", "printers", "display", "kiosk", "counter", "admin", "bench")


def project_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for each `from module import name` of the project, also inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT:
            found += [(node.module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "bench").glob("*.py")), ids=lambda p: p.name)
def test_every_name_a_benchmark_imports_exists(path: Path) -> None:
    missing = []
    for module_name, name in project_imports(path):
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            try:
                importlib.import_module(f"{module_name}.{name}")
            except ImportError:
                missing.append(f"from {module_name} import {name}")
    assert missing == [], f"{path.name} imports names that are gone: {missing}"
