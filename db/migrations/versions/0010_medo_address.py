"""A recipient's МЭДО mail address (``ИМЯ~ДОМЕН``): the transport envelope names addressees by
it, while the passport names their organization by the МЭДО id.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: SQLite adds it in place (a batch copy of the table would have to drop
    # «recipient», which the letters' foreign keys forbid)
    op.add_column(
        "recipient",
        sa.Column("medo_address", sa.String(length=100), nullable=False, server_default=""),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a column in place
        op.execute("ALTER TABLE recipient DROP COLUMN medo_address")
    else:
        op.drop_column("recipient", "medo_address")
