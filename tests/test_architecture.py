"""Imports go one way: ui → app → db. The domain never needs Qt widgets."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "app": ("ui", "PySide6.QtWidgets", "PySide6.QtGui"),
    "db": ("ui", "app", "PySide6"),
}
# The composition root of `python -m app` starts the window; nothing else in app/ may.
EXEMPT = {Path("app/__main__.py")}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel in EXEMPT:
            continue
        for name in imported_modules(path):
            for bad in FORBIDDEN[package]:
                if name == bad or name.startswith(bad + "."):
                    found.append(f"{rel}: imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_import_one_way(package: str) -> None:
    assert violations(package) == []


def test_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport ui.main_window\n")
    assert {"PySide6.QtWidgets", "ui.main_window"} <= imported_modules(bad)


def test_cli_does_not_load_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, app.cli, app.services.setup, app.services.demo, app.registry;"
        " print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
