"""The GUI tests: the real widgets on Qt's offscreen platform, driven by pytest-qt."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def collected_on_the_main_thread() -> Iterator[None]:
    """As the program does (``ui/collector.py``): no automatic cycle collection, which could run
    in a background search and delete a previous test's widgets off the window's thread; the
    test's garbage is collected here, on the main thread, after each test."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def garbage_collected_after() -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No question box ever waits for a person in a test: each is recorded and answered «Да»
    (a test that needs another answer patches ``QMessageBox.question`` itself)."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object, **_k: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


@pytest.fixture(autouse=True)
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No message box waits for a person either: «information», «warning» and «critical» are
    recorded and closed at once — a box nobody expected ends its test instead of hanging the
    suite (a test that checks a box patches it itself)."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def close(_parent: object, _title: str, text: str, *_a: object, **_k: object) -> object:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, close)
    return shown


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> object:
    """Work a test left running in the thread pool ends before its widgets and its database are
    torn down (a check still reading a disposed database, a relay of a closed dialog)."""
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    return (yield)
