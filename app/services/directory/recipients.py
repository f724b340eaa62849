"""The recipient directory: organizations and their officials, with the printed addressee lines.

The addressee lines (dative) and the salutation are derived from the names (see
:mod:`app.rules.declension`) and stored; a clerk may edit either, and an edit is marked so that
no later derivation overwrites it. Replacing the official of a post keeps the previous one in
history; letters keep what they printed in their own rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from sqlalchemy import ColumnElement, and_, delete, false, func, select, update
from sqlalchemy.orm import Session

from app.exporters.medo import valid_address as valid_medo_address
from app.rules import declension, search_terms
from app.services.access.audit_log import refuse_stale
from app.services.search.search_index import capped_count, search_session, wanted_of
from app.storage import audit
from app.storage.field_limits import problems_of
from app.storage.word_index import RECIPIENTS, count_capped, matches
from app.support.errors import UserError
from app.support.text import full_name, normalize
from db.engine import Database
from db.models import (
    DistributionList,
    DistributionListMember,
    LetterAddressee,
    Organization,
    Recipient,
    RecipientOfficialHistory,
)
from db.sql import one_of

DELIVERY_METHODS = ("МЭДО", "Электронная почта", "Почта", "Курьер", "Факс")
GENDER_LABELS = {"": "не указан", "m": "мужской", "f": "женский"}

#: Fields of a recipient a clerk types (the derived ones and the lists are handled apart).
PERSON_FIELDS = ("position", "last_name", "first_name", "middle_name")


@dataclass
class RecipientData:
    """A recipient as typed or imported.

    ``addressee_lines`` / ``salutation``: ``None`` keeps a clerk's edit or derives; a text equal
    to the derived one is not an edit; any other text is stored as an edit. ``rederive`` drops
    earlier edits and derives again.
    """

    code: str | None = None
    organization: str = ""
    position: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    gender: str = ""
    addressee_lines: str | None = None
    salutation: str | None = None
    delivery: str = ""
    email: str = ""
    medo_id: str = ""
    medo_address: str = ""  # ИМЯ~ДОМЕН, for the МЭДО envelope
    address: str = ""
    postcode: str = ""
    phone: str = ""
    lists: list[str] = field(default_factory=list)
    rederive: bool = False
    id: int | None = None  # the recipient edited, when known (its code may change)
    version: int = 0  # the version read for editing; 0: not read (import, new)

    def clean(self) -> RecipientData:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str) and f.name not in ("addressee_lines", "salutation"):
                setattr(self, f.name, value.strip())
        self.code = (self.code or "").strip() or None
        return self

    def problems(self) -> list[str]:
        """Every reason the record cannot be saved, in Russian (empty when it can)."""
        out = []
        if not (self.organization.strip() or self.last_name.strip()):
            out.append("нужна организация или фамилия должностного лица")
        if self.delivery and self.delivery not in DELIVERY_METHODS:
            out.append(
                f"способ доставки «{self.delivery}»; допустимо: {', '.join(DELIVERY_METHODS)}"
            )
        if self.gender not in GENDER_LABELS:
            out.append(f"пол «{self.gender}»; допустимо: м, ж или пусто")
        if self.email and ("@" not in self.email or " " in self.email):
            out.append(f"адрес электронной почты «{self.email}» неверен")
        if self.medo_address and not valid_medo_address(self.medo_address):
            out.append(
                f"адрес МЭДО «{self.medo_address}» неверен: нужно ИМЯ~ДОМЕН латиницей, "
                "как в справочнике участников МЭДО"
            )
        if self.postcode and not (self.postcode.isdigit() and len(self.postcode) == 6):
            out.append(f"почтовый индекс «{self.postcode}»: нужно 6 цифр")
        multiline = ("organization", "position", "addressee_lines", "address")
        out += problems_of(self, Recipient, multiline=multiline)
        return out

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            who = self.code or self.organization or self.last_name or "без названия"
            raise UserError(f"Адресат «{who}»: {'; '.join(problems)}")


@dataclass(frozen=True)
class Derived:
    """What the directory prints for a recipient when nobody has edited it."""

    addressee_lines: str
    salutation: str
    gender: str


def derive(data: RecipientData, *, initials_first: bool = True) -> Derived:
    gender = data.gender or declension.gender_from_names(
        data.last_name, data.first_name, data.middle_name
    )
    lines = declension.addressee_lines(
        data.organization,
        data.position,
        data.last_name,
        data.first_name,
        data.middle_name,
        gender,
        initials_first=initials_first,
    )
    greeting = declension.salutation(data.last_name, data.first_name, data.middle_name, gender)
    return Derived(lines, greeting, gender)  # «Уважаемые коллеги!» without a person


def initials_first_in(session: Session) -> bool:
    value = session.scalar(select(Organization.initials_first).limit(1))
    return True if value is None else bool(value)


def initials_first(db: Database) -> bool:
    """Whether the organization prints «В.В. Солодову» (True) or «Солодову В.В.»."""
    with db.read() as session:
        return initials_first_in(session)


@dataclass(frozen=True)
class RecipientRow:
    id: int
    code: str
    organization: str
    official: str
    addressee_lines: str
    salutation: str
    delivery: str
    email: str
    lists: str


_PLAIN_FIELDS = (
    "organization",
    "position",
    "last_name",
    "first_name",
    "middle_name",
    "gender",
    "delivery",
    "email",
    "medo_id",
    "medo_address",
    "address",
    "postcode",
    "phone",
)


class Directory:
    """Lookups of one session, loaded once: an import of 50,000 rows must not query per row."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_code: dict[str, Recipient] = {}
        self.by_person: dict[tuple[str, str], Recipient] = {}
        self.pending: list[tuple[Recipient, list[str]]] = []
        self._lists: dict[str, _ListState] = {}
        for row in session.scalars(select(Recipient).order_by(Recipient.active.desc())):
            self.remember(row)
        self.initials_first = initials_first_in(session)

    def finish(self) -> None:
        """Flush the staged rows in one go, give codes to new ones, add list memberships."""
        self.session.flush()
        for row, _lists in self.pending:
            if not row.code:
                code = f"R{row.id:05d}"
                while code in self.by_code:
                    code += "a"
                row.code = code
                self.by_code[code] = row
        for row, names in self.pending:
            for name in names:
                if name.strip():
                    self._list(name.strip()).add(self.session, row.id)
        self.pending.clear()
        self.session.flush()

    def _list(self, name: str) -> _ListState:
        if name not in self._lists:
            self._lists[name] = _ListState(self.session, name)
        return self._lists[name]

    @staticmethod
    def person_key(organization: str, last: str, first: str, middle: str) -> tuple[str, str]:
        return normalize(organization).strip(), normalize(full_name(last, first, middle))

    def remember(self, row: Recipient) -> None:
        if row.code:
            self.by_code[row.code] = row
        key = self.person_key(row.organization, row.last_name, row.first_name, row.middle_name)
        if row.active or key not in self.by_person:
            self.by_person[key] = row

    def find(self, data: RecipientData) -> Recipient | None:
        if data.id is not None:
            row = self.session.get(Recipient, data.id)
            if row is None:
                raise UserError("Адресат не найден: возможно, его удалили на другом рабочем месте")
            return row
        if data.code and data.code in self.by_code:
            return self.by_code[data.code]
        key = self.person_key(data.organization, data.last_name, data.first_name, data.middle_name)
        found = self.by_person.get(key)
        if found is not None and data.code and found.code and found.code != data.code:
            return None  # another recipient with its own code: a new one, not this
        return found


