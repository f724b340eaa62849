"""Several processes registering at once on one database; the numbers they got."""

from __future__ import annotations

import multiprocessing

from app.services.registry.letters import register_letter
from app.services.safety.opening import open_registry
from tests.support.builders import numbered_card


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


def register_many(db_path: str, count: int, queue: multiprocessing.Queue) -> None:
    db = open_registry(db_path)
    queue.put([register_letter(db, numbered_card(i)).number for i in range(count)])
