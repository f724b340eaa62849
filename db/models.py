"""SQLAlchemy models of the whole domain.

The schema is shaped for the complete program (registry, directory, letters, dispatch, report
control) so that later work adds columns and behaviour instead of rewriting tables. Letters and
recipients are found by word forms through a word index the program fills with its own terms
(``app/rules/search_terms.py``): FTS5 tables beside the rows on SQLite, a ``tsvector`` column on
PostgreSQL (:class:`SearchVector`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine

# Named constraints keep Alembic batch migrations (which recreate tables on SQLite) deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class SearchVector(TypeDecorator[str]):
    """The row's search terms with their positions: ``tsvector`` on PostgreSQL, where a GIN
    index answers searches. On SQLite the terms live in an FTS5 table instead and this column
    stays NULL (a byte per row)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TSVECTOR())
        return dialect.type_descriptor(Text())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Organization(Base):
    """The organization profile: what the letterhead prints and how letters are laid out."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    short_name: Mapped[str] = mapped_column(String(200), default="")
    letterhead: Mapped[list[Any]] = mapped_column(default=list)  # printed lines of the letterhead
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    fax: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    okpo: Mapped[str] = mapped_column(String(20), default="")
    ogrn: Mapped[str] = mapped_column(String(20), default="")
    inn: Mapped[str] = mapped_column(String(20), default="")
    kpp: Mapped[str] = mapped_column(String(20), default="")
    medo_id: Mapped[str] = mapped_column(String(100), default="")
    layout: Mapped[str] = mapped_column(String(20), default="angular")  # angular | flat
    number_line: Mapped[str] = mapped_column(String(20), default="number_first")
    reply_line: Mapped[bool] = mapped_column(Boolean, default=False)
    font_size: Mapped[int] = mapped_column(Integer, default=14)
    initials_first: Mapped[bool] = mapped_column(Boolean, default=True)
    logo_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"), nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow, onupdate=_utcnow)

    __mapper_args__ = {"version_id_col": version}


class Staff(Base):
    """A person of the organization: signatory, executor or both."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[str] = mapped_column(Text, default="")  # may hold line breaks
    department: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="Certificate.valid_from"
    )

    __mapper_args__ = {"version_id_col": version}


