"""Full-text index of the registry: FTS5 with the trigram tokenizer over letter.search_norm.

Trigrams answer substring queries (``LIKE '%word%'`` semantics) from an index instead of a scan
of every letter. The indexed text is already folded for Russian (casefold, ё→е). SQLite only;
PostgreSQL keeps the LIKE path until it gets its own index (pg_trgm).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATEMENTS = (
    "CREATE VIRTUAL TABLE letter_fts USING fts5("
    "search_norm, content='letter', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER letter_fts_ai AFTER INSERT ON letter BEGIN "
    "INSERT INTO letter_fts(rowid, search_norm) VALUES (new.id, new.search_norm); END",
    "CREATE TRIGGER letter_fts_ad AFTER DELETE ON letter BEGIN "
    "INSERT INTO letter_fts(letter_fts, rowid, search_norm) "
    "VALUES ('delete', old.id, old.search_norm); END",
    "CREATE TRIGGER letter_fts_au AFTER UPDATE OF search_norm ON letter BEGIN "
    "INSERT INTO letter_fts(letter_fts, rowid, search_norm) "
    "VALUES ('delete', old.id, old.search_norm); "
    "INSERT INTO letter_fts(rowid, search_norm) VALUES (new.id, new.search_norm); END",
    "INSERT INTO letter_fts(letter_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("letter_fts_ai", "letter_fts_ad", "letter_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS letter_fts")
