"""Import and export of the recipient directory: CSV and XLSX (docs/data-formats.md §2).

An import is planned first (rows to add, to update, unchanged, rejected with the row number and
the reason) and applied in one transaction; the same file twice changes nothing. The export has
the same columns, so export → import is lossless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exporters.table import Table, TableColumn
from app.exporters.xlsx import write_table_xlsx
from app.services.directory.recipients import (
    DELIVERY_METHODS,
    Directory,
    RecipientData,
    changed_fields,
    derive,
    list_names_by_recipient,
    planned_values,
    stage_recipient_in,
)
from app.storage import audit
from app.support.errors import UserError
from app.support.tabular import cell_text, read_rows, write_csv
from app.support.text import thousands
from db.engine import Database
from db.models import DistributionList, Recipient


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the Russian header we write
    aliases: tuple[str, ...]
    width: float = 20


COLUMNS = (
    Column("code", "Код", ("code", "код", "код корреспондента"), 14),
    Column("organization", "Организация", ("organization", "организация", "наименование"), 40),
    Column("position", "Должность", ("position", "должность"), 30),
    Column("last_name", "Фамилия", ("last_name", "фамилия"), 16),
    Column("first_name", "Имя", ("first_name", "имя"), 14),
    Column("middle_name", "Отчество", ("middle_name", "отчество"), 16),
    Column("gender", "Пол", ("gender", "пол"), 6),
    Column("addressee_dative", "Адресат", ("addressee_dative", "адресат", "addressee"), 36),
    Column("salutation", "Обращение", ("salutation", "обращение"), 30),
    Column("delivery", "Способ доставки", ("delivery", "способ доставки", "доставка"), 18),
    Column("email", "Электронная почта", ("email", "e-mail", "электронная почта", "эл. почта"), 24),
    Column("medo_id", "Идентификатор МЭДО", ("medo_id", "идентификатор мэдо", "мэдо"), 20),
    Column("medo_address", "Адрес МЭДО", ("medo_address", "адрес мэдо"), 20),
    Column("address", "Адрес", ("address", "адрес", "почтовый адрес"), 36),
    Column("postcode", "Индекс", ("postcode", "индекс", "почтовый индекс"), 10),
    Column("phone", "Телефон", ("phone", "телефон"), 18),
    Column("lists", "Списки рассылки", ("lists", "списки рассылки", "списки"), 30),
)
_ALIASES = {a.casefold().replace("ё", "е"): c.key for c in COLUMNS for a in c.aliases}
_DELIVERY = {m.casefold(): m for m in DELIVERY_METHODS} | {
    "e-mail": "Электронная почта",
    "email": "Электронная почта",
    "эл. почта": "Электронная почта",
    "электронная почта": "Электронная почта",
    "medo": "МЭДО",
}
_GENDER = {"": "", "м": "m", "муж": "m", "мужской": "m", "m": "m", "ж": "f", "жен": "f"}
_GENDER |= {"женский": "f", "f": "f"}
_GENDER_OUT = {"m": "м", "f": "ж", "": ""}
MAX_ROWS = 200_000

FIELD_LABELS = {c.key: c.title for c in COLUMNS} | {
    "addressee_lines": "Адресат",
    "addressee_edited": "Адресат (правка)",
    "salutation_edited": "Обращение (правка)",
    "active": "восстановлен в справочнике",
}


@dataclass
class PlannedRow:
    line: int
    action: str  # "add", "update" or "same"
    data: RecipientData
    label: str
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    path: Path
    rows: list[PlannedRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # of rejected rows, by line
    ignored_columns: list[str] = field(default_factory=list)
    new_lists: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def summary(self) -> str:
        return (
            f"добавить: {self.count('add')}, обновить: {self.count('update')}, "
            f"без изменений: {self.count('same')}, отклонить: {len(self.rejected)}"
        )


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int

    @property
    def summary(self) -> str:
        return f"добавлено {self.added}, обновлено {self.updated}, без изменений {self.unchanged}"


def _header(row: list[Any], path: Path) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    ignored = []
    for index, value in enumerate(row):
        name = cell_text(value).casefold().replace("ё", "е").lstrip("\ufeff")
        key = _ALIASES.get(name)
        if key is None:
            if name:
                ignored.append(cell_text(value))
        elif key in columns:
            raise UserError(f"{path}: столбец «{cell_text(value)}» указан дважды")
        else:
            columns[key] = index
    if "organization" not in columns and "last_name" not in columns:
        expected = ", ".join(c.title for c in COLUMNS[:6])
        raise UserError(
            f"{path}: в первой строке нет заголовков столбцов (ожидаются, например: {expected})"
        )
    return columns, ignored


def _row_data(values: list[str], columns: dict[str, int]) -> tuple[RecipientData, list[str]]:
    def get(key: str) -> str:
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else ""

    problems = []
    delivery = _DELIVERY.get(get("delivery").casefold(), get("delivery"))
    gender = _GENDER.get(get("gender").casefold().rstrip("."))
    if gender is None:
        problems.append(f"пол «{get('gender')}»; допустимо: м, ж или пусто")
        gender = ""
    data = RecipientData(
        code=get("code") or None,
        organization=get("organization"),
        position=get("position").replace("\r\n", "\n"),
        last_name=get("last_name"),
        first_name=get("first_name"),
        middle_name=get("middle_name"),
        gender=gender,
        addressee_lines=get("addressee_dative").replace("\r\n", "\n") or None,
        salutation=get("salutation") or None,
        delivery=delivery,
        email=get("email"),
        medo_id=get("medo_id"),
        medo_address=get("medo_address"),
        address=get("address"),
        postcode=get("postcode"),
        phone=get("phone"),
        lists=[n.strip() for n in get("lists").split("|") if n.strip()],
    ).clean()
    return data, problems + data.problems()


def _label(data: RecipientData) -> str:
    person = " ".join(p for p in (data.last_name, data.first_name, data.middle_name) if p)
    return " — ".join(p for p in (data.organization, person) if p)


def plan_import(db: Database, path: Path) -> ImportPlan:
    """Read and check the whole file against the directory; writes nothing."""
    with db.read() as session:
        return plan_import_in(session, path)


def plan_import_in(session: Session, path: Path) -> ImportPlan:
    path = Path(path)
    rows = read_rows(path)
    if not rows:
        raise UserError(f"{path}: файл пуст")
    if len(rows) > MAX_ROWS + 1:
        raise UserError(f"{path}: строк больше {thousands(MAX_ROWS)}")
    columns, ignored = _header(rows[0], path)
    plan = ImportPlan(path=path, ignored_columns=ignored)
    header = [cell_text(v) for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    seen: dict[object, int] = {}
    directory = Directory(session)
    known_lists = set(session.scalars(select(DistributionList.name)))
    membership = list_names_by_recipient(session)
    for line, raw in enumerate(rows[1:], start=2):
        values = [cell_text(v) for v in raw]
        if not any(values):
            continue
        extra = [v for v in values[len(header) :] if v]
        if extra:
            plan.rejected.append((line, f"значение «{extra[0][:40]}» вне столбцов заголовка"))
            continue
        data, problems = _row_data(values, columns)
        if problems:
            plan.labels[line] = _label(data)
            plan.rejected.append((line, "; ".join(problems)))
            continue
        key = data.code or Directory.person_key(
            data.organization, data.last_name, data.first_name, data.middle_name
        )
        if key in seen:
            plan.rejected.append((line, f"повторяет строку {seen[key]}"))
            continue
        seen[key] = line
        plan.rows.append(_plan_row(directory, membership, line, data))
        for name in data.lists:
            if name not in known_lists:
                known_lists.add(name)
                plan.new_lists.append(name)
    return plan


def _plan_row(
    directory: Directory, membership: dict[int, list[str]], line: int, data: RecipientData
) -> PlannedRow:
    row = directory.find(data)
    derived = derive(data, initials_first=directory.initials_first)
    values = planned_values(row, data, derived)
    if row is None:
        return PlannedRow(line, "add", data, _label(data))
    changes = changed_fields(row, values)
    if set(data.lists) - set(membership.get(row.id, [])):
        changes.append("lists")
    action = "update" if changes else "same"
    return PlannedRow(line, action, data, _label(data), [FIELD_LABELS.get(c, c) for c in changes])


def apply_import(db: Database, plan: ImportPlan) -> ImportResult:
    """Write the planned rows in one transaction (rejected rows are left out)."""
    with db.write() as session:
        return apply_import_in(session, plan)


def apply_import_in(session: Session, plan: ImportPlan) -> ImportResult:
    todo = [r for r in plan.rows if r.action != "same"]
    directory = Directory(session)
    for planned in todo:
        try:
            stage_recipient_in(session, planned.data, directory)
        except UserError as exc:
            raise UserError(f"{plan.path}, строка {planned.line}: {exc}") from None
    directory.finish()
    audit.record(
        session,
        "recipient",
        None,
        "imported",
        file=str(plan.path),
        added=plan.count("add"),
        updated=plan.count("update"),
    )
    return ImportResult(plan.count("add"), plan.count("update"), plan.count("same"))


# --- export -----------------------------------------------------------------------------------


def export_table(db: Database, *, list_name: str | None = None) -> Table:
    """The directory (or one list, in its order) with the import columns."""
    with db.read() as session:
        if list_name is None:
            recipients = list(
                session.scalars(
                    select(Recipient)
                    .where(Recipient.active.is_(True))
                    .order_by(Recipient.organization, Recipient.last_name, Recipient.id)
                )
            )
            title = "Адресаты"
        else:
            dlist = session.scalars(
                select(DistributionList).where(DistributionList.name == list_name)
            ).first()
            if dlist is None:
                raise UserError(f"Список рассылки «{list_name}» не найден")
            recipients = [m.recipient for m in dlist.members]
            title = list_name
        lists = list_names_by_recipient(session)
        rows = [_export_row(r, lists.get(r.id, [])) for r in recipients]
    return Table(title, [TableColumn(c.title, c.width) for c in COLUMNS], rows)


def _export_row(r: Recipient, lists: list[str]) -> list[str]:
    values = {
        "code": r.code or "",
        "gender": _GENDER_OUT.get(r.gender, ""),
        "addressee_dative": r.addressee_lines,
        "lists": "|".join(lists),
    }
    return [values[c.key] if c.key in values else getattr(r, c.key) or "" for c in COLUMNS]


def write_recipients(table: Table, path: Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(path, [c.title for c in table.columns], table.rows)
    if suffix == ".xlsx":
        return write_table_xlsx(table, path, title_row=False)
    raise UserError(f"{path}: укажите файл .csv или .xlsx")


def export_recipients(db: Database, path: Path, *, list_name: str | None = None) -> int:
    table = export_table(db, list_name=list_name)
    write_recipients(table, path)
    return len(table.rows)
