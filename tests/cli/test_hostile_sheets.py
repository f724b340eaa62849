"""Sheets that declare or reach far more than they hold: every importer reads them in bounded
memory (peak RSS under 300 MB, measured in a child process) with a result or a clear error."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.support.places import ROOT

pytestmark = pytest.mark.slow

PEAK_MB = 300


def _sheet(path: Path, change: object) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["Дата", "Номер", "Адресат", "Заголовок"])
    ws.append(["01.02.2026", "1/5", "Минфин", "О бюджете"])
    base = path.with_suffix(".base.xlsx")
    wb.save(base)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = change(data)  # type: ignore[operator]
            out.writestr(name, data)
    return path


def _declared(data: bytes) -> bytes:
    data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>z</t></is></c></row>'
    return data.replace(b"</sheetData>", far + b"</sheetData>")


def _wide(data: bytes) -> bytes:
    data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD20002"/>', data)
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c>'
        b'<c r="XFD%d" t="inlineStr"><is><t>y</t></is></c></row>' % (i, i, i)
        for i in range(3, 20003)
    )
    return data.replace(b"</sheetData>", rows + b"</sheetData>")


CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a runaway fails fast, not the machine
from pathlib import Path
from app.support.errors import UserError
from app.services.safety.opening import open_registry
from app.services.demo import load_demo
from app.services.journal.excel_import import preview_import
from app.services.directory.recipient_io import plan_import
from app.rules.report_form import read_filled_form

db = open_registry(sys.argv[1])
load_demo(db)
for path in sys.argv[2:]:
    for run in (
        lambda: preview_import(db, Path(path), "ИСХ"),
        lambda: plan_import(db, Path(path)),
        lambda: read_filled_form(Path(path), ["Адресат", "Заголовок"]),
    ):
        try:
            run()
        except UserError as exc:
            print("refused:", exc)
# VmHWM: this process's peak (ru_maxrss would carry the parent's over exec)
hwm = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM"))
print("peak", int(hwm.split()[1]) // 1024)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is read from /proc")
def test_every_importer_reads_hostile_sheets_in_bounded_memory(tmp_path: Path) -> None:
    files = [
        _sheet(tmp_path / "declared.xlsx", _declared),  # 5 KB, «A1:XFD1048576»
        _sheet(tmp_path / "wide.xlsx", _wide),  # 20,000 rows reaching column XFD
    ]
    assert all(f.stat().st_size < 200_000 for f in files)
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "r.db"), *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr and "MemoryError" not in run.stdout
    peak = int(run.stdout.strip().splitlines()[-1].split()[1])
    assert peak < PEAK_MB, run.stdout
