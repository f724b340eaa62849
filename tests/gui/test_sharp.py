"""Sharp at 150 % (issue 38): on a screen scaled 1.5 the letter preview is drawn for the
screen's own pixels (not drawn at 100 % and stretched), the program's icon is vector, and the
control chart is painted by Qt in device pixels. Run in a separate process, since the scale
of a Qt application is fixed when it starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from db.engine import Database
from tests.support.places import ROOT

PROBE = r"""
import json, sys
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
from app.services.safety.opening import open_registry
from app.services.registry.letters import letter_id_by_number
from ui.application import program_icon
from ui.dialogs.preview_dialog import PreviewDialog
db = open_registry(sys.argv[1])
dialog = PreviewDialog(db, letter_id_by_number(db, "710/5"), "710/5")
dialog.show()
app.processEvents()
page = next(l for l in dialog.page_labels if l.pixmap() is not None)
pixmap = page.pixmap()
icon = program_icon()
print(json.dumps({
    "ratio": dialog.devicePixelRatioF(),
    "pixmap_ratio": pixmap.devicePixelRatio(),
    "pixels": pixmap.width(),
    "shown": page.width(),
    "icon_sizes": icon.availableSizes(),
    "icon_pixels": icon.pixmap(QSize(32, 32), 1.5).width(),
}, default=str))
db.dispose()
"""


def test_preview_and_icon_are_drawn_for_the_screen_pixels(demo_db: Database) -> None:
    path = demo_db.sqlite_path
    assert path is not None
    demo_db.dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "1.5"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["ratio"] == 1.5
    assert seen["pixmap_ratio"] == 1.5
    # an A4 page at 90 % is ~ 714 logical pixels wide: 1.5 times as many real ones
    assert abs(seen["pixels"] - 1.5 * (seen["shown"] - 2)) <= 4
    assert seen["icon_sizes"] == []  # no bitmap sizes: drawn from the SVG at any size
    assert seen["icon_pixels"] == 48


def test_the_icon_file_is_in_the_bundle() -> None:
    from app.support.paths import bundle_data, resource_path

    assert resource_path("icons", "secretariat.svg").is_file()
    assert any(Path(source).name == "resources" for source, _ in bundle_data())
