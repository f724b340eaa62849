"""One table to the file the clerk named: the format follows the extension."""

from __future__ import annotations

from pathlib import Path

from app.exporters.table import Table
from app.support.errors import UserError
from app.support.progress import Progress

SUFFIXES = (".xlsx", ".pdf", ".docx")


def check_suffix(out: Path, what: str, allowed: tuple[str, ...] = SUFFIXES) -> str:
    """The format of ``out`` by its extension, refused with a message before any work."""
    suffix = Path(out).suffix.lower()
    if suffix not in allowed:
        names = " или ".join(s.lstrip(".").upper() for s in allowed)
        raise UserError(f"{out}: {what} записывается в {names} (по расширению файла)")
    return suffix


def write_table(
    table: Table,
    out: Path,
    what: str,
    allowed: tuple[str, ...] = SUFFIXES,
    progress: Progress | None = None,
) -> Path:
    """Write ``table`` to ``out`` (atomically); ``what`` names the document in the message;
    ``progress`` is told how far the XLSX or PDF is (the DOCX is written at once)."""
    out = Path(out)
    suffix = check_suffix(out, what, allowed)
    if suffix == ".xlsx":
        from app.exporters.xlsx import write_table_xlsx

        return write_table_xlsx(table, out, progress=progress)
    if suffix == ".pdf":
        from app.exporters.pdf_table import write_table_pdf

        return write_table_pdf(table, out, progress)
    from app.exporters.table_docx import write_table_docx

    return write_table_docx(table, out)
