"""Who may do what on a shared registry (PostgreSQL): three roles the database itself enforces.

- ``reader`` — search, view, print, export: SELECT on every table;
- ``registrar`` — also register, reserve, annul, dispatch, report control, recipients, files:
  writes on the tables of that work, INSERT only on the audit, nothing on journals, staff, the
  organization, or the schema;
- ``admin`` — everything, and grants the roles (``secretariat users grant|revoke|list``).

The roles are PostgreSQL group roles of this registry alone (``secretariat_<database>_reader`` …,
made by migration 0019, their names in ``registry_role``): a grant in one registry gives nothing in
another on the same server, and every grant is an event in that registry's audit. A workstation
connects as its own login user, made a member of one of them. The database's owner and superusers
are administrators. An embedded SQLite registry has one workstation and no roles: everyone is its
administrator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.storage import audit
from app.support.errors import UserError
from db.engine import Database
from db.models import RegistryRole
from db.roles import ROLES

LABELS = {"reader": "чтение", "registrar": "регистратор", "admin": "администратор"}
RANK = {role: i for i, role in enumerate(ROLES)}
_USER = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


@dataclass(frozen=True)
class DbUser:
    name: str
    role: str  # reader | registrar | admin
    login: bool


def current_role(db: Database) -> str:
    """The role of whoever this program is connected as: "admin" on SQLite, for the owner and
    for superusers; "" for a server user given no role."""
    if db.is_sqlite:
        return "admin"
    with db.read() as session:
        return _role_in(session)


def _role_in(session: Session) -> str:
    row = session.execute(
        text(
            "SELECT r.rolsuper OR d.datdba = r.oid FROM pg_roles r, pg_database d "
            "WHERE r.rolname = current_user AND d.datname = current_database()"
        )
    ).first()
    if row is not None and row[0]:
        return "admin"
    names = role_names_in(session)
    for role in reversed(ROLES):
        member = session.execute(
            text("SELECT pg_has_role(current_user, :name, 'MEMBER')"), {"name": names[role]}
        ).scalar()
        if member:
            return role
    return ""


def role_names_in(session: Session) -> dict[str, str]:
    """This registry's own role names (migration 0019)."""
    names = {r.role: r.name for r in session.scalars(select(RegistryRole))}
    if set(names) != set(ROLES):
        raise UserError("В базе нет ролей этого реестра: обновите ее программой от имени владельца")
    return names


def require(db: Database, needed: str, what: str) -> None:
    """Refuse ``what`` (in the clerk's words) unless the connection has the ``needed`` role."""
    role = current_role(db)
    if RANK.get(role, -1) >= RANK[needed]:
        return
    have = f"у вас роль «{LABELS[role]}»" if role else "у вас нет роли в этой базе"
    raise UserError(
        f"Недостаточно прав: {what} может только {LABELS[needed]}; {have} "
        "(права выдает администратор: secretariat users grant)"
    )


def check_user(name: str) -> str:
    if not _USER.match(name):
        raise UserError(
            f"Пользователь базы «{name}»: латинские строчные буквы, цифры, «_», «.», «-»; "
            "до 63 знаков"
        )
    return name


def _server(db: Database) -> None:
    if db.is_sqlite:
        raise UserError(
            "Во встроенной базе SQLite ролей нет: она на одном рабочем месте, и все права — "
            "у ее пользователя. Роли есть на PostgreSQL"
        )


def grant(db: Database, user: str, role: str) -> None:
    """Make the server's login user a member of exactly this role (the others revoked)."""
    _server(db)
    require(db, "admin", "выдавать права")
    with db.write() as session:
        grant_in(session, user, role)


def missing_users(session: Session, users: list[str]) -> list[str]:
    """Those of ``users`` the server has no login for (checked before any grant is made)."""
    found = set(
        session.scalars(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:u)"), {"u": users})
    )
    return [u for u in users if u not in found]


def grant_in(session: Session, user: str, role: str) -> None:
    """``grant`` inside the caller's transaction (several users granted at once, or none)."""
    if role not in ROLES:
        raise UserError(f"Роль «{role}»: допустимо {', '.join(ROLES)}")
    user = check_user(user)
    names = role_names_in(session)
    if missing_users(session, [user]):
        raise UserError(
            f"На сервере нет пользователя «{user}»; его создает администратор сервера "
            f"(CREATE ROLE {user} LOGIN PASSWORD '…')"
        )
    for other in ROLES:
        if other != role:
            session.execute(text(f'REVOKE {names[other]} FROM "{user}"'))
    option = " WITH ADMIN OPTION" if role == "admin" else ""
    session.execute(text(f'GRANT {names[role]} TO "{user}"{option}'))
    audit.record(session, "user", None, "role_granted", name=user, role=role)


def revoke(db: Database, user: str) -> None:
    _server(db)
    require(db, "admin", "отзывать права")
    user = check_user(user)
    with db.write() as session:
        names = role_names_in(session)
        for role in ROLES:
            session.execute(text(f'REVOKE {names[role]} FROM "{user}"'))
        audit.record(session, "user", None, "role_revoked", name=user)


def list_users(db: Database) -> list[DbUser]:
    _server(db)
    require(db, "admin", "смотреть список пользователей")
    with db.read() as session:
        names = role_names_in(session)
        rows = session.execute(
            text(
                "SELECT m.rolname, g.rolname, m.rolcanlogin FROM pg_auth_members a "
                "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
                "WHERE g.rolname = ANY(:groups) ORDER BY m.rolname"
            ),
            {"groups": list(names.values())},
        ).all()
    by_name = {v: k for k, v in names.items()}
    best: dict[str, DbUser] = {}
    for member, group, login in rows:
        role = by_name[group]
        if member in names.values():
            continue  # the groups among themselves
        if member not in best or RANK[role] > RANK[best[member].role]:
            best[member] = DbUser(member, role, bool(login))
    return list(best.values())
