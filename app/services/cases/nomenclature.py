"""The nomenclature of cases of a year: sections and cases read, added, changed, removed; the
next year's made from this one; a draft made from the case indexes letters already carry.

A case is named by its index within its year (``02-12`` of 2026). Letters of a year whose index
matches a case and that are filed nowhere yet are filed to it as soon as the case exists: the
registry's numbers never change, only the case they belong to becomes known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.rules.field_rules import refuse, text_problem
from app.rules.retention import UNSET, YEARS, Retention, period_with_article
from app.storage import audit
from app.support.errors import UserError
from db.engine import Database
from db.models import CaseFile, IncomingLetter, Letter, NomenclatureSection

MAX_VOLUMES = 999
SIGNATURES = (  # under every form of the nomenclature, the inventories and the act
    "Должность ______________   Подпись ______________   Расшифровка подписи ______________",
    "Дата ______________",
)


@dataclass(frozen=True)
class CaseData:
    """A case as the clerk gives it."""

    index: str
    title: str
    section: str = ""
    volumes: int = 1
    retention: Retention = field(default_factory=Retention)
    article: str = ""
    note: str = ""

    def clean(self) -> CaseData:
        """As stored: the index, article and texts without the spaces around them, the
        section's title with single spaces."""
        return replace(
            self,
            index=self.index.strip(),
            title=self.title.strip(),
            section=" ".join(self.section.split()),
            article=self.article.strip(),
            note=self.note.strip(),
        )

    def problems(self) -> list[str]:
        found = []
        if not self.index.strip():
            found.append("индекс дела не указан")
        if p := text_problem(self.index, "индекс дела", limit=50):
            found.append(p)
        if p := text_problem(self.title, "заголовок дела", limit=2000, multiline=True):
            found.append(p)
        if p := text_problem(self.section, "раздел", limit=300):
            found.append(p)
        if p := text_problem(self.article, "статья перечня", limit=50):
            found.append(p)
        if p := text_problem(self.note, "примечание", limit=2000, multiline=True):
            found.append(p)
        if self.retention.is_set and not self.title.strip():
            found.append("заголовок дела не указан")
        if not 1 <= self.volumes <= MAX_VOLUMES:
            found.append(f"томов: от 1 до {MAX_VOLUMES}")
        return found


@dataclass(frozen=True)
class CaseView:
    id: int
    year: int
    index: str
    title: str
    section: str
    volumes: int
    retention: Retention
    article: str
    note: str
    closed_on: dt.date | None
    date_from: dt.date | None
    date_to: dt.date | None
    sheets: int
    act: str  # «акт № 1 от 07.12.2026» when destroyed
    documents: int = 0  # letters filed to it

    @property
    def period(self) -> str:
        return period_with_article(self.retention, self.article)

    @property
    def named(self) -> str:
        """«№ 5 (2025) «Переписка …»», as a line that says where a letter went."""
        return f"№ {self.index} ({self.year}) «{self.title}»"

    @property
    def state(self) -> str:
        if self.act:
            return f"уничтожено, {self.act}"
        if self.closed_on:
            return f"закрыто {self.closed_on:%d.%m.%Y}"
        return "открыто"

    @property
    def draft(self) -> bool:
        return not self.retention.is_set or not self.title.strip()

    def data(self) -> CaseData:
        return CaseData(
            self.index,
            self.title,
            self.section,
            self.volumes,
            self.retention,
            self.article,
            self.note,
        )


@dataclass(frozen=True)
class Nomenclature:
    year: int
    sections: list[str] = field(default_factory=list)  # in order, those without cases too
    cases: list[CaseView] = field(default_factory=list)  # in the form's order


def retention_of(row: CaseFile) -> Retention:
    return Retention(row.retention, row.retention_years if row.retention == YEARS else 0, row.epk)


def act_label(row: CaseFile) -> str:
    if row.act is None:
        return ""
    return f"акт № {row.act.number} от {row.act.day:%d.%m.%Y}"


def case_view(row: CaseFile, documents: int = 0) -> CaseView:
    return CaseView(
        id=row.id,
        year=row.year,
        index=row.case_index,
        title=row.title,
        section=row.section.title if row.section is not None else "",
        volumes=row.volumes,
        retention=retention_of(row),
        article=row.article,
        note=row.note,
        closed_on=row.closed_on,
        date_from=row.date_from,
        date_to=row.date_to,
        sheets=row.sheets,
        act=act_label(row),
        documents=documents,
    )


