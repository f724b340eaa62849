"""The nomenclature of a year from the XLSX (or CSV) a secretariat keeps: the columns named as
the standard form names them, a section as a row with its title alone (or a column «Раздел»).

As the other imports: the whole file is read and checked first (rows rejected with their line and
reason); nothing is loaded until every row is clean; loading is one transaction; the same file
twice changes nothing. Cases already in the year and not in the file are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.rules.retention import parse_retention, split_article
from app.services.cases.nomenclature import (
    CaseData,
    case_view,
    file_by_index_in,
    save_case_in,
    section_in,
)
from app.storage import audit
from app.support.errors import UserError
from app.support.tabular import cell_text, read_rows
from app.support.text import thousands
from db.engine import Database
from db.models import CaseFile

MAX_ROWS = 20_000
_ALIASES = {
    "index": ("индекс дела", "индекс", "index"),
    "title": (
        "заголовок дела (тома, части)", "заголовок дела", "заголовок дела (тома)", "заголовок",
        "title",
    ),
    "volumes": (
        "кол-во дел (томов, частей)", "количество дел (томов, частей)", "кол-во дел",
        "количество дел", "кол-во томов", "количество томов", "томов", "volumes",
    ),
    "retention": (
        "срок хранения дела (тома, части) и № статей по перечню",
        "срок хранения дела и № статей по перечню", "срок хранения и № статьи по перечню",
        "срок хранения дела (тома, части) и № статьи по перечню",
        "срок хранения и № статей по перечню", "срок хранения", "retention",
    ),
    "article": ("№ статьи по перечню", "статья по перечню", "статья перечня", "статья", "article"),
    "note": ("примечание", "примечания", "note"),
    "section": ("раздел", "подразделение", "структурное подразделение", "section"),
}  # fmt: skip
_KEYS = {" ".join(a.split()): key for key, names in _ALIASES.items() for a in names}


@dataclass
class PlannedCase:
    line: int
    action: str  # "add", "update", "same"
    data: CaseData


@dataclass
class NomenclaturePlan:
    path: Path
    year: int
    cases: list[PlannedCase] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.cases if c.action == action)

    @property
    def summary(self) -> str:
        return (
            f"разделов: {len(self.sections)}, дел добавить: {self.count('add')}, "
            f"изменить: {self.count('update')}, без изменений: {self.count('same')}, "
            f"отклонить строк: {len(self.rejected)}"
        )


def _norm(value: Any) -> str:
    return " ".join(cell_text(value).casefold().replace("ё", "е").lstrip("\ufeff").split())


def _header(rows: list[list[Any]], path: Path) -> tuple[int, dict[str, int]]:
    """The header row (among the first ten: a form may carry its title above) and columns."""
    for n, row in enumerate(rows[:10]):
        columns: dict[str, int] = {}
        for index, value in enumerate(row):
            key = _KEYS.get(_norm(value))
            if key is not None and key not in columns:
                columns[key] = index
        if "index" in columns and "title" in columns:
            return n, columns
    raise UserError(
        f"{path}: не найдена строка заголовков; нужны столбцы «Индекс дела», «Заголовок дела "
        "(тома, части)», «Срок хранения дела (тома, части) и № статей по перечню»"
    )


def plan_nomenclature(db: Database, path: Path, year: int) -> NomenclaturePlan:
    """Read and check the whole file against the year's nomenclature; writes nothing."""
    path = Path(path)
    rows = read_rows(path)
    if not rows:
        raise UserError(f"{path}: файл пуст")
    if len(rows) > MAX_ROWS:
        raise UserError(f"{path}: строк больше {thousands(MAX_ROWS)}")
    start, columns = _header(rows, path)
    plan = NomenclaturePlan(path, year)
    with db.read() as session:
        existing = {
            r.case_index: r for r in session.scalars(select(CaseFile).where(CaseFile.year == year))
        }
        seen: dict[str, int] = {}
        section = ""
        for line, raw in enumerate(rows[start + 1 :], start=start + 2):
            values = [cell_text(v) for v in raw]
            filled = [v for v in values if v.strip()]
            if not filled:
                continue
            if all(v.strip().isdigit() for v in filled) and len(filled) >= 3:
                continue  # the row of column numbers under the header: 1 2 3 4 5

            def get(key: str, values: list[str] = values) -> str:
                index = columns.get(key)
                return values[index].strip() if index is not None and index < len(values) else ""

            if len(filled) == 1 and not get("retention") and not get("volumes"):
                section = " ".join(filled[0].split())  # a section's heading across the table
                if section not in plan.sections:
                    plan.sections.append(section)
                continue
            data, problems = _case(get, section)
            if data.index in seen:
                problems.append(f"индекс «{data.index}» уже в строке {seen[data.index]}")
            if problems:
                plan.rejected.append((line, f"«{data.index or '—'}»: " + "; ".join(problems)))
                continue
            seen[data.index] = line
            if data.section and data.section not in plan.sections:
                plan.sections.append(data.section)
            plan.cases.append(PlannedCase(line, _action(existing.get(data.index), data), data))
    return plan


def _case(get: Any, section: str) -> tuple[CaseData, list[str]]:
    problems: list[str] = []
    period, article = split_article(get("retention"))
    try:
        retention = parse_retention(period)
    except ValueError as exc:
        problems.append(str(exc))
        retention = parse_retention("")
    if not retention.is_set and not problems:
        problems.append("срок хранения не указан")
    volumes_text = get("volumes") or "1"
    volumes = int(volumes_text) if volumes_text.isdigit() and len(volumes_text) < 6 else 0
    if not volumes:
        problems.append(f"кол-во дел «{volumes_text[:20]}»: нужно целое число от 1")
        volumes = 1
    data = CaseData(
        index=" ".join(get("index").split()),
        title=get("title").replace("\r\n", "\n"),
        section=" ".join((get("section") or section).split()),
        volumes=volumes,
        retention=retention,
        article=(get("article") or article).removeprefix("ст.").strip(),
        note=get("note"),
    )
    return data, problems + data.problems()


def _action(row: CaseFile | None, data: CaseData) -> str:
    if row is None:
        return "add"
    return "same" if case_view(row).data() == data.clean() else "update"


def apply_nomenclature(db: Database, plan: NomenclaturePlan) -> tuple[int, int]:
    """Load a clean plan in one transaction: (added, changed). A plan with rejected rows is
    refused whole."""
    if plan.rejected:
        line, reason = plan.rejected[0]
        raise UserError(
            f"{plan.path}: отклонено строк: {len(plan.rejected)} (строка {line}: {reason}); "
            "ничего не загружено — исправьте файл"
        )
    if not plan.cases:
        raise UserError(f"{plan.path}: в файле нет ни одного дела")
    with db.write() as session:
        for title in plan.sections:
            section_in(session, plan.year, title)
        existing = {
            r.case_index: r.id
            for r in session.scalars(select(CaseFile).where(CaseFile.year == plan.year))
        }
        for planned in plan.cases:
            if planned.action == "same":
                continue
            try:
                save_case_in(
                    session, plan.year, planned.data, case_id=existing.get(planned.data.index),
                    file_letters=False,
                )  # fmt: skip
            except UserError as exc:
                raise UserError(f"{plan.path}, строка {planned.line}: {exc}") from None
        file_by_index_in(session, plan.year)
        audit.record(
            session,
            "nomenclature",
            None,
            "imported",
            year=plan.year,
            file=str(plan.path),
            added=plan.count("add"),
            changed=plan.count("update"),
        )
    return plan.count("add"), plan.count("update")
