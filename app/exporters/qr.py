"""The QR code of a letter (requisite 31) as runs of dark modules and as a PNG, via segno."""

from __future__ import annotations

import io
from functools import lru_cache


@lru_cache(maxsize=64)
def qr_runs(payload: str) -> tuple[tuple[tuple[int, int, int], ...], int]:
    """((row, first column, length) of every horizontal run of dark modules, modules per side),
    quiet zone included."""
    import segno

    code = segno.make(payload, error="m", micro=False)
    matrix = [list(row) for row in code.matrix_iter(scale=1, border=2)]
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return tuple(runs), len(matrix)


@lru_cache(maxsize=64)
def qr_png(payload: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=8, border=2)
    return out.getvalue()
