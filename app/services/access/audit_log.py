"""Reading the audit record: the viewer, ``secretariat audit`` and the «what changed» in conflicts.

The program only appends audit events (``app.storage.audit.record``); nothing here or anywhere else
edits or deletes them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.field_rules import FIELD_LABELS
from app.rules.states import CopyState, labels
from app.storage.audit_chain import ChainReport, head_in, verify_in
from app.support import clock
from app.support.errors import ConflictError
from app.support.text import normalize
from db.engine import Database
from db.models import AuditEvent

ENTITY_LABELS = {
    "letter": "Письмо",
    "incoming": "Входящее",
    "recipient": "Адресат",
    "distribution_list": "Список рассылки",
    "organization": "Организация",
    "staff": "Сотрудник",
    "journal": "Журнал",
    "report_request": "Запрос отчета",
    "report_control": "Контроль отчета",
    "audit": "Журнал изменений",
    "user": "Пользователь базы",
    "nomenclature": "Номенклатура дел",
    "case": "Дело",
    "destruction_act": "Акт о выделении к уничтожению",
}
ACTION_LABELS = {
    "registered": "зарегистрировано",
    "reserved": "номер зарезервирован",
    "annulled": "аннулировано",
    "reservation_cancelled": "резерв отменен",
    "edited": "изменено",
    "registration_changed": "изменены регистрационные данные",
    "dispatch": "отправка",
    "saved": "сохранено",
    "created": "создано",
    "removed": "удалено",
    "deleted": "удалено",
    "deactivated": "выведен из списка",
    "merged": "объединено",
    "renamed": "переименовано",
    "imported": "загружено",
    "received": "отчет получен",
    "assigned": "поручено",
    "answered": "дан ответ",
    "done": "исполнено",
    "closed": "контроль снят",
    "edited_after_dispatch": "изменено после отправки",
    "brought_back": "возвращено после восстановления",
    "chain_started": "начало проверяемой цепочки",
    "extended": "срок продлен",
    "reminded": "напоминание отправлено",
    "role_granted": "роль выдана",
    "role_revoked": "роли отозваны",
    "file_attached": "файл прикреплен",
    "file_removed": "файл удален",
    "document_registered": "зарегистрировано готовым документом",
    "added": "добавлено",
    "changed": "изменено",
    "copied": "перенесена на следующий год",
    "filed": "подшито в дело",
    "filed_by_index": "письма подшиты по индексу дела",
    "case_closed": "дело закрыто",
    "reopened": "дело открыто снова",
    "destroyed": "дела выделены к уничтожению",
}
_SUMMARY_KEYS = {
    "number": "№",
    "letter": "письмо №",
    "code": "код",
    "name": "",
    "recipient": "адресат",
    "reason": "причина",
    "method": "способ",
    "rows": "строк",
    "events": "событий до начала цепочки",
    "role": "роль",
    "index": "индекс",
    "case": "в дело",
    "year": "год",
}


@dataclass
class AuditQuery:
    entity: str = ""
    user: str = ""
    search: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    entity_id: int | None = None


@dataclass
class AuditRow:
    id: int
    at: dt.datetime  # local time
    user: str
    entity: str
    entity_id: int | None
    action: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def what(self) -> str:
        entity = ENTITY_LABELS.get(self.entity, self.entity)
        return f"{entity}: {ACTION_LABELS.get(self.action, self.action)}"

    @property
    def summary(self) -> str:
        return describe(self.details, self.action)


def _short(value: object, width: int = 60) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _state(value: object) -> str:
    return labels(CopyState).get(str(value), str(value)) if value else "—"


def describe(details: dict[str, Any], action: str = "") -> str:
    """One line for a person: the key facts, then each change as «поле: «было» → «стало»»
    (for a record just created, only the key facts)."""
    parts = []
    for key, label in _SUMMARY_KEYS.items():
        value = details.get(key)
        if value not in (None, ""):
            parts.append(f"{label} {_short(value)}".strip())
    if "old" in details and "new" in details:
        parts.append(f"{_state(details['old'])} → {_state(details['new'])}")
    if "old_date" in details:
        parts.append(f"дата {details['old_date']} → {details.get('new_date', '')}")
    if details.get("old_state"):
        parts.append(f"было: {details['old_state']}")
    changes = details.get("changes") or {}
    if isinstance(changes, dict) and action != "created":
        for name, pair in changes.items():
            if isinstance(pair, list | tuple) and len(pair) == 2:
                field_label = FIELD_LABELS.get(name, name)
                parts.append(f"{field_label}: {text_change(str(pair[0]), str(pair[1]))}")
    if details.get("db_user"):
        parts.append(f"пользователь БД {details['db_user']}")
    return "; ".join(parts)


SHORT_VALUE = 80  # a value this short is shown whole, as «было» → «стало»


def text_change(old: str, new: str) -> str:
    """A change as a person reads it: short values whole; in a long text, the words removed
    and added (two versions of a body began alike and were cut to the same 30 characters)."""
    if len(old) <= SHORT_VALUE and len(new) <= SHORT_VALUE:
        return f"«{old}» → «{new}»"
    before, after = old.split(), new.split()
    removed: list[str] = []
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            removed.append(_short(" ".join(before[a1:a2]), 40))
        if op in ("insert", "replace"):
            added.append(_short(" ".join(after[b1:b2]), 40))
    parts = []
    if removed:
        parts.append("удалено " + ", ".join(f"«{w}»" for w in removed[:4]))
    if added:
        parts.append("добавлено " + ", ".join(f"«{w}»" for w in added[:4]))
    more = len(removed) + len(added) - min(len(removed), 4) - min(len(added), 4)
    if more > 0:
        parts.append(f"и еще изменений: {more}")
    return "; ".join(parts) or "изменены пробелы"


def _utc(day: dt.date) -> dt.datetime:
    """The start of a local day as the naive UTC time the audit stores."""
    return dt.datetime.combine(day, dt.time()).astimezone(dt.UTC).replace(tzinfo=None)


def _rows(session: Session, query: AuditQuery, limit: int | None) -> list[AuditRow]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if query.entity:
        stmt = stmt.where(AuditEvent.entity == query.entity)
    if query.entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == query.entity_id)
    if query.user:
        stmt = stmt.where(AuditEvent.os_user == query.user)
    if query.date_from:
        stmt = stmt.where(AuditEvent.at >= _utc(query.date_from))
    if query.date_to:
        stmt = stmt.where(AuditEvent.at < _utc(query.date_to + dt.timedelta(days=1)))
    needle = normalize(query.search.strip())
    # the text filter runs in Python over the folded text (ё = е, any case), on SQLite and
    # PostgreSQL alike; the other filters narrow the rows in SQL first
    events = session.scalars(stmt.execution_options(yield_per=500))
    with events:  # closed when the limit is reached first (a server-side cursor on PostgreSQL)
        return _matching(events, needle, limit)


def _matching(events: Any, needle: str, limit: int | None) -> list[AuditRow]:
    found = []
    for event in events:
        row = AuditRow(
            event.id,
            clock.local_time(event.at),
            event.os_user,
            event.entity,
            event.entity_id,
            event.action,
            dict(event.details or {}),
        )
        if needle and needle not in normalize(f"{row.what} {row.summary} {row.details}"):
            continue
        found.append(row)
        if limit is not None and len(found) >= limit:
            break
    return found


def list_audit(db: Database, query: AuditQuery, *, limit: int | None = 500) -> list[AuditRow]:
    """Audit events, newest first."""
    with db.read() as session:
        return _rows(session, query, limit)


def audit_users(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent.os_user).distinct().order_by("os_user")))


def recent_changes_in(session: Session, entity: str, entity_id: int, count: int) -> str:
    """The last ``count`` (at most 5) audit events of a record as lines for a conflict message."""
    rows = _rows(session, AuditQuery(entity=entity, entity_id=entity_id), max(1, min(count, 5)))
    return "\n".join(
        f"{r.at:%d.%m.%Y %H:%M}, {r.user}: {ACTION_LABELS.get(r.action, r.action)}"
        + (f" — {r.summary}" if r.summary else "")
        for r in rows
    )


def refuse_stale(session: Session, entity: str, row: Any, read: int, what: str) -> None:
    """Raise ConflictError when ``row`` changed since the clerk read version ``read`` (0: not
    read, nothing to compare); the message says who changed what since then."""
    if not read or row.version == read:
        return
    changes = recent_changes_in(session, entity, row.id, row.version - read)
    message = f"{what}: запись изменена в другом окне или на другом рабочем месте"
    if changes:
        message += ":\n" + changes
    raise ConflictError(
        message + "\nВаши изменения не сохранены: откройте запись заново и повторите их."
    )


def verify_audit(db: Database) -> ChainReport:
    """Walk the audit's hash chain (``app.storage.audit_chain``): whole, or the first event changed,
    removed or put in out of order."""
    with db.read() as session:
        return verify_in(session)


def chain_length(db: Database) -> int:
    """How many events the chain holds (its head), without walking it."""
    with db.read() as session:
        return head_in(session, lock=False).seq
