"""Imports go one way: ui → app → db. The domain never needs Qt widgets. Inside
``app/services`` the packages stand in layers, each importing only from the layers below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.places import ROOT

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


def modules_loaded(imports: str) -> set[str]:
    """The modules a fresh interpreter has loaded after ``import {imports}``."""
    import subprocess
    import sys

    code = f"import sys, {imports}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def test_cli_does_not_load_qt() -> None:
    loaded = modules_loaded(
        "app.cli, app.services.organization.setup, app.services.demo, app.services.safety.opening"
    )
    assert not {m for m in loaded if m.startswith("PySide6")}


def test_the_frame_is_painted_before_the_orm_is_loaded() -> None:
    """The window's start — launcher, application, the frame of the main window, the registry's
    first page read with plain sqlite3 and painted in it — imports no SQLAlchemy and no service
    but that page's reader: the frame and the page are painted first, ``build`` imports the
    rest."""
    loaded = modules_loaded(
        "ui.launcher, ui.application, ui.main_window, ui.first_page_view,"
        " app.services.registry.first_page"
    )
    assert "PySide6.QtWidgets" in loaded
    assert not {m for m in loaded if m.split(".")[0] == "sqlalchemy"}
    assert {m for m in loaded if m.split(".")[0] == "db"} == {"db", "db.revision"}
    services = {m for m in loaded if m.startswith(("app.services.", "app.storage", "app.cli"))}
    assert services == {
        "app.services.registry", "app.services.registry.first_page",
        "app.services.registry.letter_rows",
    }  # fmt: skip


def test_the_repository_stands_alone() -> None:
    """Nothing the program runs or is tested with cites a folder outside the repository."""
    outside = ("shared/docs", "shared/examples", "shared/standards", "../shared")
    found = []
    for folder in ("app", "ui", "db", "tests", "scripts", "bench", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".sh", ".md", ".json", ".toml") or path == Path(__file__):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(ROOT)}: {m}" for m in outside if m in text]
    assert found == []


def import_graph(packages: tuple[str, ...] = ("app", "db", "ui")) -> dict[str, set[str]]:
    """Module → the program's modules it imports (at the top or inside functions)."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return {
        name: {m for m in imported_modules(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    """Counting the imports inside functions: a cycle there is still a knot in the design."""
    assert cycles(import_graph()) == []


def test_cycle_finder_sees_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


# app/services, lowest first: a package imports only from the layers below its own
SERVICE_LAYERS: list[set[str]] = [
    {"access", "files", "numbers", "search"},  # the shared floor
    {"links"},  # an incoming letter found by its number, answered by an outgoing one
    {"directory"},
    {"organization"},
    {"cases"},  # the nomenclature of cases; letters filed to them, the year's end
    {"registry"},
    {"control", "safety"},
    {"incoming", "output"},
    {"arrivals", "dispatch", "journal"},
    {"execution"},  # over incoming tasks and outgoing reports; reminders by the dispatch's mail
    {"demo"},
]


def upward_imports(root: Path, layers: list[set[str]]) -> list[str]:
    """Imports (inside functions too) of a service package from its own layer or above; a
    package in no layer is named too, so a new one is placed before it is used."""
    level = {name: n for n, names in enumerate(layers) for name in names}
    found = []
    for path in sorted((root / "app" / "services").rglob("*.py")):
        if path.name == "__init__.py" and path.parent == root / "app" / "services":
            continue
        here = path.relative_to(root / "app" / "services").parts[0].removesuffix(".py")
        if here not in level:
            found.append(f"{here}: in no layer")
            continue
        for name in imported_modules(path):
            if not name.startswith("app.services."):
                continue
            there = name.split(".")[2]
            if there != here and level.get(there, len(layers)) >= level[here]:
                found.append(f"{path.relative_to(root)}: imports app.services.{there}")
    return sorted(set(found))


def test_service_packages_stand_in_layers() -> None:
    assert upward_imports(ROOT, SERVICE_LAYERS) == []


def test_layers_check_sees_an_upward_import(tmp_path: Path) -> None:
    services = tmp_path / "app" / "services"
    (services / "numbers").mkdir(parents=True)
    (services / "numbers" / "counters.py").write_text(
        "def f():\n    from app.services.registry.letters import x\n"
    )
    (services / "newcomer").mkdir()
    (services / "newcomer" / "a.py").write_text("")
    assert upward_imports(tmp_path, SERVICE_LAYERS) == [
        "app/services/numbers/counters.py: imports app.services.registry",
        "newcomer: in no layer",
    ]


# what each kind of module in app/ may not import (inside functions neither)
KIND_FORBIDS = {
    "rules": ("sqlalchemy", "db", "app.storage", "app.services", "app.exporters", "app.cli"),
    "support": ("app.rules", "app.storage", "app.services", "app.exporters", "app.cli"),
    "storage": ("app.services", "app.exporters", "app.cli"),
}


def kind_violations(root: Path) -> list[str]:
    found = []
    for kind, forbidden in KIND_FORBIDS.items():
        for path in sorted((root / "app" / kind).rglob("*.py")):
            for name in sorted(imported_modules(path)):
                if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                    found.append(f"{path.relative_to(root)}: imports {name}")
    return found


def test_rules_need_no_storage_and_support_needs_no_rules() -> None:
    """``app/rules`` run without a database; ``app/support`` under everything."""
    assert kind_violations(ROOT) == []
    loose = sorted(p.name for p in (ROOT / "app").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "version.py"]  # the rest sits by its kind


def test_kind_check_sees_a_rule_with_storage(tmp_path: Path) -> None:
    (tmp_path / "app" / "rules").mkdir(parents=True)
    (tmp_path / "app" / "rules" / "r.py").write_text("def f():\n    from db.models import Letter\n")
    assert "app/rules/r.py: imports db.models" in kind_violations(tmp_path)


def test_every_database_is_opened_with_its_hooks() -> None:
    """Only ``app/storage/hooks.py`` calls ``open_database``: every other opening goes through
    ``open_store``, which attaches the word index and the audit chain to that database."""
    callers = sorted(
        str(path.relative_to(ROOT))
        for package in ("app", "ui")
        for path in (ROOT / package).rglob("*.py")
        if "open_database(" in path.read_text(encoding="utf-8")
    )
    assert callers == ["app/storage/hooks.py"]


def test_no_ui_module_is_over_600_lines() -> None:
    """A window too big to read is carved (the letter dialog into its form, the mapping of the
    form to a card, and its commands; the main window into desks)."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "ui").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


# The tests stand in layers too: each directory is a kind of test, and what a kind may import
TEST_KINDS = {"rules", "services", "cli", "formats", "pg", "house", "gui"}
TEST_FORBIDS = {
    "rules": ("sqlalchemy", "db", "app.services", "app.storage", "PySide6", "ui", "pytestqt"),
    **{kind: ("PySide6", "ui", "pytestqt") for kind in TEST_KINDS - {"rules", "gui"}},
}


def test_the_tests_stand_in_layers() -> None:
    """Every test module is in a directory of its kind (none loose at the top); a rule test needs
    no storage; only tests/gui imports Qt or the window (scripts/test.sh runs the rest without
    pytest-qt, and a test that loads Qt anyway fails there); no test module imports another —
    what tests share lives in tests/support/ and tests/gui/driving.py."""
    tests = ROOT / "tests"
    assert sorted(p.name for p in tests.glob("test_*.py")) == []
    kinds = {p.name for p in tests.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert kinds == TEST_KINDS | {"support"}
    found = []
    for kind in sorted(TEST_KINDS):
        for path in sorted((tests / kind).rglob("*.py")):
            rel = path.relative_to(ROOT)
            for name in imported_modules(path):
                if ".test_" in name or name.startswith("tests.test_"):
                    found.append(f"{rel}: imports the test module {name}")
                for bad in TEST_FORBIDS.get(kind, ()):
                    if name == bad or name.startswith(bad + "."):
                        found.append(f"{rel}: imports {name}")
    for path in sorted((tests / "support").rglob("*.py")):
        for name in imported_modules(path):
            if name.split(".")[0] in {"PySide6", "ui", "pytestqt"}:
                found.append(f"{path.relative_to(ROOT)}: imports {name}")
    assert found == []


def test_a_write_says_what_changed_in_one_place() -> None:
    """The hub's signals are sent by ``SignalHub.announce`` from a ``Changed`` value (a command's
    write goes through ``ui.operation.attempt``), not emitted by hand around the program."""
    import re

    by_hand = re.compile(r"\.(letters|recipients|profile)_changed\.emit\(")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "ui").rglob("*.py"))
        if path.name != "signals.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_hand.search(line)
    ]
    assert found == []
