"""The sender of a МЭДО document is told what became of it: «Зарегистрирован» with our number
and date, or «Отказано в регистрации» with the reason — a notification package written into
the folder the МЭДО client sends from (``incoming import-medo … --notify-to DIR``).

A package is written whole or not at all: into a hidden folder beside it first, then renamed, so
the МЭДО client never picks up half of one."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from app.exporters.medo_notification import (
    ASSIGNED,
    REFUSED,
    Notification,
    Person,
    is_guid,
    notification_package,
)
from app.services.organization.profile import get_organization
from app.support import clock
from app.support.errors import UserError
from db.engine import Database
from db.models import IncomingLetter, Staff


def our_side(db: Database) -> tuple[str, str]:
    """Our organization's name and МЭДО id, or why no notification can be written."""
    org = get_organization(db)
    if org is None or not is_guid(org.medo_id):
        raise UserError(
            "Уведомление МЭДО не записано: в настройках организации нет ее идентификатора МЭДО "
            "(вида 7d4f1c2e-5b8a-4e0f-9c3d-2a6b8e1f4c07)"
        )
    return org.name, org.medo_id.strip()


def _about(
    db: Database,
    incoming_id: int,
    now: dt.datetime | None,
    event: Callable[[IncomingLetter, str], dict[str, object]],
) -> Notification:
    """A notification about the incoming letter that came by МЭДО: from us to its sender, the
    event's own parts from ``event(letter, our_title)``."""
    title, medo_id = our_side(db)
    with db.read() as session:
        letter = session.get(IncomingLetter, incoming_id)
        if letter is None:
            raise UserError(f"Входящее письмо {incoming_id} не найдено")
        if not is_guid(letter.uid):
            raise UserError(
                f"Входящее № {letter.number} пришло не по МЭДО: уведомлять о нем некуда"
            )
        sender = letter.sender
        return Notification(
            document_uid=letter.uid,
            source_title=title,
            source_medo_id=medo_id,
            time=now or clock.now(),
            destination_title=(sender.organization if sender else "") or letter.sender_text,
            destination_medo_id=sender.medo_id if sender else "",
            destination_address=sender.medo_address if sender else "",
            **event(letter, title),  # type: ignore[arg-type]
        )


def accepted_notice(
    db: Database, incoming_id: int, *, now: dt.datetime | None = None
) -> Notification:
    """«Зарегистрирован»: our number and date of the incoming letter that came by МЭДО."""
    return _about(db, incoming_id, now, lambda letter, _title: {
        "number": letter.number, "date": letter.reg_date,
    })  # fmt: skip


def assigned_notice(
    db: Database, incoming_id: int, *, now: dt.datetime | None = None
) -> Notification:
    """«Назначен исполнитель»: who answers for the letter that came by МЭДО (the responsible
    executor, with their department), given by our organization."""

    def executor(letter: IncomingLetter, title: str) -> dict[str, object]:
        lead = next((a for a in letter.assignments if a.responsible), None)
        if lead is None:
            raise UserError(f"Входящее № {letter.number}: исполнитель не назначен")
        staff = lead.executor
        author = lead.resolution.author if lead.resolution is not None else None
        return {
            "executor": Person(title, _full(staff), staff.department, staff.position),
            "manager": Person(title, department=staff.department),
            # who gave it: the resolution's author (the head or a deputy), else the organization
            "secretary": Person(
                title, _full(author), author.department, author.position.split("\n")[0]
            )
            if author
            else None,
        }

    return _about(db, incoming_id, now, executor)


def _full(person: Staff | None) -> str:
    if person is None:
        return ""
    return " ".join(p for p in (person.last_name, person.first_name, person.middle_name) if p)


def tell_assigned(
    db: Database, incoming_id: int, folder: Path | None = None, *, asked: bool = False
) -> tuple[bool, str]:
    """After executors were given a letter that came by МЭДО: its sender told who executes it —
    when ``asked`` or the settings ask for it — into ``folder`` or the МЭДО client's outgoing
    folder. Whether it was written, and what came of it in words ("" : nothing to tell)."""
    org = get_organization(db)
    if not asked and (org is None or not org.medo_notify_executor):
        return False, ""
    folder = folder or (org.medo_folders[1] if org is not None else None)
    if folder is None:
        return False, "исходящая папка МЭДО не задана: уведомление об исполнителе не записано"
    with db.read() as session:
        letter = session.get(IncomingLetter, incoming_id)
        if letter is None or not is_guid(letter.uid):
            said = "письмо пришло не по МЭДО: уведомлять об исполнителе некуда"
            return False, said if asked else ""
    return notify(lambda: assigned_notice(db, incoming_id), folder)


def refused_notice(
    db: Database,
    document_uid: str,
    reason: str,
    *,
    sender_title: str = "",
    sender_medo_id: str = "",
    now: dt.datetime | None = None,
) -> Notification:
    """«Отказано в регистрации» of the document ``document_uid`` (the uid of its package)."""
    if not reason.strip():
        raise UserError("Укажите причину отказа в регистрации")
    if not is_guid(document_uid):
        raise UserError(f"Идентификатор документа МЭДО не похож на GUID: {document_uid}")
    title, medo_id = our_side(db)
    return Notification(
        document_uid=document_uid,
        source_title=title,
        source_medo_id=medo_id,
        time=now or clock.now(),
        destination_title=sender_title,
        destination_medo_id=sender_medo_id,
        reason=reason,
    )


def write_notification(note: Notification, folder: Path) -> Path:
    """The package as ``folder/<uid>/``, whole or not at all; its path."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder}: папки для уведомлений МЭДО нет")
    files = notification_package(note)
    name = f"notification-{uuid.uuid4()}"
    staging = folder / f".{name}.part"
    target = folder / name
    try:
        staging.mkdir()
        for file_name, content in files.items():
            with open(staging / file_name, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(f"{folder}: уведомление МЭДО не записано: {exc.strerror or exc}") from exc
    return target


def check_notify_folder(db: Database, folder: Path) -> None:
    """Before anything is registered or refused: a notification can be written there (our
    МЭДО id is set, the folder is there)."""
    our_side(db)
    if not Path(folder).is_dir():
        raise UserError(f"{folder}: папки для уведомлений МЭДО нет")


def notify(make: Callable[[], Notification], folder: Path) -> tuple[bool, str]:
    """Write the notification ``make`` gives, after the decision is stored: whether it was
    written, and what came of it in words (one that cannot be written is said; the decision
    stays)."""
    try:
        note = make()
        write_notification(note, Path(folder))
    except UserError as exc:
        return False, str(exc)
    return True, "отправителю записано уведомление " + {
        REFUSED: "об отказе",
        ASSIGNED: "о назначении исполнителя",
    }.get(note.kind, "о регистрации")
