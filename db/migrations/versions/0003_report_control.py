"""Report control: reply files, due-date extensions, late/reminder/note on a control.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN: no table rebuild (a rebuild of a parent table would drop FTS triggers)
    op.add_column(
        "report_control",
        sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "report_control",
        sa.Column("reminder_number", sa.String(length=100), nullable=False, server_default=""),
    )
    op.add_column("report_control", sa.Column("note", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "report_reply_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["report_control.id"],
            name=op.f("fk_report_reply_file_control_id_report_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["stored_file.id"], name=op.f("fk_report_reply_file_file_id_stored_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_reply_file")),
    )
    op.create_index(
        op.f("ix_report_reply_file_control_id"), "report_reply_file", ["control_id"], unique=False
    )
    op.create_table(
        "report_due_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=True),
        sa.Column("old_due", sa.Date(), nullable=False),
        sa.Column("new_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("os_user", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["report_control.id"],
            name=op.f("fk_report_due_change_control_id_report_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["report_request.id"],
            name=op.f("fk_report_due_change_request_id_report_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_due_change")),
    )
    op.create_index(
        op.f("ix_report_due_change_request_id"), "report_due_change", ["request_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("report_due_change")
    op.drop_table("report_reply_file")
    with op.batch_alter_table("report_control") as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("reminder_number")
        batch_op.drop_column("late")
