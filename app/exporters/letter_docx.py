"""Letters to DOCX with python-docx: renders :class:`app.rules.letter_layout.LetterPage` and
nothing else.

An ordinary editable document: named paragraph styles carry the type (Times New Roman in all four
font slots, Russian language), the letterhead and signature are borderless tables, page numbers
are a PAGE field in the header from page 2, the QR code sits in the first page's footer, the
executor mark is a frame anchored to the bottom of the last page of the letter.
"""

from __future__ import annotations

import io
from typing import Any

from app.exporters.docx_properties import set_properties
from app.exporters.qr import qr_png
from app.rules.letter_body import Block, Table
from app.rules.letter_layout import Appendix, LetterPage, Page
from app.support.text import xml_safe

FONT = "Times New Roman"
TEXT, REQUISITE, CENTRED, ORGANIZATION, REFERENCE = (
    "Текст письма",
    "Реквизит",
    "Обращение",
    "Наименование организации",
    "Справочные данные",
)
BODY_CELL, BODY_CELL_HEAD = "Текст таблицы в письме", "Заголовок таблицы в письме"
EXECUTOR, CELL, CELL_HEAD, STAMP, CAPTION = (
    "Отметка об исполнителе",
    "Текст таблицы",
    "Заголовок таблицы",
    "Отметка об ЭП",
    "Гриф приложения",
)


def _fonts(rpr: Any, size: float | None = None) -> None:
    """All four font slots of a ``w:rPr`` to Times New Roman, theme fonts dropped, Russian."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _font_slots(fonts)
    for tag in ("w:sz", "w:szCs", "w:lang"):
        node = rpr.find(qn(tag))
        if node is not None:
            rpr.remove(node)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            node = OxmlElement(tag)
            node.set(qn("w:val"), str(int(size * 2)))
            rpr.append(node)
    lang = OxmlElement("w:lang")
    for slot in ("val", "eastAsia", "bidi"):
        lang.set(qn(f"w:{slot}"), "ru-RU")
    rpr.append(lang)


def _font_slots(fonts: Any) -> None:
    from docx.oxml.ns import qn

    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts (asciiTheme, cstheme, …) would override the name
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FONT)


def apply_styles(doc: Any, geo: Page) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    zoom = doc.settings.element.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")  # required by ECMA-376; the template leaves it out
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    _fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), geo.font_size)
    normal = doc.styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), geo.font_size)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    def add(
        name: str, size: float, align: Any = None, bold: bool = False, spacing: float = 0.0
    ) -> Any:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _fonts(style.element.get_or_add_rPr(), size)
        # an exact line height, the PDF's leading: «single» would be the font's own height
        leading = size * (spacing or geo.requisite_spacing)
        style.paragraph_format.line_spacing = Pt(leading)
        style.font.bold = bold or None
        if align is not None:
            style.paragraph_format.alignment = align
        return style

    text = add(TEXT, geo.font_size, WD_ALIGN_PARAGRAPH.JUSTIFY, spacing=geo.line_spacing)
    text.paragraph_format.first_line_indent = Mm(geo.indent)
    add(REQUISITE, geo.font_size, WD_ALIGN_PARAGRAPH.LEFT)
    add(CENTRED, geo.font_size, WD_ALIGN_PARAGRAPH.CENTER)
    add(ORGANIZATION, geo.font_size, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    add(REFERENCE, geo.small_size, WD_ALIGN_PARAGRAPH.CENTER, spacing=geo.small_spacing)
    add(EXECUTOR, geo.small_size, WD_ALIGN_PARAGRAPH.LEFT, spacing=geo.small_spacing)
    add(CELL, geo.table_size, WD_ALIGN_PARAGRAPH.LEFT, spacing=geo.table_spacing)
    add(CELL_HEAD, geo.table_size, WD_ALIGN_PARAGRAPH.CENTER, bold=True, spacing=geo.table_spacing)
    add(BODY_CELL, geo.body_table_size, WD_ALIGN_PARAGRAPH.LEFT, spacing=geo.table_spacing)
    add(
        BODY_CELL_HEAD,
        geo.body_table_size,
        WD_ALIGN_PARAGRAPH.CENTER,
        bold=True,
        spacing=geo.table_spacing,
    )
    stamp_spacing = geo.stamp_leading / geo.stamp_size
    add(STAMP, geo.stamp_size, WD_ALIGN_PARAGRAPH.LEFT, spacing=stamp_spacing)
    add(CAPTION, geo.font_size, WD_ALIGN_PARAGRAPH.LEFT)
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # the template's own styles too
        _font_slots(fonts)


def add_para(container: Any, text: str, style: str, *, first: bool = False) -> Any:
    """A paragraph with line breaks; ``first`` reuses the empty paragraph a new cell has."""
    p = container.paragraphs[0] if first and container.paragraphs else container.add_paragraph()
    p.style = style
    _lines_into(p, text)
    return p


def _lines_into(
    p: Any, text: str, bold: bool = False, italic: bool = False, underline: bool = False
) -> None:
    for i, line in enumerate(text.split("\n")):
        run = p.add_run()
        if i:
            run.add_break()
        run.add_text(xml_safe(line))
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if underline:
            run.underline = True


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _block(container: Any, block: Block, style: str = TEXT, indent: float = 0.0) -> Any:
    """A paragraph or a list item (its label typed, as the PDF prints it); a nested item is
    moved right by ``indent`` mm."""
    p = container.add_paragraph(style=style)
    if block.label:
        p.add_run(block.label + "\u00a0")
    if block.level and indent:
        from docx.shared import Mm

        p.paragraph_format.left_indent = Mm(indent)
    for span in block.spans:
        _lines_into(p, span.text, span.bold, span.italic, span.underline)
    return p


def _gap(doc: Any, mm: float) -> None:
    """An empty paragraph exactly ``mm`` high (the PDF's spacer above and below a table)."""
    from docx.shared import Mm

    p = doc.add_paragraph(style=REQUISITE)
    p.paragraph_format.line_spacing = Mm(mm)
    p.paragraph_format.line_spacing_rule = _exact()


def _exact() -> Any:
    from docx.enum.text import WD_LINE_SPACING

    return WD_LINE_SPACING.EXACTLY


def fixed_table(
    container: Any,
    rows: int,
    widths_mm: list[float],
    borders: bool,
    padding: tuple[float, float, float, float] | None = None,
) -> Any:
    """A table of fixed column widths; without borders its cells have no side margins, with
    ``padding`` (top, right, bottom, left, mm) its cells have those margins."""
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    table = container.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    if borders:
        table.style = "Table Grid"
    tbl_pr = table._tbl.tblPr  # autofit off wrote <w:tblLayout w:type="fixed"/> in its place
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(_qn("w:gridCol")), widths_mm, strict=True):
        col.set(_qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    if padding is None and not borders:
        padding = (0.0, 0.0, 0.0, 0.0)
    if padding is not None:
        top, right, bottom, left = padding
        margins = OxmlElement("w:tblCellMar")
        sides = (("top", top), ("left", left), ("bottom", bottom), ("right", right))
        for side, size in sides if borders else sides[1::2]:  # the schema's order
            node = OxmlElement(f"w:{side}")
            node.set(_qn("w:w"), str(int(Mm(size).twips)))
            node.set(_qn("w:type"), "dxa")
            margins.append(node)
        _insert_in_order(tbl_pr, margins, after=_TBL_PR_BEFORE_CELL_MAR)
    return table


# ECMA-376 fixes the order of a property element's children: what may stand before the one
# added (CT_TblPr before tblCellMar; CT_PPrBase before framePr)
_TBL_PR_BEFORE_CELL_MAR = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout",
)  # fmt: skip
_TBL_PR_BEFORE_BORDERS = _TBL_PR_BEFORE_CELL_MAR[: _TBL_PR_BEFORE_CELL_MAR.index("tblBorders")]
_P_PR_BEFORE_FRAME = ("pStyle", "keepNext", "keepLines", "pageBreakBefore")


