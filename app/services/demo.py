"""``secretariat demo``: an empty database filled with the example organization and letters.

The content is data (``resources/demo/demo.json``), taken from the three real letters in the
project's examples, so a newcomer sees what the program is for.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.rules.states import CopyState
from app.services.directory.recipient_io import apply_import_in, plan_import_in
from app.services.directory.recipients import RecipientData, save_recipient_in
from app.services.organization.profile import save_journal_in, save_organization_in, save_staff_in
from app.services.organization.setup import parse_setup
from app.services.registry.letters import (
    Addressee,
    AttachmentData,
    LetterCard,
    ReportData,
    register_in,
)
from app.support.errors import UserError
from app.support.paths import resource_path
from db.engine import Database
from db.models import IncomingLetter, Letter, Organization, Recipient


@dataclass(frozen=True)
class DemoResult:
    recipients: int
    letters: int
    incoming: int = 0


def _card(item: dict[str, Any]) -> LetterCard:
    report = item.get("report")
    return LetterCard(
        journal=item["journal"],
        subject=item["subject"],
        addressee=Addressee(**item["addressee"]),
        date=dt.date.fromisoformat(item["date"]),
        case=item.get("case", ""),
        salutation=item.get("salutation"),
        body=item.get("body", ""),
        signatory=item.get("signatory"),
        executor=item.get("executor"),
        attachments=[AttachmentData(**a) for a in item.get("attachments", [])],
        report=None
        if report is None
        else ReportData(dt.date.fromisoformat(report["due"]), report["columns"], report["rows"]),
        appendices=item.get("appendices", []),
    )


DEMO_DAY = dt.date(2025, 12, 5)  # the day the demo's dates were written for
DATE_KEYS = frozenset({"date", "due", "received", "at", "valid_from", "valid_to", "sender_date"})


def moved_to(data: Any, today: dt.date) -> Any:
    """The demo's dates moved by whole weeks so that ``today`` is its day: reports due a few
    days ago and replies coming in, not a year overdue; weekdays stay what they were."""
    shift = dt.timedelta(weeks=round((today - DEMO_DAY).days / 7))
    if not shift:
        return data

    def move(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: move(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v, key) for v in value]
        if key in DATE_KEYS and isinstance(value, str):
            if "T" in value:
                return (dt.datetime.fromisoformat(value) + shift).isoformat()
            return (dt.date.fromisoformat(value) + shift).isoformat()
        return value

    return move(data)


def load_demo(
    db: Database,
    *,
    mixed_mailing: bool = False,
    today: dt.date | None = None,
    incoming: bool = True,
) -> DemoResult:
    """The demo registry; with ``mixed_mailing`` also letter 1961/5, whose four copies go by
    МЭДО, e-mail and post (two new postal recipients). With ``today`` (the window, the CLI) its
    dates are moved to that day (:func:`moved_to`); without it they are as written, for tests.
    ``incoming`` false: without its incoming letters (the incoming journal stays)."""
    data = json.loads(resource_path("demo", "demo.json").read_text(encoding="utf-8"))
    if today is not None:
        data = moved_to(data, today)
    setup = parse_setup(data["setup"])
    with db.write() as session:
        if session.scalar(select(func.count(Organization.id))) or session.scalar(
            select(func.count(Letter.id))
        ):
            raise UserError(
                "Демонстрационные данные загружаются только в пустую базу данных; "
                "укажите новый файл через --db"
            )
        assert setup.organization is not None
        save_organization_in(session, setup.organization)
        for person in setup.staff:
            save_staff_in(session, person)
        for journal in setup.journals:
            save_journal_in(session, journal)
        for item in data["recipients"]:
            save_recipient_in(session, RecipientData(**item))
        for name in data["recipient_files"]:  # the same sample files a clerk can import
            apply_import_in(session, plan_import_in(session, resource_path(name)))
        _contacts(session, data.get("demo_contacts", {}))
        for year in _years(data, incoming):  # before the letters: filed as they are registered
            _nomenclature(session, data["nomenclature"], year)
        for item in data["letters"]:
            _letter(session, item)
        letters = len(data["letters"])
        received = data.get("incoming", []) if incoming else []
        for item in received:
            _incoming(session, item)
        if mixed_mailing:
            for item in data["mixed_mailing"]["recipients"]:
                save_recipient_in(session, RecipientData(**item))
            item = data["mixed_mailing"]["letter"]
            register_in(session, _card(item), seq=item.get("seq"))
            letters += 1
        recipients = int(session.scalar(select(func.count(Recipient.id))) or 0)
    return DemoResult(recipients=recipients, letters=letters, incoming=len(received))


def _incoming(session: Any, item: dict[str, Any]) -> None:
    """A letter received, registered (and given to executors, or done) as a clerk would."""
    from app.services.incoming.cards import card_from_json
    from app.services.incoming.registration import complete_in
    from app.services.incoming.registration import register_in as register_incoming_in
    from app.services.incoming.resolutions import assign_in

    card = card_from_json(item)
    received = card.date or dt.date.today()
    done = register_incoming_in(session, card, [], [], today=received)
    if "assign" in item:
        given = item["assign"]
        due = dt.date.fromisoformat(given["due"])
        assign_in(
            session, done.id, given["executors"], due=due, task=given["task"], responsible=None,
            today=received,
        )  # fmt: skip
    if "done" in item:
        note = item["done"]["note"]
        complete_in(session, done.id, reply=None, reply_year=None, note=note, today=received)
    if "file" in item:
        _file(session, IncomingLetter, done.id, item["file"])


def _letter(session: Any, item: dict[str, Any]) -> None:
    """An outgoing demo letter: registered, filed, its replies in, its copies sent."""
    registered = register_in(session, _card(item), seq=item.get("seq"))
    if "file" in item:
        _file(session, Letter, registered.id, item["file"])
    _replies(session, registered.id, item.get("replies", []))
    if "dispatch" in item:
        _dispatched(session, registered.id, item["dispatch"])


def _years(data: dict[str, Any], incoming: bool) -> list[int]:
    """The years the demo's letters of both kinds are registered in."""
    items = [*data["letters"], *(data.get("incoming", []) if incoming else [])]
    return sorted({dt.date.fromisoformat(i.get("date") or i["received"]).year for i in items})


