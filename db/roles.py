"""The PostgreSQL group roles of a shared registry and what each may touch: made by migration
0015 and granted again by any migration that adds tables (``grant_statements``)."""

from __future__ import annotations

ROLE_NAMES = {
    "reader": "secretariat_reader",
    "registrar": "secretariat_registrar",
    "admin": "secretariat_admin",
}

# what only an administrator changes: the set-up, the schema, the audit's own machinery
ADMIN_ONLY = frozenset(
    {
        "organization",
        "staff",
        "journal",
        "alembic_version",
        "database_identity",
        "audit_maintenance",
    }
)
APPEND_ONLY = {"audit_event": "INSERT", "audit_chain": "UPDATE"}  # the registrar's only rights


def create_statements() -> list[str]:
    """The three roles, made once per server (roles are the server's, not one database's)."""
    out = []
    for name in ROLE_NAMES.values():
        out.append(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"'{name}') THEN CREATE ROLE {name} NOLOGIN; END IF; END $$"
        )
    return out


def grant_statements(tables: list[str]) -> list[str]:
    reader, registrar, admin = ROLE_NAMES.values()
    out = [
        f"GRANT USAGE ON SCHEMA public TO {reader}, {registrar}, {admin}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}, {registrar}",
        f"GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO {admin}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {registrar}, {admin}",
        f"GRANT {reader}, {registrar} TO {admin} WITH ADMIN OPTION",
    ]
    for table in tables:
        if table in ADMIN_ONLY:
            continue
        rights = APPEND_ONLY.get(table, "INSERT, UPDATE, DELETE")
        out.append(f'GRANT {rights} ON "{table}" TO {registrar}')
    return out
