"""What the nomenclature gives at the year's end, in the standard forms: the nomenclature itself,
the inventory of cases of permanent and of temporary (over 10 years) storage for a year, and the
act of selection for destruction of cases whose period has run out.

An act is a write: it takes the next number, marks each case with it and is audited. The
letters of a destroyed case keep their rows (numbers never vanish); their cards name the act.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.exporters.table import Table, TableColumn
from app.exporters.table_file import check_suffix, write_table
from app.rules.retention import INVENTORY_OVER, YEARS
from app.services.cases.nomenclature import (
    SIGNATURES,
    CaseView,
    case_view,
    nomenclature_in,
    retention_of,
)
from app.storage import audit
from app.support import clock
from app.support.atomic import check_writable
from app.support.errors import UserError
from db.engine import Database
from db.models import CaseFile, DestructionAct, Organization

STORAGES = {"permanent": "постоянного хранения", "temporary": "временного (свыше 10 лет) хранения"}


def _organization(session: Session) -> str:
    row = session.scalars(select(Organization).order_by(Organization.id).limit(1)).first()
    return row.name if row is not None else ""


def _dates(case: CaseView) -> str:
    if case.date_from is None or case.date_to is None:
        return ""
    return f"{case.date_from:%d.%m.%Y} – {case.date_to:%d.%m.%Y}"


def nomenclature_table(db: Database, year: int) -> Table:
    """The nomenclature of cases for the year in the standard form, sections as headings."""
    with db.read() as session:
        book = nomenclature_in(session, year)
        organization = _organization(session)
    if not book.cases:
        raise UserError(f"В номенклатуре {year} года нет дел")
    table = Table(
        title=f"Номенклатура дел на {year} год",
        subtitle=organization,
        columns=[
            TableColumn("Индекс дела", 12),
            TableColumn("Заголовок дела (тома, части)", 50),
            TableColumn("Кол-во дел (томов, частей)", 12, numeric=True),
            TableColumn("Срок хранения дела (тома, части) и № статей по перечню", 24),
            TableColumn("Примечание", 22),
        ],
    )
    section = None
    for case in book.cases:
        if case.section != section and case.section:
            table.sections[len(table.rows)] = case.section
        section = case.section
        note = case.note if not case.draft else f"{case.note} (черновик)".strip()
        table.rows.append([case.index, case.title, case.volumes, case.period, note])
    table.notes = [_final_record(book.cases), *SIGNATURES]
    return table


def _final_record(cases: list[CaseView]) -> str:
    """The form's closing record: how many cases of each kind of storage."""
    permanent = sum(c.volumes for c in cases if c.retention.storage() == "permanent")
    over = sum(c.volumes for c in cases if c.retention.storage() == "temporary")
    short = sum(c.volumes for c in cases if c.retention.is_set and c.retention.storage() is None)
    unset = sum(c.volumes for c in cases if not c.retention.is_set)
    text = (
        f"Итоговая запись: всего дел (томов) {sum(c.volumes for c in cases)}, из них "
        f"постоянного хранения — {permanent}, временного (свыше {INVENTORY_OVER} лет) "
        f"хранения — {over}, временного (до {INVENTORY_OVER} лет включительно) хранения — {short}"
    )
    return text + (f"; без срока хранения (заполнить) — {unset}." if unset else ".")


def export_nomenclature(db: Database, year: int, out: Path) -> Path:
    check_suffix(out, "номенклатура дел")
    return write_table(nomenclature_table(db, year), out, "номенклатура дел")


def inventory_table(db: Database, year: int, storage: str) -> Table:
    """The inventory of the year's cases of permanent or of temporary (over 10 years) storage."""
    if storage not in STORAGES:
        raise UserError("Опись дел: permanent (постоянного) или temporary (временного) хранения")
    with db.read() as session:
        book = nomenclature_in(session, year)
        organization = _organization(session)
    cases = [c for c in book.cases if c.retention.storage() == storage]
    if not cases:
        raise UserError(f"В номенклатуре {year} года нет дел {STORAGES[storage]}")
    temporary = storage == "temporary"
    columns = [
        TableColumn("№ п/п", 6, numeric=True),
        TableColumn("Индекс дела", 12),
        TableColumn("Заголовок дела", 46),
        TableColumn("Крайние даты", 20),
        *([TableColumn("Срок хранения и № статьи по перечню", 20)] if temporary else []),
        TableColumn("Кол-во листов", 10, numeric=True),
        TableColumn("Примечание", 18),
    ]
    rows: list[list[object]] = []
    for n, case in enumerate(cases, 1):
        note = case.note if case.closed_on else "дело не закрыто"
        row: list[object] = [n, case.index, case.title, _dates(case)]
        if temporary:
            row.append(case.period)
        rows.append([*row, case.sheets or None, note])
    open_cases = sum(1 for c in cases if c.closed_on is None)
    notes = [f"В данный раздел описи внесено {len(cases)} дел с № 1 по № {len(cases)}."]
    if open_cases:
        notes.append(f"Не закрыто дел: {open_cases} — их крайние даты и листы не подсчитаны.")
    return Table(
        title=f"Опись № ____ дел {STORAGES[storage]} за {year} год",
        subtitle=organization,
        columns=columns,
        rows=rows,
        notes=[*notes, *SIGNATURES],
    )


