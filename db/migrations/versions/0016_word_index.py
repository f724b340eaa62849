"""Search by word forms: a word index of the program's terms replaces the trigram indexes and
the folded copy of every text (``search_norm``).

SQLite: the FTS5 trigram tables ``letter_fts`` and ``recipient_fts`` and their triggers give way
to contentless FTS5 tables ``letter_words`` and ``recipient_words`` (they keep the index, not a
copy of the text). PostgreSQL: the ``pg_trgm`` indexes give way to a ``tsvector`` column with a
GIN index. Both are filled by the program, not by this script: the terms are lemmas computed in
Python (``app/rules/search_terms.py``), and the program builds the index after migrating, with a
progress line, a batch per transaction (``app/services/registry/word_index.py``). The table
``search_index_state`` says how far it got and under which terms.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLES = ("letter", "recipient")
FTS5 = "fts5(terms, content='', tokenize='unicode61 remove_diacritics 0')"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "search_index_state",
        sa.Column("name", sa.String(30), nullable=False),
        sa.Column("terms_version", sa.String(200), nullable=False, server_default=""),
        sa.Column("indexed_upto", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("build_end", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("name", name="pk_search_index_state"),
    )
    op.execute(
        "INSERT INTO search_index_state (name, terms_version, indexed_upto) "
        "VALUES ('letter', '', 0), ('recipient', '', 0)"
    )
    for table in TABLES:
        if sqlite:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
            op.execute(f"ALTER TABLE {table} DROP COLUMN search_norm")
            op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector TEXT")
            op.execute(f"CREATE VIRTUAL TABLE {table}_words USING {FTS5}")
        else:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_trgm")
            op.execute(f"ALTER TABLE {table} DROP COLUMN search_norm")
            op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector")
            op.execute(
                f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)"
            )
    if not sqlite:
        from db.roles import LEGACY_NAMES as ROLE_NAMES

        reader, registrar, admin = ROLE_NAMES.values()
        op.execute(f"GRANT SELECT ON search_index_state TO {reader}, {registrar}")
        op.execute(f"GRANT UPDATE ON search_index_state TO {registrar}")
        op.execute(f"GRANT ALL PRIVILEGES ON search_index_state TO {admin}")


def downgrade() -> None:
    """The structure of 0015 back; ``search_norm`` comes back empty (0015's program does not
    fill it again), so a downgraded registry finds nothing by text until restored."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:
            op.execute(f"DROP TABLE IF EXISTS {table}_words")
        else:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_norm TEXT NOT NULL DEFAULT ''")
        if sqlite:
            op.execute(
                f"CREATE VIRTUAL TABLE {table}_fts USING fts5(search_norm, content='{table}', "
                "content_rowid='id', tokenize='trigram')"
            )
        else:
            op.execute(
                f"CREATE INDEX ix_{table}_search_trgm ON {table} "
                "USING gin (search_norm gin_trgm_ops)"
            )
    op.drop_table("search_index_state")
