"""Several processes registering at once on one SQLite file never share or skip a number, and a
process killed mid-registration loses nothing it reported.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from app.services.demo import load_demo
from app.services.registry.letter_list import list_letters
from app.services.registry.letters import register_letter
from app.services.safety.maintenance import check_database
from app.services.safety.opening import open_registry
from tests.support.builders import numbered_card
from tests.support.parallel import registered_in_parallel, seqs_of

PROCESSES = 4
EACH = 250
KILLS = 100


def _demo(db_path: Path) -> None:
    db = open_registry(str(db_path))
    load_demo(db)
    db.dispose()


@pytest.mark.slow
def test_parallel_registration_gives_distinct_consecutive_numbers(db_path: Path) -> None:
    _demo(db_path)
    numbers = registered_in_parallel(str(db_path), PROCESSES, EACH)
    assert seqs_of(numbers) == list(range(1, PROCESSES * EACH + 1))


def _register_forever(db_path: str, conn: Connection) -> None:
    db = open_registry(db_path)
    i = 0
    while True:
        i += 1
        conn.send_bytes(register_letter(db, numbered_card(i)).number.encode())  # one write: atomic


@pytest.mark.slow
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
