"""Drafts of letters: the new-letter form (or an edited card) kept as the clerk types it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("kept", sa.Boolean(), nullable=False),
        sa.Column("journal", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("addressee", sa.Text(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_letter_draft_letter_id", "letter_draft", ["letter_id"])
    op.create_index("ix_letter_draft_owner", "letter_draft", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_letter_draft_owner", table_name="letter_draft")
    op.drop_index("ix_letter_draft_letter_id", table_name="letter_draft")
    op.drop_table("letter_draft")
