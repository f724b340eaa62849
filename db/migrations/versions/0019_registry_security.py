"""A shared registry defends itself (PostgreSQL): roles of its own, numbers issued by the server,
numbered rows that cannot be deleted or renumbered, and an audit appended by the server with a
keyed hash. On SQLite only the new table and columns are made.

- ``database_identity.home``: the file an embedded registry lives in, so that a file copy opened
  elsewhere is known as a copy (app/services/safety/identity.py);
- ``incoming_file.title``: what the sender called a file (a МЭДО attachment's description);

- ``registry_role``: the names of this registry's reader, registrar and administrator roles
  (db/roles.py); the members of the server-wide roles of 0015 become members of these, and the
  server-wide roles lose every right in this database;
- ``secretariat_next_seq``: the only way to move a journal counter, and only forward;
- ``secretariat_numbered_row`` (a trigger on ``letter`` and ``incoming_letter``): a numbered row is
  not deleted but by the owner, its journal, period and sequence number never change, a new row's
  sequence number must have been issued by the counter, and a printed number is not on two rows of
  a journal in one year;
- ``audit_key`` (the owner's alone) and ``secretariat_audit_append``: events are chained by the
  server, each hash an HMAC-SHA-256 with that key; ``audit_chain.keyed_from`` is the first place so
  chained; ``secretariat_audit_check`` walks those links for ``audit verify``;
- the audit's maintenance switch works for the owner only.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

IS_OWNER = """
CREATE OR REPLACE FUNCTION secretariat_session_is_owner() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT r.rolsuper OR pg_has_role(session_user, d.datdba, 'MEMBER')
                     FROM pg_roles r, pg_database d
                     WHERE r.rolname = session_user AND d.datname = current_database()), false)
$$
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('secretariat.audit_maintenance', true), '') = 'on'
       AND secretariat_session_is_owner() THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'журнал изменений только дополняется: событие нельзя изменить или удалить'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""

NEXT_SEQ = """
CREATE OR REPLACE FUNCTION secretariat_next_seq(j integer, k text, at_least integer, take boolean)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE v integer;
BEGIN
    IF at_least < 0 OR at_least > 999999999 THEN
        RAISE EXCEPTION 'номер % вне допустимого', at_least
            USING ERRCODE = 'numeric_value_out_of_range';
    END IF;
    INSERT INTO journal_counter (journal_id, period_key, last_seq) VALUES (j, k, 0)
        ON CONFLICT (journal_id, period_key) DO NOTHING;
    UPDATE journal_counter
       SET last_seq = greatest(CASE WHEN take THEN last_seq + 1 ELSE last_seq END,
                               coalesce(at_least, 0))
     WHERE journal_id = j AND period_key = k
    RETURNING last_seq INTO v;
    RETURN v;
END;
$$
"""

NUMBERED_ROW = """
CREATE OR REPLACE FUNCTION secretariat_numbered_row() RETURNS trigger AS $$
DECLARE
    issued integer;
    numbering text;
    clash boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF secretariat_session_is_owner() THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'номер % выдан: запись с выданным номером не удаляется (ее аннулируют)',
            OLD.number USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.journal_id, NEW.period_key, NEW.seq)
            IS DISTINCT FROM (OLD.journal_id, OLD.period_key, OLD.seq) THEN
        RAISE EXCEPTION 'у выданного номера % не меняются журнал, период и порядковый номер',
            OLD.number USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' AND NOT secretariat_session_is_owner() THEN
        SELECT last_seq INTO issued FROM journal_counter
         WHERE journal_id = NEW.journal_id AND period_key = NEW.period_key;
        IF issued IS NULL OR NEW.seq > issued THEN
            RAISE EXCEPTION 'номер % не выдан счетчиком журнала', NEW.number
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.number IS DISTINCT FROM OLD.number
            OR NEW.reg_date IS DISTINCT FROM OLD.reg_date THEN
        SELECT period INTO numbering FROM journal WHERE id = NEW.journal_id;
        EXECUTE format(
            'SELECT EXISTS (SELECT 1 FROM %I WHERE journal_id = $1 AND number = $2 AND id <> $3 '
            'AND ($4 = ''never'' OR extract(year FROM reg_date) = extract(year FROM $5::date)))',
            TG_TABLE_NAME)
            INTO clash USING NEW.journal_id, NEW.number, NEW.id, numbering, NEW.reg_date;
        IF clash THEN
            RAISE EXCEPTION 'номер % уже стоит на другой записи журнала в этом году', NEW.number
                USING ERRCODE = 'unique_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""

# HMAC-SHA-256 (RFC 2104) with PostgreSQL's own sha256: the key is kept as its two padded forms
LINK = """
CREATE OR REPLACE FUNCTION secretariat_audit_link(
    ipad bytea, opad bytea, s integer, prev text, at timestamp, os_user text, entity text,
    entity_id integer, action text, details jsonb)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(opad || sha256(ipad || convert_to(jsonb_build_array(
        s, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.US'), os_user, entity, entity_id, action,
        details, prev)::text, 'UTF8'))), 'hex')
