"""``secretariat check``: is the database whole and at the program's schema?"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from db.engine import Database
from db.schema import schema_state


@dataclass
class CheckReport:
    database: str
    schema: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(db: Database) -> CheckReport:
    report = CheckReport(database=db.url)
    state = schema_state(db)
    report.schema = state.current or "—"
    if not state.is_current:
        report.problems.append(
            f"версия схемы {state.current or 'нет'}, программе нужна {state.head}"
        )
    if db.is_sqlite:
        with db.read_engine.connect() as conn:
            integrity = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                report.problems.extend(f"integrity_check: {line}" for line in integrity[:20])
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            report.problems.extend(
                f"foreign_key_check: таблица {t}, строка {rowid}, ссылка на {parent}"
                for t, rowid, parent, _fk in broken[:20]
            )
            conn.rollback()
    else:
        with db.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    return report
