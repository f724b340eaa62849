"""The recipient directory and distribution lists.

Declension of names and positions into the dative comes with the directory's own issue; until
then the printed lines are taken as given, or the organization's name (nominative) is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from app import audit
from app.errors import UserError
from app.text import full_name, normalize, search_blob
from db.engine import Database
from db.models import DistributionList, DistributionListMember, Recipient

DELIVERY_METHODS = ("МЭДО", "Электронная почта", "Почта", "Курьер", "Факс")


@dataclass
class RecipientData:
    code: str | None = None
    organization: str = ""
    position: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    gender: str = ""
    addressee_lines: str = ""
    salutation: str = ""
    delivery: str = ""
    email: str = ""
    medo_id: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    lists: list[str] = field(default_factory=list)

    def validate(self) -> None:
        who = f"Адресат «{self.code or self.organization or self.last_name}»"
        if not (self.organization.strip() or self.last_name.strip()):
            raise UserError(f"{who}: нужна организация или фамилия должностного лица")
        if self.delivery and self.delivery not in DELIVERY_METHODS:
            raise UserError(
                f"{who}: способ доставки «{self.delivery}»; "
                f"допустимо: {', '.join(DELIVERY_METHODS)}"
            )
        if self.gender not in ("", "m", "f"):
            raise UserError(f"{who}: пол «{self.gender}»; допустимо m, f или пусто")


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


_FIELDS = [f.name for f in fields(RecipientData) if f.name != "lists"]


def _find(session: Session, data: RecipientData) -> Recipient | None:
    if data.code:
        return session.scalars(select(Recipient).where(Recipient.code == data.code)).first()
    return session.scalars(
        select(Recipient).where(
            Recipient.organization == data.organization,
            Recipient.last_name == data.last_name,
            Recipient.first_name == data.first_name,
            Recipient.middle_name == data.middle_name,
        )
    ).first()


def save_recipient_in(session: Session, data: RecipientData) -> int:
    """Create or update (by code, else by organization and full name); returns the id."""
    data.validate()
    row = _find(session, data)
    if row is None:
        row = Recipient()
        session.add(row)
    for name in _FIELDS:
        setattr(row, name, getattr(data, name))
    row.addressee_edited = bool(data.addressee_lines)
    row.salutation_edited = bool(data.salutation)
    row.search_norm = search_blob(
        data.code or "",
        data.organization,
        data.position,
        full_name(data.last_name, data.first_name, data.middle_name),
        data.email,
    )
    session.flush()
    audit.record(session, "recipient", row.id, "saved", code=row.code)
    return row.id


def save_list_in(
    session: Session, name: str, members: list[tuple[str, str]], *, heading: str = ""
) -> int:
    """Create or replace a distribution list; members are (recipient code, delivery) pairs."""
    if not name.strip():
        raise UserError("Не указано название списка рассылки")
    dlist = session.scalars(select(DistributionList).where(DistributionList.name == name)).first()
    if dlist is None:
        dlist = DistributionList(name=name)
        session.add(dlist)
    dlist.heading = heading
    dlist.members.clear()
    session.flush()
    for pos, (code, delivery) in enumerate(members):
        recipient = session.scalars(select(Recipient).where(Recipient.code == code)).first()
        if recipient is None:
            raise UserError(f"Список «{name}»: адресат с кодом «{code}» не найден")
        dlist.members.append(
            DistributionListMember(recipient_id=recipient.id, position=pos, delivery=delivery)
        )
    session.flush()
    audit.record(session, "distribution_list", dlist.id, "saved", name=name, size=len(members))
    return dlist.id


def _official(row: Recipient) -> str:
    return " ".join(
        p for p in (row.position, full_name(row.last_name, row.first_name, row.middle_name)) if p
    )


def count_recipients(db: Database, search: str = "") -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count(Recipient.id)).where(_where(search))) or 0)


def _where(search: str) -> ColumnElement[bool]:
    words = normalize(search).split()
    return and_(
        Recipient.active.is_(True),
        *(Recipient.search_norm.contains(w, autoescape=True) for w in words),
    )


def list_recipients(
    db: Database, search: str = "", *, offset: int = 0, limit: int = 500
) -> list[RecipientRow]:
    with db.read() as session:
        rows = session.scalars(
            select(Recipient)
            .where(_where(search))
            .order_by(Recipient.organization, Recipient.last_name, Recipient.id)
            .offset(offset)
            .limit(limit)
        ).all()
        names = _list_names(session, [r.id for r in rows])
        return [
            RecipientRow(
                id=r.id,
                code=r.code or "",
                organization=r.organization,
                official=_official(r),
                addressee_lines=r.addressee_lines or r.organization,
                salutation=r.salutation,
                delivery=r.delivery,
                email=r.email,
                lists="; ".join(names.get(r.id, [])),
            )
            for r in rows
        ]


def _list_names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    stmt = (
        select(DistributionListMember.recipient_id, DistributionList.name)
        .join(DistributionList)
        .where(DistributionListMember.recipient_id.in_(ids))
        .order_by(DistributionList.name)
    )
    for rid, name in session.execute(stmt):
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


def list_names(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(DistributionList.name).order_by(DistributionList.name)))
