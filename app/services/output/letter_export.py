"""Letters out of the registry: the letter as printed (PDF, DOCX), personalised copies, the
report form as XLSX. Reads the registry once, builds page descriptions, hands them to a writer.

A mailing writes into a temporary folder beside the target and moves the files in only when all
are written: a cancelled or failed export leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.letter_layout import Copy, Letterhead, LetterPage, LetterSource, Person, build_page
from app.rules.states import LetterStatus
from app.services.organization.profile import org_to_data, organization_in
from app.services.registry.letter_files import letter_document_in
from app.services.registry.letters import LetterCard, preview_row_in
from app.support import clock
from app.support.errors import UserError
from app.support.files import safe_file_name
from app.support.progress import Cancelled, Progress
from db.engine import Database
from db.models import DistributionList, Letter, Staff, StoredFile

FORMATS = ("pdf", "docx")


class ExportCancelled(Cancelled):
    def __init__(self) -> None:
        super().__init__("Выгрузка отменена; файлы не записаны")


def safe_name(text: str, limit: int = 80) -> str:
    """A file name from a letter number or an addressee: «1893/5» → «1893-5»."""
    return safe_file_name(text, limit)


def _person(staff: Staff | None) -> Person | None:
    if staff is None:
        return None
    cert = None
    if staff.certificates:
        c = max(staff.certificates, key=lambda x: x.valid_to)
        cert = (c.serial, c.owner, c.valid_from, c.valid_to)
    return Person(
        staff.last_name,
        staff.first_name,
        staff.middle_name,
        staff.position,
        staff.phone,
        staff.email,
        cert,
    )


def letter_source(session: Session, letter: Letter) -> LetterSource:
    report = letter.report
    list_title = ""
    if letter.distribution_list_id is not None:
        dlist = session.get(DistributionList, letter.distribution_list_id)
        list_title = (dlist.heading or dlist.name) if dlist else ""
    copies = tuple(
        Copy(lines=row.addressee_lines, salutation=row.salutation, delivery=row.delivery)
        for row in letter.addressees
    )
    return LetterSource(
        number=letter.number,
        date=letter.reg_date,
        subject=letter.subject,
        body=letter.body,
        closing=letter.closing,
        addressee_text=letter.addressee_text,
        salutation=letter.salutation,
        reply_to_number=letter.reply_to_number,
        reply_to_date=letter.reply_to_date,
        attachments=tuple((a.title, a.sheets, a.copies) for a in letter.attachments),
        signatory=_person(letter.signatory),
        electronic_signature=letter.signature_kind == "electronic",
        executor=_person(letter.executor),
        report_columns=tuple(report.columns) if report else (),
        report_rows=report.form_rows if report else 0,
        appendices=tuple(letter.appendices or ()),
        copies=copies,
        list_title=list_title,
    )


@dataclass(frozen=True)
class Profile:
    head: Letterhead
    initials_first: bool
    font_file: str  # the organization's own TTF for the PDF; "" for the bundled serif


def letter_profile(session: Session) -> Profile:
    org = organization_in(session)
    logo = b""
    if org.logo_file_id is not None:
        stored = session.get(StoredFile, org.logo_file_id)
        logo = stored.content if stored else b""
    data = org_to_data(org)
    names = {f.name for f in fields(Letterhead)} - {"letterhead", "logo"}
    head = Letterhead(
        letterhead=tuple(data.letterhead),
        logo=logo,
        **{name: getattr(data, name) for name in names},
    )
    return Profile(head, data.initials_first, data.font_file)


@dataclass(frozen=True)
class Prepared:
    """Everything a writer needs, read in one transaction."""

    number: str
    pages: list[LetterPage]  # one (the letter) or one per recipient
    names: list[str]  # file-name stems, parallel to pages
    font_file: str
    document: bytes = b""  # a letter registered as a PDF made elsewhere: this is what prints
    date: dt.date | None = None  # the registration date: a document's PDF/A is dated by it


def _load(session: Session, letter_id: int) -> tuple[Letter, LetterSource, Profile]:
    letter = registered_letter_in(session, letter_id, "выгружаются")
    return letter, letter_source(session, letter), letter_profile(session)


def registered_letter_in(session: Session, letter_id: int, done: str) -> Letter:
    """The letter, refused unless registered: «… отправляются только зарегистрированные»."""
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise UserError("Письмо не найдено")
    if letter.status != LetterStatus.REGISTERED:
        raise UserError(
            f"Письмо № {letter.number} не зарегистрировано (резерв или аннулировано); "
            f"{done} только зарегистрированные письма"
        )
    return letter


def prepare(db: Database, letter_id: int, *, per_recipient: bool = False) -> Prepared:
    with db.read() as session:
        letter, source, profile = _load(session, letter_id)
        stem = safe_name(f"{letter.number} от {letter.reg_date:%d.%m.%Y}")
        document = letter_document_in(session, letter_id)
        if not per_recipient:
            page = build_page(source, profile.head, initials_first=profile.initials_first)
            return Prepared(
                letter.number, [page], [stem], profile.font_file, document, letter.reg_date
            )
        if not source.copies:
            raise UserError(
                f"У письма № {letter.number} адресат указан текстом, без адресатов из "
                "справочника: персональные копии делать не для кого"
            )
        pages, names = [], []
        width = len(str(len(source.copies)))
        for i, copy in enumerate(source.copies, 1):
            pages.append(
                build_page(source, profile.head, copy, initials_first=profile.initials_first)
            )
            who = safe_name(" ".join(copy.lines.split()), 60)
            names.append(f"{stem} - {i:0{width}d} {who}")
        # a letter made elsewhere: every copy is that one document, its page a place holder
        return Prepared(letter.number, pages, names, profile.font_file, document, letter.reg_date)


def medo_pdf(prepared: Prepared, page: LetterPage | None) -> tuple[bytes, str]:
    """The document a МЭДО container carries (PDF/A-1b) and, for a document made elsewhere
    whose pages had to become pictures, why (else "")."""
    if prepared.document:
        from app.exporters.scan_pdf import archival_pdf

        archival = archival_pdf(
            prepared.document,
            title=f"Письмо № {prepared.number}",
            created=prepared.date or clock.today(),
        )
        return archival.pdf, archival.rendered
    assert page is not None
    return render(prepared, "pdf", [page]), ""


def render(
    prepared: Prepared,
    fmt: str,
    pages: list[LetterPage],
    progress: Callable[[int], bool] | None = None,
) -> bytes:
    """One file's bytes: the given pages in the given format (PDF: PDF/A-1b); a letter
    registered as a document made elsewhere is that document, made PDF/A-1b as its МЭДО copy
    is (PDF only)."""
    if prepared.document:
        if fmt != "pdf":
            raise UserError(
                f"Письмо № {prepared.number} зарегистрировано готовым документом PDF; "
                "в DOCX его нет — сохраните PDF"
            )
        return medo_pdf(prepared, pages[0] if pages else None)[0]
    if fmt == "pdf":
        from app.exporters.letter_pdf import render_letters_pdf

        try:
            return render_letters_pdf(pages, font=prepared.font_file or None, progress=progress)
        except Cancelled:
            raise ExportCancelled() from None
    if fmt == "docx":
        from app.exporters.letter_docx import render_letters_docx

        return render_letters_docx(pages)
    raise UserError(f"Формат «{fmt}»: допустимо {', '.join(FORMATS)}")


def copy_count(db: Database, letter_id: int) -> int:
    """How many personalised copies the letter makes (its addressees from the directory)."""
    from sqlalchemy import func

    from db.models import LetterAddressee

    with db.read() as session:
        count = session.scalar(
            select(func.count(LetterAddressee.id)).where(LetterAddressee.letter_id == letter_id)
        )
        return int(count or 0)


def preview_pdf(db: Database, letter_id: int) -> bytes:
    """The letter as it will print: the bytes of its PDF, for the preview and the printer."""
    prepared = prepare(db, letter_id)
    return render(prepared, "pdf", prepared.pages)


def preview_card_pdf(db: Database, card: LetterCard) -> bytes:
    """The letter a card describes as it will print, before a number is issued: the number and
    the date blank. The card is put on a letter row inside a transaction that is rolled back,
    so the preview goes through exactly the path a registered letter takes."""
    with db.scratch() as session:
        letter = preview_row_in(session, card)
        source = replace(letter_source(session, letter), unregistered=True)
        profile = letter_profile(session)
    page = build_page(source, profile.head, initials_first=profile.initials_first)
    prepared = Prepared("", [page], ["проект"], profile.font_file)
    return render(prepared, "pdf", prepared.pages)


def _check_format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"Формат «{fmt}»: допустимо {', '.join(FORMATS)}")
    return fmt


def export_letter(
    db: Database,
    letter_id: int,
    fmt: str,
    out: Path,
    *,
    per_recipient: bool = False,
    merge: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the letter (or its personalised copies) and return the files written.

    ``out`` is the file for a single letter or a merged mailing, the folder for separate copies.
    """
    from app.support.atomic import write_atomically

    fmt = _check_format(fmt)
    if merge and fmt != "pdf":
        raise UserError("Объединить копии в один файл можно только в PDF")
    prepared = prepare(db, letter_id, per_recipient=per_recipient)
    total = len(prepared.pages)

    def tick(done: int) -> bool:
        return progress is None or progress(done, total)

    out = Path(out)
    if not per_recipient or merge:
        if out.is_dir():
            out = (
                out
                / f"{prepared.names[0] if not per_recipient else safe_name(prepared.number)}.{fmt}"
            )
        data = render(prepared, fmt, prepared.pages, tick)

        def write(tmp: Path) -> None:
            tmp.write_bytes(data)

        return [write_atomically(out, write)]
    return _write_folder(prepared, fmt, out, tick)


