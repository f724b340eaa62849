"""What the МЭДО client and the mail brought, read into the review queue
(``secretariat arrivals fetch [--medo DIR] [--eml FILE…]``; with neither, the МЭДО inbox and the
mailbox the set-up names): nothing is registered and no number
used. Each arrival is stored in its own transaction, after everything of it was read:

- a МЭДО package folder is kept as it came (its files as a ZIP) with what it says of the letter,
  and moved aside into «Принятые» in the exchange folder only after it is stored — a package the
  program failed to store stays where it was, for the next fetch;
- an .eml file is kept as it is (the file given stays where it is);
- a message of the mailbox (IMAP, ``imap_mailbox``) is kept as it came, and marked or moved on
  the server only after it is stored;
- the same package (its uid) or message (its Message-ID) twice is one arrival;
- a package or a message that cannot be read is an arrival «не читается» with the reason — never
  a crash of the fetch, never a lost neighbour.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.rules.signature_check import check_signature
from app.rules.states import ArrivalState
from app.services.access.roles import require
from app.services.arrivals.imap_mailbox import ImapSettings, MailboxMessage, read_mailbox
from app.services.arrivals.sources import exchange_folders, mailbox_settings
from app.services.files.stored_files import store_file_in
from app.services.incoming.eml_import import MAX_EML_BYTES, mail_of
from app.services.incoming.medo_import import (
    MAX_PACKAGE_BYTES,
    ReceivedPackage,
    package_folders_in,
    read_package,
)
from app.services.organization.mail_servers import stored_password
from app.services.organization.profile import limit_bytes
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.files import read_regular
from db.engine import Database
from db.models import Arrival

ASIDE = "Принятые"  # where a stored package folder goes, inside the exchange folder
MEDO, EMAIL = "medo", "email"
MAX_PACKAGE_FILES = 600  # files in one package folder (a container holds up to 500)


@dataclass(frozen=True)
class Fetched:
    """One source read: the arrival it became (new, or the one it was before), and a note."""

    source: str
    arrival_id: int
    new: bool
    state: ArrivalState
    note: str


@dataclass
class _Read:
    channel: str
    key: str
    source: str
    package: bytes | None  # as it came: the folder's files zipped, the message's bytes
    state: ArrivalState = ArrivalState.WAITING
    problem: str = ""
    sender_title: str = ""
    sender_medo_id: str = ""
    sender_address: str = ""
    sender_number: str = ""
    sender_date: object = None
    subject: str = ""
    pages: int = 0
    files: list[str] = field(default_factory=list)
    signature: str = ""  # the detached signature checked against the document, in a line


def _unreadable(channel: str, source: str, raw: bytes | None, problem: str) -> _Read:
    """An arrival that cannot be read: kept (as it came, when it could be kept) with the reason;
    the same bytes again are the same arrival."""
    digest = hashlib.sha256(raw if raw is not None else source.encode()).hexdigest()
    return _Read(channel, f"unreadable:{digest}", source, raw, ArrivalState.UNREADABLE, problem)


def package_folders(place: Path) -> list[Path]:
    """The package folders in an exchange folder (or the folder itself when it is one), links
    left alone; an empty exchange folder is no error."""
    return [p for p in package_folders_in(place) if p == place or not p.is_symlink()]


def _zipped(folder: Path) -> bytes:
    """The package folder's own files (regular files directly in it), as a ZIP; bounded."""
    buffer = io.BytesIO()
    total = 0
    entries = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())
    if len(entries) > MAX_PACKAGE_FILES:
        raise UserError(f"в папке пакета больше {MAX_PACKAGE_FILES} файлов")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in entries:
            data = read_regular(path, MAX_PACKAGE_BYTES - total, "файл пакета")
            total += len(data)
            archive.writestr(path.name, data)
    return buffer.getvalue()


