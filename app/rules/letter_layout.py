"""The page description of a letter: what the PDF and DOCX writers render, and nothing else.

No Qt, no file format here. :func:`build_page` turns a letter (as read from the registry), the
organization profile and, for a personalised copy, one recipient into a :class:`LetterPage` whose
fields follow the requisites of ГОСТ Р 7.0.97-2025 in page order (see
``docs/letter-layout.md``). Every figure is in millimetres or points so the writers agree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from app.rules.declension import salutation_or_collective
from app.rules.letter_body import Item, blocks_of, plain_text
from app.support.text import MONTHS_GENITIVE, date_ru, full_name, initials_name

NBSP = "\u00a0"
BY_LIST = "По списку рассылки"  # the addressee of a letter to more than four
EMPTY_REPLY_LINE = f"На{NBSP}№{NBSP}__________ от{NBSP}__________"
BLANK = "__________"  # the number and the date of a letter not yet registered (the preview)
LANDSCAPE_COLUMNS = 5  # a report form with more columns is printed across the page
APPENDIX_KINDS = {"report_form": "Отчетная форма", "distribution_list": "Список рассылки"}


# --- what the registry gives ----------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str = ""
    middle_name: str = ""
    position: str = ""  # may hold line breaks
    phone: str = ""
    email: str = ""
    certificate: tuple[str, str, dt.date, dt.date] | None = None  # serial, owner, from, to


@dataclass(frozen=True)
class Copy:
    """One recipient of the letter as printed at registration."""

    lines: str  # addressee lines, one per row
    salutation: str = ""
    delivery: str = ""


@dataclass(frozen=True)
class LetterSource:
    number: str
    date: dt.date
    subject: str
    body: str = ""  # as stored: light markup or a rich body (app.rules.letter_body)
    closing: str = ""
    addressee_text: str = ""  # as printed: blocks separated by a blank line
    salutation: str = ""
    reply_to_number: str = ""
    reply_to_date: dt.date | None = None
    attachments: tuple[tuple[str, int, int], ...] = ()  # title, sheets, copies
    signatory: Person | None = None
    electronic_signature: bool = False
    executor: Person | None = None
    report_columns: tuple[str, ...] = ()
    report_rows: int = 0
    appendices: tuple[str, ...] = ()  # report_form | distribution_list
    copies: tuple[Copy, ...] = ()  # every recipient, in list order
    list_title: str = ""  # the distribution list's heading or name
    unregistered: bool = False  # the preview before registration: number and date blank


@dataclass(frozen=True)
class Letterhead:
    """The organization part of the profile that the page shows."""

    name: str
    letterhead: tuple[str, ...] = ()
    short_name: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website: str = ""
    okpo: str = ""
    ogrn: str = ""
    inn: str = ""
    kpp: str = ""
    layout: str = "angular"  # angular | flat
    number_line: str = "number_first"  # number_first | date_first
    reply_line: bool = False
    font_size: int = 14
    date_words: bool = False  # «22» октября 2024 г.
    logo: bytes = b""


# --- the page description -------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """The framed mark of an electronic signature (requisite 10)."""

    serial: str
    owner: str
    valid_from: dt.date
    valid_to: dt.date

    @property
    def lines(self) -> tuple[str, ...]:
        return (
            "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
            f"Сертификат {self.serial}",
            f"Владелец {self.owner}",
            f"Действителен с {date_ru(self.valid_from)} по {date_ru(self.valid_to)}",
        )


@dataclass(frozen=True)
class Signature:
    position: tuple[str, ...]  # printed left, one entry per line
    name: str  # «М.А. Протасов», printed right on the position's last line
    stamp: Stamp | None = None  # in the place of the handwritten signature


@dataclass(frozen=True)
class AppendixTable:
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()  # columns centred as numbers
    row_height: float = 0.0  # mm; room to write in an empty form, 0: as the text needs


@dataclass(frozen=True)
class Appendix:
    kind: str
    caption: str  # «Приложение № 1 к письму от 28.10.2025 № 1893/5», upper right
    title: str
    table: AppendixTable
    landscape: bool = False  # a wide form gets a landscape page


@dataclass(frozen=True)
class Page:
    """Geometry and type, shared by both writers (mm and pt)."""

    width: float = 210.0
    height: float = 297.0
    left: float = 20.0
    right: float = 10.0
    top: float = 20.0
    bottom: float = 20.0
    font_size: float = 14.0
    small_size: float = 10.0  # executor mark, reference data, page numbers
    table_size: float = 11.0  # the appendices' tables
    body_table_size: float = 12.0  # a table in the text: 12 pt, the common practice
    body_table_gap: float = 3.0  # mm above and below a table in the text
    block_width: float = 80.0  # the letterhead block and the heading: at most 8 cm
    addressee_left: float = 100.0  # from the left margin: the addressee's column
    indent: float = 12.5  # first-line indent 1.25 cm
    # line heights as multiples of the font size, the same in the PDF and the DOCX (where they
    # are written as exact heights, so that Word and LibreOffice break pages where the PDF does)
    line_spacing: float = 1.15  # the text
    requisite_spacing: float = 1.15  # requisites: a single line of the font
    small_spacing: float = 1.2
    table_spacing: float = 1.15
    stamp_size: float = 8.0  # the electronic signature mark
    stamp_leading: float = 9.5
    qr_size: float = 20.0
    qr_gap: float = 3.0  # between the QR code and the text above it, page 1
    cell_padding: tuple[float, float, float, float] = (1.2, 1.5, 1.8, 1.5)  # appendix tables:
    # top, right, bottom, left
    grid_line: float = 0.5  # pt, the appendix tables' rules («Table Grid» in Word)
    appendix_title_before: float = 8.0  # the appendix's title: after the caption
    appendix_title_after: float = 5.0  # and before the table

    @property
    def page_number_size(self) -> float:
        """The page number at the top of pages 2…, in both writers."""
        return self.small_size + 2


@dataclass(frozen=True)
class LetterPage:
    layout: str
    page: Page
    organization: tuple[str, ...]  # bold lines of the organization's name
    reference: tuple[str, ...]  # address, phones, e-mail, site, codes
    logo: bytes
    number_line: str
    reply_line: str
    addressee: tuple[tuple[str, ...], ...]  # blocks, one under another
    heading: str
    salutation: str
    body: tuple[Item, ...]  # paragraphs, list items, tables (app.rules.letter_body)
    closing: str
    attachment: tuple[str, ...]
    signature: Signature | None
    executor: tuple[str, ...]
    qr: str
    appendices: tuple[Appendix, ...]
    title: str  # document properties
    number: str
    date: dt.date = field(default_factory=dt.date.today)


# --- building -------------------------------------------------------------------------------

_INITIALS_BEFORE = re.compile(r"((?:[А-ЯЁA-Z]\.\s?){1,2}) (?=[А-ЯЁA-Z][а-яёa-z-])")
_INITIALS_AFTER = re.compile(r"(?<=[а-яёa-z]) ((?:[А-ЯЁA-Z]\.){1,2})(?=\s|$)")


def bind_initials(text: str) -> str:
    """«В.В. Солодову» → «В.В.\u00a0Солодову»: initials never part from the surname."""
    text = _INITIALS_BEFORE.sub(lambda m: m.group(1).replace(" ", "") + NBSP, text)
    return _INITIALS_AFTER.sub(lambda m: NBSP + m.group(1), text)


def letter_date(date: dt.date, *, words: bool) -> str:
    if words:
        return f"«{date.day:02d}»{NBSP}{MONTHS_GENITIVE[date.month - 1]} {date.year}{NBSP}г."
    return date_ru(date)


def number_line(source: LetterSource, head: Letterhead) -> str:
    date = BLANK if source.unregistered else letter_date(source.date, words=head.date_words)
    number = f"№{NBSP}{BLANK if source.unregistered else source.number}"
    if head.number_line == "date_first":
        return f"от{NBSP}{date} {number}"
    return f"{number} от{NBSP}{date}"


def reply_line(source: LetterSource, head: Letterhead) -> str:
    if source.reply_to_number:
        when = f" от{NBSP}{date_ru(source.reply_to_date)}" if source.reply_to_date else ""
        return f"На{NBSP}№{NBSP}{source.reply_to_number}{when}"
    return EMPTY_REPLY_LINE if head.reply_line else ""


def reference_lines(head: Letterhead) -> tuple[str, ...]:
    lines = [head.address]
    phones = [head.phone] + ([f"факс {head.fax}"] if head.fax else [])
    lines.append(", ".join(p for p in phones if p))
    lines += [f"E-mail: {head.email}" if head.email else "", head.website]
    codes = [
        f"{label}{NBSP}{value}"
        for label, value in (
            ("ОКПО", head.okpo),
            ("ОГРН", head.ogrn),
            ("ИНН", head.inn),
            ("КПП", head.kpp),
        )
        if value
    ]
    if codes:
        lines.append(", ".join(codes))
    return tuple(line for line in lines if line)


def attachment_mark(source: LetterSource) -> tuple[str, ...]:
    """«Приложение: на 1 л. в 1 экз.» when the text names it, else a numbered list."""
    items = source.attachments
    if not items:
        return ()

    def amount(sheets: int, copies: int) -> str:
        return f"на{NBSP}{sheets}{NBSP}л. в{NBSP}{copies}{NBSP}экз."

    if len(items) == 1:
        title, sheets, copies = items[0]
        named = "приложени" in plain_text(source.body).casefold()
        return (f"Приложение: {'' if named else title + ' '}{amount(sheets, copies)}",)
    lines = ["Приложение:"]
    lines += [f"{i}. {t} {amount(s, c)}" for i, (t, s, c) in enumerate(items, 1)]
    return tuple(lines)


def signature_of(source: LetterSource, initials_first: bool = True) -> Signature | None:
    person = source.signatory
    if person is None:
        return None
    position = tuple(line.strip() for line in person.position.split("\n") if line.strip())
    name = initials_name(
        person.last_name, person.first_name, person.middle_name, initials_first=initials_first
    )
    stamp = None
    if source.electronic_signature and person.certificate:
        serial, owner, start, end = person.certificate
        owner = owner or full_name(person.last_name, person.first_name, person.middle_name)
        stamp = Stamp(serial, owner, start, end)
    return Signature(position or ("",), name, stamp)


def executor_mark(source: LetterSource) -> tuple[str, ...]:
    person = source.executor
    if person is None:
        return ()
    name = initials_name(person.last_name, person.first_name, person.middle_name)
    return tuple(line for line in (f"Исп. {name}", person.phone, person.email) if line)


def addressee_blocks(text: str) -> tuple[tuple[str, ...], ...]:
    blocks = re.split(r"\n\s*\n", text.strip())
    return tuple(
        tuple(bind_initials(line.strip()) for line in block.split("\n") if line.strip())
        for block in blocks
        if block.strip()
    )


def _report_form(source: LetterSource) -> AppendixTable:
    columns = ("№", *source.report_columns)
    widths = (0.6, *(_column_weight(c) for c in source.report_columns))
    blank = tuple("" for _ in source.report_columns)
    rows = tuple((str(i), *blank) for i in range(1, source.report_rows + 1))
    numeric = (True, *(False for _ in source.report_columns))
    return AppendixTable(columns, widths, rows, numeric, row_height=8.0)


def _column_weight(title: str) -> float:
    """Room for the longest word of a column title (never split) and about two lines of it."""
    longest = max((len(w) for w in title.split()), default=1)
    return max(1.2, min(3.0, max(longest / 6, len(title) / 14)))


def _distribution(source: LetterSource) -> AppendixTable:
    rows = tuple(
        (f"{i}.", bind_initials(" ".join(copy.lines.split())), copy.delivery)
        for i, copy in enumerate(source.copies, 1)
    )
    return AppendixTable(
        ("№ п/п", "Адресат", "Способ доставки"), (0.7, 6.0, 2.0), rows, (True, False, False)
    )


def appendix_kinds(source: LetterSource, personal: bool) -> list[str]:
    """The letter's appendices; a letter «По списку рассылки» always carries its list, a
    personalised copy never does (it names its one recipient)."""
    kinds = [k for k in source.appendices if k in APPENDIX_KINDS]
    by_list = BY_LIST in source.addressee_text and len(source.copies) > 0
    if by_list and "distribution_list" not in kinds:
        kinds.append("distribution_list")
    if personal or not source.copies:
        kinds = [k for k in kinds if k != "distribution_list"]
    if not source.report_columns:
        kinds = [k for k in kinds if k != "report_form"]
    return kinds


def appendices_of(source: LetterSource, personal: bool) -> tuple[Appendix, ...]:
    out = []
    for n, kind in enumerate(appendix_kinds(source, personal), 1):
        date, number = _registration(source)
        caption = f"Приложение №{NBSP}{n} к письму от{NBSP}{date} №{NBSP}{number}"
        if kind == "report_form":
            table = _report_form(source)
            wide = len(table.columns) > LANDSCAPE_COLUMNS
            out.append(Appendix(kind, caption, APPENDIX_KINDS[kind], table, wide))
        else:
            title = source.list_title or APPENDIX_KINDS[kind]
            out.append(Appendix(kind, caption, title, _distribution(source)))
    return tuple(out)


def _registration(source: LetterSource) -> tuple[str, str]:
    """(date, number) as printed; blanks before registration."""
    if source.unregistered:
        return BLANK, BLANK
    return date_ru(source.date), source.number


def qr_payload(source: LetterSource, head: Letterhead) -> str:
    """Requisite 31: organization, number and date, readable when scanned."""
    date, number = _registration(source)
    return f"{head.short_name or head.name}\n№ {number}\nот {date}"


def build_page(
    source: LetterSource,
    head: Letterhead,
    copy: Copy | None = None,
    *,
    initials_first: bool = True,
) -> LetterPage:
    """The letter as printed for everyone (``copy`` None) or for one recipient."""
    if copy is not None:
        addressee = addressee_blocks(copy.lines)
        salutation = salutation_or_collective(copy.salutation, source.salutation)
    else:
        addressee = addressee_blocks(source.addressee_text)
        salutation = source.salutation
    organization = tuple(head.letterhead) or (head.name,)
    size = float(head.font_size)
    return LetterPage(
        layout=head.layout,
        page=Page(
            font_size=size,
            small_size=max(9.0, size - 4),
            table_size=max(10.0, size - 3),
            body_table_size=max(10.0, size - 2),
        ),
        organization=organization,
        reference=reference_lines(head),
        logo=head.logo,
        number_line=number_line(source, head),
        reply_line=reply_line(source, head),
        addressee=addressee,
        heading=source.subject,
        salutation=salutation,
        body=tuple(blocks_of(source.body)),
        closing=source.closing,
        attachment=attachment_mark(source),
        signature=signature_of(source, initials_first),
        executor=executor_mark(source),
        qr=qr_payload(source, head),
        appendices=appendices_of(source, personal=copy is not None),
        title="№ {1} от {0} — {2}".format(*_registration(source), source.subject),
        number=source.number,
        date=source.date,
    )