def _insert_in_order(parent: Any, child: Any, *, after: tuple[str, ...]) -> None:
    """Put ``child`` after the last of ``parent``'s children named in ``after`` (the schema's
    sequence), before everything else."""
    names = {_qn(f"w:{name}") for name in after}
    position = 0
    for index, existing in enumerate(parent):
        if existing.tag in names:
            position = index + 1
    parent.insert(position, child)


def _page_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement

    for kind, text in (
        ("begin", None),
        (None, "PAGE"),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind:
            node = OxmlElement("w:fldChar")
            node.set(_qn("w:fldCharType"), kind)
        elif text == "PAGE":
            node = OxmlElement("w:instrText")
            node.set(_qn("xml:space"), "preserve")
            node.text = " PAGE "
        else:
            run.text = text or ""
            continue
        run._r.append(node)


def _frame_at_bottom(p: Any, top_mm: float) -> None:
    """The paragraph becomes (part of) a frame at the left, ``top_mm`` from the page's top:
    where the PDF draws the executor mark, its last line on the bottom margin."""
    from docx.oxml import OxmlElement

    frame = OxmlElement("w:framePr")
    for key, value in (
        ("w:wrap", "notBeside"),
        ("w:vAnchor", "page"),
        ("w:hAnchor", "margin"),
        ("w:xAlign", "left"),
        ("w:y", str(int(top_mm * 56.7))),
        ("w:w", str(int(90 * 56.7))),
    ):
        frame.set(_qn(key), value)
    _insert_in_order(p._p.get_or_add_pPr(), frame, after=_P_PR_BEFORE_FRAME)


FOOTER_DISTANCE = 10.0  # mm from the page's edge to the header and the footer


def section_geometry(section: Any, geo: Page, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(geo.height if landscape else geo.width)
    section.page_height = Mm(geo.width if landscape else geo.height)
    section.left_margin, section.right_margin = Mm(geo.left), Mm(geo.right)
    section.top_margin, section.bottom_margin = Mm(geo.top), Mm(geo.bottom)
    section.header_distance = Mm(FOOTER_DISTANCE)
    section.footer_distance = Mm(FOOTER_DISTANCE)


class _Writer:
    def __init__(self, doc: Any, page: LetterPage) -> None:
        self.doc, self.p, self.geo = doc, page, page.page
        self.text_width = self.geo.width - self.geo.left - self.geo.right

    def head(self) -> None:
        p, geo = self.p, self.geo
        gap = geo.addressee_left - geo.block_width
        widths = [geo.block_width, gap, self.text_width - geo.addressee_left]
        if p.layout == "flat":
            self.organization(self.doc)
        table = fixed_table(self.doc, 1, widths, borders=False)
        left, _gap, right = table.rows[0].cells
        first = True
        if p.layout != "flat":
            self.organization(left, first=True)
            first = False
        self.numbers(left, first)
        for i, block in enumerate(p.addressee):
            para = add_para(right, "\n".join(block), REQUISITE, first=i == 0)
            if i:
                para.paragraph_format.space_before = _pt(10)

    def organization(self, container: Any, first: bool = False) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        if self.p.logo:
            from docx.shared import Mm

            pic = container.paragraphs[0] if first else container.add_paragraph()
            pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pic.paragraph_format.line_spacing = 1.0  # an exact height would clip the logo
            pic.add_run().add_picture(io.BytesIO(self.p.logo), height=Mm(18))
            first = False
        for line in self.p.organization:
            add_para(container, line, ORGANIZATION, first=first)
            first = False
        if self.p.reference:
            ref = add_para(container, "\n".join(self.p.reference), REFERENCE)
            ref.paragraph_format.space_before = _pt(4)

    def numbers(self, cell: Any, first: bool) -> None:
        line = add_para(cell, self.p.number_line, REQUISITE, first=first)
        line.paragraph_format.space_before = _pt(0 if first else 11)
        if self.p.reply_line:
            add_para(cell, self.p.reply_line, REQUISITE)

    def text(self) -> None:
        from docx.shared import Mm

        p, doc = self.p, self.doc
        heading = add_para(doc, p.heading, REQUISITE)
        heading.paragraph_format.space_before = _pt(22)
        if p.layout == "angular":
            heading.paragraph_format.right_indent = Mm(self.text_width - self.geo.block_width)
        if p.salutation:
            greeting = add_para(doc, p.salutation, CENTRED)
            greeting.paragraph_format.space_before = _pt(22)
            greeting.paragraph_format.space_after = _pt(16)
        for item in p.body:
            if isinstance(item, Table):
                _gap(doc, self.geo.body_table_gap)
                self.body_table(item)
                _gap(doc, self.geo.body_table_gap)
            else:
                _block(doc, item, indent=self.geo.indent)
        if p.closing:
            add_para(doc, p.closing, REQUISITE).paragraph_format.space_before = _pt(11)
        if p.attachment:
            add_para(doc, "\n".join(p.attachment), REQUISITE).paragraph_format.space_before = _pt(
                16
            )

    def ruled_table(self, rows: int, widths: list[float]) -> Any:
        """A table with rules; Word and LibreOffice add a rule's width to a row's height, the PDF
        draws it over the edge: the bottom margin gives it back, so that both fit as many rows
        on a page."""
        top, right, bottom, left = self.geo.cell_padding
        rule = self.geo.grid_line * 25.4 / 72
        return fixed_table(self.doc, rows, widths, True, padding=(top, right, bottom - rule, left))

    def body_table(self, table: Table) -> None:
        total = sum(table.widths)
        widths = [self.text_width * w / total for w in table.widths]
        grid = self.ruled_table(len(table.rows), widths)
        for r, (row, cells) in enumerate(zip(grid.rows, table.rows, strict=True)):
            head = r < table.header_rows
            if head:
                repeat_header(row)
            style = BODY_CELL_HEAD if head else BODY_CELL
            for cell, blocks in zip(row.cells, cells, strict=True):
                empty = cell.paragraphs[0]
                for block in blocks:
                    _block(cell, block, style)
                if blocks:
                    empty._p.getparent().remove(empty._p)
                else:
                    empty.style = style

    def signature(self) -> None:
        sig = self.p.signature
        if sig is None:
            return
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        spacer = self.doc.add_paragraph(style=REQUISITE)
        spacer.paragraph_format.space_before = _pt(10)
        table = fixed_table(self.doc, 1, [85, self.text_width - 130, 45], borders=False)
        position, middle, name = table.rows[0].cells
        add_para(position, "\n".join(sig.position), REQUISITE, first=True)
        add_para(name, sig.name, REQUISITE, first=True).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for cell in (position, middle, name):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        if sig.stamp:
            stamp = fixed_table(middle, len(sig.stamp.lines), [66], borders=True)
            for i, (row, line) in enumerate(zip(stamp.rows, sig.stamp.lines, strict=True)):
                para = add_para(row.cells[0], line, STAMP, first=True)
                if i == 0:
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    para.runs[0].bold = True
            _inner_borders_off(stamp)

    def executor(self) -> None:
        geo = self.geo
        height = len(self.p.executor) * geo.small_size * geo.small_spacing * 25.4 / 72
        for line in self.p.executor:
            _frame_at_bottom(add_para(self.doc, line, EXECUTOR), geo.height - geo.bottom - height)

    def appendix(self, appendix: Appendix) -> None:
        from docx.enum.section import WD_SECTION
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section_geometry(section, self.geo, appendix.landscape)
        section.different_first_page_header_footer = False
        width = (
            (self.geo.height if appendix.landscape else self.geo.width)
            - self.geo.left
            - self.geo.right
        )
        caption = add_para(self.doc, appendix.caption, CAPTION)
        caption.paragraph_format.left_indent = Mm(width - self.geo.block_width)
        title = add_para(self.doc, appendix.title, CENTRED)
        title.runs[0].bold = True
        title.paragraph_format.space_before = Mm(self.geo.appendix_title_before)
        title.paragraph_format.space_after = Mm(self.geo.appendix_title_after)
        table = appendix.table
        total = sum(table.widths)
        widths = [width * w / total for w in table.widths]
        grid = self.ruled_table(1 + len(table.rows), widths)
        repeat_header(grid.rows[0])
        numeric = table.numeric or tuple(False for _ in table.columns)
        for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
            add_para(cell, text, CELL_HEAD, first=True)
        for row, values in zip(grid.rows[1:], table.rows, strict=True):
            if table.row_height:
                row.height = Mm(table.row_height)
            for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                para = add_para(cell, text, CELL, first=True)
                if numeric[i]:
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def write(self) -> None:
        self.head()
        self.text()
        self.signature()
        self.executor()
        for appendix in self.p.appendices:
            self.appendix(appendix)


def _pt(value: float) -> Any:
    from docx.shared import Pt

    return Pt(value)


def repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement

    trpr = row._tr.get_or_add_trPr()
    node = OxmlElement("w:tblHeader")
    node.set(_qn("w:val"), "true")
    trpr.append(node)


def _inner_borders_off(table: Any) -> None:
    """The stamp is one frame: outer border only."""
    from docx.oxml import OxmlElement

    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right"):
        node = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:color", "1F3A93")):
            node.set(_qn(key), value)
        borders.append(node)
    for side in ("insideH", "insideV"):
        node = OxmlElement(f"w:{side}")
        node.set(_qn("w:val"), "nil")
        borders.append(node)
    table.style = None
    _insert_in_order(table._tbl.tblPr, borders, after=_TBL_PR_BEFORE_BORDERS)


def _first_section(doc: Any, page: LetterPage) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section_geometry(section, page.page, landscape=False)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = CENTRED
    _page_field(header)
    for run in header.runs:  # the size the PDF prints it
        run.font.size = Pt(page.page.page_number_size)
    footer = section.first_page_footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # «single»: an exact line height would clip the picture; the body ends qr_gap above it,
    # where the PDF's first frame ends
    footer.paragraph_format.line_spacing = 1.0
    footer.paragraph_format.space_before = Mm(page.page.qr_gap)
    footer.paragraph_format.space_after = Mm(page.page.bottom - FOOTER_DISTANCE)  # QR's place
    footer.add_run().add_picture(io.BytesIO(qr_png(page.qr)), width=Mm(page.page.qr_size))
    later = section.footer.paragraphs[0]  # empty: as low as can be, so the body keeps its height
    later.paragraph_format.line_spacing = Pt(1)


def render_letter_docx(page: LetterPage) -> bytes:
    """One letter copy as the bytes of a DOCX file."""
    from docx import Document

    doc = Document()
    set_properties(doc, title=page.title, organization=" ".join(page.organization), date=page.date)
    apply_styles(doc, page.page)
    body = doc.element.body
    for child in list(body):
        if child.tag != _qn("w:sectPr"):
            body.remove(child)
    _first_section(doc, page)
    _Writer(doc, page).write()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_letters_docx(pages: list[LetterPage]) -> bytes:
    if len(pages) != 1:
        raise ValueError("a DOCX holds one letter copy; write copies as separate files")
    return render_letter_docx(pages[0])
