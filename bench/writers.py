"""Eight clerks registering at once: registrations per second and errors, on SQLite and on a
real PostgreSQL server (Debian's, started in a temporary folder as the tests do).

Usage: python -m bench.writers [--each N] [--processes P] [--no-postgresql]

Each process opens the registry, waits for a common start, registers N letters and reports its
errors and times; the figure is all letters over the wall time from the first start to the last
end. Run on two commits to compare (the audit chain, issue 27, was measured so). Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path
from typing import Any


def _register(url: str, n: int, start_at: float, queue: Any) -> None:
    from app.services.registry.letters import Addressee, LetterCard, register_letter
    from app.services.safety.opening import open_registry

    db = open_registry(url)
    time.sleep(max(0.0, start_at - time.time()))
    begin, errors = time.time(), 0
    for i in range(n):
        card = LetterCard(
            journal="РСК",
            subject=f"О проверке {i}",
            addressee=Addressee(text="Руководителям организаций (по списку)"),
            body="Текст.",
            signatory="protasov",
        )
        try:
            register_letter(db, card)
        except Exception:
            errors += 1
    queue.put((errors, begin, time.time()))
    db.dispose()


def writers(url: str, processes: int, each: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + 5.0
    procs = [
        ctx.Process(target=_register, args=(url, each, start_at, queue)) for _ in range(processes)
    ]
    for p in procs:
        p.start()
    reports = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    wall = max(r[2] for r in reports) - min(r[1] for r in reports)
    return {
        "per_s": round(processes * each / wall, 1),
        "errors": sum(r[0] for r in reports),
        "letters": processes * each,
    }


def _demo(url: str) -> None:
    from app.services.demo import load_demo
    from app.services.safety.opening import open_registry

    db = open_registry(url)
    load_demo(db)
    db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.writers")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--each", type=int, default=60)
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-writers-"))
    results = {}
    sqlite_url = str(tmp / "writers.db")
    _demo(sqlite_url)
    results["SQLite"] = writers(sqlite_url, args.processes, args.each)
    if not args.no_postgresql:
        from tests.support.pg_server import start_server

        server = start_server()
        if server is not None:
            try:
                url = server.create_database("writers")
                _demo(url)
                results["PostgreSQL"] = writers(url, args.processes, args.each)
            finally:
                server.stop()
    for name, r in results.items():
        print(
            f"{name}: {args.processes} processes × {args.each}: {r['per_s']:,.1f} registrations/s, "
            f"errors {r['errors']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
