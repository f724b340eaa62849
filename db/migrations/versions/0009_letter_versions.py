"""Letters changed after they were sent: the previous versions, and the copies that went out
before the change.

A letter whose copies were prepared or sent keeps each earlier version of its content (with
who, when and why) in ``letter_version``; its sent copies are marked «изменено после отправки».

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letter.id"],
            name=op.f("fk_letter_version_letter_id_letter"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_version")),
    )
    with op.batch_alter_table("letter_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_version_letter_id"), ["letter_id"])
    with op.batch_alter_table("letter_addressee", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "changed_after_dispatch", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("letter_addressee", schema=None) as batch_op:
        batch_op.drop_column("changed_after_dispatch")
    op.drop_table("letter_version")