def document_counts(session: Session, case_ids: list[int]) -> dict[int, int]:
    """Registered letters of both kinds filed to each case (a reserved or annulled number
    that carries the case is not a document in it)."""
    counts: dict[int, int] = {}
    for model in (Letter, IncomingLetter):
        rows = session.execute(
            select(model.case_id, func.count())
            .where(model.case_id.in_(case_ids), model.status == "registered")
            .group_by(model.case_id)
        ).all()
        for case_id, n in rows:
            if case_id is not None:
                counts[case_id] = counts.get(case_id, 0) + int(n)
    return counts


def nomenclature(db: Database, year: int) -> Nomenclature:
    with db.read() as session:
        return nomenclature_in(session, year)


def nomenclature_in(session: Session, year: int) -> Nomenclature:
    sections = list(
        session.scalars(
            select(NomenclatureSection)
            .where(NomenclatureSection.year == year)
            .order_by(NomenclatureSection.position, NomenclatureSection.id)
        )
    )
    order: dict[int | None, int] = {s.id: n for n, s in enumerate(sections)}
    rows = list(session.scalars(select(CaseFile).where(CaseFile.year == year)))
    rows.sort(key=lambda r: (order.get(r.section_id, -1), r.position, r.id))
    counts = document_counts(session, [r.id for r in rows])
    return Nomenclature(
        year, [s.title for s in sections], [case_view(r, counts.get(r.id, 0)) for r in rows]
    )


# a case that still takes documents: not closed, not in a destruction act (SQL, and the row)
OPEN = (CaseFile.closed_on.is_(None), CaseFile.act_id.is_(None))


def is_open(row: CaseFile) -> bool:
    return row.closed_on is None and row.act_id is None


def case_by_index_in(session: Session, index: str, year: int) -> CaseFile | None:
    return session.scalars(
        select(CaseFile).where(CaseFile.year == year, CaseFile.case_index == index.strip())
    ).first()


def find_case_in(session: Session, index: str, year: int) -> CaseFile:
    row = case_by_index_in(session, index, year)
    if row is None:
        raise UserError(f"Дела «{index.strip()}» нет в номенклатуре {year} года")
    return row


def has_nomenclature_in(session: Session, year: int) -> bool:
    return session.scalar(select(CaseFile.id).where(CaseFile.year == year).limit(1)) is not None


def section_in(session: Session, year: int, title: str) -> NomenclatureSection | None:
    """The year's section of that title, made when missing; None for no title."""
    title = " ".join(title.split())
    if not title:
        return None
    row = session.scalars(
        select(NomenclatureSection).where(
            NomenclatureSection.year == year, NomenclatureSection.title == title
        )
    ).first()
    if row is None:
        last = session.scalar(
            select(func.max(NomenclatureSection.position)).where(NomenclatureSection.year == year)
        )
        row = NomenclatureSection(year=year, title=title, position=(last or 0) + 1)
        session.add(row)
        session.flush()
    return row


def _apply(session: Session, row: CaseFile, data: CaseData) -> None:
    data = data.clean()
    section = section_in(session, row.year, data.section)
    row.section_id = section.id if section is not None else None
    row.case_index = data.index
    row.title = data.title
    row.volumes = data.volumes
    row.retention = data.retention.kind
    row.retention_years = data.retention.years
    row.epk = data.retention.epk
    row.article = data.article
    row.note = data.note


def save_case_in(
    session: Session,
    year: int,
    data: CaseData,
    *,
    case_id: int | None = None,
    file_letters: bool = True,
) -> CaseFile:
    """Add a case (``case_id`` None) or change one; the year's letters of its index that are
    filed nowhere are filed to it (``file_letters`` false: the caller files once for many
    cases, :func:`file_by_index_in`)."""
    refuse(data.problems(), f"Дело «{data.index.strip()[:50]}»")
    clash = case_by_index_in(session, data.index, year)
    if clash is not None and clash.id != case_id:
        raise UserError(
            f"Дело с индексом «{data.index.strip()}» уже есть в номенклатуре {year} года"
        )
    if case_id is None:
        last = session.scalar(select(func.max(CaseFile.position)).where(CaseFile.year == year))
        row = CaseFile(year=year, position=(last or 0) + 1, sheets=0)
        _apply(session, row, data)  # before it is added: the section may be flushed first
        session.add(row)
        session.flush()
        audit.record(session, "case", row.id, "added", year=year, index=row.case_index)
    else:
        found = session.get(CaseFile, case_id)
        if found is None or found.year != year:
            raise UserError("Дело не найдено: его удалили на другом рабочем месте")
        row = found
        if row.act_id is not None:
            raise UserError(f"Дело «{row.case_index}» уничтожено по акту; его не изменить")
        if data.index.strip() != row.case_index and filed_count(session, row.id):
            raise UserError(
                f"В деле «{row.case_index}» уже есть документы; индекс дела не меняется "
                "(номера писем его несут)"
            )
        _apply(session, row, data)
        changes = audit.changes_of(row)
        session.flush()
        if changes:
            audit.record(session, "case", row.id, "changed", year=year, changes=changes)
    if file_letters:
        file_by_index_in(session, year, row.case_index)
    return row