def unpacked(package: bytes, name: str, into: Path) -> Path:
    """A stored package back as a folder ``into/name`` (names as names, never as paths)."""
    folder = into / (Path(name).name or "package")
    folder.mkdir()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist()[:MAX_PACKAGE_FILES]:
            member = Path(info.filename).name
            if member and not info.is_dir():
                (folder / member).write_bytes(archive.read(info))
    return folder


def _read_medo(folder: Path, limit: int) -> _Read:
    try:
        raw = _zipped(folder)
    except (UserError, OSError) as exc:
        problem = str(exc) if isinstance(exc, UserError) else (exc.strerror or str(exc))
        return _unreadable(MEDO, folder.name, None, f"пакет не сохранить: {problem}")
    digest = hashlib.sha256(raw).hexdigest()
    try:
        with tempfile.TemporaryDirectory(prefix="secretariat-arrival-") as tmp:
            package = read_package(unpacked(raw, folder.name, Path(tmp)), limit)
    except UserError as exc:
        return _unreadable(MEDO, folder.name, raw, str(exc))
    return _Read(
        MEDO,
        package.uid or f"sha256:{digest}",
        folder.name,
        raw,
        sender_title=package.sender_title,
        sender_medo_id=package.sender_medo_id,
        sender_number=package.number,
        sender_date=package.date,
        subject=package.subject,
        pages=package.pages,
        files=[name for name, _data in package.files],
        signature=_signature_line(package),
    )


def _signature_line(package: ReceivedPackage) -> str:
    """The package's signature checked against its document, as the queue says it."""
    files = dict(package.files)
    if not package.signature or package.signature not in files:
        return "Подписи документа в пакете нет"
    document = files.get(package.document)
    if document is None:
        return "Документа, к которому подпись, в пакете нет"
    signature = files[package.signature]
    return check_signature(document, signature, clock.today(), package.signature).line


def _read_eml(path: Path, limit: int) -> _Read:
    try:
        raw = read_regular(path, MAX_EML_BYTES, "письмо")
    except UserError as exc:
        digest = hashlib.sha256(str(path).encode()).hexdigest()
        return _Read(EMAIL, f"unreadable:{digest}", path.name, None, ArrivalState.UNREADABLE,
                     str(exc))  # fmt: skip
    return _read_mail(raw, path.name, limit)


def _read_mail(raw: bytes, name: str, limit: int) -> _Read:
    """A message's bytes (a file's, or the mailbox's): what it says of the letter."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        mail = mail_of(raw, Path(name), limit)
    except UserError as exc:
        return _unreadable(EMAIL, name, raw, str(exc))
    return _Read(
        EMAIL,
        mail.uid or f"sha256:{digest}",
        name,
        raw,
        sender_title=mail.sender,
        sender_address=mail.address,
        subject=mail.subject,
        files=[name for name, _data in mail.files],
    )


def _store(db: Database, read: _Read) -> Fetched:
    """One arrival, in its own transaction; the same key again is the arrival there was."""
    with db.read() as session:
        known = session.scalars(
            select(Arrival).where(Arrival.channel == read.channel, Arrival.key == read.key)
        ).first()
        if known is not None:
            state = ArrivalState(known.state)
            return Fetched(read.source, known.id, False, state, f"уже в очереди ({state.label})")
    try:
        with db.write() as session:
            stored = None
            if read.package is not None:
                suffix = ".zip" if read.channel == MEDO else ".eml"
                stored = store_file_in(session, f"{read.source}{suffix}", read.package)
            row = Arrival(
                channel=read.channel,
                key=read.key[:300],
                source=read.source[:500],
                state=read.state,
                problem=read.problem,
                sender_title=read.sender_title,
                sender_medo_id=read.sender_medo_id[:100],
                sender_address=read.sender_address[:300],
                sender_number=read.sender_number[:100],
                sender_date=read.sender_date,
                subject=read.subject,
                pages=read.pages,
                files="\n".join(read.files),
                signature=read.signature,
                package_file_id=stored.id if stored is not None else None,
            )
            session.add(row)
            session.flush()
            audit.record(session, "arrival", row.id, "arrived", source=read.source,
                         channel=read.channel, state=str(read.state))  # fmt: skip
            arrival_id = row.id
    except IntegrityError:  # another workstation stored the same package a moment before
        with db.read() as session:
            other = session.scalars(
                select(Arrival).where(Arrival.channel == read.channel, Arrival.key == read.key)
            ).one()
            return Fetched(read.source, other.id, False, ArrivalState(other.state), "уже в очереди")
    note = read.problem if read.state == ArrivalState.UNREADABLE else "в очереди"
    return Fetched(read.source, arrival_id, True, read.state, note)


def _move_aside(folder: Path, exchange: Path) -> str:
    """The stored package out of the exchange folder's way; "" or why it stayed."""
    aside = exchange / ASIDE
    target = aside / folder.name
    n = 1
    while target.exists():
        n += 1
        target = aside / f"{folder.name} ({n})"
    try:
        aside.mkdir(exist_ok=True)
        shutil.move(str(folder), str(target))
    except OSError as exc:
        return f"; папка пакета не перенесена в «{ASIDE}»: {exc.strerror or exc}"
    return ""