class Certificate(Base):
    """An electronic-signature certificate of a signatory (printed in the signature stamp)."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    serial: Mapped[str] = mapped_column(String(100))
    owner: Mapped[str] = mapped_column(String(300), default="")
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)

    staff: Mapped[Staff] = relationship(back_populates="certificates")


class Journal(Base):
    """A registration journal with its number template and sequence period."""

    __tablename__ = "journal"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    template: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(10), default="year")  # year|quarter|month|never
    department: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # "outgoing" (the letters we send) or "incoming" (the letters we receive), migration 0018
    kind: Mapped[str] = mapped_column(String(10), default="outgoing", server_default="outgoing")

    counters: Mapped[list[JournalCounter]] = relationship(
        back_populates="journal", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class JournalCounter(Base):
    """The last sequence number issued in one period of a journal.

    Numbers are issued by ``UPDATE ... SET last_seq = last_seq + 1 RETURNING`` inside a write
    transaction, never by ``MAX(seq) + 1``: that is what keeps concurrent clerks from colliding.
    """

    __tablename__ = "journal_counter"
    __table_args__ = (UniqueConstraint("journal_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(10))  # "2025", "2025-Q2", "2025-04", "*"
    last_seq: Mapped[int] = mapped_column(Integer, default=0)

    journal: Mapped[Journal] = relationship(back_populates="counters")


class Recipient(Base):
    """An addressee of the directory: an organization, optionally with an official in it."""

    __tablename__ = "recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    organization: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[str] = mapped_column(String(500), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    gender: Mapped[str] = mapped_column(String(1), default="")  # "m", "f" or "" (unknown)
    addressee_lines: Mapped[str] = mapped_column(Text, default="")  # dative, one line per row
    addressee_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    salutation: Mapped[str] = mapped_column(String(300), default="")
    salutation_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    medo_id: Mapped[str] = mapped_column(String(100), default="")
    medo_address: Mapped[str] = mapped_column(String(100), default="", server_default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    search_vector: Mapped[str | None] = mapped_column(SearchVector, nullable=True, deferred=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_recipient_order", "organization", "last_name", "id"),)


class RecipientOfficialHistory(Base):
    """An official who held the post of a recipient before the current one."""

    __tablename__ = "recipient_official_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("recipient.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[str] = mapped_column(String(500), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    addressee_lines: Mapped[str] = mapped_column(Text, default="")
    salutation: Mapped[str] = mapped_column(String(300), default="")
    replaced_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class DistributionList(Base):
    """A named group of recipients that a letter can be sent to as one addressee."""

    __tablename__ = "distribution_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    heading: Mapped[str] = mapped_column(String(500), default="")  # printed instead of the list
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    members: Mapped[list[DistributionListMember]] = relationship(
        back_populates="list",
        cascade="all, delete-orphan",
        order_by="DistributionListMember.position",
    )

    __mapper_args__ = {"version_id_col": version}


class DistributionListMember(Base):
    __tablename__ = "distribution_list_member"
    __table_args__ = (UniqueConstraint("list_id", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("distribution_list.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipient.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    delivery: Mapped[str] = mapped_column(String(30), default="")  # overrides the recipient's

    list: Mapped[DistributionList] = relationship(back_populates="members")
    recipient: Mapped[Recipient] = relationship()


class Numbered:
    """What an outgoing and an incoming letter share: a number of a journal — its period and
    sequence, printed as ``number`` on ``reg_date`` — in a ``status`` (registered, reserved,
    cancelled, annulled). With :func:`numbered_table_args`: one row per number of a journal's
    period, and the indexes the journal's pages and its gaps read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id"))
    period_key: Mapped[str] = mapped_column(String(10))
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))  # indexed with its journal (below)
    reg_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="registered")

    @declared_attr
    def journal(cls) -> Mapped[Journal]:
        return relationship()


def numbered_table_args(table: str) -> tuple[Any, ...]:
    return (
        UniqueConstraint("journal_id", "period_key", "seq"),
        Index(f"ix_{table}_reg_date_id", "reg_date", "id"),
        # a number and its journal (migration 0023): the lookup by number, and PostgreSQL's
        # check that a number stands on one row of its journal, in one index
        Index(f"ix_{table}_number", "number", "journal_id"),
        # the few numbers without a registered letter, for ``journal gaps``
        Index(
            f"ix_{table}_not_registered",
            "journal_id",
            "period_key",
            "seq",
            sqlite_where=text("status <> 'registered'"),
            postgresql_where=text("status <> 'registered'"),
        ),
    )


