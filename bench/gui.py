"""Window figures on a registry: cold start, keystroke to updated table, peak memory.

``python -m bench.gui DB [--repeat R]`` prints one JSON object; ``bench.run`` calls it in fresh
processes so that nothing it imported before counts. Qt runs offscreen.

- Cold start: wall time from launching ``python -m ui.launcher --db DB`` (what ``secretariat``
  runs) until the window has painted the registry's first page (``SECRETARIAT_STARTUP_PROBE``
  prints «ready» then), beside ``python -c "import PySide6.QtWidgets"`` alone, the floor.
- Keystroke: each of the benchmark queries typed a character at a time into the registry's
  search field, waiting after each key until the table shows that text's result: time from the
  key event to the table updated (count label set, rows reset), every prefix counted.
- Peak memory: VmHWM of the window process after all of that.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.timing import stats

ROOT = Path(__file__).resolve().parent.parent


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    # an installed program has its modules compiled: a start that compiles them from source
    # (PYTHONDONTWRITEBYTECODE, set on some build machines) measures the compiler, not the start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["SECRETARIAT_DATA_DIR"] = str(db.parent)
    env.setdefault("SECRETARIAT_CONFIG_DIR", str(db.parent / "config"))
    return env


def cold_start(db: Path, repeat: int) -> dict[str, Any]:
    """Launch the program ``repeat`` times: the frame painted, the first page painted (read
    without the ORM, in the frame), the window built and its registry showing that page; the
    floor is the bare PySide6 import. Then one launch more with ``-X importtime``: what is
    imported before the window is built."""
    env = _env(db)
    ours, frames, pages, floor, peaks, stalls = [], [], [], [], [], []
    subprocess.run(  # once untimed: the modules compiled and cached, as after the first start
        [sys.executable, "-m", "ui.launcher", "--db", str(db)],
        env={**env, "SECRETARIAT_STARTUP_PROBE": "1"},
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.launcher", "--db", str(db)],
            env={**env, "SECRETARIAT_STARTUP_PROBE": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        assert proc.stdout is not None
        said: dict[str, float] = {}
        line = ""
        while not line.startswith("ready"):  # «frame», «page» (when painted early), «ready»
            line = proc.stdout.readline()
            if not line:
                break
            said[line.split()[0]] = (time.perf_counter() - start) * 1000
        proc.wait(60)
        if "frame" not in said or not line.startswith("ready"):
            raise RuntimeError(f"the window did not report its frame and page: {said} {line!r}")
        frames.append(said["frame"])
        pages.append(said.get("page", said["ready"]))
        ours.append(said["ready"])
        fields = dict(part.split("=") for part in line.split()[1:])
        peaks.append(float(fields["peak_mb"]))
        stalls.append(float(fields["stall_ms"]))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import PySide6.QtWidgets"], env=env, check=True)
        floor.append((time.perf_counter() - start) * 1000)
    return {
        "ours": stats(ours),  # the window built, its registry tab showing the first page
        "frame": stats(frames),
        "first_page": stats(pages),  # the first page painted (in the frame, before the window)
        "floor_import_pyside6": stats(floor),
        "peak_mb_at_first_page": max(peaks),
        # the longest the window's thread went without handling events, frame → window built
        "longest_stall": stats(stalls),
        "imports_ms": import_profile(db),
    }


def import_profile(db: Path) -> dict[str, float]:
    """Milliseconds of imports before the first page, by top-level package (each module's own
    time, from ``python -X importtime``), the largest first."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ui.launcher", "--db", str(db)],
        env={**_env(db), "SECRETARIAT_STARTUP_PROBE": "1"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    totals: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        package = name.split(".")[0]
        totals[package] = totals.get(package, 0.0) + int(own) / 1000
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return {name: round(ms, 1) for name, ms in ranked if ms >= 1.0}


def keystrokes(db_path: str, queries: list[str]) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.services.safety.opening import open_registry
    from ui.application import peak_memory_mb
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    db = open_registry(db_path)
    window = MainWindow(db)
    window.show()
    tab = window.registry_tab
    loop = QEventLoop()

    def wait_for(text: str) -> None:
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.timeout.connect(loop.quit)

        def check() -> None:
            if tab._query is not None and tab._query.search == text:
                loop.quit()

        tab.refreshed.connect(check)
        deadline.start(120_000)
        check()
        if not (tab._query is not None and tab._query.search == text):
            loop.exec()
        tab.refreshed.disconnect(check)

    from app.services.registry.letter_list import LetterQuery

    wait_for("")
    all_times: list[float] = []
    per_query: dict[str, Any] = {}
    for query in queries:
        tab.search_edit.clear()
        wait_for("")
        times = []
        for i, char in enumerate(query, start=1):
            start = time.perf_counter()
            QTest.sendKeyEvent(
                QTest.KeyAction.Click, tab.search_edit, Qt.Key.Key_unknown, char,
                Qt.KeyboardModifier.NoModifier,
            )  # fmt: skip
            wait_for(query[:i])
            app.processEvents()  # the table repainted
            times.append((time.perf_counter() - start) * 1000)
        per_query[query] = {"per_key_ms": [round(t, 1) for t in times], **stats(times)}
        all_times += times
    assert isinstance(tab._query, LetterQuery)
    result = {
        "keystroke": stats(all_times),
        "keystroke_max_ms": round(max(all_times), 1),
        "queries": per_query,
        "peak_mb_after_typing": round(peak_memory_mb(), 1),
    }
    window.close()
    db.dispose()
    return result


def typing(db: Path, queries: list[str]) -> dict[str, Any]:
    """The keystroke figures, measured in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.gui", str(db), "--typing", *queries],
        env=_env(db),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return dict(json.loads(proc.stdout.splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gui")
    parser.add_argument("db")
    parser.add_argument("--typing", nargs="+", metavar="QUERY")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.typing:
        result = keystrokes(args.db, args.typing)
    else:
        result = cold_start(Path(args.db), args.repeat)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    if args.typing:
        os._exit(0)  # PySide6 can abort while finalizing after a window lived; nothing is left
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