def _write_folder(
    prepared: Prepared, fmt: str, folder: Path, tick: Callable[[int], bool]
) -> list[Path]:
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: это файл; для отдельных копий укажите папку")
    if not folder.parent.is_dir():
        raise UserError(f"{folder}: папка {folder.parent} не существует")
    folder.mkdir(exist_ok=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".export-", dir=folder))
    except OSError as exc:
        raise UserError(f"{folder}: не удалось записать файлы ({exc.strerror or exc})") from exc
    from app.support.atomic import move_in

    try:
        for i, (page, name) in enumerate(zip(prepared.pages, prepared.names, strict=True)):
            if not tick(i):
                raise ExportCancelled()
            (staging / f"{name}.{fmt}").write_bytes(render(prepared, fmt, [page]))
        if not tick(len(prepared.pages)):
            raise ExportCancelled()
        return move_in(sorted(staging.iterdir()), staging, folder)
    except OSError as exc:
        raise UserError(f"{folder}: не удалось записать файлы ({exc.strerror or exc})") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def export_report_form(db: Database, letter_id: int, out: Path) -> Path:
    """The report form of the letter as an XLSX the recipients fill in (header in row 2)."""
    from app.exporters.table import Table, TableColumn
    from app.exporters.xlsx import write_table_xlsx
    from app.rules.letter_layout import appendices_of

    with db.read() as session:
        _letter, source, _profile = _load(session, letter_id)
    form = next((a for a in appendices_of(source, personal=True) if a.kind == "report_form"), None)
    if form is None:
        raise UserError(f"В письме № {source.number} нет отчетной формы (столбцов отчета)")
    if Path(out).suffix.lower() != ".xlsx":
        raise UserError(f"{out}: отчетная форма записывается в XLSX")
    columns = [
        TableColumn(title, 8 if i == 0 else max(14.0, 9 * w))
        for i, (title, w) in enumerate(zip(form.table.columns, form.table.widths, strict=True))
    ]
    rows = [list(row) for row in form.table.rows]
    table = Table(f"{form.title}. {form.caption}", columns, rows)
    return write_table_xlsx(table, Path(out))
