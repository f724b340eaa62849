"""The PyInstaller bundle builds, and the frozen program finds its migrations and resources."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.bundle import built_bundle


@pytest.mark.slow
def test_bundle_runs_version_check_and_demo(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    exe = built_bundle(tmp_path_factory) / "secretariat"
    assert exe.exists()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), *args], capture_output=True, text=True, encoding="utf-8", timeout=120
        )

    from app.version import __version__

    assert run("--version").stdout.strip() == f"secretariat {__version__}"
    db = tmp_path / "bundle.db"
    check = run("--db", str(db), "check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip().splitlines()[-1] == "OK"
    demo = run("--db", str(db), "demo")  # reads resources/demo/demo.json from the bundle
    assert demo.returncode == 0, demo.stderr
    assert "писем — 3" in demo.stdout
    sample = tmp_path / "new.csv"  # declension dictionaries made it into the bundle
    sample.write_text("Организация;Должность;Фамилия;Имя;Отчество\n"
                      "Минфин;Первый заместитель министра;Сорокина;Ольга;Николаевна\n",
                      encoding="utf-8")  # fmt: skip
    assert run("--db", str(db), "recipients", "import", str(sample)).returncode == 0
    shown = run("--db", str(db), "recipients", "list", "--search", "сорокин")
    assert "Первому заместителю министра / О.Н. Сорокиной" in shown.stdout, shown.stderr
    for suffix in ("pdf", "docx"):  # fonts, the DOCX template and the QR encoder are inside
        letter = tmp_path / f"letter.{suffix}"
        exported = run("--db", str(db), "letters", "export", "1893/5", "--out", str(letter))
        assert exported.returncode == 0, exported.stderr
        assert letter.stat().st_size > 20_000
    # the production calendar (holidays' country module and its Russian catalogue) is inside
    extended = run(
        "--db", str(db), "reports", "extend", "1893/5", "--due", "2099-11-04", "--reason", "тест"
    )  # fmt: skip
    assert "праздничный день (День народного единства)" in extended.stdout, extended.stderr
    summary = tmp_path / "свод.docx"
    assert (
        run("--db", str(db), "reports", "summary", "1893/5", "--out", str(summary)).returncode == 0
    )
    window = subprocess.run(
        [str(exe), "--db", str(db)],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", SECRETARIAT_EXIT_AFTER_MS="500"),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert window.returncode == 0, window.stderr  # the Qt plugins made it into the bundle