class Letter(Numbered, Base):
    """An outgoing letter: a reserved, registered, annulled or cancelled number in a journal."""

    __tablename__ = "letter"
    __table_args__ = numbered_table_args("letter")  # the not-registered index: migration 0007

    # indexed (migration 0022): the letters of a case's index filed to it, the draft's indexes
    case_index: Mapped[str] = mapped_column(String(50), default="", index=True)
    department: Mapped[str] = mapped_column(String(50), default="")
    correspondent: Mapped[str] = mapped_column(String(64), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(String(200), default="")
    addressee_kind: Mapped[str] = mapped_column(String(20), default="recipient")
    addressee_text: Mapped[str] = mapped_column(Text, default="")  # as printed on the letter
    salutation: Mapped[str] = mapped_column(String(300), default="")  # as printed
    distribution_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("distribution_list.id"), nullable=True
    )
    reply_to_number: Mapped[str] = mapped_column(String(100), default="")
    reply_to_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    signatory_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    signature_kind: Mapped[str] = mapped_column(String(20), default="handwritten")
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    appendices: Mapped[list[Any]] = mapped_column(default=list)
    delivery_state: Mapped[str] = mapped_column(String(20), default="not_sent")
    annul_reason: Mapped[str] = mapped_column(Text, default="")
    # the case it is filed to («В дело № …», migration 0022), the day and who
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_file.id"), nullable=True, index=True
    )
    filed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    filed_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    search_vector: Mapped[str | None] = mapped_column(SearchVector, nullable=True, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow, onupdate=_utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    signatory: Mapped[Staff | None] = relationship(foreign_keys=[signatory_id])
    executor: Mapped[Staff | None] = relationship(foreign_keys=[executor_id])
    addressees: Mapped[list[LetterAddressee]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterAddressee.position"
    )
    attachments: Mapped[list[LetterAttachment]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterAttachment.position"
    )
    versions: Mapped[list[LetterVersion]] = relationship(
        cascade="all, delete-orphan", order_by="LetterVersion.id", lazy="select"
    )
    report: Mapped[ReportRequest | None] = relationship(
        back_populates="letter", cascade="all, delete-orphan", uselist=False
    )

    __mapper_args__ = {"version_id_col": version}


class LetterAttachment(Base):
    __tablename__ = "letter_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(500))
    sheets: Mapped[int] = mapped_column(Integer, default=1)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"), nullable=True)

    letter: Mapped[Letter] = relationship(back_populates="attachments")


class LetterAddressee(Base):
    """One recipient of a letter, with what was printed for them at registration.

    The addressee lines and the salutation are copied here, so that editing the directory later
    never rewrites a letter already sent.
    """

    __tablename__ = "letter_addressee"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipient.id"), nullable=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    addressee_lines: Mapped[str] = mapped_column(Text, default="")
    salutation: Mapped[str] = mapped_column(String(300), default="")
    delivery: Mapped[str] = mapped_column(String(30), default="")
    dispatch_state: Mapped[str] = mapped_column(String(20), default="not_sent")
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    dispatched_by: Mapped[str] = mapped_column(String(100), default="")
    dispatch_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id"), nullable=True
    )
    dispatch_note: Mapped[str] = mapped_column(Text, default="")  # error or receipt, as told
    dispatch_uid: Mapped[str] = mapped_column(String(64), default="", index=True)  # МЭДО / e-mail
    # the letter's content was changed after this copy was prepared or sent (migration 0009)
    changed_after_dispatch: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    letter: Mapped[Letter] = relationship(back_populates="addressees")
    recipient: Mapped[Recipient | None] = relationship()
    control: Mapped[ReportControl | None] = relationship(
        back_populates="addressee", cascade="all, delete-orphan", uselist=False
    )


class ReportRequest(Base):
    """A letter's request for a report by a date, with the columns of the report form."""

    __tablename__ = "report_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), unique=True)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)  # inclusive
    columns: Mapped[list[Any]] = mapped_column(default=list)
    form_rows: Mapped[int] = mapped_column(Integer, default=2)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)

    letter: Mapped[Letter] = relationship(back_populates="report")
    due_changes: Mapped[list[ReportDueChange]] = relationship(
        cascade="all, delete-orphan", order_by="ReportDueChange.id"
    )