def export_inventory(db: Database, year: int, storage: str, out: Path) -> Path:
    check_suffix(out, "опись дел")
    return write_table(inventory_table(db, year, storage), out, "опись дел")


def _run_out(session: Session, as_of: dt.date) -> list[CaseFile]:
    """Cases not yet in an act whose period of years has run out by ``as_of``, closed or of a
    year before it (the oldest first)."""
    rows = session.scalars(
        select(CaseFile)
        .where(CaseFile.act_id.is_(None), CaseFile.retention == YEARS)
        .order_by(CaseFile.year, CaseFile.position, CaseFile.id)
    )
    return [
        r
        for r in rows
        if retention_of(r).run_out(r.year, as_of) and (r.closed_on or r.year < as_of.year)
    ]


def destruction_candidates(db: Database, as_of: dt.date) -> list[CaseView]:
    with db.read() as session:
        return [case_view(r) for r in _run_out(session, as_of)]


def _act_table(act: DestructionAct, cases: list[CaseView], organization: str) -> Table:
    rows: list[list[object]] = []
    for n, case in enumerate(cases, 1):
        note = "после экспертизы ценности (ЭПК)" if case.retention.epk else ""
        rows.append(
            [
                n,
                case.title or f"Дело {case.index}",
                str(case.year),
                case.index,
                case.volumes,
                case.period,
                note,
            ]
        )
    years = sorted({c.year for c in cases})
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return Table(
        title=(
            f"Акт № {act.number} от {act.day:%d.%m.%Y} о выделении к уничтожению документов, "
            "не подлежащих хранению"
        ),
        subtitle=(
            f"{organization}\nНа основании Перечня типовых управленческих архивных документов "
            "(приказ Росархива от 20.12.2019 № 236) отобраны к уничтожению как не имеющие "
            "научно-исторической ценности и утратившие практическое значение документы "
            f"(сроки хранения истекли к {act.as_of:%d.%m.%Y}):"
        ),
        columns=[
            TableColumn("№ п/п", 6, numeric=True),
            TableColumn("Заголовок дела или групповой заголовок дел", 42),
            TableColumn("Годы", 8),
            TableColumn("Индексы дел по номенклатуре", 12),
            TableColumn("Кол-во дел (томов)", 10, numeric=True),
            TableColumn("Сроки хранения и номера статей по перечню", 20),
            TableColumn("Примечание", 16),
        ],
        rows=rows,
        notes=[
            f"Итого {sum(c.volumes for c in cases)} дел (томов) за {span} годы.",
            "Регистрационные записи документов сохраняются в реестре с отметкой об акте.",
            *SIGNATURES,
        ],
    )


def make_destruction_act(
    db: Database, as_of: dt.date, out: Path, *, today: dt.date | None = None
) -> tuple[int, int, Path]:
    """Make the act for the cases whose period has run out by ``as_of``, mark them with it and
    write it to ``out`` (XLSX, PDF or DOCX). Returns (act number, cases, path). The path is
    checked before anything is recorded; if the file still fails, the act stays recorded and is
    printed again with :func:`export_act`."""
    check_suffix(out, "акт о выделении к уничтожению")
    check_writable(Path(out))
    with db.write() as session:
        rows = _run_out(session, as_of)
        if not rows:
            raise UserError(f"Дел с истекшим сроком хранения на {as_of:%d.%m.%Y} нет")
        number = (session.scalar(select(func.max(DestructionAct.number))) or 0) + 1
        act = DestructionAct(
            number=number, day=today or clock.today(), as_of=as_of, created_by=audit.os_user()
        )
        session.add(act)
        session.flush()
        for row in rows:
            row.act_id = act.id
        session.flush()
        audit.record(
            session,
            "destruction_act",
            act.id,
            "destroyed",
            number=number,
            as_of=as_of.isoformat(),
            cases=[f"{r.case_index} ({r.year})" for r in rows],
        )
        table = _act_table(act, [case_view(r) for r in rows], _organization(session))
    try:
        path = write_table(table, out, "акт о выделении к уничтожению")
    except UserError as exc:
        raise UserError(
            f"Акт № {number} составлен и записан в реестр, но файл не записан ({exc}); "
            f"напечатайте его снова: cases destruction-act --act {number} --out ФАЙЛ"
        ) from None
    return number, len(rows), path


def export_act(db: Database, number: int, out: Path) -> Path:
    """An act made before, printed again."""
    check_suffix(out, "акт о выделении к уничтожению")
    with db.read() as session:
        act = session.scalars(select(DestructionAct).where(DestructionAct.number == number)).first()
        if act is None:
            raise UserError(f"Акта № {number} нет")
        rows = session.scalars(
            select(CaseFile).where(CaseFile.act_id == act.id).order_by(CaseFile.year, CaseFile.id)
        )
        table = _act_table(act, [case_view(r) for r in rows], _organization(session))
    return write_table(table, out, "акт о выделении к уничтожению")
