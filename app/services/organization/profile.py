"""Organization profile, staff and journals: what the settings dialog and ``setup`` edit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.rules.field_rules import MAX_TEXT, refuse, text_problem
from app.rules.numbering import MAX_SEQ, PERIODS, check_period_fits, parse_template, period_key
from app.services.access.audit_log import refuse_stale
from app.services.access.roles import require
from app.services.numbers.counters import JOURNAL_KINDS, continue_after_printed, entries_of
from app.services.organization.mail_servers import check_connection
from app.storage import audit
from app.storage.field_limits import problems_of
from app.support import clock
from app.support.errors import UserError
from app.support.paths import expanded
from app.support.text import initials_name
from db.engine import Database
from db.models import (
    Certificate,
    Journal,
    JournalCounter,
    Letter,
    Organization,
    Staff,
)

LAYOUTS = ("angular", "flat")
NUMBER_LINES = ("number_first", "date_first")
FONT_SIZES = range(12, 15)


# The organization's one-line texts as the settings show them, with their labels; the set-up
# file reads the same keys (one list for every place that edits the profile)
ORGANIZATION_TEXTS: tuple[tuple[str, str], ...] = (
    ("name", "Наименование"),
    ("short_name", "Краткое наименование"),
    ("address", "Почтовый адрес"),
    ("phone", "Телефон"),
    ("fax", "Факс"),
    ("email", "Эл. почта"),
    ("website", "Сайт"),
    ("inn", "ИНН"),
    ("kpp", "КПП"),
    ("ogrn", "ОГРН"),
    ("okpo", "ОКПО"),
    ("medo_id", "Идентификатор МЭДО"),
)
# how letters leave by e-mail (the «Отправка» page of the settings)
DISPATCH_TEXTS = (
    "mail_from",
    "smtp_host",
    "smtp_security",
    "smtp_login",
    "email_subject",
    "email_body",
)


@dataclass
class OrganizationData:
    name: str
    short_name: str = ""
    letterhead: list[str] = field(default_factory=list)
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website: str = ""
    okpo: str = ""
    ogrn: str = ""
    inn: str = ""
    kpp: str = ""
    medo_id: str = ""
    layout: str = "angular"
    number_line: str = "number_first"
    reply_line: bool = False
    font_size: int = 14
    initials_first: bool = True
    date_words: bool = False  # «22» октября 2024 г. on the number line
    font_file: str = ""  # the organization's own TTF for PDF letters; "" = Liberation Serif
    # dispatch: the sender of e-mails ("" = ``email``), the SMTP server (the password is kept in
    # the OS keyring, never here), the covering text of e-mails ("" = the built-in one)
    mail_from: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_login: str = ""
    email_subject: str = ""
    email_body: str = ""
    max_file_mb: int = 50  # the largest file a letter may hold (the scan, an attachment)
    # the channels' own limits: a letter with its attachments' files larger is not sent that way
    email_max_mb: int = 25  # what common mail servers accept in one message (encoded)
    medo_max_mb: int = 20  # a МЭДО container's document and attachments together
    # the МЭДО client's exchange folders: packages come into the first (read into «Поступившие»),
    # notifications to senders go into the second ("" : not set; setup file: "exchange")
    medo_inbox: str = ""
    medo_outbox: str = ""
    # a МЭДО sender is also told who executes its document (``executorAssigned``)
    medo_notify_executor: bool = False
    # the mailbox letters arrive in (IMAP; the password in the OS keyring): read into
    # «Поступившие» from ``imap_folder``, a stored message moved into ``imap_done_folder`` ("" :
    # it stays, marked); ``imap_host`` "" : no mailbox
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "ssl"
    imap_login: str = ""
    imap_folder: str = "INBOX"
    imap_done_folder: str = ""
    logo: bytes = b""  # a new emblem image (PNG/JPEG) to store; b"" keeps the current one
    version: int = 0  # 0: not read from the database

    @property
    def medo_folders(self) -> tuple[Path | None, Path | None]:
        """The МЭДО client's incoming and outgoing folders (None: not named)."""
        return (
            expanded(self.medo_inbox) if self.medo_inbox.strip() else None,
            expanded(self.medo_outbox) if self.medo_outbox.strip() else None,
        )

    def validate(self) -> None:
        if not self.name.strip():
            raise UserError("Наименование организации не заполнено")
        if self.layout not in LAYOUTS:
            raise UserError(f"Вид бланка «{self.layout}»: допустимо angular или flat")
        if self.number_line not in NUMBER_LINES:
            raise UserError(
                f"Порядок даты и номера «{self.number_line}»: допустимо number_first или date_first"
            )
        for value, what in (
            (self.max_file_mb, "Файл письма"),
            (self.email_max_mb, "Письмо e-mail"),
            (self.medo_max_mb, "МЭДО"),
        ):
            if not 1 <= value <= 2000:
                raise UserError(f"{what}, не больше: {value} МБ; допустимо 1–2000 МБ")
        if self.font_size not in FONT_SIZES:
            raise UserError(f"Размер шрифта {self.font_size}: допустимо от 12 до 14 пт")
        if self.font_file and not self.font_file.lower().endswith((".ttf", ".otf")):
            raise UserError(f"Шрифт «{self.font_file}»: укажите файл TTF")
        check_connection("SMTP", self.smtp_security, self.smtp_port)
        check_connection("IMAP", self.imap_security, self.imap_port)
        if self.imap_host.strip() and not self.imap_folder.strip():
            raise UserError("Папка почтового ящика, откуда брать письма, не указана")
        problems = problems_of(
            self,
            Organization,
            multiline=("name", "address", "email_body"),
            extra_limits=_ORG_EXTRA_LIMITS,
        )
        problems += [
            problem
            for n, line in enumerate(self.letterhead, 1)
            if (problem := text_problem(line, f"бланк, строка {n}", limit=500))
        ]
        refuse(problems, "Организация")


