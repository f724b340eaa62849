"""A file copy of a registry: the window asks at once whether it is a copy or the registry moved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.safety.opening import open_registry
from db.engine import Database
from tests.support.registry_files import file_copy, identity_of


@pytest.mark.parametrize(("button", "renewed"), [("Отдельный реестр", True), ("перенесен", False)])
def test_the_window_asks_at_once(
    qtbot: QtBot, demo_db: Database, db_path: Path, tmp_path: Path, button: str, renewed: bool
) -> None:
    from ui.copy_question import settle_copy

    identity = identity_of(db_path)[0]
    copy = file_copy(demo_db, db_path, tmp_path / "копия" / db_path.name)
    db = open_registry(str(copy))
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        target = next(b for b in box.buttons() if button in b.text().replace("&", ""))
        target.click()

    QTimer.singleShot(0, click)
    try:
        settle_copy(None, db, "Секретариат")
        assert seen and "копия реестра" in seen[0]
        assert (identity_of(copy)[0] != identity) is renewed
        assert identity_of(copy)[1] == str(copy.resolve())
        assert settle_copy(None, db, "Секретариат") == ""  # decided: asked once
    finally:
        db.dispose()