def fetch_arrivals(
    db: Database, medo: list[Path] | None = None, eml: list[Path] | None = None
) -> list[Fetched]:
    """Read the МЭДО exchange folders and the .eml files into the queue."""
    require(db, "registrar", "прием поступлений")
    with db.read() as session:
        limit = limit_bytes(session)
    out: list[Fetched] = []
    for exchange in medo or []:
        exchange = Path(exchange)
        for folder in package_folders(exchange):
            done = _store(db, _read_medo(folder, limit))
            if folder != exchange:  # a package given as itself stays where the clerk put it
                moved = _move_aside(folder, exchange)
                if moved:
                    done = Fetched(done.source, done.arrival_id, done.new, done.state,
                                   done.note + moved)  # fmt: skip
            out.append(done)
    for path in eml or []:
        out.append(_store(db, _read_eml(Path(path), limit)))
    return out


def fetch_mailbox(
    db: Database, server: ImapSettings, password: str | None = None
) -> tuple[list[Fetched], str]:
    """The mailbox's new messages into the queue, each marked (or moved) on the server only
    after it was stored: what was read, and "" or why the fetch stopped early. The password is
    the one kept in the OS keyring unless given."""
    require(db, "registrar", "прием поступлений")
    with db.read() as session:
        limit = limit_bytes(session)
    secret = stored_password(server) if password is None else password

    def keep(message: MailboxMessage) -> Fetched:
        if message.raw is None:
            return _store(db, _unreadable(EMAIL, message.source, None, message.problem))
        return _store(db, _read_mail(message.raw, message.source, limit))

    return read_mailbox(server, secret, keep, max_bytes=MAX_EML_BYTES)


@dataclass(frozen=True)
class FetchRun:
    """One fetch of everything the set-up names: what arrived, and what could not be read
    (a folder missing, a mailbox that did not answer), one line each."""

    items: list[Fetched]
    problems: list[str]
    sources: int  # how many places were read (0: the set-up names none)

    @property
    def new(self) -> int:
        return sum(1 for item in self.items if item.new)


def fetch_configured(db: Database) -> FetchRun:
    """The МЭДО inbox and the mailbox the set-up names, each on its own: one that fails is
    said, the other is still read."""
    require(db, "registrar", "прием поступлений")
    items: list[Fetched] = []
    problems: list[str] = []
    sources = 0
    inbox = exchange_folders(db)[0]
    if inbox is not None:
        sources += 1
        if inbox.is_dir():
            items += fetch_arrivals(db, [inbox])
        else:
            problems.append(f"папки входящих МЭДО {inbox} нет")
    server = mailbox_settings(db)
    if server is not None:
        sources += 1
        try:
            fetched, problem = fetch_mailbox(db, server)
        except UserError as exc:
            fetched, problem = [], str(exc)
        items += fetched
        if problem:
            problems.append(problem)
    return FetchRun(items, problems, sources)