$$
"""

APPEND = """
CREATE OR REPLACE FUNCTION secretariat_audit_append(events jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head record;
    k record;
    e jsonb;
    s integer;
    p text;
    h text;
    d jsonb;
    at_ts timestamp;
BEGIN
    SELECT seq, hash, keyed_from INTO head FROM audit_chain WHERE id = 1 FOR UPDATE;
    SELECT ipad, opad INTO k FROM audit_key WHERE id = 1;
    s := head.seq;
    p := head.hash;
    FOR e IN SELECT value FROM jsonb_array_elements(events) LOOP
        s := s + 1;
        at_ts := (e->>'at')::timestamp;
        d := coalesce(e->'details', '{}'::jsonb)
             || jsonb_build_object('db_user', session_user::text);
        h := secretariat_audit_link(k.ipad, k.opad, s, p, at_ts, e->>'os_user', e->>'entity',
                                    (e->>'entity_id')::integer, e->>'action', d);
        INSERT INTO audit_event (at, os_user, entity, entity_id, action, details, chain_seq,
                                 prev_hash, hash)
        VALUES (at_ts, coalesce(e->>'os_user', ''), e->>'entity', (e->>'entity_id')::integer,
                e->>'action', d::json, s, p, h);
        p := h;
    END LOOP;
    UPDATE audit_chain
       SET seq = s, hash = p,
           keyed_from = CASE WHEN keyed_from = 0 THEN head.seq + 1 ELSE keyed_from END
     WHERE id = 1;
    RETURN s;
END;
$$
"""

CHECK = """
CREATE OR REPLACE FUNCTION secretariat_audit_check(from_seq integer, prev text)
RETURNS TABLE (bad_seq integer, problem text, checked integer, last_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    k record;
    r record;
    expected integer := from_seq;
    p text := prev;
    n integer := 0;
BEGIN
    SELECT ipad, opad INTO k FROM audit_key WHERE id = 1;
    FOR r IN SELECT * FROM audit_event WHERE chain_seq >= from_seq ORDER BY chain_seq LOOP
        IF r.chain_seq <> expected THEN
            RETURN QUERY SELECT expected, 'missing'::text, n, p;
            RETURN;
        END IF;
        IF r.prev_hash <> p THEN
            RETURN QUERY SELECT r.chain_seq, 'order'::text, n, p;
            RETURN;
        END IF;
        IF secretariat_audit_link(k.ipad, k.opad, r.chain_seq, p, r.at, r.os_user, r.entity,
                                  r.entity_id, r.action, r.details::jsonb) <> r.hash THEN
            RETURN QUERY SELECT r.chain_seq, 'changed'::text, n, p;
            RETURN;
        END IF;
        p := r.hash;
        expected := expected + 1;
        n := n + 1;
    END LOOP;
    RETURN QUERY SELECT NULL::integer, ''::text, n, p;
END;
$$
"""


def _pad(key: bytes, byte: int) -> bytes:
    return bytes(b ^ byte for b in key.ljust(64, b"\0"))


def upgrade() -> None:
    op.create_table(
        "registry_role",
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(63), nullable=False),
        sa.PrimaryKeyConstraint("role"),
    )
    op.add_column(
        "audit_chain",
        sa.Column("keyed_from", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "database_identity",
        sa.Column("home", sa.String(1000), nullable=False, server_default=""),
    )
    op.add_column(
        "incoming_file", sa.Column("title", sa.String(300), nullable=False, server_default="")
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from db.roles import role_names

    names = role_names(str(bind.execute(sa.text("SELECT current_database()")).scalar()))
    for role, name in names.items():
        bind.execute(
            sa.text("INSERT INTO registry_role (role, name) VALUES (:r, :n)"),
            {"r": role, "n": name},
        )
    op.execute(
        "CREATE TABLE audit_key (id integer PRIMARY KEY, ipad bytea NOT NULL, opad bytea NOT NULL)"
    )
    key = secrets.token_bytes(32)
    bind.execute(
        sa.text("INSERT INTO audit_key (id, ipad, opad) VALUES (1, :i, :o)"),
        {"i": _pad(key, 0x36), "o": _pad(key, 0x5C)},
    )
    for statement in (IS_OWNER, APPEND_ONLY, NEXT_SEQ, NUMBERED_ROW, LINK, APPEND, CHECK):
        op.execute(statement)
    for table in ("letter", "incoming_letter"):
        op.execute(
            f"CREATE TRIGGER {table}_numbered BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION secretariat_numbered_row()"
        )
    moved = _legacy_members(bind)
    _grant(bind, names)
    for role, members in moved.items():
        option = " WITH ADMIN OPTION" if role == "admin" else ""
        for member in members:
            op.execute(f'GRANT {names[role]} TO "{member}"{option}')
    if any(moved.values()):
        _audit_moved(bind, names, moved)


def _legacy_members(bind: sa.engine.Connection) -> dict[str, list[str]]:
    """Who had a server-wide role: they keep it here, in this registry only."""
    from db.roles import LEGACY_NAMES

    moved: dict[str, list[str]] = {}
    for role, legacy in LEGACY_NAMES.items():
        members = bind.execute(
            sa.text(
                "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = :g "
                "AND m.rolname NOT LIKE 'secretariat\\_%' ORDER BY m.rolname"
            ),
            {"g": legacy},
        ).scalars()
        moved[role] = [str(m) for m in members]
    return moved


def _grant(bind: sa.engine.Connection, names: dict[str, str]) -> None:
    """The registry's roles get their rights; the server-wide roles lose theirs here."""
    from db.roles import FUNCTIONS, LEGACY_NAMES, create_statements, grant_statements

    tables = list(sa.inspect(bind).get_table_names())
    for statement in create_statements(names):
        op.execute(statement)
    for name in LEGACY_NAMES.values():
        exists = bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
        if exists.first() is None:
            continue
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}")
        op.execute(f"REVOKE ALL ON SCHEMA public FROM {name}")
    for statement in grant_statements(tables, names):
        op.execute(statement)
    op.execute("REVOKE ALL ON audit_key FROM PUBLIC")
    for signature, roles in FUNCTIONS.items():
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {', '.join(names[r] for r in roles)}")
    op.execute(
        "REVOKE ALL ON FUNCTION secretariat_audit_link(bytea, bytea, integer, text, timestamp, "
        "text, text, integer, text, jsonb) FROM PUBLIC"
    )


def _audit_moved(
    bind: sa.engine.Connection, names: dict[str, str], moved: dict[str, list[str]]
) -> None:
    import datetime as dt
    import json

    event = {
        "at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds"),
        "os_user": "",
        "entity": "user",
        "entity_id": None,
        "action": "roles_per_registry",
        "details": {"roles": names, "members": moved},
    }
    bind.execute(
        sa.text("SELECT secretariat_audit_append(CAST(:e AS jsonb))"),
        {"e": json.dumps([event], ensure_ascii=False)},
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in ("letter", "incoming_letter"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_numbered ON {table}")
        for fn in (
            "secretariat_audit_check(integer, text)",
            "secretariat_audit_append(jsonb)",
            "secretariat_audit_link(bytea, bytea, integer, text, timestamp, text, text, integer, "
            "text, jsonb)",
            "secretariat_numbered_row()",
            "secretariat_next_seq(integer, text, integer, boolean)",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
        op.execute("DROP TABLE IF EXISTS audit_key")
    with op.batch_alter_table("incoming_file") as batch:
        batch.drop_column("title")
    with op.batch_alter_table("database_identity") as batch:
        batch.drop_column("home")
    with op.batch_alter_table("audit_chain") as batch:
        batch.drop_column("keyed_from")
    op.drop_table("registry_role")