class ReportControl(Base):
    """The control state of one recipient's report."""

    __tablename__ = "report_control"

    id: Mapped[int] = mapped_column(primary_key=True)
    addressee_id: Mapped[int] = mapped_column(
        ForeignKey("letter_addressee.id", ondelete="CASCADE"), unique=True
    )
    # expected | reminded | received | closed | excused ("overdue" is computed, never stored)
    # indexed: the few outstanding controls are found among every control of the archive
    state: Mapped[str] = mapped_column(String(20), default="expected", index=True)
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # per-recipient override
    reply_number: Mapped[str] = mapped_column(String(100), default="")
    reply_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    received_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # added in 0003: received after the due date in force at receipt; the last reminder letter's
    # number; why the recipient was excused or taken off control
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reminder_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the incoming letter that brought the report (migration 0018)
    incoming_id: Mapped[int | None] = mapped_column(
        ForeignKey("incoming_letter.id"), nullable=True, index=True
    )

    addressee: Mapped[LetterAddressee] = relationship(back_populates="control")
    rows: Mapped[list[ReportRow]] = relationship(
        back_populates="control", cascade="all, delete-orphan", order_by="ReportRow.row_no"
    )
    files: Mapped[list[ReportReplyFile]] = relationship(
        cascade="all, delete-orphan", order_by="ReportReplyFile.position"
    )

    __mapper_args__ = {"version_id_col": version}


class ReportRow(Base):
    __tablename__ = "report_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    control_id: Mapped[int] = mapped_column(
        ForeignKey("report_control.id", ondelete="CASCADE"), index=True
    )
    row_no: Mapped[int] = mapped_column(Integer)
    values: Mapped[list[Any]] = mapped_column(default=list)

    control: Mapped[ReportControl] = relationship(back_populates="rows")


class ReportReplyFile(Base):
    """A file received with a reply (the report itself, a covering letter)."""

    __tablename__ = "report_reply_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    control_id: Mapped[int] = mapped_column(
        ForeignKey("report_control.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    file: Mapped[StoredFile] = relationship()


class ReportDueChange(Base):
    """One extension of a due date, for the whole letter (no control) or one recipient."""

    __tablename__ = "report_due_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("report_request.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_control.id", ondelete="CASCADE"), nullable=True
    )
    old_due: Mapped[dt.date] = mapped_column(Date)
    new_due: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    os_user: Mapped[str] = mapped_column(String(100), default="")


