"""A letter's large file in and out: time and peak memory, streamed against whole-file.

Usage: python -m bench.files [--mb N] [--out FILE.json]

Each way runs in a fresh process on a temporary demo database, so its peak resident memory
(VmHWM) is its own:

- ``streamed``: what the program does — ``attach_file`` (the file read a piece of 1 MiB at a
  time, hashed and written as it goes) and ``save_letter_file`` (read back a piece at a time,
  the checksum verified, an atomic write);
- ``whole``: the obvious alternative (how report replies were kept before migration 0013) —
  ``read_bytes()``, one blob row, read back whole and written out.

Prints one table and writes JSON. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child(way: str, folder: Path, source: Path) -> dict[str, Any]:
    os.environ["SECRETARIAT_DATA_DIR"] = str(folder / "data")
    os.environ["SECRETARIAT_CONFIG_DIR"] = str(folder / "config")
    from sqlalchemy import select

    from app.services.demo import load_demo
    from app.services.organization.profile import get_organization, save_organization
    from app.services.registry.letter_files import attach_file, save_letter_file
    from app.services.registry.letters import letter_id_by_number
    from app.services.safety.opening import open_registry
    from db.models import StoredFile

    db = open_registry(str(folder / "bench.db"))
    load_demo(db)
    letter = letter_id_by_number(db, "710/5")
    org = get_organization(db)
    assert org is not None
    org.max_file_mb = max(org.max_file_mb, source.stat().st_size // (1024 * 1024) + 1)
    save_organization(db, org)
    before = _peak_mb()
    out = folder / "back.bin"
    start = time.perf_counter()
    if way == "streamed":
        attach_file(db, letter, source)
        stored = time.perf_counter()
        save_letter_file(db, letter, source.name, out)
    else:
        data = source.read_bytes()
        with db.write() as session:
            row = StoredFile(
                name="whole.bin",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                content=data,
            )
            session.add(row)
            session.flush()
            file_id = row.id
        del data, row
        stored = time.perf_counter()
        with db.read() as session:
            out.write_bytes(
                session.scalars(select(StoredFile.content).where(StoredFile.id == file_id)).one()
            )
    done = time.perf_counter()
    peak = _peak_mb()
    same = hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    return {
        "in_ms": round((stored - start) * 1000),
        "out_ms": round((done - stored) * 1000),
        "peak_mb_after_setup": round(before),
        "peak_mb": round(peak),
        "intact": same,
    }


def run(mb: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-files-"))
    source = tmp / "скан.bin"
    with source.open("wb") as f:
        for _ in range(mb):
            f.write(os.urandom(1024 * 1024))
    results: dict[str, Any] = {"file_mb": mb}
    for way in ("streamed", "whole"):
        folder = tmp / way
        folder.mkdir()
        done = subprocess.run(
            [sys.executable, "-m", "bench.files", "--child", way, str(folder), str(source)],
            capture_output=True,
            text=True,
            check=True,
        )
        results[way] = json.loads(done.stdout)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.files")
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        way, folder, source = args.child
        print(json.dumps(_child(way, Path(folder), Path(source))))
        return 0
    results = run(args.mb)
    print(f"a {args.mb} MB file attached to a letter and saved back (fresh process each)")
    print(f"{'way':<10} {'in, ms':>8} {'out, ms':>8} {'peak MB':>8} {'growth MB':>10} intact")
    for way in ("streamed", "whole"):
        r = results[way]
        growth = r["peak_mb"] - r["peak_mb_after_setup"]
        print(
            f"{way:<10} {r['in_ms']:>8} {r['out_ms']:>8} {r['peak_mb']:>8} {growth:>10} "
            f"{r['intact']}"
        )
    out = args.out or Path("bench/results/files.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
