"""The audit chain anchored outside the registry: its head noted in a file, a backup or a printed
journal, and the registry's chain compared with it later.

A chain can be rebuilt by whoever can write every event (the owner of a server registry, who holds
its key; anyone with the file of an embedded one): each link then checks, and only a copy of the
chain kept elsewhere shows the change. ``audit head --out FILE`` writes that copy — the number of
events, the last hash, and the first 16 hex digits of every event's hash, in order (≈17 bytes an
event) — and ``audit verify --against FILE`` names the first event that differs from it or is
missing. A backup copy of the registry carries its own chain and serves as well as a head file.

What the anchor cannot show: events added after it was taken (they are only counted), or a change
made before it was taken.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.storage.audit_chain import head_in, verify_in
from app.support.atomic import write_atomically
from app.support.errors import UserError
from app.support.files import read_regular
from db.engine import Database
from db.models import AuditEvent, DatabaseIdentity

FORMAT = "secretariat-audit-head/1"
MARK = 16  # hex digits of each event's hash kept in the anchor
LIMIT = 256 * 1024 * 1024  # an anchor file's size: 15 million events
SQLITE_MAGIC = b"SQLite format 3\0"


@dataclass(frozen=True)
class AuditHead:
    registry: str  # the registry's identity ("" when unknown)
    events: int
    hash: str  # the last event's
    taken: dt.datetime  # local time
    marks: str  # MARK hex digits of each event's hash, in chain order

    @property
    def line(self) -> str:
        return f"журнал изменений: {self.events} событий; последний хеш {self.hash}"


@dataclass(frozen=True)
class AnchorCheck:
    whole: bool
    line: str


def _head_of(registry: str, events: int, last: str, hashes: Iterable[str]) -> AuditHead:
    marks = "".join(h[:MARK] for h in hashes)
    return AuditHead(registry, events, last, dt.datetime.now().replace(microsecond=0), marks)


def audit_head(db: Database) -> AuditHead:
    """The registry's chain head as it is now, with every event's mark."""
    with db.read() as session:
        head = head_in(session, lock=False)
        identity = session.scalars(select(DatabaseIdentity.id)).first() or ""
        hashes = session.scalars(
            select(AuditEvent.hash)
            .where(AuditEvent.chain_seq.is_not(None), AuditEvent.chain_seq <= head.seq)
            .order_by(AuditEvent.chain_seq)
            .execution_options(yield_per=20_000)
        )
        return _head_of(identity, head.seq, head.hash, hashes)


def write_head(head: AuditHead, path: Path) -> Path:
    data = {
        "format": FORMAT,
        "registry": head.registry,
        "taken": head.taken.isoformat(),
        "events": head.events,
        "hash": head.hash,
        "marks": head.marks,
    }
    return write_atomically(
        path, lambda tmp: tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    )


def read_head(path: Path) -> AuditHead:
    """An anchor written by :func:`write_head`, or the head a backup copy carries."""
    data = read_regular(Path(path), LIMIT, "Отметка журнала изменений")
    if data.startswith(SQLITE_MAGIC):
        return _head_of_copy(Path(path))
    bad = UserError(f"{path}: это не отметка журнала изменений (audit head --out) и не копия базы")
    try:
        fields = json.loads(data)
        head = AuditHead(
            str(fields["registry"]),
            int(fields["events"]),
            str(fields["hash"]),
            dt.datetime.fromisoformat(str(fields["taken"])),
            str(fields["marks"]),
        )
    except (ValueError, KeyError, TypeError):
        raise bad from None
    if fields.get("format") != FORMAT or len(head.marks) != head.events * MARK:
        raise bad
    return head


def _head_of_copy(path: Path) -> AuditHead:
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UserError(f"{path}: копия базы не открывается ({exc})") from None
    try:
        identity = con.execute("SELECT id FROM database_identity").fetchone()
        seq, last = con.execute("SELECT seq, hash FROM audit_chain WHERE id = 1").fetchone()
        hashes = (
            str(row[0])
            for row in con.execute(
                "SELECT hash FROM audit_event WHERE chain_seq IS NOT NULL AND chain_seq <= ? "
                "ORDER BY chain_seq",
                (seq,),
            )
        )
        head = _head_of(str(identity[0]) if identity else "", int(seq), str(last), hashes)
    except (sqlite3.Error, TypeError) as exc:
        raise UserError(f"{path}: в копии базы нет цепочки журнала изменений ({exc})") from None
    finally:
        con.close()
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    return AuditHead(head.registry, head.events, head.hash, stamp, head.marks)


def verify_against(db: Database, anchor: AuditHead) -> AnchorCheck:
    """The registry's chain whole and beginning with exactly the anchored events."""
    with db.read() as session:
        report = verify_in(session)
    if not report.whole:
        return AnchorCheck(False, report.line)
    now = audit_head(db)
    when = anchor.taken.strftime("%d.%m.%Y %H:%M")
    if anchor.registry and now.registry and anchor.registry != now.registry:
        return AnchorCheck(False, f"отметка от {when} снята с другого реестра ({anchor.registry})")
    for i in range(min(now.events, anchor.events)):
        at = slice(i * MARK, (i + 1) * MARK)
        if now.marks[at] != anchor.marks[at]:
            return AnchorCheck(
                False,
                f"цепочка перестроена: событие № {i + 1} не совпадает с отметкой от {when} "
                f"(события № 1–{i} совпадают)",
            )
    if now.events < anchor.events:
        return AnchorCheck(
            False,
            f"последние события удалены: в отметке от {when} их {anchor.events}, в базе "
            f"{now.events}; первого недостающего — события № {now.events + 1} — нет в базе",
        )
    added = now.events - anchor.events
    return AnchorCheck(
        True,
        f"цепочка цела и совпадает с отметкой от {when}: {anchor.events} событий; после "
        f"отметки добавлено {added}",
    )