class DispatchEvent(Base):
    """One step of sending one copy: prepared, sent, delivered or failed — never rewritten.

    ``at`` is the workstation's wall-clock time (what the clerk reads on the record and on the
    post office's list), not UTC.
    """

    __tablename__ = "dispatch_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    addressee_id: Mapped[int] = mapped_column(
        ForeignKey("letter_addressee.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(30), default="")
    state: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="manual")  # export|smtp|manual|receipt
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100), default="")
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"), nullable=True)
    file_name: Mapped[str] = mapped_column(String(300), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    uid: Mapped[str] = mapped_column(String(64), default="")  # МЭДО message uid / Message-ID
    note: Mapped[str] = mapped_column(Text, default="")


class StoredFile(Base):
    """A file kept inside the database (replies, sent copies, logos), with its checksum."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class AuditEvent(Base):
    """Who changed what and when; written in the same transaction as the change."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    os_user: Mapped[str] = mapped_column(String(100), default="")
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(50))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the hash chain (app/storage/audit_chain.py): the place in commit order, the previous event's
    # hash and this one's; None/"" only for a row written around the program
    chain_seq: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AuditChain(Base):
    """One row: the audit chain's head — its last place and hash, locked to append."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    # PostgreSQL: the first place chained by the server with the owner's key (0: none yet)
    keyed_from: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RegistryRole(Base):
    """PostgreSQL: the names of this registry's own roles (reader, registrar, admin; db/roles.py),
    so that a grant in one registry gives nothing in another on the same server."""

    __tablename__ = "registry_role"

    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(63))


class AuditMaintenance(Base):
    """SQLite's maintenance switch: while a row is here, an audit event may be changed or
    removed (the triggers of migration 0014 refuse it otherwise)."""

    __tablename__ = "audit_maintenance"

    reason: Mapped[str] = mapped_column(Text, primary_key=True)


class DatabaseIdentity(Base):
    """One row: the registry's identity, made when the database is created and carried by its
    copies, so that a shared backup folder never mixes the copies of two registries."""

    __tablename__ = "database_identity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    # the file an embedded registry lives in (migration 0019): opened elsewhere while that file
    # still holds the same identity, the database is a copy (app/services/safety/identity.py)
    home: Mapped[str] = mapped_column(String(1000), default="", server_default="")


class LetterVersion(Base):
    """The content a letter had before a change made after it was sent: who changed it, when
    and why (the letter row holds the current content)."""

    __tablename__ = "letter_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    saved_by: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)


class LetterDraft(Base):
    """A new letter, or the card of a letter being edited, kept as the clerk types it: the form
    as it stands (``form``), saved every few seconds and on close. Removed when the letter is
    registered or saved, or when the clerk throws it away."""

    __tablename__ = "letter_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter.id", ondelete="CASCADE"), nullable=True, index=True
    )
    owner: Mapped[str] = mapped_column(String(100), default="", index=True)
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    kept: Mapped[bool] = mapped_column(Boolean, default=False)  # the clerk chose to keep it;
    # False: kept by the autosave only (the window closed without a word: offered at start)
    journal: Mapped[str] = mapped_column(String(32), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    addressee: Mapped[str] = mapped_column(Text, default="")
    form: Mapped[dict[str, Any]] = mapped_column(default=dict)


class StoredFileChunk(Base):
    """A piece of a stored file (1 MiB): a large file goes in and out piece by piece, so that
    neither end holds it whole in memory. A file with pieces has an empty ``content``."""

    __tablename__ = "stored_file_chunk"

    file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class LetterFile(Base):
    """A file of a letter: the signed scan, an attachment's file, the executor's draft."""

    __tablename__ = "letter_file"
    __table_args__ = (UniqueConstraint("letter_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    name: Mapped[str] = mapped_column(String(300))  # unique within the letter
    kind: Mapped[str] = mapped_column(String(20), default="attachment")  # scan|attachment|draft
    title: Mapped[str] = mapped_column(String(500), default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)  # 0: not known (not a PDF or image)
    added_by: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)

    file: Mapped[StoredFile] = relationship()


class IncomingLetter(Numbered, Base):
    """A letter received, registered under a number of an incoming journal: who sent it under
    which number and date, what it is about, how it came; whom it was given to (its
    assignments), what answered it (migration 0018)."""

    __tablename__ = "incoming_letter"
    __table_args__ = (
        *numbered_table_args("incoming_letter"),  # ``reg_date``: the day it was received
        # the duplicate check: the same sender's number and date registered before
        Index("ix_incoming_letter_sender_number", "sender_number", "sender_date"),
    )

    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipient.id"), nullable=True, index=True
    )
    sender_text: Mapped[str] = mapped_column(Text, default="")  # the sender as named
    sender_number: Mapped[str] = mapped_column(String(100), default="")
    sender_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    delivery: Mapped[str] = mapped_column(String(30), default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    # our outgoing letter it answers, and the one that answered it
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter.id"), nullable=True, index=True
    )
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter.id"), nullable=True, index=True
    )
    # none | on_control | answered | done; indexed: the few on control among the archive
    execution: Mapped[str] = mapped_column(String(20), default="none", index=True)
    done_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    done_note: Mapped[str] = mapped_column(Text, default="")
    uid: Mapped[str] = mapped_column(String(200), default="", index=True)  # МЭДО / Message-ID
    # the case it is filed to («В дело № …», migration 0022), the day and who
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_file.id"), nullable=True, index=True
    )
    filed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    filed_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    search_vector: Mapped[str | None] = mapped_column(SearchVector, nullable=True, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    sender: Mapped[Recipient | None] = relationship()
    assignments: Mapped[list[IncomingAssignment]] = relationship(
        cascade="all, delete-orphan", order_by="IncomingAssignment.position"
    )
    files: Mapped[list[IncomingFile]] = relationship(
        cascade="all, delete-orphan", order_by="IncomingFile.id"
    )

    __mapper_args__ = {"version_id_col": version}


class Resolution(Base):
    """A resolution (the requisite «резолюция»): who wrote it (the head or a deputy; none when
    the clerk gave the letter to executors without one), its text and date, on control or not,
    and the executors it names — each an assignment with a term of its own. A deputy's
    resolution to their people names the resolution it follows (``parent_id``). Taken off control
    only by its author, or the clerk on the author's behalf, with the day and who (migration
    0021)."""

    __tablename__ = "resolution"

    id: Mapped[int] = mapped_column(primary_key=True)
    incoming_id: Mapped[int] = mapped_column(
        ForeignKey("incoming_letter.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolution.id"), nullable=True, index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True, index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    day: Mapped[dt.date] = mapped_column(Date)
    on_control: Mapped[bool] = mapped_column(Boolean, default=True)
    off_control_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    off_control_by: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")

    author: Mapped[Staff | None] = relationship()
    assignments: Mapped[list[IncomingAssignment]] = relationship(
        back_populates="resolution", order_by="IncomingAssignment.position"
    )


class IncomingAssignment(Base):
    """An executor given the incoming letter: the task, their own term (``due_date``, the one in
    force; ``first_due``, the one first set — extensions are in the events), responsible or a
    co-executor, and their part done (the day, a note, our reply letter)."""

    __tablename__ = "incoming_assignment"
    # the control view and the discipline report: open tasks by their term, tasks by term
    __table_args__ = (Index("ix_incoming_assignment_open", "done_date", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incoming_id: Mapped[int] = mapped_column(
        ForeignKey("incoming_letter.id", ondelete="CASCADE"), index=True
    )
    resolution_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolution.id", ondelete="CASCADE"), nullable=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    executor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    responsible: Mapped[bool] = mapped_column(Boolean, default=False)
    task: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    first_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    done_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    done_note: Mapped[str] = mapped_column(Text, default="")
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"), nullable=True)

    executor: Mapped[Staff] = relationship()
    resolution: Mapped[Resolution | None] = relationship(back_populates="assignments")
    events: Mapped[list[TaskEvent]] = relationship(
        cascade="all, delete-orphan", order_by="TaskEvent.id"
    )


class TaskEvent(Base):
    """What happened to an executor's task, appended and never changed: a progress note (with a
    file), a term extended (the old and new term, by the resolution's author, with a reason),
    the part done, taken off control."""

    __tablename__ = "task_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("incoming_assignment.id", ondelete="CASCADE"), index=True
    )
    # progress | extended | done | off_control | reminded
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    day: Mapped[dt.date] = mapped_column(Date)
    by_user: Mapped[str] = mapped_column(String(100), default="")  # the program's user
    person_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    old_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    new_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"), nullable=True)

    person: Mapped[Staff | None] = relationship()
    file: Mapped[StoredFile | None] = relationship()


class Arrival(Base):
    """A МЭДО package or an e-mail read from the exchange folder or the mailbox, waiting for the
    clerk: nothing is registered and no number used until the clerk registers it (migration
    0020). The package itself is kept as it came (``package_file_id``: the folder's files as a
    ZIP, or the message as .eml); what was read from it is kept beside it for the queue."""

    __tablename__ = "arrival"
    __table_args__ = (UniqueConstraint("channel", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # "medo" or "email"
    key: Mapped[str] = mapped_column(String(300))  # the package's uid, the Message-ID, a digest
    source: Mapped[str] = mapped_column(String(500), default="")  # the folder or file it was
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    state: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    problem: Mapped[str] = mapped_column(Text, default="")  # why it cannot be read
    sender_title: Mapped[str] = mapped_column(Text, default="")
    sender_medo_id: Mapped[str] = mapped_column(String(100), default="")
    sender_address: Mapped[str] = mapped_column(String(300), default="")  # the e-mail's From
    sender_number: Mapped[str] = mapped_column(String(100), default="")
    sender_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    files: Mapped[str] = mapped_column(Text, default="")  # the names of its files, one a line
    signature: Mapped[str] = mapped_column(Text, default="")  # the detached signature's check
    package_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"), nullable=True)
    incoming_id: Mapped[int | None] = mapped_column(
        ForeignKey("incoming_letter.id", ondelete="SET NULL"), nullable=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")  # why refused
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    decided_by: Mapped[str] = mapped_column(String(100), default="")

    package: Mapped[StoredFile | None] = relationship()


class IncomingFile(Base):
    """A file of an incoming letter: the document, an attachment."""

    __tablename__ = "incoming_file"
    __table_args__ = (UniqueConstraint("incoming_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incoming_id: Mapped[int] = mapped_column(
        ForeignKey("incoming_letter.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    name: Mapped[str] = mapped_column(String(300))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    # what the sender called the file (a МЭДО attachment's description; migration 0019)
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")

    file: Mapped[StoredFile] = relationship()


class SearchTerm(Base):
    """Every term the word index holds (and perhaps a few it no longer does: a term is never
    taken out). An unfinished last word of a search is completed from here to the terms it
    begins, each then looked up as a word: the index's own prefix search reads every match of
    every such term first (60 ms for «мероприятие*» at a million letters)."""

    __tablename__ = "search_term"
    __table_args__ = {"sqlite_with_rowid": False}

    name: Mapped[str] = mapped_column(String(30), primary_key=True)  # "letter" or "recipient"
    # byte order on PostgreSQL too: a range of terms is then the terms that begin so
    term: Mapped[str] = mapped_column(
        Text().with_variant(Text(collation="C"), "postgresql"), primary_key=True
    )


class SearchIndexState(Base):
    """How far the word index of one kind of row is built, and under which terms
    (``app.rules.search_terms.terms_version``). A build covers the rows that existed when it began
    (ids up to ``build_end``) and has done those up to ``indexed_upto``; rows written since are
    indexed as they are written."""

    __tablename__ = "search_index_state"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)  # "letter" or "recipient"
    terms_version: Mapped[str] = mapped_column(String(200), default="")
    indexed_upto: Mapped[int] = mapped_column(Integer, default=0)
    build_end: Mapped[int] = mapped_column(Integer, default=0)


class NomenclatureSection(Base):
    """A section of a year's nomenclature of cases: a department (or a group of cases), in the
    order the form prints them (migration 0022)."""

    __tablename__ = "nomenclature_section"
    __table_args__ = (UniqueConstraint("year", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))


class CaseFile(Base):
    """A case (дело) of a year's nomenclature: its index, title, volumes, retention period with
    the article of the typical list; closed with its date range and sheets; destroyed by an act
    (its letters keep their rows, the case keeps the act). ``retention``: see
    ``app/rules/retention.py`` (migration 0022)."""

    __tablename__ = "case_file"
    __table_args__ = (UniqueConstraint("year", "case_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("nomenclature_section.id"), nullable=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    case_index: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text, default="")
    volumes: Mapped[int] = mapped_column(Integer, default=1)
    retention: Mapped[str] = mapped_column(String(20), default="")  # permanent|years|until_needed
    retention_years: Mapped[int] = mapped_column(Integer, default=0)
    epk: Mapped[bool] = mapped_column(Boolean, default=False)
    article: Mapped[str] = mapped_column(String(50), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    date_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    date_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    sheets: Mapped[int] = mapped_column(Integer, default=0)
    act_id: Mapped[int | None] = mapped_column(
        ForeignKey("destruction_act.id"), nullable=True, index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    section: Mapped[NomenclatureSection | None] = relationship()
    act: Mapped[DestructionAct | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class DestructionAct(Base):
    """An act of selection for destruction (акт о выделении к уничтожению): its number, the day
    it was made and the day whose periods it counts (migration 0022)."""

    __tablename__ = "destruction_act"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    day: Mapped[dt.date] = mapped_column(Date)
    as_of: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