@dataclass
class CertificateData:
    serial: str
    valid_from: dt.date
    valid_to: dt.date
    owner: str = ""

    def validate(self, who: str) -> None:
        if not self.serial.strip():
            raise UserError(f"{who}: не указан серийный номер сертификата")
        if self.valid_to < self.valid_from:
            raise UserError(f"{who}: сертификат заканчивается раньше, чем начинается")


@dataclass
class StaffData:
    code: str
    last_name: str
    first_name: str = ""
    middle_name: str = ""
    position: str = ""
    department: str = ""
    phone: str = ""
    email: str = ""
    active: bool = True
    certificate: CertificateData | None = None
    version: int = 0

    def validate(self) -> None:
        who = f"Сотрудник «{self.code or self.last_name}»"
        if not self.code.strip():
            raise UserError(f"{who}: не указан код")
        if not self.last_name.strip():
            raise UserError(f"{who}: не указана фамилия")
        refuse(problems_of(self, Staff, multiline=("position",)), who)
        if self.certificate is not None:
            self.certificate.validate(who)


@dataclass
class JournalData:
    code: str
    name: str
    template: str
    period: str = "year"
    department: str = ""
    active: bool = True
    next_seq: int | None = None  # next sequence number in the current period
    version: int = 0
    kind: str = "outgoing"  # or "incoming": the journal of the letters received

    def validate(self) -> None:
        who = f"Журнал «{self.code}»"
        if not self.code.strip():
            raise UserError("Журнал: не указан код")
        if not self.name.strip():
            raise UserError(f"{who}: не указано наименование")
        if self.period not in PERIODS:
            raise UserError(f"{who}: период «{self.period}»; допустимо: {', '.join(PERIODS)}")
        if self.kind not in JOURNAL_KINDS:
            raise UserError(f"{who}: вид «{self.kind}»; допустимо: {', '.join(JOURNAL_KINDS)}")
        try:
            check_period_fits(parse_template(self.template), self.period)
        except UserError as exc:
            raise UserError(f"{who}: {exc}") from exc
        refuse(problems_of(self, Journal), who)
        if self.next_seq is not None and not 1 <= self.next_seq <= MAX_SEQ:
            raise UserError(f"{who}: следующий номер должен быть от 1 до {MAX_SEQ}")


# --- organization -------------------------------------------------------------------------

