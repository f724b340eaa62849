"""Letters to PDF and DOCX, against LibreOffice converting the same DOCX, in one run.

Usage: python -m bench.letters [--repeat R] [--out FILE.json] [--no-libreoffice]

Works on a temporary demo database (the three example letters; the 89-recipient mailing is the
2025 Quality Day letter). Prints one table and writes JSON. Not part of the test suite.
LibreOffice (``libreoffice-writer-nogui``) runs headless with its own profile, one call for all
89 DOCX files, as a clerk's alternative route to the same PDFs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.timing import stats, timed


def _time(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    return stats(timed(fn, repeat))


def _libreoffice(docx_dir: Path, out_dir: Path) -> dict[str, Any] | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    files = sorted(str(p) for p in docx_dir.glob("*.docx"))
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    cmd = [
        soffice,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *files,
    ]
    subprocess.run([*cmd[:2], "--headless", "--terminate_after_init"], capture_output=True)
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    elapsed = (time.perf_counter() - start) * 1000
    shutil.rmtree(profile, ignore_errors=True)
    return {"files": len(files), "pdfs": len(list(out_dir.glob("*.pdf"))), "ms": round(elapsed)}


def run(repeat: int, with_libreoffice: bool) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-letters-"))
    os.environ["SECRETARIAT_DATA_DIR"] = str(tmp / "data")
    os.environ["SECRETARIAT_CONFIG_DIR"] = str(tmp / "config")
    from app.services.demo import load_demo
    from app.services.output.letter_export import export_letter, prepare, render
    from app.services.registry.letters import letter_id_by_number
    from app.services.safety.opening import open_registry

    db = open_registry(str(tmp / "bench.db"))
    load_demo(db)
    one = letter_id_by_number(db, "710/5")
    mailing = letter_id_by_number(db, "1893/5")
    single = prepare(db, one)
    render(single, "pdf", single.pages)  # fonts registered, modules imported: not timed
    render(single, "docx", single.pages)
    results: dict[str, Any] = {
        "one letter to PDF (render)": _time(lambda: render(single, "pdf", single.pages), repeat),
        "one letter to DOCX (render)": _time(lambda: render(single, "docx", single.pages), repeat),
        "one letter to PDF file (read + render + write)": _time(
            lambda: export_letter(db, one, "pdf", tmp / "one.pdf"), repeat
        ),
    }
    count = len(prepare(db, mailing, per_recipient=True).pages)
    results["mailing recipients"] = count
    merged = tmp / "merged.pdf"
    results[f"{count} letters, merged PDF"] = _time(
        lambda: export_letter(db, mailing, "pdf", merged, per_recipient=True, merge=True),
        max(3, repeat // 2),
    )
    results[f"{count} letters, separate PDF files"] = _time(
        lambda: export_letter(db, mailing, "pdf", tmp / "pdf", per_recipient=True),
        max(3, repeat // 2),
    )
    docx_dir = tmp / "docx"
    results[f"{count} letters, separate DOCX files"] = _time(
        lambda: export_letter(db, mailing, "docx", docx_dir, per_recipient=True),
        max(3, repeat // 2),
    )
    results["merged PDF size, KB"] = round(merged.stat().st_size / 1024)
    results["body length"] = body_lengths(db, max(3, repeat // 3))
    if with_libreoffice:
        lo = _libreoffice(docx_dir, tmp / "lo")
        results["LibreOffice, 89 DOCX → PDF in one call"] = lo
        if lo:
            ours = results[f"{count} letters, merged PDF"]["median_ms"]
            results["LibreOffice route / ours (merged PDF)"] = round(lo["ms"] / ours, 1)
    shutil.rmtree(tmp, ignore_errors=True)
    return results


BODY_SIZES = (10_000, 100_000, 200_000)  # 200,000: the longest body a card takes (MAX_BODY)


def body_lengths(db: Any, repeat: int) -> dict[str, Any]:
    """A letter's PDF and DOCX against the length of its body: the time per 10,000 characters
    should stay the same from the shortest to the longest (linear), and the memory the render
    takes at its peak (tracemalloc) grow no faster than the text."""
    import tracemalloc

    from app.rules.field_rules import MAX_BODY
    from app.services.output.letter_export import prepare, render
    from app.services.registry.letters import Addressee, LetterCard, register_letter

    assert max(BODY_SIZES) <= MAX_BODY
    paragraph = (
        "Роскачество в целях реализации задач, поставленных Президентом Российской Федерации, "
        "проводит ежегодный Всероссийский конкурс «Лидер качества» и просит поддержать "
        "информационную кампанию конкурса в средствах массовой информации региона. "
    ) * 3
    out: dict[str, Any] = {}
    for size in BODY_SIZES:
        body = "\n\n".join([paragraph] * (size // len(paragraph) + 1))[:size]
        card = LetterCard(journal="РСК", subject="О конкурсе «Лидер качества»", body=body,
                          addressee=Addressee(recipient="kamchatka-governor"),
                          signatory="protasov")  # fmt: skip
        prepared = prepare(db, register_letter(db, card).id)
        row: dict[str, Any] = {}
        for kind in ("pdf", "docx"):
            timing = _time(partial(render, prepared, kind, prepared.pages), repeat)
            tracemalloc.start()
            render(prepared, kind, prepared.pages)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            row[kind] = {
                "median_ms": timing["median_ms"],
                "ms_per_10k_chars": round(timing["median_ms"] * 10_000 / size, 1),
                "peak_mb": round(peak / 2**20, 1),
            }
        out[f"{size:,} characters"] = row
    first, last = (out[f"{n:,} characters"] for n in (BODY_SIZES[0], BODY_SIZES[-1]))
    out["ratio of ms per 10k chars, longest / shortest"] = {
        kind: round(last[kind]["ms_per_10k_chars"] / first[kind]["ms_per_10k_chars"], 2)
        for kind in ("pdf", "docx")
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.letters")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--out", type=Path, default=Path("bench/results/letters.json"))
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.repeat, not args.no_libreoffice)
    width = max(len(k) for k in results)
    for key, value in results.items():
        if isinstance(value, dict) and "median_ms" in value:
            shown = f"{value['median_ms']:>9.1f} ms median, p95 {value['p95_ms']:.1f} ms"
        elif isinstance(value, dict) and "ms" in value:
            shown = f"{value['ms']:>9} ms ({value['pdfs']} PDF of {value['files']} DOCX)"
        elif isinstance(value, dict):
            shown = json.dumps(value, ensure_ascii=False)
        else:
            shown = f"{value!s:>9}"
        print(f"{key:<{width}}  {shown}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
