"""Drafts: a letter being written (or a card being edited) kept as the clerk types it.

The window keeps the form as it stands every few seconds and on close; a draft the clerk did not
choose to keep (``kept`` False) is what a crash left behind, offered at the next start. A draft
belongs to the clerk who wrote it (the OS user, as the audit names people) and is removed when its
letter is registered or saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update

from app.rules.field_rules import MAX_BODY
from app.storage import audit
from app.support.errors import UserError
from app.support.text import normalize
from db.engine import Database
from db.models import LetterDraft

MAX_FORM = MAX_BODY * 2  # characters of a draft's form as JSON: the body and the rest


@dataclass(frozen=True)
class DraftRow:
    id: int
    letter_id: int | None  # a registered letter's card being edited; None: a new letter
    owner: str
    saved_at: dt.datetime  # local time
    kept: bool
    journal: str
    subject: str
    addressee: str


@dataclass(frozen=True)
class DraftSummary:
    """What a draft is called in the list."""

    journal: str
    subject: str
    addressee: str


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def _row(draft: LetterDraft) -> DraftRow:
    return DraftRow(
        draft.id,
        draft.letter_id,
        draft.owner,
        _local(draft.saved_at),
        draft.kept,
        draft.journal,
        draft.subject,
        draft.addressee,
    )


def save_draft(
    db: Database,
    form: dict[str, Any],
    summary: DraftSummary,
    *,
    draft_id: int | None = None,
    letter_id: int | None = None,
    kept: bool = False,
) -> int:
    """Keep the form; the same draft is overwritten on the next save. Returns its id."""
    import json

    if len(json.dumps(form, ensure_ascii=False)) > MAX_FORM:
        raise UserError("Черновик слишком велик, чтобы его сохранить")
    with db.write() as session:
        draft = session.get(LetterDraft, draft_id) if draft_id is not None else None
        if draft is None:
            draft = LetterDraft(owner=audit.os_user(), letter_id=letter_id)
            session.add(draft)
        draft.form = form
        draft.journal = summary.journal[:32]
        draft.subject = summary.subject[:2000]
        draft.addressee = summary.addressee[:2000]
        draft.saved_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        draft.kept = kept  # an autosave after the clerk kept it: changes not kept yet
        session.flush()
        return draft.id


def list_drafts(db: Database, *, search: str = "", owner: str | None = None) -> list[DraftRow]:
    """The drafts, newest first (every clerk's unless ``owner`` is given)."""
    with db.read() as session:
        query = select(LetterDraft).order_by(LetterDraft.saved_at.desc(), LetterDraft.id.desc())
        if owner is not None:
            query = query.where(LetterDraft.owner == owner)
        rows = [_row(d) for d in session.scalars(query)]
    wanted = normalize(search.strip())
    if wanted:
        rows = [r for r in rows if wanted in normalize(f"{r.subject}\n{r.addressee}")]
    return rows


def load_draft(db: Database, draft_id: int) -> tuple[DraftRow, dict[str, Any]]:
    with db.read() as session:
        draft = session.get(LetterDraft, draft_id)
        if draft is None:
            raise UserError("Черновик не найден (его уже зарегистрировали или удалили)")
        return _row(draft), dict(draft.form)


def discard_draft(db: Database, draft_id: int) -> None:
    with db.write() as session:
        session.execute(delete(LetterDraft).where(LetterDraft.id == draft_id))


def left_by_a_crash(db: Database) -> list[DraftRow]:
    """This clerk's drafts the window kept by itself and nobody closed: offered at start."""
    return [r for r in list_drafts(db, owner=audit.os_user()) if not r.kept]


def keep_drafts(db: Database, ids: list[int]) -> None:
    """The clerk saw them: they stay among the drafts and are not offered again."""
    with db.write() as session:
        session.execute(update(LetterDraft).where(LetterDraft.id.in_(ids)).values(kept=True))
