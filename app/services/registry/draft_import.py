"""A Word draft made into a letter card: the parts read by :mod:`app.rules.docx_draft`, the names
matched to the directory and the staff. Nothing is registered here: the clerk sees what was
recognised, corrects the card and registers it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.docx_draft import NOT_RECOGNISED, Draft, read_draft
from app.rules.letter_body import has_text, stored
from app.rules.search_terms import Wanted, text_terms
from app.services.organization.profile import StaffData
from app.services.registry.letters import Addressee, AttachmentData, LetterCard
from app.storage.word_index import RECIPIENTS, matches
from app.support.errors import UserError
from app.support.text import initials_name, normalize
from db.engine import Database
from db.models import Journal, Recipient, Staff

MATCH_CANDIDATES = 200  # recipients examined for one addressee block


ROLES = {"signatory": "подписант", "executor": "исполнитель"}


@dataclass(frozen=True)
class UnmatchedPerson:
    """A signatory or executor the draft names who is not among the staff: the card leaves the
    field empty (never the last letter's person), and the clerk chooses one or adds this one."""

    role: str  # a key of ROLES
    written: str  # «К.В. Дождиков» as the draft has it
    position: str = ""
    phone: str = ""

    @property
    def line(self) -> str:
        who = f"{self.position} {self.written}".strip()
        return f"{ROLES[self.role].capitalize()} в черновике — {who}: нет среди сотрудников"


@dataclass
class DraftCard:
    card: LetterCard
    notes: list[tuple[str, str]] = field(default_factory=list)  # (what it became, the text)
    unmatched: list[UnmatchedPerson] = field(default_factory=list)

    @property
    def unrecognised(self) -> list[str]:
        return [text for what, text in self.notes if what == NOT_RECOGNISED]

    def report(self) -> list[str]:
        """The lines a clerk reads: «заголовок: О …», «не распознано: …»."""
        return [f"{what}: {text}" for what, text in self.notes]


def _key(text: str) -> str:
    """Lines compared as a clerk would: case, ё, spaces and initials' dots spacing aside."""
    text = normalize(text).replace("\u00a0", " ")
    text = re.sub(r"\.\s+(?=\w\.)", ".", text)
    return " ".join(text.split())


def _recipient_for(session: Session, lines: list[str]) -> Recipient | None:
    """The directory's recipient printed with exactly these lines, if there is one."""
    wanted = _key(" ".join(lines))
    longest = max((w for line in lines for w in line.split()), key=len, default="")
    terms = tuple(text_terms(longest))
    if len(longest) < 3 or not terms:
        return None
    having = matches(session, RECIPIENTS, [Wanted(terms)])
    candidates = session.scalars(
        select(Recipient).where(Recipient.active.is_(True), having).limit(MATCH_CANDIDATES)
    ).all()
    found = [r for r in candidates if _key(" ".join(r.addressee_lines.split("\n"))) == wanted]
    return found[0] if len(found) == 1 else None


_INITIALS = re.compile(r"([А-ЯЁ])\.\s?(?:([А-ЯЁ])\.)?")


def _written_name(written: str) -> tuple[str, list[str]]:
    """«И.О. Фамилия», «Фамилия И.О.» or «Фамилия Имя Отчество» as (surname, given names):
    the names in full when written so, else their initials as letters ("" surname: none)."""
    words = written.replace(".", ". ").split()
    surname = next((w for w in words if len(w) > 2 and not w.endswith(".")), "")
    if not surname:
        return "", []
    rest = written.replace(surname, " ")
    initials = [m.group(1) + (m.group(2) or "") for m in _INITIALS.finditer(rest)]
    full = [w for w in rest.split() if len(w) > 2 and not w.endswith(".")]
    return surname, (list(initials[0]) if initials else full)


def _staff_for(session: Session, written: str) -> Staff | None:
    """A person of the staff by «И.О. Фамилия», «Фамилия И.О.» or «Фамилия Имя Отчество»."""
    surname, given = _written_name(written)
    if not surname:
        return None
    letters = "".join(name[0] for name in given)
    rows = session.scalars(
        select(Staff).where(Staff.active.is_(True), Staff.last_name == surname)
    ).all()
    found = [s for s in rows if (s.first_name[:1] + s.middle_name[:1]).startswith(letters.upper())]
    return found[0] if len(found) == 1 else None


def _default_journal(session: Session) -> str:
    journal = session.scalars(
        select(Journal).where(Journal.active.is_(True)).order_by(Journal.id)
    ).first()
    if journal is None:
        raise UserError("В базе нет ни одного открытого журнала: создайте журнал в настройках")
    return journal.code


def card_from_draft(db: Database, path: Path, journal: str | None = None) -> DraftCard:
    draft = read_draft(path)
    with db.read() as session:
        return _card(session, draft, journal or _default_journal(session))


def _card(session: Session, draft: Draft, journal: str) -> DraftCard:
    notes = list(draft.notes)
    addressee = _addressee(session, draft, notes)
    signatory = _person(session, draft.signatory_name, ROLES["signatory"], notes)
    executor = _person(session, draft.executor_name, ROLES["executor"], notes)
    unmatched = []
    if draft.signatory_name and signatory is None:
        position = " ".join(" ".join(draft.signatory_position).split())
        unmatched.append(UnmatchedPerson("signatory", draft.signatory_name, position))
    if draft.executor_name and executor is None:
        unmatched.append(
            UnmatchedPerson("executor", draft.executor_name, phone=draft.executor_phone)
        )
    reply_date = None
    if draft.reply_to_date:
        try:
            reply_date = dt.datetime.strptime(draft.reply_to_date, "%d.%m.%Y").date()
        except ValueError:
            notes.append((NOT_RECOGNISED, f"дата «{draft.reply_to_date}»"))
    card = LetterCard(
        journal=journal,
        subject=draft.subject,
        addressee=addressee,
        salutation=draft.salutation or None,
        body=stored(draft.body) if has_text(draft.body) else "",
        closing=draft.closing or None,
        reply_to_number=draft.reply_to_number if reply_date else "",
        reply_to_date=reply_date,
        attachments=[AttachmentData(t, s, c) for t, s, c in draft.attachments],
        signatory=signatory.code if signatory else None,
        executor=executor.code if executor else None,
    )
    return DraftCard(card, notes, unmatched)


def _person(session: Session, written: str, who: str, notes: list[tuple[str, str]]) -> Staff | None:
    if not written:
        return None
    person = _staff_for(session, written)
    if person is None:
        notes.append((NOT_RECOGNISED, f"{who} «{written}» не найден среди сотрудников"))
    else:
        name = initials_name(person.last_name, person.first_name, person.middle_name, sep=" ")
        position = person.position.split("\n")[0].strip()
        notes.append((f"{who} в списке сотрудников", f"{name}, {position}".strip(", ")))
    return person


def _addressee(session: Session, draft: Draft, notes: list[tuple[str, str]]) -> Addressee:
    if not draft.addressee:
        notes.append((NOT_RECOGNISED, "адресат не найден (строки справа перед заголовком)"))
        return Addressee(text="")
    matched = [_recipient_for(session, block) for block in draft.addressee]
    if all(r is not None and r.code for r in matched):
        codes = [r.code for r in matched if r is not None and r.code]
        for code in codes:
            notes.append(("адресат в справочнике", code))
        return Addressee(recipient=codes[0]) if len(codes) == 1 else Addressee(recipients=codes)
    text = "\n\n".join("\n".join(block) for block in draft.addressee)
    notes.append(("адресат не из справочника (как написан)", text.replace("\n", " / ")))
    return Addressee(text=text)


_LATIN_LETTERS = [
    "a",
    "b",
    "v",
    "g",
    "d",
    "e",
    "e",
    "zh",
    "z",
    "i",
    "i",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "r",
    "s",
    "t",
    "u",
    "f",
    "kh",
    "ts",
    "ch",
    "sh",
    "shch",
    "-",
    "y",
    "-",
    "e",
    "iu",
    "ia",
]
_LATIN = {
    cyr: ("" if lat == "-" else lat)
    for cyr, lat in zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN_LETTERS, strict=True)
}


def staff_suggestion(person: UnmatchedPerson, taken: set[str]) -> StaffData:
    """The staff card «Добавить в сотрудники…» offers for a person the draft names: surname,
    initials, position and phone as written; a code from the surname, free among ``taken``."""
    surname, given = _written_name(person.written)
    first, middle = (f"{name}." if len(name) == 1 else name for name in [*given, "", ""][:2])
    base = "".join(_LATIN.get(c, c if c.isascii() and c.isalnum() else "") for c in surname.lower())
    code, n = base or "staff", 2
    while code in taken:
        code, n = f"{base or 'staff'}{n}", n + 1
    return StaffData(
        code=code,
        last_name=surname,
        first_name=first,
        middle_name=middle,
        position=person.position,
        phone=person.phone,
    )
