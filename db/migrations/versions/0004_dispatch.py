"""Dispatch: every step of sending a copy (dispatch_event); the last note and message uid of a copy.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN: no table rebuild (a rebuild of a parent table would drop FTS triggers)
    op.add_column(
        "letter_addressee",
        sa.Column("dispatch_note", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column(
        "letter_addressee",
        sa.Column("dispatch_uid", sa.String(length=64), nullable=False, server_default=""),
    )
    op.create_index(
        op.f("ix_letter_addressee_dispatch_uid"), "letter_addressee", ["dispatch_uid"], unique=False
    )
    op.create_table(
        "dispatch_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("addressee_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("os_user", sa.String(length=100), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["addressee_id"],
            ["letter_addressee.id"],
            name=op.f("fk_dispatch_event_addressee_id_letter_addressee"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["stored_file.id"], name=op.f("fk_dispatch_event_file_id_stored_file")
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letter.id"],
            name=op.f("fk_dispatch_event_letter_id_letter"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_event")),
    )
    op.create_index(
        op.f("ix_dispatch_event_addressee_id"), "dispatch_event", ["addressee_id"], unique=False
    )
    op.create_index(
        op.f("ix_dispatch_event_letter_id"), "dispatch_event", ["letter_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("dispatch_event")
    op.drop_index(op.f("ix_letter_addressee_dispatch_uid"), table_name="letter_addressee")
    op.drop_column("letter_addressee", "dispatch_uid")
    op.drop_column("letter_addressee", "dispatch_note")
