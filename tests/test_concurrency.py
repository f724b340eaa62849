"""Several processes registering at once on one SQLite file never share or skip a number, and a
process killed mid-registration loses nothing it reported.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

from app.services.demo import load_demo
from app.services.registry.letter_list import list_letters
from app.services.registry.letters import Addressee, LetterCard, register_letter
from app.services.safety.maintenance import check_database
from app.services.safety.opening import open_registry

PROCESSES = 4
EACH = 250
KILLS = 100


def _card(i: int) -> LetterCard:
    return LetterCard(
        journal="РСК",
        subject=f"О проверке {i}",
        addressee=Addressee(text="Руководителям организаций (по списку)"),
        date=dt.date(2030, 3, 1),
        body="Текст.",
        signatory="protasov",
    )


def register_many(db_path: str, count: int, queue: multiprocessing.Queue) -> None:
    db = open_registry(db_path)
    queue.put([register_letter(db, _card(i)).number for i in range(count)])


def _demo(db_path: Path) -> None:
    db = open_registry(str(db_path))
    load_demo(db)
    db.dispose()


def seqs_of(numbers: list[str]) -> list[int]:
    return sorted(int(n.removesuffix("-РСК")) for n in numbers)


def registered_in_parallel(url: str, processes: int, each: int) -> list[str]:
    """The numbers ``processes`` fresh processes got, each registering ``each`` letters at once
    on the database at ``url``; every process must end cleanly."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=register_many, args=(url, each, queue)) for _ in range(processes)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    return [n for batch in results for n in batch]


def test_parallel_registration_gives_distinct_consecutive_numbers(db_path: Path) -> None:
    _demo(db_path)
    numbers = registered_in_parallel(str(db_path), PROCESSES, EACH)
    assert seqs_of(numbers) == list(range(1, PROCESSES * EACH + 1))


def _register_forever(db_path: str, conn: Connection) -> None:
    db = open_registry(db_path)
    i = 0
    while True:
        i += 1
        conn.send_bytes(register_letter(db, _card(i)).number.encode())  # one write: atomic


def test_killed_process_loses_nothing_it_reported(db_path: Path) -> None:
    """SIGKILL at a random moment, KILLS times: every number a process reported is stored,
    none is stored twice or skipped, and ``check`` passes after every quarter of the kills."""
    _demo(db_path)
    ctx = multiprocessing.get_context("forkserver")
    # a fork, not a start
    ctx.set_forkserver_preload(["app.services.safety.opening", "app.services.registry.letters"])
    reported: list[str] = []
    rng = random.Random(20251121)
    for kill in range(1, KILLS + 1):
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_register_forever, args=(str(db_path), send))
        proc.start()
        send.close()
        reported.append(receive.recv_bytes().decode())  # it is registering by now
        deadline = time.monotonic() + rng.uniform(0.0, 0.15)
        while time.monotonic() < deadline:
            if receive.poll(0.005):
                reported.append(receive.recv_bytes().decode())
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=30)
        while True:  # what it sent before it died
            try:
                reported.append(receive.recv_bytes().decode())
            except (EOFError, OSError):
                break
        receive.close()
        if kill % (KILLS // 4) == 0:
            db = open_registry(str(db_path))
            assert check_database(db).ok, f"after {kill} kills"
            db.dispose()
    db = open_registry(str(db_path))
    assert check_database(db).ok
    stored = [r.number for r in list_letters(db, limit=1_000_000) if r.reg_date.year == 2030]
    db.dispose()
    assert len(reported) >= KILLS
    missing = sorted(set(reported) - set(stored))
    assert not missing, f"reported but not stored: {missing[:10]} of {len(reported)}"
    assert len(stored) == len(set(stored))
    assert seqs_of(stored) == list(range(1, len(stored) + 1))  # no number twice, none skipped
