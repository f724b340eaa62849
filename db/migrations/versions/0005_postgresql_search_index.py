"""PostgreSQL: trigram indexes for the folded search text of letters and recipients.

SQLite has its FTS5 trigram table (0002); on PostgreSQL the same ``LIKE '%слово%'`` over the
folded ``search_norm`` is served by ``pg_trgm`` GIN indexes. ``pg_trgm`` is a trusted extension
(PostgreSQL 13+): the owner of the database may create it. Nothing changes on SQLite.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (("ix_letter_search_trgm", "letter"), ("ix_recipient_search_trgm", "recipient"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (search_norm gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
