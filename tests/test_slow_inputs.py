"""Hostile input in bounded time and memory (issue 36, row 8 and part of 7): each case runs
the real command in its own process, which must answer within 30 s with at most 500 MB of
memory (peak RSS, as the kernel counts it for the child) — a result or one Russian line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

SECONDS = 30
PEAK_MB = 500


def _run(args: list[str], env_db: Path) -> tuple[int, str, float, float]:
    """(exit code, stderr, seconds, peak MB of the child)."""
    env = {**os.environ, "SECRETARIAT_DB": str(env_db)}
    script = (
        "import resource, subprocess, sys, json; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
        "print(json.dumps([p.returncode, p.stderr, peak]))"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script, sys.executable, "-m", "app", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=SECONDS * 3,
    )  # fmt: skip
    took = time.monotonic() - started
    import json

    code, err, peak = json.loads(done.stdout)
    return code, err, took, peak


def _draft(path: Path, paragraphs: list[str]) -> Path:
    import docx

    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("slow") / "registry.db"
    subprocess.run([sys.executable, "-m", "app", "--db", str(db), "demo"], cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    return db


CASES = {
    "draft with 100,000 underscores": lambda d: (
        [
            "letters",
            "from-docx",
            str(_draft(d / "u.docx", ["О письме", "_" * 100_000, "№ " + "_" * 50_000])),
        ],
        0,
    ),
    "draft of 30,000 paragraphs": lambda d: (
        ["letters", "from-docx", str(_draft(d / "p.docx", ["Абзац текста."] * 30_000))],
        2,
    ),
    "CSV that makes csv.Sniffer backtrack": lambda d: (
        ["recipients", "import", str(_write(d / "r.csv", ('"a' + ',"' * 70_000 + "\n") * 3))],
        2,
    ),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_in_bounded_time_and_memory(
    case: str, registry: Path, tmp_path: Path
) -> None:
    args, expected = CASES[case](tmp_path)
    code, err, took, peak = _run(args, registry)
    assert code == expected, err
    assert "внутренняя ошибка" not in err
    assert took < SECONDS, f"{case}: {took:.1f} s"
    assert peak < PEAK_MB, f"{case}: {peak:.0f} MB"
