"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("os_user", sa.String(length=100), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "distribution_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("heading", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribution_list")),
        sa.UniqueConstraint("name", name=op.f("uq_distribution_list_name")),
    )
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("department", sa.String(length=50), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal")),
        sa.UniqueConstraint("code", name=op.f("uq_journal_code")),
    )
    op.create_table(
        "recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("organization", sa.String(length=500), nullable=False),
        sa.Column("position", sa.String(length=500), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("middle_name", sa.String(length=100), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("addressee_lines", sa.Text(), nullable=False),
        sa.Column("addressee_edited", sa.Boolean(), nullable=False),
        sa.Column("salutation", sa.String(length=300), nullable=False),
        sa.Column("salutation_edited", sa.Boolean(), nullable=False),
        sa.Column("delivery", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("medo_id", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("postcode", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=False),
        sa.Column("search_norm", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient")),
        sa.UniqueConstraint("code", name=op.f("uq_recipient_code")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("middle_name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Text(), nullable=False),
        sa.Column("department", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("code", name=op.f("uq_staff_code")),
    )
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
    )
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_file_sha256"), ["sha256"], unique=False)

    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=300), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_certificate_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
    )
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "distribution_list_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["distribution_list.id"],
            name=op.f("fk_distribution_list_member_list_id_distribution_list"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.id"],
            name=op.f("fk_distribution_list_member_recipient_id_recipient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribution_list_member")),
        sa.UniqueConstraint(
            "list_id", "recipient_id", name=op.f("uq_distribution_list_member_list_id")
        ),
    )
    with op.batch_alter_table("distribution_list_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_distribution_list_member_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "journal_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=10), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["journal_id"],
            ["journal.id"],
            name=op.f("fk_journal_counter_journal_id_journal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_counter")),
        sa.UniqueConstraint("journal_id", "period_key", name=op.f("uq_journal_counter_journal_id")),
    )
    op.create_table(
        "letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("reg_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("case_index", sa.String(length=50), nullable=False),
        sa.Column("department", sa.String(length=50), nullable=False),
        sa.Column("correspondent", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("closing", sa.String(length=200), nullable=False),
        sa.Column("addressee_kind", sa.String(length=20), nullable=False),
        sa.Column("addressee_text", sa.Text(), nullable=False),
        sa.Column("salutation", sa.String(length=300), nullable=False),
        sa.Column("distribution_list_id", sa.Integer(), nullable=True),
        sa.Column("reply_to_number", sa.String(length=100), nullable=False),
        sa.Column("reply_to_date", sa.Date(), nullable=True),
        sa.Column("signatory_id", sa.Integer(), nullable=True),
        sa.Column("signature_kind", sa.String(length=20), nullable=False),
        sa.Column("executor_id", sa.Integer(), nullable=True),
        sa.Column("appendices", sa.JSON(), nullable=False),
        sa.Column("delivery_state", sa.String(length=20), nullable=False),
        sa.Column("annul_reason", sa.Text(), nullable=False),
        sa.Column("search_norm", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["distribution_list_id"],
            ["distribution_list.id"],
            name=op.f("fk_letter_distribution_list_id_distribution_list"),
        ),
        sa.ForeignKeyConstraint(
            ["executor_id"], ["staff.id"], name=op.f("fk_letter_executor_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["journal_id"], ["journal.id"], name=op.f("fk_letter_journal_id_journal")
        ),
        sa.ForeignKeyConstraint(
            ["signatory_id"], ["staff.id"], name=op.f("fk_letter_signatory_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter")),
        sa.UniqueConstraint("journal_id", "period_key", "seq", name=op.f("uq_letter_journal_id")),
    )
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_number"), ["number"], unique=False)
        batch_op.create_index("ix_letter_reg_date_id", ["reg_date", "id"], unique=False)

    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("short_name", sa.String(length=200), nullable=False),
        sa.Column("letterhead", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=False),
        sa.Column("fax", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=200), nullable=False),
        sa.Column("okpo", sa.String(length=20), nullable=False),
        sa.Column("ogrn", sa.String(length=20), nullable=False),
        sa.Column("inn", sa.String(length=20), nullable=False),
        sa.Column("kpp", sa.String(length=20), nullable=False),
        sa.Column("medo_id", sa.String(length=100), nullable=False),
        sa.Column("layout", sa.String(length=20), nullable=False),
        sa.Column("number_line", sa.String(length=20), nullable=False),
        sa.Column("reply_line", sa.Boolean(), nullable=False),
        sa.Column("font_size", sa.Integer(), nullable=False),
        sa.Column("initials_first", sa.Boolean(), nullable=False),
        sa.Column("logo_file_id", sa.Integer(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["logo_file_id"],
            ["stored_file.id"],
            name=op.f("fk_organization_logo_file_id_stored_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
    )
    op.create_table(
        "recipient_official_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=500), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("middle_name", sa.String(length=100), nullable=False),
        sa.Column("addressee_lines", sa.Text(), nullable=False),
        sa.Column("salutation", sa.String(length=300), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.id"],
            name=op.f("fk_recipient_official_history_recipient_id_recipient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_official_history")),
    )
    with op.batch_alter_table("recipient_official_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recipient_official_history_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "letter_addressee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("addressee_lines", sa.Text(), nullable=False),
        sa.Column("salutation", sa.String(length=300), nullable=False),
        sa.Column("delivery", sa.String(length=30), nullable=False),
        sa.Column("dispatch_state", sa.String(length=20), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(), nullable=True),
        sa.Column("dispatched_by", sa.String(length=100), nullable=False),
        sa.Column("dispatch_file_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispatch_file_id"],
            ["stored_file.id"],
            name=op.f("fk_letter_addressee_dispatch_file_id_stored_file"),
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letter.id"],
            name=op.f("fk_letter_addressee_letter_id_letter"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.id"],
            name=op.f("fk_letter_addressee_recipient_id_recipient"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_addressee")),
    )
    with op.batch_alter_table("letter_addressee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letter_addressee_letter_id"), ["letter_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_letter_addressee_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "letter_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("sheets", sa.Integer(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"], ["stored_file.id"], name=op.f("fk_letter_attachment_file_id_stored_file")
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letter.id"],
            name=op.f("fk_letter_attachment_letter_id_letter"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_attachment")),
    )
    with op.batch_alter_table("letter_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letter_attachment_letter_id"), ["letter_id"], unique=False
        )

    op.create_table(
        "report_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("form_rows", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letter.id"],
            name=op.f("fk_report_request_letter_id_letter"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_request")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_report_request_letter_id")),
    )
    with op.batch_alter_table("report_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_request_due_date"), ["due_date"], unique=False)

    op.create_table(
        "report_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("addressee_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("reply_number", sa.String(length=100), nullable=False),
        sa.Column("reply_date", sa.Date(), nullable=True),
        sa.Column("received_date", sa.Date(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["addressee_id"],
            ["letter_addressee.id"],
            name=op.f("fk_report_control_addressee_id_letter_addressee"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_control")),
        sa.UniqueConstraint("addressee_id", name=op.f("uq_report_control_addressee_id")),
    )
    op.create_table(
        "report_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["report_control.id"],
            name=op.f("fk_report_row_control_id_report_control"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_row")),
    )
    with op.batch_alter_table("report_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_row_control_id"), ["control_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_row_control_id"))

    op.drop_table("report_row")
    op.drop_table("report_control")
    with op.batch_alter_table("report_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_request_due_date"))

    op.drop_table("report_request")
    with op.batch_alter_table("letter_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_attachment_letter_id"))

    op.drop_table("letter_attachment")
    with op.batch_alter_table("letter_addressee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_addressee_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_letter_addressee_letter_id"))

    op.drop_table("letter_addressee")
    with op.batch_alter_table("recipient_official_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipient_official_history_recipient_id"))

    op.drop_table("recipient_official_history")
    op.drop_table("organization")
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_reg_date_id")
        batch_op.drop_index(batch_op.f("ix_letter_number"))

    op.drop_table("letter")
    op.drop_table("journal_counter")
    with op.batch_alter_table("distribution_list_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distribution_list_member_recipient_id"))

    op.drop_table("distribution_list_member")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_staff_id"))

    op.drop_table("certificate")
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_file_sha256"))

    op.drop_table("stored_file")
    op.drop_table("staff")
    op.drop_table("recipient")
    op.drop_table("journal")
    op.drop_table("distribution_list")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity")

    op.drop_table("audit_event")