_ORG_EXTRA_LIMITS = {  # fields kept in the row's ``extra`` JSON: no column says their length
    "font_file": 1000,
    "mail_from": 200,
    "smtp_host": 200,
    "smtp_security": 20,
    "smtp_login": 200,
    "email_subject": 500,
    "email_body": MAX_TEXT,
    "medo_inbox": 500,
    "medo_outbox": 500,
    "imap_host": 200,
    "imap_security": 20,
    "imap_login": 200,
    "imap_folder": 200,
    "imap_done_folder": 200,
}

SETTINGS = "изменять настройки (организация, сотрудники, журналы)"

_ORG_EXTRA = (  # kept in the row's ``extra`` JSON
    "date_words",
    "font_file",
    "mail_from",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_login",
    "email_subject",
    "email_body",
    "max_file_mb",
    "email_max_mb",
    "medo_max_mb",
    "medo_inbox",
    "medo_outbox",
    "medo_notify_executor",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_login",
    "imap_folder",
    "imap_done_folder",
)
_ORG_DEFAULTS = OrganizationData(name="")
_ORG_FIELDS = [
    f.name
    for f in fields(OrganizationData)
    if f.name not in ("version", "logo") and f.name not in _ORG_EXTRA
]
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _organization_row(session: Session) -> Organization | None:
    return session.scalars(select(Organization).order_by(Organization.id).limit(1)).first()


def organization_in(session: Session) -> Organization:
    """The organization profile, which letters, mailings and post lists cannot do without."""
    row = _organization_row(session)
    if row is None:
        raise UserError("Сведения об организации не заполнены (Настройки → Организация)")
    return row


def org_to_data(row: Organization) -> OrganizationData:
    data = OrganizationData(**{name: getattr(row, name) for name in _ORG_FIELDS})
    data.letterhead = list(row.letterhead or [])
    extra = row.extra or {}
    for name in _ORG_EXTRA:
        default = getattr(_ORG_DEFAULTS, name)
        try:
            setattr(data, name, type(default)(extra.get(name, default)))
        except (TypeError, ValueError):  # a hand-edited value of the wrong type
            setattr(data, name, default)
    data.version = row.version
    return data


def get_organization(db: Database) -> OrganizationData | None:
    with db.read() as session:
        row = _organization_row(session)
        return None if row is None else org_to_data(row)


def save_organization_in(session: Session, data: OrganizationData) -> OrganizationData:
    data.validate()
    row = _organization_row(session)
    if row is None:
        row = Organization(name=data.name)
        session.add(row)
    else:
        refuse_stale(session, "organization", row, data.version, "Сведения об организации")
    order_changed = row.initials_first != data.initials_first and row.id is not None
    for name in _ORG_FIELDS:
        setattr(row, name, getattr(data, name))
    row.extra = {**(row.extra or {}), **{name: getattr(data, name) for name in _ORG_EXTRA}}
    if data.logo:
        row.logo_file_id = _store_logo(session, data.logo)
    changes = audit.changes_of(row)
    session.flush()
    if order_changed:  # «В.В. Солодову» ↔ «Солодову В.В.» in every block nobody edited
        from app.services.directory.recipients import rederive_all_in

        rederive_all_in(session)
    audit.record(session, "organization", row.id, "saved", name=row.name, changes=changes)
    return org_to_data(row)


def _store_logo(session: Session, content: bytes) -> int:
    from app.services.files.stored_files import store_file_in

    mime = next((m for sig, m in LOGO_SIGNATURES.items() if content.startswith(sig)), None)
    if mime is None:
        raise UserError("Эмблема: нужен файл PNG или JPEG")
    return store_file_in(session, "emblem", content, mime).id


def save_organization(db: Database, data: OrganizationData) -> OrganizationData:
    require(db, "admin", SETTINGS)
    with db.write() as session:
        return save_organization_in(session, data)


# --- staff --------------------------------------------------------------------------------

_STAFF_FIELDS = [f.name for f in fields(StaffData) if f.name not in ("certificate", "version")]


