"""Distribution lists: named, ordered groups of recipients, each member with a delivery method.

A member's delivery overrides the recipient's default; empty means «as the recipient».
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.services.directory.recipients import DELIVERY_METHODS
from app.storage import audit
from app.support.errors import UserError
from db.engine import Database
from db.models import DistributionList, DistributionListMember


@dataclass(frozen=True)
class ListSummary:
    id: int
    name: str
    heading: str
    size: int


@dataclass(frozen=True)
class MemberRow:
    recipient_id: int
    code: str
    addressee: str  # the printed lines on one line
    delivery: str  # the member's own method, or "" for the recipient's
    effective_delivery: str
    recipient_delivery: str
    email: str
    medo_id: str


def list_names(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(DistributionList.name).order_by(DistributionList.name)))


def list_lists(db: Database) -> list[ListSummary]:
    with db.read() as session:
        sizes = dict(
            session.execute(
                select(
                    DistributionListMember.list_id, func.count(DistributionListMember.id)
                ).group_by(DistributionListMember.list_id)
            ).all()
        )
        return [
            ListSummary(d.id, d.name, d.heading, int(sizes.get(d.id, 0)))
            for d in session.scalars(select(DistributionList).order_by(DistributionList.name))
        ]


def _get(session: Session, name: str) -> DistributionList:
    dlist = session.scalars(select(DistributionList).where(DistributionList.name == name)).first()
    if dlist is None:
        raise UserError(f"Список рассылки «{name}» не найден")
    return dlist


def list_members(db: Database, name: str) -> list[MemberRow]:
    with db.read() as session:
        dlist = _get(session, name)
        members = session.scalars(  # with their recipients: one statement, not one each
            select(DistributionListMember)
            .where(DistributionListMember.list_id == dlist.id)
            .options(joinedload(DistributionListMember.recipient))
            .order_by(DistributionListMember.position, DistributionListMember.id)
        )
        return [
            MemberRow(
                recipient_id=m.recipient_id,
                code=m.recipient.code or "",
                addressee=(m.recipient.addressee_lines or m.recipient.organization).replace(
                    "\n", " "
                ),
                delivery=m.delivery,
                effective_delivery=m.delivery or m.recipient.delivery,
                recipient_delivery=m.recipient.delivery,
                email=m.recipient.email,
                medo_id=m.recipient.medo_id,
            )
            for m in members
        ]


def set_members_in(
    session: Session, name: str, members: list[tuple[int, str]], *, heading: str | None = None
) -> int:
    """The list ``name`` (created when new) holds exactly ``members`` (id, delivery), in order."""
    name = name.strip()
    if not name:
        raise UserError("Не указано название списка рассылки")
    seen: set[int] = set()
    for recipient_id, delivery in members:
        if recipient_id in seen:
            raise UserError(f"Список «{name}»: адресат включен дважды")
        seen.add(recipient_id)
        if delivery and delivery not in DELIVERY_METHODS:
            raise UserError(f"Список «{name}»: способ доставки «{delivery}» неизвестен")
    dlist = session.scalars(select(DistributionList).where(DistributionList.name == name)).first()
    if dlist is None:
        dlist = DistributionList(name=name, heading=heading or name)
        session.add(dlist)
    elif heading is not None:
        dlist.heading = heading
    dlist.members.clear()
    session.flush()
    for pos, (recipient_id, delivery) in enumerate(members):
        dlist.members.append(
            DistributionListMember(recipient_id=recipient_id, position=pos, delivery=delivery)
        )
    session.flush()
    audit.record(session, "distribution_list", dlist.id, "saved", name=name, size=len(members))
    return dlist.id


def set_members(
    db: Database, name: str, members: list[tuple[int, str]], *, heading: str | None = None
) -> int:
    with db.write() as session:
        return set_members_in(session, name, members, heading=heading)


def rename_list(db: Database, old: str, new: str, heading: str) -> None:
    new = new.strip()
    if not new:
        raise UserError("Не указано название списка рассылки")
    with db.write() as session:
        dlist = _get(session, old)
        if new != old and session.scalar(
            select(DistributionList.id).where(DistributionList.name == new)
        ):
            raise UserError(f"Список «{new}» уже есть")
        dlist.name, dlist.heading = new, heading.strip() or new
        audit.record(session, "distribution_list", dlist.id, "renamed", old=old, new=new)


def delete_list(db: Database, name: str) -> None:
    with db.write() as session:
        dlist = _get(session, name)
        audit.record(session, "distribution_list", dlist.id, "deleted", name=name)
        session.delete(dlist)
