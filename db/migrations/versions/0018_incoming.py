"""Incoming correspondence: journals of a kind («outgoing» or «incoming»), the letters received
with their assignments and files, their word index, and the link from a report's control to the
incoming letter that brought it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FTS5 = "fts5(terms, content='', tokenize='unicode61 remove_diacritics 0')"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column(
        "journal",
        sa.Column("kind", sa.String(length=10), nullable=False, server_default="outgoing"),
    )
    vector = sa.Text() if sqlite else sa.dialects.postgresql.TSVECTOR()
    op.create_table(
        "incoming_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("reg_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("sender_text", sa.Text(), nullable=False),
        sa.Column("sender_number", sa.String(length=100), nullable=False),
        sa.Column("sender_date", sa.Date(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("delivery", sa.String(length=30), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("execution", sa.String(length=20), nullable=False),
        sa.Column("done_date", sa.Date(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("search_vector", vector, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["journal_id"], ["journal.id"]),
        sa.ForeignKeyConstraint(["sender_id"], ["recipient.id"]),
        sa.ForeignKeyConstraint(["reply_to_id"], ["letter.id"]),
        sa.ForeignKeyConstraint(["answered_by_id"], ["letter.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("journal_id", "period_key", "seq"),
    )
    for name, columns in (
        ("ix_incoming_letter_number", ["number"]),
        ("ix_incoming_letter_reg_date_id", ["reg_date", "id"]),
        ("ix_incoming_letter_sender_number", ["sender_number", "sender_date"]),
        ("ix_incoming_letter_sender_id", ["sender_id"]),
        ("ix_incoming_letter_reply_to_id", ["reply_to_id"]),
        ("ix_incoming_letter_answered_by_id", ["answered_by_id"]),
        ("ix_incoming_letter_execution", ["execution"]),
        ("ix_incoming_letter_uid", ["uid"]),
    ):
        op.create_index(name, "incoming_letter", columns)
    op.create_index(
        "ix_incoming_letter_not_registered",
        "incoming_letter",
        ["journal_id", "period_key", "seq"],
        sqlite_where=sa.text("status <> 'registered'"),
        postgresql_where=sa.text("status <> 'registered'"),
    )
    op.create_table(
        "incoming_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incoming_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("executor_id", sa.Integer(), nullable=False),
        sa.Column("responsible", sa.Boolean(), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incoming_id"], ["incoming_letter.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["executor_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incoming_assignment_incoming_id", "incoming_assignment", ["incoming_id"])
    op.create_index("ix_incoming_assignment_executor_id", "incoming_assignment", ["executor_id"])
    op.create_table(
        "incoming_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incoming_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incoming_id"], ["incoming_letter.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["file_id"], ["stored_file.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incoming_id", "name"),
    )
    op.create_index("ix_incoming_file_incoming_id", "incoming_file", ["incoming_id"])
    with op.batch_alter_table("report_control") as batch:
        batch.add_column(sa.Column("incoming_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_report_control_incoming_id_incoming_letter",
            "incoming_letter",
            ["incoming_id"],
            ["id"],
        )
        batch.create_index("ix_report_control_incoming_id", ["incoming_id"])
    if sqlite:
        op.execute(f"CREATE VIRTUAL TABLE incoming_letter_words USING {FTS5}")
    else:
        op.execute(
            "CREATE INDEX ix_incoming_letter_search_vector ON incoming_letter "
            "USING gin (search_vector)"
        )
    op.execute(
        "INSERT INTO search_index_state (name, terms_version, indexed_upto, build_end) "
        "VALUES ('incoming_letter', '', 0, 0)"
    )
    if not sqlite:
        from db.roles import grant_statements

        for statement in grant_statements(
            ["incoming_letter", "incoming_assignment", "incoming_file"]
        ):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS incoming_letter_words")
    op.execute("DELETE FROM search_index_state WHERE name = 'incoming_letter'")
    with op.batch_alter_table("report_control") as batch:
        batch.drop_index("ix_report_control_incoming_id")
        batch.drop_constraint("fk_report_control_incoming_id_incoming_letter", type_="foreignkey")
        batch.drop_column("incoming_id")
    op.drop_table("incoming_file")
    op.drop_table("incoming_assignment")
    op.drop_table("incoming_letter")
    op.drop_column("journal", "kind")