def _staff_to_data(row: Staff) -> StaffData:
    data = StaffData(**{name: getattr(row, name) for name in _STAFF_FIELDS})
    if row.certificates:
        cert = row.certificates[-1]
        data.certificate = CertificateData(cert.serial, cert.valid_from, cert.valid_to, cert.owner)
    data.version = row.version
    return data


def staff_name(person: Staff | None) -> str:
    """A member of the staff as printed: «М.А. Протасов» ("" for nobody)."""
    if person is None:
        return ""
    return initials_name(person.last_name, person.first_name, person.middle_name)


def list_staff(db: Database, *, active_only: bool = False) -> list[StaffData]:
    with db.read() as session:
        query = select(Staff).order_by(Staff.last_name, Staff.code)
        if active_only:
            query = query.where(Staff.active.is_(True))
        return [_staff_to_data(row) for row in session.scalars(query)]


def save_staff_in(session: Session, data: StaffData) -> StaffData:
    data.validate()
    row = session.scalars(select(Staff).where(Staff.code == data.code)).first()
    if row is None:
        row = Staff(code=data.code, last_name=data.last_name)
        session.add(row)
    else:
        refuse_stale(session, "staff", row, data.version, f"Сотрудник «{data.code}»")
    for name in _STAFF_FIELDS:
        setattr(row, name, getattr(data, name))
    changes = audit.changes_of(row)
    cert = data.certificate
    if cert is not None and not any(
        c.serial == cert.serial and c.valid_from == cert.valid_from for c in row.certificates
    ):
        row.certificates.append(
            Certificate(
                serial=cert.serial,
                owner=cert.owner,
                valid_from=cert.valid_from,
                valid_to=cert.valid_to,
            )
        )
    session.flush()
    audit.record(session, "staff", row.id, "saved", code=row.code, changes=changes)
    return _staff_to_data(row)


def save_staff(db: Database, data: StaffData) -> StaffData:
    require(db, "admin", SETTINGS)
    with db.write() as session:
        return save_staff_in(session, data)


def delete_staff_in(session: Session, code: str) -> bool:
    """Delete a person, or only deactivate them when letters name them. True when deleted."""
    row = session.scalars(select(Staff).where(Staff.code == code)).first()
    if row is None:
        raise UserError(f"Сотрудник с кодом «{code}» не найден")
    used = session.scalar(
        select(func.count(Letter.id)).where(
            (Letter.signatory_id == row.id) | (Letter.executor_id == row.id)
        )
    )
    if used:
        row.active = False
        audit.record(session, "staff", row.id, "deactivated", code=code)
        return False
    audit.record(session, "staff", row.id, "deleted", code=code)
    session.delete(row)
    return True


def delete_staff(db: Database, code: str) -> bool:
    with db.write() as session:
        return delete_staff_in(session, code)


# --- journals -----------------------------------------------------------------------------

_JOURNAL_FIELDS = ["code", "name", "template", "period", "department", "active", "kind"]


def _counter(session: Session, journal: Journal, key: str) -> JournalCounter | None:
    return session.scalars(
        select(JournalCounter).where(
            JournalCounter.journal_id == journal.id, JournalCounter.period_key == key
        )
    ).first()


def _journal_to_data(session: Session, row: Journal, today: dt.date) -> JournalData:
    data = JournalData(**{name: getattr(row, name) for name in _JOURNAL_FIELDS})
    counter = _counter(session, row, period_key(today, row.period))
    data.next_seq = (counter.last_seq if counter else 0) + 1
    data.version = row.version
    return data


def list_journals(db: Database, *, today: dt.date | None = None) -> list[JournalData]:
    today = today or clock.today()
    with db.read() as session:
        rows = session.scalars(select(Journal).order_by(Journal.code)).all()
        return [_journal_to_data(session, row, today) for row in rows]


def _issued_in_period(session: Session, journal: Journal, key: str) -> int:
    entry = entries_of(journal)
    return (
        session.scalar(
            select(func.count(entry.id)).where(
                entry.journal_id == journal.id, entry.period_key == key
            )
        )
        or 0
    )


def _has_entries(session: Session, journal: Journal) -> bool:
    entry = entries_of(journal)
    return (
        session.scalar(select(entry.id).where(entry.journal_id == journal.id).limit(1)) is not None
    )


