"""Several processes registering at once on one SQLite file never share or skip a number."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

from app.registry import open_registry
from app.services.demo import load_demo
from app.services.letters import Addressee, LetterCard, register_letter

PROCESSES = 4
EACH = 50


def _register_many(db_path: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    db = open_registry(db_path)
    numbers = []
    for i in range(count):
        card = LetterCard(
            journal="РСК",
            subject=f"О проверке {i}",
            addressee=Addressee(text="Руководителям организаций (по списку)"),
            date=dt.date(2030, 3, 1),
        )
        numbers.append(register_letter(db, card).number)
    queue.put(numbers)


def test_parallel_registration_gives_distinct_consecutive_numbers(db_path: Path) -> None:
    db = open_registry(str(db_path))
    load_demo(db)
    db.dispose()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [
        ctx.Process(target=_register_many, args=(str(db_path), EACH, queue))
        for _ in range(PROCESSES)
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    numbers = [n for batch in results for n in batch]
    seqs = sorted(int(n.removesuffix("-РСК")) for n in numbers)
    assert seqs == list(range(1, PROCESSES * EACH + 1))