def _nomenclature(session: Any, book: dict[str, Any], year: int) -> None:
    from app.rules.retention import parse_retention
    from app.services.cases.nomenclature import CaseData, save_case_in

    for section in book["sections"]:
        for case in section["cases"]:
            data = CaseData(
                case["index"], case["title"], section["title"], case.get("volumes", 1),
                parse_retention(case["retention"]), case.get("article", ""), case.get("note", ""),
            )  # fmt: skip
            save_case_in(session, year, data, file_letters=False)


def _file(session: Any, model: Any, row_id: int, index: str) -> None:
    """A demo letter filed to its case as the clerk would, on its own day."""
    from app.services.cases.filing import file_incoming_in, file_letter_in

    filing = file_letter_in if model is Letter else file_incoming_in
    filing(session, row_id, index)
    row = session.get(model, row_id)
    row.filed_on = row.reg_date


def _contacts(session: Any, contacts: dict[str, Any]) -> None:
    """Demo-only contacts: an invented МЭДО id and address for every МЭДО recipient, invented
    e-mails."""
    import uuid

    for r in session.scalars(select(Recipient)):
        if r.delivery == "МЭДО" and not r.medo_id:
            r.medo_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"secretariat-demo:{r.code}"))
        if r.delivery == "МЭДО" and not r.medo_address:
            r.medo_address = f"DEMO{r.id:04d}~MEDO"
        if r.code in contacts.get("emails", {}):
            r.email = contacts["emails"][r.code]
    session.flush()


def _dispatched(session: Any, letter_id: int, item: dict[str, Any]) -> None:
    """A demo letter that already went out: every copy marked as the clerk would."""
    from app.services.dispatch.record import Step, dispatch_in, record_in

    at = dt.datetime.fromisoformat(item["at"])
    copies = dispatch_in(session, letter_id).copies
    record_in(session, letter_id, [Step(c.addressee_id, CopyState.SENT, at=at) for c in copies])
    if item["state"] != CopyState.SENT:
        later = at + dt.timedelta(minutes=25)
        steps = [Step(c.addressee_id, item["state"], "receipt", at=later) for c in copies]
        record_in(session, letter_id, steps)


def _replies(session: Any, letter_id: int, replies: list[dict[str, Any]]) -> None:
    """The replies that came in for a demo letter, registered as a clerk would."""
    from app.rules.report_form import clean_rows
    from app.services.control.report_control import Reply, receive_in
    from app.services.control.reports import control_in

    if not replies:
        return
    columns = control_in(session, letter_id).columns
    for item in replies:
        received = dt.date.fromisoformat(item["received"])
        reply = Reply(item["incoming"], dt.date.fromisoformat(item["date"]), received)
        rows = clean_rows(columns, item["rows"])
        receive_in(session, letter_id, item["recipient"], reply, rows, [], received)
