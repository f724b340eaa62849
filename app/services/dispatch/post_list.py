"""The list of registered mail handed to the post office for a day (список внутренних почтовых
отправлений, form 103): every postal copy recorded as sent on that day, from every letter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.exporters.table import Table, TableColumn
from app.rules.states import CopyState
from app.services.control.reports import recipient_name
from app.services.dispatch.record import POST
from app.services.organization.profile import org_to_data, organization_in
from app.support.errors import UserError
from app.support.text import date_ru
from db.engine import Database
from db.models import Letter, LetterAddressee


def post_list_table(db: Database, day: dt.date) -> Table:
    start = dt.datetime.combine(day, dt.time())
    with db.read() as session:
        org = org_to_data(organization_in(session))
        found = session.execute(
            select(LetterAddressee, Letter)
            .join(Letter, Letter.id == LetterAddressee.letter_id)
            .where(
                LetterAddressee.delivery == POST,
                LetterAddressee.dispatch_state.in_((CopyState.SENT, CopyState.DELIVERED)),
                LetterAddressee.dispatched_at >= start,
                LetterAddressee.dispatched_at < start + dt.timedelta(days=1),
            )
            .order_by(LetterAddressee.dispatched_at, Letter.id, LetterAddressee.position)
        ).all()
        rows: list[list[Any]] = []
        for i, (row, letter) in enumerate(found, 1):
            r = row.recipient
            rows.append(
                [
                    i,
                    recipient_name(row, r),
                    r.postcode if r else "",
                    r.address if r else "",
                    f"№ {letter.number} от {date_ru(letter.reg_date)}",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    if not rows:
        raise UserError(f"{date_ru(day)} почтой ничего не отправлено: список пуст")
    return Table(
        f"Список № ____ внутренних почтовых отправлений от {date_ru(day)} (ф. 103)",
        [
            TableColumn("№ п/п", 4, numeric=True),
            TableColumn("Адресат", 26),
            TableColumn("Индекс", 7),
            TableColumn("Адрес места назначения", 30),
            TableColumn("Отправление (исх. №)", 14),
            TableColumn("Масса, кг", 6),
            TableColumn("Плата за пересылку, руб.", 8),
            TableColumn("Почтовый идентификатор (ШПИ)", 12),
            TableColumn("Примечание", 10),
        ],
        rows,
        subtitle=(
            f"Вид и категория отправлений: письмо заказное. Отправитель: {org.name}, {org.address}"
        ),
        notes=[
            f"Всего отправлений: {len(rows)}.",
            "Сдал ______________________          Принял ______________________",
        ],
    )


def export_post_list(db: Database, day: dt.date, out: Path) -> Path:
    from app.exporters.table_file import check_suffix, write_table

    check_suffix(out, "список ф. 103", (".xlsx", ".pdf"))
    return write_table(post_list_table(db, day), Path(out), "список ф. 103", (".xlsx", ".pdf"))