def planned_values(
    row: Recipient | None, data: RecipientData, derived: Derived
) -> dict[str, object]:
    """The stored values ``data`` gives ``row`` (None: a new recipient)."""
    values: dict[str, object] = {name: getattr(data, name) for name in _PLAIN_FIELDS}
    values["gender"] = data.gender  # only a clerk's override; otherwise from the patronymic
    person_changed = row is not None and _person(row) != _person_of(data)
    keep_edits = row is not None and not data.rederive and not person_changed
    for name, flag, fresh in (
        ("addressee_lines", "addressee_edited", derived.addressee_lines),
        ("salutation", "salutation_edited", derived.salutation),
    ):
        given = getattr(data, name)
        if given is not None and given.strip() and _plain(given) != _plain(fresh):
            values[name], values[flag] = given.strip(), True
        elif given is None and keep_edits and row is not None and getattr(row, flag):
            values[name], values[flag] = getattr(row, name), True
        else:
            values[name], values[flag] = fresh, False
    if data.code:
        values["code"] = data.code
    values["active"] = True
    return values


def _plain(text: str) -> str:
    """Text compared as printed: a non-breaking space is a space, line ends are ``\n``."""
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def _person(row: Recipient) -> tuple[str, ...]:
    return tuple(normalize(getattr(row, n)) for n in PERSON_FIELDS[1:])


def _person_of(data: RecipientData) -> tuple[str, ...]:
    return tuple(normalize(getattr(data, n)) for n in PERSON_FIELDS[1:])