def save_case(db: Database, year: int, data: CaseData, *, case_id: int | None = None) -> CaseView:
    with db.write() as session:
        row = save_case_in(session, year, data, case_id=case_id)
        return case_view(row, filed_count(session, row.id))


def filed_count(session: Session, case_id: int) -> int:
    """The documents filed to one case (:func:`document_counts`)."""
    return document_counts(session, [case_id]).get(case_id, 0)


def delete_case(db: Database, year: int, index: str) -> None:
    """Remove a case no letter is filed to."""
    with db.write() as session:
        row = find_case_in(session, index, year)
        if row.act_id is not None:
            raise UserError(f"Дело «{row.case_index}» внесено в акт; запись о нем не удаляется")
        if n := filed_count(session, row.id):
            raise UserError(f"В деле «{row.case_index}» документов: {n}; такое дело не удалить")
        audit.record(session, "case", row.id, "deleted", year=year, index=row.case_index)
        session.delete(row)


def file_by_index_in(session: Session, year: int, index: str | None = None) -> int:
    """File the year's outgoing letters whose number's case index names an open case of the
    year (only ``index``, when given) and that are filed nowhere; the day filed is the day of
    registration. One statement over the year's letters. Returns how many."""
    open_cases = select(CaseFile.id).where(
        CaseFile.year == year, CaseFile.case_index == Letter.case_index, *OPEN
    )
    chosen = [Letter.case_index == index] if index is not None else [Letter.case_index != ""]
    result = session.execute(
        update(Letter)
        .where(
            *chosen,
            Letter.case_id.is_(None),
            Letter.status == "registered",
            Letter.reg_date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            open_cases.exists(),
        )
        .values(
            case_id=open_cases.scalar_subquery(),
            filed_on=Letter.reg_date,
            filed_by=audit.os_user(),
        )
        .execution_options(synchronize_session=False)
    )
    done = int(getattr(result, "rowcount", 0) or 0)
    if done:
        audit.record(session, "case", None, "filed_by_index", year=year, letters=done)
    return done


def copy_year(db: Database, source: int, target: int) -> tuple[int, int]:
    """Next year's nomenclature from this one: sections and cases (index, title, volumes,
    period, article, note), nothing of their contents; cases already there are kept as they
    are. Returns (added, already there)."""
    if source == target:
        raise UserError("Номенклатура копируется в другой год")
    with db.write() as session:
        book = nomenclature_in(session, source)
        if not book.cases:
            raise UserError(f"В номенклатуре {source} года нет дел")
        for title in book.sections:
            section_in(session, target, title)
        added = kept = 0
        for case in book.cases:
            if case_by_index_in(session, case.index, target) is not None:
                kept += 1
                continue
            save_case_in(session, target, case.data(), file_letters=False)
            added += 1
        file_by_index_in(session, target)
        audit.record(
            session, "nomenclature", None, "copied", source=source, target=target, added=added
        )
        return added, kept


def draft_from_letters(db: Database, year: int) -> list[str]:
    """A draft nomenclature of the year from the case indexes its letters carry: a case for
    each index not in it yet (its title and period to be completed), the letters filed to it.
    Nothing is renumbered. Returns the indexes added."""
    with db.write() as session:
        added = _missing_indexes_in(session, year)
        for index in added:
            save_case_in(
                session,
                year,
                CaseData(index, "", retention=Retention(UNSET), note="заполнить: заголовок и срок"),
                file_letters=False,
            )
        file_by_index_in(session, year)
        return added


def used_indexes_in(session: Session, year: int) -> list[str]:
    """The case indexes on the year's outgoing letters, in the order of their first use."""
    rows = session.execute(
        select(Letter.case_index, func.min(Letter.id))
        .where(
            Letter.case_index != "",
            Letter.reg_date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        )
        .group_by(Letter.case_index)
        .order_by(func.min(Letter.id))
    ).all()
    return [str(index) for index, _first in rows if str(index).strip()]


def indexes_without_cases(db: Database, year: int) -> list[str]:
    """Indexes on the year's letters that the year's nomenclature does not have (the draft)."""
    with db.read() as session:
        return _missing_indexes_in(session, year)


def _missing_indexes_in(session: Session, year: int) -> list[str]:
    known = set(session.scalars(select(CaseFile.case_index).where(CaseFile.year == year)))
    return [i for i in used_indexes_in(session, year) if i not in known]
