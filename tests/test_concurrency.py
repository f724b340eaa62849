"""Several processes registering at once on one SQLite file never share or skip a number, and a
process killed mid-registration loses nothing it reported.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.registry import open_registry
from app.services.demo import load_demo
from app.services.letter_list import list_letters
from app.services.letters import Addressee, LetterCard, register_letter
from app.services.maintenance import check_database
from tests.conftest import ROOT

PROCESSES = 4
EACH = 250
KILLS = 10

WORKER = """
import datetime as dt, sys
from app.registry import open_registry
from app.services.letters import Addressee, LetterCard, register_letter
db = open_registry(sys.argv[1])
while True:
    card = LetterCard(journal="РСК", subject="О проверке", date=dt.date(2030, 3, 1),
                      addressee=Addressee(text="Руководителям организаций (по списку)"))
    print(register_letter(db, card).number, flush=True)
"""


def _card(i: int) -> LetterCard:
    return LetterCard(
        journal="РСК",
        subject=f"О проверке {i}",
        addressee=Addressee(text="Руководителям организаций (по списку)"),
        date=dt.date(2030, 3, 1),
    )


def _register_many(db_path: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    db = open_registry(db_path)
    queue.put([register_letter(db, _card(i)).number for i in range(count)])


def _demo(db_path: Path) -> None:
    db = open_registry(str(db_path))
    load_demo(db)
    db.dispose()


def _seqs(numbers: list[str]) -> list[int]:
    return sorted(int(n.removesuffix("-РСК")) for n in numbers)


def test_parallel_registration_gives_distinct_consecutive_numbers(db_path: Path) -> None:
    _demo(db_path)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [
        ctx.Process(target=_register_many, args=(str(db_path), EACH, queue))
        for _ in range(PROCESSES)
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    numbers = [n for batch in results for n in batch]
    assert _seqs(numbers) == list(range(1, PROCESSES * EACH + 1))


def test_killed_process_loses_nothing_it_reported(db_path: Path) -> None:
    _demo(db_path)
    reported: list[str] = []
    rng = random.Random(20251121)
    for _ in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        reported.append(proc.stdout.readline().strip())  # it is registering by now
        time.sleep(rng.uniform(0.0, 0.3))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        reported.extend(line for line in out.splitlines() if line.strip())
    db = open_registry(str(db_path))
    assert check_database(db).ok
    stored = [r.number for r in list_letters(db, limit=100_000) if r.number.endswith("-РСК")]
    stored = [n for n in stored if n != "2174-РСК"]
    assert set(reported) <= set(stored)
    assert _seqs(stored) == list(range(1, len(stored) + 1))  # no number twice, none skipped