def changed_fields(row: Recipient, values: dict[str, object]) -> list[str]:
    return [name for name, value in values.items() if getattr(row, name) != value]


def stage_recipient_in(session: Session, data: RecipientData, directory: Directory) -> Recipient:
    """Put ``data`` into the session without flushing (``directory.finish()`` completes it).

    Found by code, else by organization and full name. A different person in an existing post is
    a replacement: the previous official goes to history and the derived lines start afresh.
    """
    data.clean().validate()
    row = directory.find(data)
    taken = directory.by_code.get(data.code or "")
    if taken is not None and row is not None and taken is not row:
        raise UserError(f"Код «{data.code}» уже у другого адресата")
    if row is not None:
        refuse_stale(session, "recipient", row, data.version, f"Адресат «{row.code}»")
    derived = derive(data, initials_first=directory.initials_first)
    values = planned_values(row, data, derived)
    if row is None:
        row = Recipient()
        session.add(row)
    elif row.last_name and _person(row) != _person_of(data):
        session.add(
            RecipientOfficialHistory(
                recipient_id=row.id,
                position=row.position,
                last_name=row.last_name,
                first_name=row.first_name,
                middle_name=row.middle_name,
                addressee_lines=row.addressee_lines,
                salutation=row.salutation,
            )
        )
    elif not changed_fields(row, values) and not data.lists:
        return row
    for name, value in values.items():
        setattr(row, name, value)
    directory.remember(row)
    directory.pending.append((row, data.lists))
    return row


def save_recipient_in(
    session: Session, data: RecipientData, *, directory: Directory | None = None
) -> int:
    """Create or update one recipient (see :func:`stage_recipient_in`); returns the id."""
    directory = directory or Directory(session)
    row = stage_recipient_in(session, data, directory)
    if directory.pending:
        changes = audit.changes_of(row)
        created = row.id is None
        directory.finish()
        audit.record(
            session,
            "recipient",
            row.id,
            "created" if created else "saved",
            code=row.code,
            changes=changes,
        )
    return row.id


class _ListState:
    """A distribution list as an import adds to it: members known, next position counted."""

    def __init__(self, session: Session, name: str) -> None:
        dlist = session.scalars(
            select(DistributionList).where(DistributionList.name == name)
        ).first()
        if dlist is None:
            dlist = DistributionList(name=name, heading=name)
            session.add(dlist)
            session.flush()
        self.id = dlist.id
        rows = session.execute(
            select(DistributionListMember.recipient_id, DistributionListMember.position).where(
                DistributionListMember.list_id == dlist.id
            )
        ).all()
        self.members = {r for r, _ in rows}
        self.next = max((p for _, p in rows), default=-1) + 1

    def add(self, session: Session, recipient_id: int) -> None:
        if recipient_id in self.members:
            return
        self.members.add(recipient_id)
        session.add(
            DistributionListMember(
                list_id=self.id, recipient_id=recipient_id, position=self.next, delivery=""
            )
        )
        self.next += 1


def rederive_all_in(session: Session) -> int:
    """Derive again every addressee block and salutation that no clerk edited; returns how
    many changed (after a change of the profile's order of initials)."""
    initials_first = initials_first_in(session)
    changed = 0
    for row in session.scalars(select(Recipient).where(Recipient.active.is_(True))):
        data = RecipientData(**{name: getattr(row, name) for name in _PLAIN_FIELDS})
        derived = derive(data, initials_first=initials_first)
        if not row.addressee_edited and row.addressee_lines != derived.addressee_lines:
            row.addressee_lines = derived.addressee_lines
            changed += 1
    return changed


def save_recipient(db: Database, data: RecipientData) -> int:
    search_terms.ready()  # the dictionary loaded before the lock is taken
    with db.write() as session:
        return save_recipient_in(session, data)


def deactivate_recipient(db: Database, recipient_id: int) -> None:
    """Remove from the directory and its lists; letters keep their copy of what they printed."""
    with db.write() as session:
        row = session.get(Recipient, recipient_id)
        if row is None:
            raise UserError("Адресат не найден")
        session.execute(
            delete(DistributionListMember).where(DistributionListMember.recipient_id == row.id)
        )
        row.active = False
        audit.record(session, "recipient", row.id, "removed", code=row.code)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientDetail:
    id: int
    data: RecipientData
    addressee_edited: bool
    salutation_edited: bool
    history: list[str]
    letters: int


