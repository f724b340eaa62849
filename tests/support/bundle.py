"""The PyInstaller bundle, built once per test run and shared by the pytest-xdist workers (the
bundle test and the package test both need it; building it takes a minute and a half)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.places import ROOT


def built_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder ``dist/secretariat`` of a bundle built from this checkout."""
    pytest.importorskip("PyInstaller")
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the folder every worker's own temporary folder sits in
    work = base / "bundle"
    bundle = work / "dist" / "secretariat"
    with open(base / "bundle.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds; the other waits and takes it
        if not (bundle / "secretariat").exists():
            build = subprocess.run(
                [
                    sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
                    str(ROOT / "build.spec"),
                ],
                cwd=ROOT, capture_output=True, text=True, timeout=1200,
            )  # fmt: skip
            assert build.returncode == 0, build.stderr[-3000:]
    return bundle
