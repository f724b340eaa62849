"""A row by the number printed on it — an outgoing or an incoming letter: numbers restart each
period, so the same number may be found in several years or journals, and then the clerk is
asked which (``--year``, ``--journal``)."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.support.errors import UserError
from app.support.text import date_ru
from db.models import IncomingLetter, Journal, Letter

MAX_CANDIDATES = 5  # rows named when a number is ambiguous
NOUNS = {Letter: "Письмо", IncomingLetter: "Входящее"}

Row = TypeVar("Row", Letter, IncomingLetter)


def find_numbered_in(
    session: Session,
    model: type[Row],
    number: str,
    *,
    year: int | None = None,
    journal: str | None = None,
) -> Row:
    """The one row of ``model`` with ``number`` (in ``year``, in ``journal``); refused when
    there is none, or more than one."""
    stmt = select(model).where(model.number == number.strip())
    if year is not None:
        stmt = stmt.where(
            model.reg_date >= dt.date(year, 1, 1), model.reg_date <= dt.date(year, 12, 31)
        )
    if journal:
        stmt = stmt.where(model.journal.has(Journal.code == journal))
    found = session.scalars(stmt.order_by(model.reg_date).limit(MAX_CANDIDATES + 1)).all()
    if not found:
        raise UserError(f"{NOUNS[model]} № {number} не найдено")
    if len(found) > 1:
        shown = "; ".join(
            f"{date_ru(x.reg_date)}, журнал {x.journal.code}, «{x.subject[:40]}»"
            for x in found[:MAX_CANDIDATES]
        )
        more = " и другие" if len(found) > MAX_CANDIDATES else ""
        raise UserError(
            f"Номер {number} встречается несколько раз ({shown}{more}); "
            "укажите --year или --journal"
        )
    return found[0]