def get_recipient(db: Database, ref: int | str) -> RecipientDetail:
    """By id or by code."""
    with db.read() as session:
        if isinstance(ref, int):
            row = session.get(Recipient, ref)
        else:
            row = session.scalars(select(Recipient).where(Recipient.code == ref)).first()
        if row is None or not row.active:
            raise UserError(f"Адресат «{ref}» не найден")
        data = RecipientData(
            code=row.code,
            addressee_lines=row.addressee_lines,
            salutation=row.salutation,
            lists=list_names_by_recipient(session, [row.id]).get(row.id, []),
            version=row.version,
            **{name: getattr(row, name) for name in _PLAIN_FIELDS},
        )
        history = [
            f"{h.replaced_at:%d.%m.%Y}: "
            + " ".join(p for p in (h.position, full_name(h.last_name, h.first_name, h.middle_name)))
            for h in session.scalars(
                select(RecipientOfficialHistory)
                .where(RecipientOfficialHistory.recipient_id == row.id)
                .order_by(RecipientOfficialHistory.replaced_at.desc())
            )
        ]
        letters = session.scalar(
            select(func.count(LetterAddressee.id)).where(LetterAddressee.recipient_id == row.id)
        )
        return RecipientDetail(
            row.id, data, row.addressee_edited, row.salutation_edited, history, int(letters or 0)
        )


def _official(position: str, last_name: str, first_name: str, middle_name: str) -> str:
    return " ".join(p for p in (position, full_name(last_name, first_name, middle_name)) if p)


def organization_and_official(row: Recipient) -> str:
    """A recipient on one line: the body, then its official («Министерство … — Министр …»)."""
    official = _official(row.position, row.last_name, row.first_name, row.middle_name)
    return " — ".join(p for p in (row.organization, official) if p)


RECIPIENT_COUNT_CAP = 1_000  # beyond this the directory says «более 1 000»


def count_recipients(db: Database, search: str = "", *, cap: int | None = None) -> int:
    """Active recipients matching; with ``cap``, counting stops at ``cap + 1``."""
    with search_session(db) as session:
        return _count_in(session, search, _found(session, search), cap)


def _count_in(session: Session, search: str, found: _Found, cap: int | None) -> int:
    if cap is not None and found.common:
        active = [Recipient.active.is_(True)]
        return count_capped(session, RECIPIENTS, wanted_of(search), cap, active)
    if cap is not None:
        return capped_count(session, select(Recipient.id).where(found.where), cap)
    return int(session.scalar(select(func.count(Recipient.id)).where(found.where)) or 0)


def search_recipients(
    db: Database, search: str, *, limit: int = 200, cap: int = RECIPIENT_COUNT_CAP
) -> tuple[list[RecipientRow], int]:
    """The directory tab's first page and its capped count, in one read: how common the words
    are is asked once for both."""
    with search_session(db) as session:
        found = _found(session, search)
        rows = _rows_in(session, found, offset=0, limit=limit)
        return rows, _count_in(session, search, found, cap)


@dataclass(frozen=True)
class _Found:
    """What a directory search selects. ``common`` (SQLite): the words match more recipients
    than :data:`RECIPIENT_COUNT_CAP`; a page is then found by walking the directory's order
    and keeping the matches instead of fetching every match and sorting them (30–80 ms at
    100,000), and the count is read from the index a chunk at a time."""

    where: ColumnElement[bool]
    common: bool = False


def _found(session: Session, search: str) -> _Found:
    """Active, and every word of the search in any of its forms (the last one perhaps
    unfinished) in the recipient's code, body, post, name, addressee lines or addresses.
    On SQLite, when the word index finds at most :data:`RECIPIENT_COUNT_CAP` recipients, only
    those are looked at."""
    active = Recipient.active.is_(True)
    if not search.strip():
        return _Found(active)
    wanted = wanted_of(search)
    if not wanted:
        return _Found(false())
    sqlite = session.get_bind().dialect.name == "sqlite"
    cap = RECIPIENT_COUNT_CAP
    common = sqlite and count_capped(session, RECIPIENTS, wanted, cap) > cap
    where = and_(active, matches(session, RECIPIENTS, wanted, walk=common))
    return _Found(where, common)


def list_recipients(
    db: Database, search: str = "", *, offset: int = 0, limit: int | None = 500
) -> list[RecipientRow]:
    with search_session(db) as session:
        return recipient_rows_in(session, search, offset=offset, limit=limit)


_ROW_COLUMNS = (
    Recipient.id,
    Recipient.code,
    Recipient.organization,
    Recipient.position,
    Recipient.last_name,
    Recipient.first_name,
    Recipient.middle_name,
    Recipient.addressee_lines,
    Recipient.salutation,
    Recipient.delivery,
    Recipient.email,
)


