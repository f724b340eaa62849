"""The PostgreSQL group roles of a shared registry and what each may touch.

Since migration 0019 each registry has roles of its own, named after its database
(``secretariat_<database>_reader`` …, the names kept in the ``registry_role`` table): a grant in
one registry gives nothing in another on the same server. Migration 0015 made three roles shared
by the whole server (:data:`LEGACY_NAMES`); 0019 moves their members to the registry's own roles
and takes every right of theirs away in this database.

Registrars and administrators write the rows of their work, but nothing the program forbids:
- no DELETE on numbered rows (``letter``, ``incoming_letter``; a trigger refuses it to everyone but
  the database's owner), no change of a row's journal, period or sequence number, no printed
  number twice (the same trigger);
- no write on ``journal_counter``, and no ``setval`` on sequences (USAGE only): numbers are issued
  by ``secretariat_next_seq``, a SECURITY DEFINER function owned by the registry's owner, which
  only moves a counter forward;
- no change or deletion of a task's history (``task_event``) nor of a destruction act
  (``destruction_act``): appended only; a case in an act keeps its row and its mark (a trigger);
- no write on the audit: events are appended by ``secretariat_audit_append`` (the server computes
  each event's keyed hash with a key only the owner can read).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

ROLES = ("reader", "registrar", "admin")  # each can do what the one before can
LEGACY_NAMES = {role: f"secretariat_{role}" for role in ROLES}  # migrations 0015–0018

# what only an administrator changes: the set-up, the schema, the audit's own machinery
ADMIN_ONLY = frozenset(
    {
        "organization",
        "staff",
        "journal",
        "alembic_version",
        "database_identity",
        "audit_maintenance",
        "registry_role",
    }
)
# written only through the server's functions (SECURITY DEFINER) or by the owner
SERVER_ONLY = frozenset({"audit_event", "audit_chain", "journal_counter", "audit_key"})
NO_DELETE = frozenset({"letter", "incoming_letter"})  # numbered rows
# history: appended, never changed nor deleted (a task's events, the destruction acts)
APPEND_ONLY = frozenset({"task_event", "destruction_act"})
# the functions a role may call
FUNCTIONS = {
    "secretariat_next_seq(integer, text, integer, boolean)": ("registrar", "admin"),
    "secretariat_audit_append(jsonb)": ("registrar", "admin"),
    "secretariat_audit_check(integer, text)": ("reader", "registrar", "admin"),
}


def role_names(database: str) -> dict[str, str]:
    """The registry's own role names, from its database's name: lower-case Latin letters,
    digits and «_»; a name changed on the way (or cut to fit PostgreSQL's 63 characters) gets
    six hex digits of the real one, so two databases never share roles."""
    slug = re.sub(r"[^a-z0-9_]", "_", database.lower())[:36]
    if slug != database:
        slug = f"{slug}_{hashlib.sha256(database.encode()).hexdigest()[:6]}"
    return {role: f"secretariat_{slug}_{role}" for role in ROLES}


def create_statements(names: dict[str, str]) -> list[str]:
    out = []
    for name in names.values():
        out.append(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"'{name}') THEN CREATE ROLE {name} NOLOGIN; END IF; END $$"
        )
    return out


def grant_statements(tables: list[str], names: dict[str, str] | None = None) -> list[str]:
    """The rights of each role on these tables (``names``: the registry's roles; the legacy
    server-wide ones for the migrations before 0019)."""
    legacy = names is None
    reader, registrar, admin = (names or LEGACY_NAMES).values()
    out = [
        f"GRANT USAGE ON SCHEMA public TO {reader}, {registrar}, {admin}",
        f"GRANT {reader}, {registrar} TO {admin} WITH ADMIN OPTION",
    ]
    if legacy:
        out.append(
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {registrar}, {admin}"
        )
    else:
        out.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {registrar}, {admin}")
    for table in tables:
        if table == "audit_key" and not legacy:
            continue  # the owner's alone
        out.append(f'GRANT SELECT ON "{table}" TO {reader}, {registrar}, {admin}')
        if legacy:
            if table in ADMIN_ONLY:
                out.append(f'GRANT ALL PRIVILEGES ON "{table}" TO {admin}')
                continue
            rights = {"audit_event": "INSERT", "audit_chain": "UPDATE"}.get(
                table, "INSERT, UPDATE, DELETE"
            )
            out.append(f'GRANT {rights} ON "{table}" TO {registrar}, {admin}')
            continue
        if table in SERVER_ONLY:
            continue
        rights = "INSERT, UPDATE" if table in NO_DELETE else "INSERT, UPDATE, DELETE"
        if table in APPEND_ONLY:
            rights = "INSERT"
        if table not in ADMIN_ONLY:
            out.append(f'GRANT {rights} ON "{table}" TO {registrar}')
        if table != "alembic_version":
            out.append(f'GRANT {rights} ON "{table}" TO {admin}')
    return out


def registry_grant_statements(bind: Any, tables: list[str]) -> list[str]:
    """A migration's new tables granted to this registry's roles (named in ``registry_role``);
    nothing when the registry has none yet."""
    from sqlalchemy import text

    rows = bind.execute(text("SELECT role, name FROM registry_role")).all()
    names: dict[str, str] = {str(role): str(name) for role, name in rows}
    if set(names) != set(ROLES):
        return []
    return grant_statements(tables, {role: names[role] for role in ROLES})
