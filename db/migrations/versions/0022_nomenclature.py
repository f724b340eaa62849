"""The nomenclature of cases: ``nomenclature_section`` and ``case_file`` of a year (index, title,
volumes, retention period with the article of the typical list, closed with its dates and sheets,
destroyed by an act), ``destruction_act``; a letter of either kind filed to a case («В дело № …»:
``case_id``, ``filed_on``, ``filed_by``). Nothing is filed by the migration: the case indexes
already on letters are offered as a draft nomenclature (``cases draft``).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

RETENTION_KINDS = ("", "permanent", "years", "until_needed")

# a case put in a destruction act stays as the act left it: its row is not deleted, its mark
# not moved or taken away (the acts themselves are appended only: ``db/roles.py``)
CASE_GUARD = """
CREATE OR REPLACE FUNCTION secretariat_case_in_act() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.act_id IS NOT NULL THEN
            RAISE EXCEPTION 'дело % (% год) внесено в акт о выделении к уничтожению: запись о нем '
                'не удаляется', OLD.case_index, OLD.year USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.act_id IS NOT NULL AND (NEW.act_id IS DISTINCT FROM OLD.act_id
            OR NEW.case_index IS DISTINCT FROM OLD.case_index OR NEW.year <> OLD.year) THEN
        RAISE EXCEPTION 'дело % (% год) внесено в акт о выделении к уничтожению: отметка об акте '
            'не меняется', OLD.case_index, OLD.year USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "nomenclature_section",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.UniqueConstraint("year", "title", name=op.f("uq_nomenclature_section_year")),
    )
    op.create_index(op.f("ix_nomenclature_section_year"), "nomenclature_section", ["year"])
    op.create_table(
        "destruction_act",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("number", name=op.f("uq_destruction_act_number")),
    )
    op.create_table(
        "case_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "section_id",
            sa.Integer(),
            sa.ForeignKey(
                "nomenclature_section.id",
                name=op.f("fk_case_file_section_id_nomenclature_section"),
            ),
            nullable=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_index", sa.String(50), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("volumes", sa.Integer(), nullable=False),
        sa.Column("retention", sa.String(20), nullable=False),
        sa.Column("retention_years", sa.Integer(), nullable=False),
        sa.Column("epk", sa.Boolean(), nullable=False),
        sa.Column("article", sa.String(50), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("sheets", sa.Integer(), nullable=False),
        sa.Column(
            "act_id",
            sa.Integer(),
            sa.ForeignKey("destruction_act.id", name=op.f("fk_case_file_act_id_destruction_act")),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("year", "case_index", name=op.f("uq_case_file_year")),
    )
    for column in ("year", "section_id", "act_id"):
        op.create_index(op.f(f"ix_case_file_{column}"), "case_file", [column])
    bind = op.get_bind()
    for table in ("letter", "incoming_letter"):
        if bind.dialect.name == "sqlite":
            # in place: a batch would copy every row of a million letters into a new table
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN case_id INTEGER "
                f"CONSTRAINT fk_{table}_case_id_case_file REFERENCES case_file (id)"
            )
            op.execute(f"ALTER TABLE {table} ADD COLUMN filed_on DATE")
            op.execute(f"ALTER TABLE {table} ADD COLUMN filed_by VARCHAR(100) DEFAULT '' NOT NULL")
        else:
            op.add_column(table, sa.Column("case_id", sa.Integer(), nullable=True))
            op.add_column(table, sa.Column("filed_on", sa.Date(), nullable=True))
            op.add_column(
                table, sa.Column("filed_by", sa.String(100), nullable=False, server_default="")
            )
            op.create_foreign_key(
                f"fk_{table}_case_id_case_file", table, "case_file", ["case_id"], ["id"]
            )
        op.create_index(f"ix_{table}_case_id", table, ["case_id"])
    op.create_index(op.f("ix_letter_case_index"), "letter", ["case_index"])
    if bind.dialect.name != "postgresql":
        return
    allowed = ", ".join(f"'{v}'" for v in RETENTION_KINDS)
    op.create_check_constraint(
        op.f("ck_case_file_retention"), "case_file", f"retention IN ({allowed})"
    )
    op.execute(CASE_GUARD)
    op.execute(
        "CREATE TRIGGER case_file_in_act BEFORE UPDATE OR DELETE ON case_file "
        "FOR EACH ROW EXECUTE FUNCTION secretariat_case_in_act()"
    )
    from db.roles import registry_grant_statements

    for statement in registry_grant_statements(
        bind, ["nomenclature_section", "case_file", "destruction_act"]
    ):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_file_in_act ON case_file")
        op.execute("DROP FUNCTION IF EXISTS secretariat_case_in_act()")
    op.drop_index(op.f("ix_letter_case_index"), "letter")
    for table in ("incoming_letter", "letter"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_case_id")
            if op.get_bind().dialect.name != "sqlite":  # there the column takes it along
                batch.drop_constraint(f"fk_{table}_case_id_case_file", type_="foreignkey")
            for column in ("filed_by", "filed_on", "case_id"):
                batch.drop_column(column)
    op.drop_table("case_file")
    op.drop_table("destruction_act")
    op.drop_table("nomenclature_section")