def recipient_rows_in(
    session: Session, search: str = "", *, offset: int = 0, limit: int | None = 500
) -> list[RecipientRow]:
    return _rows_in(session, _found(session, search), offset=offset, limit=limit)


def _rows_in(
    session: Session, found: _Found, *, offset: int, limit: int | None
) -> list[RecipientRow]:
    stmt = (
        select(*_ROW_COLUMNS)  # plain columns: objects took half of a page's time
        .where(found.where)
        .order_by(Recipient.organization, Recipient.last_name, Recipient.id)
        .offset(offset)
    )
    rows = session.execute(stmt if limit is None else stmt.limit(limit)).all()
    names = list_names_by_recipient(session, [r.id for r in rows])
    return [
        RecipientRow(
            id=r.id,
            code=r.code or "",
            organization=r.organization,
            official=_official(r.position, r.last_name, r.first_name, r.middle_name),
            addressee_lines=r.addressee_lines or r.organization,
            salutation=r.salutation,
            delivery=r.delivery,
            email=r.email,
            lists="; ".join(names.get(r.id, [])),
        )
        for r in rows
    ]


def list_names_by_recipient(session: Session, ids: list[int] | None = None) -> dict[int, list[str]]:
    """Names of the distribution lists each recipient is in (of ``ids``, or of everyone)."""
    stmt = (
        select(DistributionListMember.recipient_id, DistributionList.name)
        .join(DistributionList)
        .order_by(DistributionList.name)
    )
    chunks = [stmt] if ids is None else [
        stmt.where(one_of(DistributionListMember.recipient_id, ids[i : i + 500]))
        for i in range(0, len(ids), 500)
    ]  # fmt: skip
    out: dict[int, list[str]] = {}
    for chunk in chunks:
        for rid, name in session.execute(chunk):
            out.setdefault(rid, []).append(name)
    return out


@dataclass(frozen=True)
class Choice:
    """A recipient or list offered by a search-as-you-type field."""

    code: str
    label: str


def recipient_choices(db: Database, search: str, *, limit: int = 30) -> list[Choice]:
    rows = list_recipients(db, search, limit=limit)
    return [
        Choice(r.code, " — ".join(p for p in (r.addressee_lines.replace("\n", " "), r.code) if p))
        for r in rows
        if r.code
    ]


# --- duplicates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateGroup:
    label: str
    ids: list[int]
    codes: list[str]


def find_duplicates(db: Database) -> list[DuplicateGroup]:
    """Recipients with the same organization and the same person (case and ё ignored)."""
    with db.read() as session:
        groups: dict[tuple[str, str], list[Recipient]] = {}
        for row in session.scalars(
            select(Recipient).where(Recipient.active.is_(True)).order_by(Recipient.id)
        ):
            key = Directory.person_key(
                row.organization, row.last_name, row.first_name, row.middle_name
            )
            groups.setdefault(key, []).append(row)
        return [
            DuplicateGroup(
                label=organization_and_official(rows[0]),
                ids=[r.id for r in rows],
                codes=[r.code or "" for r in rows],
            )
            for rows in groups.values()
            if len(rows) > 1
        ]


def merge_recipients(db: Database, keep_id: int, other_ids: list[int]) -> None:
    """Fold duplicates into one: letters, lists and history move to the kept recipient."""
    others = [i for i in other_ids if i != keep_id]
    with db.write() as session:
        keep = session.get(Recipient, keep_id)
        if keep is None or not others:
            raise UserError("Нечего объединять")
        member_of = set(
            session.scalars(
                select(DistributionListMember.list_id).where(
                    DistributionListMember.recipient_id == keep_id
                )
            )
        )
        for other_id in others:
            other = session.get(Recipient, other_id)
            if other is None:
                raise UserError("Адресат для объединения не найден")
            for name in _PLAIN_FIELDS:
                if not getattr(keep, name) and getattr(other, name):
                    setattr(keep, name, getattr(other, name))
            moved = session.scalars(
                select(DistributionListMember).where(
                    DistributionListMember.recipient_id == other_id
                )
            ).all()
            for member in moved:
                if member.list_id in member_of:
                    session.delete(member)
                else:
                    member.recipient_id = keep_id
                    member_of.add(member.list_id)
            for model in (LetterAddressee, RecipientOfficialHistory):
                session.execute(
                    update(model).where(model.recipient_id == other_id).values(recipient_id=keep_id)
                )
            session.flush()
            session.delete(other)
        audit.record(session, "recipient", keep_id, "merged", merged=others)