def save_journal_in(
    session: Session,
    data: JournalData,
    *,
    today: dt.date | None = None,
    next_forward_only: bool = False,
) -> JournalData:
    data.validate()
    today = today or clock.today()
    row = session.scalars(select(Journal).where(Journal.code == data.code)).first()
    if row is None:
        row = Journal(code=data.code, name=data.name, template=data.template)
        session.add(row)
        session.flush()
    else:
        refuse_stale(session, "journal", row, data.version, f"Журнал «{data.code}»")
        if row.kind != data.kind and _has_entries(session, row):
            raise UserError(
                f"Журнал «{data.code}»: в нем уже зарегистрированы письма, "
                "вид журнала (исходящие или входящие) изменить нельзя"
            )
        changed = row.template != data.template or row.period != data.period
        if changed and _issued_in_period(session, row, period_key(today, row.period)):
            raise UserError(
                f"Журнал «{data.code}»: в текущем периоде уже выданы номера, "
                "шаблон и период нумерации изменить нельзя"
            )
    _refuse_same_template(session, data)
    numbering_changed = row.template != data.template or row.period != data.period
    for name in _JOURNAL_FIELDS:
        setattr(row, name, getattr(data, name))
    if numbering_changed:
        session.flush()
        continue_after_printed(session, row)
    if data.next_seq is not None:
        key = period_key(today, data.period)
        # the next number shown before a change of period was of the old period: it may
        # move the counter forward, never back behind what continue_after_printed set
        forward_only = next_forward_only or numbering_changed
        _set_next_seq(session, row, data.next_seq, key, forward_only=forward_only)
    changes = audit.changes_of(row)
    session.flush()
    audit.record(
        session, "journal", row.id, "saved", code=row.code, template=row.template, changes=changes
    )
    return _journal_to_data(session, row, today)


def _refuse_same_template(session: Session, data: JournalData) -> None:
    """Two journals that print their numbers by one template would print the same numbers."""
    other = session.scalars(
        select(Journal.code).where(Journal.template == data.template, Journal.code != data.code)
    ).first()
    if other is not None:
        raise UserError(
            f"Журнал «{data.code}»: шаблон номера «{data.template}» уже у журнала «{other}» — "
            "номера двух журналов совпадали бы; добавьте в шаблон отличие (например, «-ВН»)"
        )


def _set_next_seq(
    session: Session, journal: Journal, next_seq: int, key: str, *, forward_only: bool
) -> None:
    counter = _counter(session, journal, key)
    if counter is None:
        counter = JournalCounter(journal_id=journal.id, period_key=key, last_seq=0)
        session.add(counter)
    if next_seq - 1 < counter.last_seq:
        if forward_only:
            return
        raise UserError(
            f"Журнал «{journal.code}»: номер {counter.last_seq} уже выдан, следующий номер "
            f"не может быть меньше {counter.last_seq + 1}"
        )
    counter.last_seq = next_seq - 1


def save_journal(db: Database, data: JournalData, *, today: dt.date | None = None) -> JournalData:
    require(db, "admin", SETTINGS)
    with db.write() as session:
        return save_journal_in(session, data, today=today)


def delete_journal_in(session: Session, code: str) -> None:
    row = session.scalars(select(Journal).where(Journal.code == code)).first()
    if row is None:
        raise UserError(f"Журнал «{code}» не найден")
    if _has_entries(session, row):
        raise UserError(f"Журнал «{code}»: в нем зарегистрированы письма, удалить нельзя")
    audit.record(session, "journal", row.id, "deleted", code=code)
    session.delete(row)


def delete_journal(db: Database, code: str) -> None:
    with db.write() as session:
        delete_journal_in(session, code)


def limit_bytes(session: Session) -> int:
    """The largest file a letter may hold («Файл письма, не больше», Настройки → Отправка почты)."""
    row = session.scalars(select(Organization).order_by(Organization.id).limit(1)).first()
    mb = (org_to_data(row) if row is not None else OrganizationData(name="")).max_file_mb
    return max(1, mb) * 1024 * 1024
