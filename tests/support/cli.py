"""The command line run as a clerk or a script runs it, and the one-line error it must give."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.places import ROOT


def run(
    *args: str, db: Path | None = None, env: dict[str, str] | None = None, process: bool = False
) -> subprocess.CompletedProcess[str]:
    """``secretariat ARGS`` as a clerk runs it: in this process through the same ``main(argv)``
    (with the environment given, output captured), or in a process of its own (``process=True``,
    where the boundary itself is tested: the entry point, signals, encodings)."""
    env = dict(os.environ if env is None else env)
    if db is not None:
        env["SECRETARIAT_DB"] = str(db)
    if not process:
        return in_process(list(args), env)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def assert_user_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("secretariat: ") and fragment in lines[0]


def in_process(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import contextlib
    import io

    from app.cli import main

    saved = dict(os.environ)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    os.environ.clear()
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: --help, a bad option
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.environ.clear()
        os.environ.update(saved)

    def text(stream: io.TextIOWrapper) -> str:
        stream.flush()
        raw = stream.buffer.getvalue()  # type: ignore[attr-defined]
        return str(raw.decode("utf-8", "replace").replace("\r\n", "\n"))

    return subprocess.CompletedProcess(["secretariat", *argv], code, text(out), text(err))
