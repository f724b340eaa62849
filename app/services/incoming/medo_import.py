"""Incoming letters from received МЭДО packages (``secretariat incoming import-medo DIR``).

A package is a folder. Version 2.7.x (what this program writes, ``app/exporters/medo.py``):
``message.xml`` (a ``communication`` naming the container) and ``<uid>.zip`` with
``passport.xml`` (the author organization with its МЭДО id, the registration number and date,
the annotation, the document and the attachments). Older packages (IEDMS 2.x): ``document.xml``
(a ``communication`` with ``document`` and ``files``) beside the files it names.

Everything in a package is someone else's: sizes are bounded before anything is read whole (a
container of 10 KB that inflates to gigabytes is refused), names inside the container are used
as names only (never as paths), and XML is parsed only after its size is checked. The sender is
the directory's recipient with the author's МЭДО id, else the organization as written; a package
registered before (the same message uid) is skipped.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exporters.medo import CONTAINER_NS, DOCUMENT, MESSAGE, PASSPORT, SIGNATURE
from app.rules import search_terms
from app.rules.medo_xml import attr, child, date_of, local, text
from app.services.files.stored_files import plain_name
from app.services.incoming.cards import IncomingCard
from app.services.incoming.registration import (
    DuplicateIncoming,
    ReceivedFile,
    RegisteredIncoming,
    received_file,
    register_read_in,
)
from app.services.links.replies import incoming_journal_code
from app.services.organization.profile import limit_bytes
from app.support import clock
from app.support.errors import UserError
from app.support.files import open_regular
from db.engine import Database
from db.models import Recipient

OLD_DOCUMENT = "document.xml"
MESSAGE_NAMESPACES = ("urn:IEDMS:MESSAGE", "http://www.infpres.com/IEDMS")
MAX_XML_BYTES = 10_000_000
MAX_ENTRIES = 500  # files in one container
MAX_PACKAGE_BYTES = 100_000_000  # its files together (a МЭДО container is sent up to 20 MB)
MAX_PACKAGES = 10_000  # package folders in one run
_SKIPPED_IN_CONTAINER = (PASSPORT,)  # the passport and the stamps' pictures stay in МЭДО
MAX_SIGNATURE_BYTES = 1_000_000  # a detached signature with its certificates is a few KB


@dataclass
class ReceivedPackage:
    """What a МЭДО package says of the letter inside, and its files (name, content)."""

    folder: Path
    uid: str
    sender_medo_id: str
    sender_title: str
    number: str
    date: dt.date | None
    subject: str
    pages: int = 0  # as the passport declares them; the document's own count wins
    files: list[tuple[str, bytes]] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # file name → its description
    document: str = ""  # the name of the letter's own file among them
    signature: str = ""  # the name of the document's detached signature among them


@dataclass(frozen=True)
class ImportedPackage:
    folder: Path
    registered: RegisteredIncoming | None  # None: registered before, skipped
    note: str  # why skipped, or where the sender came from


def _parse(data: bytes, what: str) -> ET.Element:
    if len(data) > MAX_XML_BYTES:
        raise UserError(f"{what}: больше 10 МБ — это не файл МЭДО")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise UserError(f"{what}: не читается как XML ({exc})") from None
    except (LookupError, ValueError, UnicodeError) as exc:
        raise UserError(f"{what}: неизвестная кодировка ({type(exc).__name__})") from None


def _read_bounded(path: Path, limit: int) -> bytes:
    """A file of the package: a regular file, never through a link, at most ``limit`` bytes."""
    try:
        with open_regular(path, follow_links=False) as source:
            data = source.read(limit + 1)
        if len(data) > limit:
            raise UserError(f"{path.name}: файл больше допустимых {limit // (1024 * 1024)} МБ")
        return data
    except OSError as exc:
        raise UserError(f"{path.name}: не читается ({exc.strerror or exc})") from None


def _safe_name(name: str) -> str:
    """A name from the package as a file name only (:func:`plain_name`)."""
    base = plain_name(name)
    if not base:
        raise UserError(f"в пакете файл с недопустимым именем «{name[:100]}»")
    return base


def read_package(folder: Path, limit: int) -> ReceivedPackage:
    """The letter a package folder holds; ``limit``: the largest file a letter may hold."""
    if (folder / MESSAGE).is_file():
        return _read_container_package(folder, limit)
    if (folder / OLD_DOCUMENT).is_file():
        return _read_old_package(folder, limit)
    raise UserError(f"{folder.name}: нет ни {MESSAGE}, ни {OLD_DOCUMENT} — это не пакет МЭДО")


def _communication(data: bytes, what: str) -> tuple[ET.Element, ET.Element]:
    root = _parse(data, what)
    ns = root.tag.partition("}")[0].lstrip("{")
    if local(root.tag) != "communication" or ns not in MESSAGE_NAMESPACES:
        raise UserError(f"{what}: это не сообщение МЭДО (communication)")
    header = child(root, "header")
    if header is None:
        raise UserError(f"{what}: в сообщении нет заголовка (header)")
    return root, header


def _read_container_package(folder: Path, limit: int) -> ReceivedPackage:
    root, header = _communication(_read_bounded(folder / MESSAGE, MAX_XML_BYTES), MESSAGE)
    source = child(header, "source")
    body = text(root, "container", "body")
    zips = [folder / _safe_name(body)] if body else sorted(folder.glob("*.zip"))
    if not zips or not zips[0].is_file():
        raise UserError(f"{folder.name}: нет транспортного контейнера (.zip)")
    package = ReceivedPackage(
        folder=folder,
        uid=attr(header, "uid"),
        sender_medo_id=attr(source, "uid"),
        sender_title=text(source, "organization"),
        number="",
        date=None,
        subject="",
    )
    try:
        with (
            open_regular(zips[0], follow_links=False) as container,
            zipfile.ZipFile(container) as archive,
        ):
            _read_container(archive, package, limit)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UserError(f"{zips[0].name}: контейнер не читается ({exc})") from None
    return package


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise UserError(f"{_safe_name(name)}: файл больше допустимых {limit // (1024 * 1024)} МБ")
    with archive.open(info) as source:
        data = source.read(limit + 1)  # the declared size may lie
    if len(data) > limit:
        raise UserError(f"{_safe_name(name)}: файл больше допустимых {limit // (1024 * 1024)} МБ")
    return data


def _refuse_total(total: int) -> None:
    if total > MAX_PACKAGE_BYTES:
        raise UserError(
            f"файлы пакета вместе больше {MAX_PACKAGE_BYTES // 1_000_000} МБ — письмо по МЭДО "
            "не бывает таким; пакет не принят"
        )


def _read_container(archive: zipfile.ZipFile, package: ReceivedPackage, limit: int) -> None:
    names = archive.namelist()
    if len(names) > MAX_ENTRIES:
        raise UserError(f"в контейнере больше {MAX_ENTRIES} файлов")
    if PASSPORT not in names:
        raise UserError(f"в контейнере нет {PASSPORT}")
    passport = _parse(_member(archive, PASSPORT, MAX_XML_BYTES), PASSPORT)
    if local(passport.tag) != "container" or passport.tag.partition("}")[0][1:] != CONTAINER_NS:
        raise UserError(f"{PASSPORT}: это не паспорт транспортного контейнера МЭДО")
    package.uid = package.uid or attr(passport, "uid")
    requisites = child(passport, "requisites")
    package.subject = text(requisites, "annotation") or text(requisites, "documentKind")
    author = child(child(passport, "authors"), "author")
    organization = child(author, "organization")
    package.sender_medo_id = attr(organization, "id") or package.sender_medo_id
    package.sender_title = text(organization, "title") or package.sender_title
    package.number = text(author, "registration", "number")
    package.date = date_of(text(author, "registration", "date"))
    document = child(passport, "document")
    pages = text(document, "pagesQuantity")
    package.pages = int(pages) if pages.isdigit() and len(pages) < 7 else 0
    wanted = [attr(document, "localName") or DOCUMENT]
    package.document = _safe_name(wanted[0])
    signed = child(child(author, "sign"), "documentSignature")
    signature = attr(signed, "localName") or SIGNATURE
    if signature in names and archive.getinfo(signature).file_size <= MAX_SIGNATURE_BYTES:
        wanted.append(signature)  # kept with the document, checked against it
        package.signature = _safe_name(signature)
        package.titles[package.signature] = "Электронная подпись документа"
    for attachment in child(passport, "attachments") or []:
        wanted.append(attr(attachment, "localName"))
        description = " ".join(text(attachment, "description").split())
        if description:
            package.titles[_safe_name(attr(attachment, "localName"))] = description
    taken: set[str] = set()
    total = 0
    for name in wanted:
        if not name or name in _SKIPPED_IN_CONTAINER or name not in names or name in taken:
            continue
        taken.add(name)
        _refuse_total(total + archive.getinfo(name).file_size)  # declared: before it is read
        data = _member(archive, name, limit)
        total += len(data)  # as read: the declared size may lie
        _refuse_total(total)
        package.files.append((_safe_name(name), data))


def _read_old_package(folder: Path, limit: int) -> ReceivedPackage:
    root, header = _communication(_read_bounded(folder / OLD_DOCUMENT, MAX_XML_BYTES), OLD_DOCUMENT)
    source = child(header, "source")
    document = child(root, "document")
    pages = text(document, "pages")
    package = ReceivedPackage(
        folder=folder,
        uid=attr(header, "uid"),
        sender_medo_id=attr(source, "uid"),
        sender_title=text(source, "organization"),
        number=text(document, "num", "number"),
        date=date_of(text(document, "num", "date")),
        subject=text(document, "annotation") or text(document, "kind"),
        pages=int(pages) if pages.isdigit() and len(pages) < 7 else 0,
    )
    files = child(root, "files")
    total = 0
    for item in list(files)[:MAX_ENTRIES] if files is not None else []:
        name = _safe_name(attr(item, "localName"))
        path = folder / name
        if path.is_file() or path.is_symlink():  # a link is refused, not passed over silently
            data = _read_bounded(path, limit)
            total += len(data)
            _refuse_total(total)
            package.files.append((name, data))
    package.document = package.files[0][0] if package.files else ""  # the letter comes first
    return package


def is_package(folder: Path) -> bool:
    return (folder / MESSAGE).is_file() or (folder / OLD_DOCUMENT).is_file()


def package_folders_in(place: Path) -> list[Path]:
    """The package folders at ``place``: itself when it is one, else its subfolders that are
    (none is no error here)."""
    if not place.is_dir():
        raise UserError(f"{place}: папка не найдена")
    if is_package(place):
        return [place]
    return sorted(p for p in place.iterdir() if p.is_dir() and is_package(p))[:MAX_PACKAGES]


def package_folders(place: Path) -> list[Path]:
    """The package folders at ``place``: itself when it is one, else its subfolders that are."""
    found = package_folders_in(place)
    if not found:
        raise UserError(f"{place}: в папке нет пакетов МЭДО (message.xml или document.xml)")
    return found


def import_medo(
    db: Database,
    place: Path,
    *,
    journal: str | None = None,
    today: dt.date | None = None,
    notify_to: Path | None = None,
) -> list[ImportedPackage]:
    """Register the letters of the МЭДО packages at ``place`` (one package folder, or a folder
    of them), each in its own transaction; a package registered before is skipped. A package
    that cannot be read stops the run with its folder's name; those before it stay registered.
    With ``notify_to``, each sender is told our number: a «Зарегистрирован» notification package
    is written there after its letter is registered (a notification that cannot be written is
    said in the package's note; the letter stays registered)."""
    from app.services.incoming import medo_notify

    today = today or clock.today()
    with db.read() as session:
        code = incoming_journal_code(session, journal)
        limit = limit_bytes(session)
    if notify_to is not None:
        medo_notify.check_notify_folder(db, notify_to)  # before anything is registered
    search_terms.ready()
    out = []
    for folder in package_folders(place):
        try:
            package = read_package(folder, limit)
        except UserError as exc:
            raise UserError(f"{folder.name}: {exc}") from None
        done = _register(db, package, code, today)
        if notify_to is not None and done.registered is not None:
            done = _notified(db, done, Path(notify_to))
        out.append(done)
    return out


def _notified(db: Database, done: ImportedPackage, folder: Path) -> ImportedPackage:
    from dataclasses import replace

    from app.services.incoming import medo_notify

    registered = done.registered
    assert registered is not None
    _written, said = medo_notify.notify(
        lambda: medo_notify.accepted_notice(db, registered.id), folder
    )
    return replace(done, note=f"{done.note}; {said}")


def _register(
    db: Database, package: ReceivedPackage, journal: str, today: dt.date
) -> ImportedPackage:
    # read and measured before the write: the pages of the document itself, not the count the
    # passport declares (a 12-page letter came in as «1 лист»)
    files = package_files(package)
    with db.write() as session:
        try:
            registered, card = register_package_in(session, package, files, journal, today)
        except DuplicateIncoming as exc:
            return ImportedPackage(package.folder, None, f"уже зарегистрирован: № {exc.number}")
    from app.services.incoming.marks import keep_stamped_copy

    where = "из справочника" if card.sender_code else "отправитель не найден в справочнике"
    where += "; " + keep_stamped_copy(db, registered.id)
    return ImportedPackage(package.folder, registered, where)


def package_files(package: ReceivedPackage) -> list[ReceivedFile]:
    """The package's files read and measured (pages counted), before any write."""
    return [received_file(n, d, package.titles.get(n, "")) for n, d in package.files]


def register_package_in(
    session: Session,
    package: ReceivedPackage,
    files: list[ReceivedFile],
    journal: str,
    today: dt.date,
) -> tuple[RegisteredIncoming, IncomingCard]:
    """The write part: the letter of a package registered inside an open transaction (the
    sender found by its МЭДО id); :class:`DuplicateIncoming` when registered before."""
    card, _sender = package_card(session, package, files, journal, today)
    return register_read_in(session, card, files, today=today), card


def package_card(
    session: Session,
    package: ReceivedPackage,
    files: list[ReceivedFile],
    journal: str,
    today: dt.date,
) -> tuple[IncomingCard, Recipient | None]:
    """The card of a package's letter, and the directory's recipient with the sender's МЭДО id
    (None: not there, the sender is written as the package names it). The pages are those of
    the document among ``files`` when they were counted, else as the passport declares them."""
    counted = next((f.pages for f in files if f.name == package.document), 0)
    sender = None
    if package.sender_medo_id:
        sender = session.scalars(
            select(Recipient).where(
                Recipient.medo_id == package.sender_medo_id, Recipient.active.is_(True)
            )
        ).first()
    card = IncomingCard(
        journal=journal,
        subject=package.subject or "(без заголовка в пакете МЭДО)",
        sender_code=sender.code or "" if sender else "",
        sender_text="" if sender and sender.code else package.sender_title or "Отправитель МЭДО",
        sender_number=package.number,
        sender_date=package.date if package.date and package.date <= today else None,
        date=today,
        delivery="МЭДО",
        pages=counted or package.pages,
        uid=package.uid,
    )
    return card, sender
