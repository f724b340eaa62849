"""Tables to DOCX in the style of the letters' report form (same paragraph styles and grid).

Landscape when the table is wide, the header row repeated on every page, numbers right-aligned,
a bold totals row, notes after the table.
"""

from __future__ import annotations

import io
from pathlib import Path

from app.exporters.docx_properties import set_properties
from app.exporters.letter_docx import (
    CELL,
    CELL_HEAD,
    CENTRED,
    TEXT,
    add_para,
    apply_styles,
    fixed_table,
    repeat_header,
    section_geometry,
)
from app.exporters.table import Table, cell_text
from app.rules.letter_layout import LANDSCAPE_COLUMNS, Page
from app.support import clock
from app.support.atomic import write_atomically


def render_table_docx(table: Table) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    geo = Page()
    landscape = len(table.columns) > LANDSCAPE_COLUMNS
    doc = Document()
    set_properties(doc, title=table.title, organization="", date=clock.today())
    apply_styles(doc, geo)
    section_geometry(doc.sections[0], geo, landscape)
    width = (geo.height if landscape else geo.width) - geo.left - geo.right
    title = add_para(doc, table.title, CENTRED, first=True)
    title.runs[0].bold = True
    title.paragraph_format.space_after = Pt(6)
    if table.subtitle:
        add_para(doc, table.subtitle, CENTRED).paragraph_format.space_after = Pt(10)
    total = sum(c.width for c in table.columns)
    widths = [width * c.width / total for c in table.columns]
    body = [*table.body(), *([(None, table.totals)] if table.totals is not None else [])]
    grid = fixed_table(doc, 1 + len(body), widths, borders=True)
    repeat_header(grid.rows[0])
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        add_para(cell, column.title, CELL_HEAD, first=True)
    for n, (row, (heading, values)) in enumerate(zip(grid.rows[1:], body, strict=True)):
        if heading is not None:
            merged = row.cells[0].merge(row.cells[-1])
            add_para(merged, heading, CELL_HEAD, first=True)
            continue
        bold = table.totals is not None and n == len(body) - 1
        for cell, column, value in zip(row.cells, table.columns, values, strict=False):
            para = add_para(cell, cell_text(value), CELL, first=True)
            if column.numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if bold:
                for run in para.runs:
                    run.bold = True
    for note in table.notes:
        para = add_para(doc, note, TEXT)
        para.paragraph_format.first_line_indent = None
        para.paragraph_format.space_before = Pt(6)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_table_docx(table: Table, path: Path) -> Path:
    content = render_table_docx(table)

    def write(tmp: Path) -> None:
        tmp.write_bytes(content)

    return write_atomically(path, write)
