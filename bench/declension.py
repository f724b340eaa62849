"""``python -m bench.declension [--rows N]``: accuracy and speed of the addressee declension,
and the time to plan and apply an import of N recipients (default 50,000).

Scores the corpus of ``tests/data/declension_corpus.tsv`` (positions into the dative; names into
the dative with initials, the salutation and the gender) and times the derivation of a whole
addressee block, as an import of many rows does it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.rules import declension
from app.rules.declension_corpus import decline, read_corpus

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "declension_corpus.tsv"


def main() -> None:
    cases = read_corpus(CORPUS)
    started = time.perf_counter()
    declension.decline_position("Губернатор")  # load the dictionaries
    load = time.perf_counter() - started
    for kind in ("position", "name"):
        subset = [c for c in cases if c.kind == kind]
        wrong = [(c, decline(c)) for c in subset if decline(c) != c.expected]
        share = 100 * (len(subset) - len(wrong)) / len(subset)
        print(f"{kind:9} {len(subset) - len(wrong):3}/{len(subset):<3} = {share:5.1f} %")
        for case, got in wrong:
            print(f"    {case.source!r}: {got!r}, expected {case.expected!r}")
    right = sum(decline(c) == c.expected for c in cases)
    print(f"{'total':9} {right:3}/{len(cases):<3} = {100 * right / len(cases):5.1f} %")
    print(f"dictionaries loaded in {load * 1000:.0f} ms")
    declension.decline_position.cache_clear()
    declension.surname_dative.cache_clear()
    positions = [c.source for c in cases if c.kind == "position"]
    names = [c.source.split("|") for c in cases if c.kind == "name"]
    n = 2000
    started = time.perf_counter()
    for i in range(n):
        last, first, middle = names[i % len(names)]
        declension.addressee_lines(
            "", f"{positions[i % len(positions)]} {i}", f"{last}{i}", first, middle, ""
        )
    per = (time.perf_counter() - started) / n
    print(f"uncached addressee block: {per * 1000:.2f} ms each ({1 / per:,.0f}/s)")
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 50_000
    import_figures(rows, positions, names)


def import_figures(count: int, positions: list[str], names: list[list[str]]) -> None:
    import csv
    import tempfile

    from app.services.directory.recipient_io import apply_import, plan_import
    from app.services.safety.opening import open_registry

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "recipients.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh, delimiter=";")
            out.writerow(["Код", "Организация", "Должность", "Фамилия", "Имя", "Отчество",
                          "Способ доставки", "Списки рассылки"])  # fmt: skip
            for i in range(count):
                last, first, middle = names[i % len(names)]
                listed = "Все" if i % 10 == 0 else ""
                out.writerow([f"b{i}", f"Организация № {i}", positions[i % len(positions)],
                              last, first, middle, "МЭДО", listed])  # fmt: skip
        db = open_registry(str(Path(tmp) / "bench.db"))
        started = time.perf_counter()
        plan = plan_import(db, path)
        planned = time.perf_counter() - started
        started = time.perf_counter()
        apply_import(db, plan)
        applied = time.perf_counter() - started
        again = plan_import(db, path)
        print(f"import of {count:,} rows: preview {planned:.1f} s, write {applied:.1f} s "
              f"({count / (planned + applied):,.0f} rows/s); "
              f"second preview: {again.summary}")  # fmt: skip
        db.dispose()


if __name__ == "__main__":
    main()
