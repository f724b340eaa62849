"""Resolutions and each executor's own term: ``resolution`` (author, text, date, on control; a
sub-resolution names its parent), an assignment's resolution, first term and its own completion,
``task_event`` (progress notes, extensions with the old and new term, done, off control).

The assignments there were keep their term as the first one, and those of letters already done
take the letter's day as their own. On PostgreSQL the event kinds are checked and the registry's
roles get their rights: events are appended, never changed or deleted.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

EVENT_KINDS = ("progress", "extended", "done", "off_control", "reminded")


def upgrade() -> None:
    op.create_table(
        "resolution",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incoming_id",
            sa.Integer(),
            sa.ForeignKey(
                "incoming_letter.id",
                name=op.f("fk_resolution_incoming_id_incoming_letter"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column(
            "parent_id",
            sa.Integer(),
            sa.ForeignKey("resolution.id", name=op.f("fk_resolution_parent_id_resolution")),
            nullable=True,
        ),
        sa.Column(
            "author_id",
            sa.Integer(),
            sa.ForeignKey("staff.id", name=op.f("fk_resolution_author_id_staff")),
            nullable=True,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("on_control", sa.Boolean(), nullable=False),
        sa.Column("off_control_day", sa.Date(), nullable=True),
        sa.Column("off_control_by", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    for column in ("incoming_id", "parent_id", "author_id"):
        op.create_index(op.f(f"ix_resolution_{column}"), "resolution", [column])
    with op.batch_alter_table("incoming_assignment") as batch:
        batch.add_column(sa.Column("resolution_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("first_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("done_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("done_note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("reply_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_incoming_assignment_resolution_id_resolution",
            "resolution",
            ["resolution_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_foreign_key(
            "fk_incoming_assignment_reply_id_letter", "letter", ["reply_id"], ["id"]
        )
        batch.create_index("ix_incoming_assignment_resolution_id", ["resolution_id"])
        batch.create_index("ix_incoming_assignment_due_date", ["due_date"])
        batch.create_index("ix_incoming_assignment_open", ["done_date", "due_date"])
    op.execute("UPDATE incoming_assignment SET first_due = due_date")
    op.execute(
        "UPDATE incoming_assignment SET done_date = (SELECT l.done_date FROM incoming_letter l "
        "WHERE l.id = incoming_assignment.incoming_id) WHERE incoming_id IN (SELECT id FROM "
        "incoming_letter WHERE execution IN ('answered', 'done'))"
    )
    op.create_table(
        "task_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assignment_id",
            sa.Integer(),
            sa.ForeignKey(
                "incoming_assignment.id",
                name=op.f("fk_task_event_assignment_id_incoming_assignment"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("by_user", sa.String(100), nullable=False),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("staff.id", name=op.f("fk_task_event_person_id_staff")),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("old_due", sa.Date(), nullable=True),
        sa.Column("new_due", sa.Date(), nullable=True),
        sa.Column(
            "file_id",
            sa.Integer(),
            sa.ForeignKey("stored_file.id", name=op.f("fk_task_event_file_id_stored_file")),
            nullable=True,
        ),
    )
    op.create_index(op.f("ix_task_event_assignment_id"), "task_event", ["assignment_id"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    allowed = ", ".join(f"'{v}'" for v in EVENT_KINDS)
    op.create_check_constraint(op.f("ck_task_event_kind"), "task_event", f"kind IN ({allowed})")
    from db.roles import registry_grant_statements

    for statement in registry_grant_statements(bind, ["resolution", "task_event"]):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("task_event")
    with op.batch_alter_table("incoming_assignment") as batch:
        batch.drop_index("ix_incoming_assignment_open")
        batch.drop_index("ix_incoming_assignment_due_date")
        batch.drop_index("ix_incoming_assignment_resolution_id")
        batch.drop_constraint("fk_incoming_assignment_reply_id_letter", type_="foreignkey")
        batch.drop_constraint("fk_incoming_assignment_resolution_id_resolution", type_="foreignkey")
        for column in ("reply_id", "done_note", "done_date", "first_due", "resolution_id"):
            batch.drop_column(column)
    op.drop_table("resolution")
