"""``secretariat setup FILE.json``: organization, staff and journals from one file, idempotent.

The format is in ``docs/data-formats.md`` §1. ``//`` comments, as in the documented
example, are accepted. Everything is validated before anything is written, and the whole file is
one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.services.access.roles import require
from app.services.organization.profile import (
    DISPATCH_TEXTS,
    ORGANIZATION_TEXTS,
    SETTINGS,
    CertificateData,
    JournalData,
    OrganizationData,
    StaffData,
    delete_journal_in,
    delete_staff_in,
    org_to_data,
    organization_in,
    save_journal_in,
    save_organization_in,
    save_staff_in,
)
from app.support.errors import UserError
from app.support.files import read_regular
from app.support.json_input import JsonObject, read_json_file
from app.support.paths import expanded
from db.engine import Database

MAX_LOGO_BYTES = 10_000_000  # an emblem is a small picture


@dataclass(frozen=True)
class SetupResult:
    organization: bool
    staff: int
    journals: int


@dataclass
class SetupData:
    organization: OrganizationData | None
    staff: list[StaffData]
    journals: list[JournalData]
    remove_staff: list[str] = field(default_factory=list)
    remove_journals: list[str] = field(default_factory=list)
    exchange: dict[str, object] | None = None  # "exchange": МЭДО folders, the mailbox

    def check_unique_codes(self) -> None:
        for what, codes in (
            ("Сотрудники", [s.code for s in self.staff]),
            ("Журналы", [j.code for j in self.journals]),
        ):
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise UserError(f"{what}: код повторяется: {', '.join(dupes)}")


def _organization(data: Any) -> OrganizationData:
    r = JsonObject(data, "organization")
    org = OrganizationData(
        name=r.text("name", None),
        short_name=r.text("short_name"),
        letterhead=r.lines("letterhead"),
        layout=r.text("layout", "angular"),
        number_line=r.text("number_line", "number_first"),
        reply_line=r.flag("reply_line", False),
        font_size=r.integer("font_size", 14) or 14,
        initials_first=r.flag("initials_first", True),
        date_words=r.flag("date_words", False),
        font_file=r.text("font_file"),
    )
    if logo := r.text("logo"):
        try:
            org.logo = read_regular(expanded(logo), MAX_LOGO_BYTES, "логотип")
        except UserError as exc:
            raise UserError(f"organization.logo: {exc}") from None
    read_above = ("name", "short_name")
    for key in [k for k, _label in ORGANIZATION_TEXTS if k not in read_above] + [*DISPATCH_TEXTS]:
        setattr(org, key, r.text(key, getattr(org, key)))
    org.smtp_port = r.integer("smtp_port", 587) or 587
    _validated(org.validate, "organization")
    return org


def _validated(check: Any, where: str) -> None:
    try:
        check()
    except UserError as exc:
        raise UserError(f"{where}: {exc}") from exc


def _staff(data: Any, index: int) -> StaffData:
    r = JsonObject(data, f"staff[{index}]")
    person = StaffData(
        code=r.text("code", None),
        last_name=r.text("last_name", None),
        first_name=r.text("first_name"),
        middle_name=r.text("middle_name"),
        position=r.text("position"),
        department=r.text("department"),
        phone=r.text("phone"),
        email=r.text("email"),
        active=r.flag("active", True),
    )
    if data.get("certificate"):
        c = JsonObject(data["certificate"], f"staff[{index}].certificate")
        person.certificate = CertificateData(
            serial=c.text("serial", None),
            valid_from=c.date("valid_from"),
            valid_to=c.date("valid_to"),
            owner=c.text("owner"),
        )
    _validated(person.validate, f"staff[{index}]")
    return person


def _journal(data: Any, index: int) -> JournalData:
    r = JsonObject(data, f"journals[{index}]")
    journal = JournalData(
        code=r.text("code", None),
        name=r.text("name", None),
        template=r.text("template", None),
        period=r.text("period", "year"),
        department=r.text("department"),
        active=r.flag("active", True),
        next_seq=r.integer("next", None),
        kind=r.text("kind", "outgoing"),
    )
    _validated(journal.validate, f"journals[{index}]")
    return journal


def parse_setup(data: Any) -> SetupData:
    root = JsonObject(data, "файл настройки")
    org = _organization(data["organization"]) if "organization" in data else None
    staff = [_staff(item, i) for i, item in enumerate(root.items("staff"))]
    journals = [_journal(item, i) for i, item in enumerate(root.items("journals"))]
    setup = SetupData(org, staff, journals)
    if "exchange" in data:
        setup.exchange = _exchange(data["exchange"])
        if setup.organization is not None:
            for key, value in setup.exchange.items():
                setattr(setup.organization, key, value)
    setup.check_unique_codes()
    return setup


def _exchange(data: Any) -> dict[str, object]:
    """``"exchange": {"medo_in": "…", "medo_out": "…", "notify_executor": false, "mailbox":
    {"host", "port", "security", "login", "folder", "done_folder"}}``: the МЭДО client's folders
    and the mailbox letters arrive in (its password goes to the OS keyring: ``secretariat
    arrivals imap-password``). What the file does not name stays as it was."""
    r = JsonObject(data, "exchange")
    found: dict[str, object] = {}
    for key, name in (("medo_in", "medo_inbox"), ("medo_out", "medo_outbox")):
        if key in r.data:
            found[name] = r.text(key)
    if "notify_executor" in r.data:
        found["medo_notify_executor"] = r.flag("notify_executor", False)
    if "mailbox" in r.data:
        box = JsonObject(r.data["mailbox"], "exchange.mailbox")
        found["imap_host"] = box.text("host", None)
        found["imap_port"] = box.integer("port", 993)
        found["imap_security"] = box.text("security", "ssl")
        found["imap_login"] = box.text("login")
        found["imap_folder"] = box.text("folder", "INBOX")
        found["imap_done_folder"] = box.text("done_folder")
    return found


def apply_setup(
    db: Database,
    setup: SetupData,
    *,
    today: dt.date | None = None,
    next_forward_only: bool = True,
) -> SetupResult:
    """Save everything in one transaction.

    By default (a set-up file run again after numbers were issued) a journal's ``next`` only
    moves its counter forward and is ignored when the journal is already past it; the settings
    dialog passes ``next_forward_only=False`` to have a backward move refused with a message.
    """
    require(db, "admin", SETTINGS)
    with db.write() as session:
        for code in setup.remove_staff:
            delete_staff_in(session, code)
        for code in setup.remove_journals:
            delete_journal_in(session, code)
        if setup.organization is not None:
            save_organization_in(session, setup.organization)
        elif setup.exchange is not None:
            current = org_to_data(organization_in(session))
            for key, value in setup.exchange.items():
                setattr(current, key, value)
            save_organization_in(session, current)
        for person in setup.staff:
            save_staff_in(session, person)
        for journal in setup.journals:
            save_journal_in(session, journal, today=today, next_forward_only=next_forward_only)
    return SetupResult(setup.organization is not None, len(setup.staff), len(setup.journals))


def setup_from_file(db: Database, path: Path, *, today: dt.date | None = None) -> SetupResult:
    return apply_setup(db, parse_setup(read_json_file(path)), today=today)
