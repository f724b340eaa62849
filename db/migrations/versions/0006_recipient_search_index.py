"""Scale: a trigram index over recipients (SQLite), their display order, control states.

Like the registry (0002), recipients are searched by substring in the folded ``search_norm``;
with 100,000 recipients a ``LIKE`` scan takes tens of milliseconds per keystroke. FTS5 with the
trigram tokenizer answers from an index (PostgreSQL has its ``pg_trgm`` index since 0005). The
plain index on (organization, last_name, id) gives the directory's order without sorting every
match of a common word. The index on report_control.state finds the few outstanding controls
among the million of an archive (the control overview shows those by default).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATEMENTS = (
    "CREATE VIRTUAL TABLE recipient_fts USING fts5("
    "search_norm, content='recipient', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER recipient_fts_ai AFTER INSERT ON recipient BEGIN "
    "INSERT INTO recipient_fts(rowid, search_norm) VALUES (new.id, new.search_norm); END",
    "CREATE TRIGGER recipient_fts_ad AFTER DELETE ON recipient BEGIN "
    "INSERT INTO recipient_fts(recipient_fts, rowid, search_norm) "
    "VALUES ('delete', old.id, old.search_norm); END",
    "CREATE TRIGGER recipient_fts_au AFTER UPDATE OF search_norm ON recipient BEGIN "
    "INSERT INTO recipient_fts(recipient_fts, rowid, search_norm) "
    "VALUES ('delete', old.id, old.search_norm); "
    "INSERT INTO recipient_fts(rowid, search_norm) VALUES (new.id, new.search_norm); END",
    "INSERT INTO recipient_fts(recipient_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    op.create_index("ix_recipient_order", "recipient", ["organization", "last_name", "id"])
    op.create_index("ix_report_control_state", "report_control", ["state"])
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("recipient_fts_ai", "recipient_fts_ad", "recipient_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS recipient_fts")
    op.drop_index("ix_report_control_state", "report_control")
    op.drop_index("ix_recipient_order", "recipient")
