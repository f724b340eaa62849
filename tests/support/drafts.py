"""Word drafts in the shapes executors type them, made with python-docx for the tests.

The texts are those of the example letters (tests/fixtures/letters): the governor letter 710/5 and
the report request 2174-РСК. Each shape is one way the parts are laid out in a real draft.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

GOVERNOR_TEXT = (
    "Роскачество в целях реализации задач, поставленных Президентом Российской Федерации, "
    "проводит ежегодный Всероссийский конкурс «Лидер качества» (далее – Конкурс).",
    "Учитывая Ваш авторитет и активную позицию в вопросах социально-экономического развития "
    "региона, прошу Вас поддержать информационную кампанию Конкурса.",
)


def _borderless(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        node = OxmlElement(f"w:{side}")
        node.set(qn("w:val"), "nil")
        borders.append(node)
    table._tbl.tblPr.append(borders)


def _level(paragraph: Any, ilvl: int) -> None:
    """The list level of a paragraph set as Word does when Tab is pressed in a list item."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    style_num = paragraph.style.element.pPr.find(qn("w:numPr"))
    num_pr = OxmlElement("w:numPr")
    level = OxmlElement("w:ilvl")
    level.set(qn("w:val"), str(ilvl))
    num_id = OxmlElement("w:numId")
    num_id.set(qn("w:val"), style_num.find(qn("w:numId")).get(qn("w:val")))
    num_pr.append(level)
    num_pr.append(num_id)
    ppr.append(num_pr)


def _tabbed(doc: Any, left: str, right: str) -> None:
    doc.add_paragraph(f"{left}\t\t\t\t\t{right}" if left else f"\t\t\t\t\t\t{right}")


def governor_in_table(path: Path) -> Path:
    """Letterhead on the left and the addressee on the right of a borderless table; «№ ___ от
    ___» under the letterhead; a signature table; the executor in small print."""
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    head = doc.add_table(rows=1, cols=2)
    _borderless(head)
    left, right = head.rows[0].cells
    left.paragraphs[0].add_run("РОСКАЧЕСТВО").bold = True
    left.add_paragraph("119071, Россия, г. Москва, ул. Орджоникидзе, д. 12")
    left.add_paragraph("+7 (495) 777 43 12")
    left.add_paragraph("№ ________ от ________")
    right.paragraphs[0].add_run("Губернатору Камчатского края").bold = True
    right.add_paragraph("В.В. Солодову")
    doc.add_paragraph("")
    doc.add_paragraph("О поддержке Конкурса «Лидер качества»")
    doc.add_paragraph("Уважаемый Владимир Викторович!")
    for text in GOVERNOR_TEXT:
        doc.add_paragraph(text)
    doc.add_paragraph("Приложение: Положение о Конкурсе на 5 л. в 1 экз.")
    doc.add_paragraph("С уважением,")
    sign = doc.add_table(rows=1, cols=2)
    _borderless(sign)
    sign.rows[0].cells[0].paragraphs[0].add_run("Руководитель")
    sign.rows[0].cells[1].paragraphs[0].add_run("М.А. Протасов")
    for line in ("Исп. Старчикова М.С.", "+7 915 004 29 49"):
        run = doc.add_paragraph().add_run(line)
        run.font.size = Pt(10)
    doc.save(str(path))
    return path


def report_request_tabbed(
    path: Path,
    *,
    position: tuple[str, ...] = (
        "Заместитель руководителя",
        "Департамента государственной",
        "политики в сфере общего",
        "образования Министерства",
        "просвещения Российской Федерации",
    ),
    signatory: str = "М.А. Протасов",
    executor: str = "Старчикова Мария Сергеевна",
) -> Path:
    """The addressee after tabs; Word bullet and number lists (nested); a body table with a
    repeated header; a five-line position with the name after tabs on its last line."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = docx.Document()
    _tabbed(doc, "", "Руководителям органов")
    _tabbed(doc, "", "управления образованием")
    doc.add_paragraph("")
    doc.add_paragraph("О проведении Недели качества и Дня качества")
    doc.add_paragraph("Уважаемые коллеги!")
    p = doc.add_paragraph("В 2024 году Неделя качества приходится на период ")
    p.add_run("11-17 ноября").bold = True
    p.add_run(", День качества — на ")
    p.add_run("14 ноября").bold = True
    p.add_run(".")
    doc.add_paragraph("Предлагаем Вам принять участие в проведении Всемирного дня качества:")
    doc.add_paragraph(
        "Оказать содействие в распространении информации о Дне качества;", style="List Number"
    )
    doc.add_paragraph("размещение информационного баннера;", style="List Bullet 2")
    doc.add_paragraph("поздравления с Днем качества;", style="List Bullet 2")
    doc.add_paragraph(
        "Провести на региональном уровне просветительские мероприятия.", style="List Number"
    )
    nested = doc.add_paragraph("уроки качества;", style="List Number")
    _level(nested, 1)  # Word's own nesting: the same list, one level in
    doc.add_paragraph("Просим представить сведения по форме:")
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(
        (("№", "Мероприятие", "Участников"), ("1", "Урок качества", "120"), ("2", "Квиз", "45"))
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    doc.add_paragraph("Приложение:")
    doc.add_paragraph("1. Отчетная форма на 1 л. в 1 экз.")
    doc.add_paragraph("2. Методические материалы на 12 л. в 1 экз.")
    doc.add_paragraph("")
    for line in position[:-1]:
        doc.add_paragraph(line)
    doc.add_paragraph(f"{position[-1]}\t\t\t{signatory}")
    doc.add_paragraph("")
    doc.add_paragraph(executor)
    doc.add_paragraph("+7 (915) 004-29-49")
    doc.save(str(path))
    return path


def indented_unknown(path: Path) -> Path:
    """The addressee indented (not in the directory), no salutation, a closing, a signature with
    the position on one line and the name on the next; a line nobody can place."""
    import docx
    from docx.shared import Mm

    doc = docx.Document()
    for line in ("Директору ООО «Ромашка»", "И.И. Иванову"):
        doc.add_paragraph(line).paragraph_format.left_indent = Mm(95)
    doc.add_paragraph("На № 12-34 от 05.03.2025")
    doc.add_paragraph("Об ответе на запрос")
    doc.add_paragraph("Сообщаем, что запрошенные сведения будут представлены дополнительно.")
    doc.add_paragraph("С уважением,")
    doc.add_paragraph("Руководитель")
    doc.add_paragraph("\t\t\t\t\tМ.А. Протасов")
    doc.add_paragraph("Черновик согласован устно")
    doc.save(str(path))
    return path
