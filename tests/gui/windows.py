"""Every dialog of the program and how a test opens it, on the demo registry: the size, keyboard
and accessibility tests walk them all."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
)

import ui
from app.services.registry.letters import letter_id_by_number
from db.engine import Database
from tests.support.places import ROOT


def dialog_classes() -> dict[str, type[QDialog]]:
    found: dict[str, type[QDialog]] = {}
    for module in pkgutil.walk_packages(ui.__path__, "ui."):
        if module.name in {"ui.__main__", "ui.launcher"}:
            continue
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if (
                inspect.isclass(value)
                and issubclass(value, QDialog)
                and value.__module__ == module.name
                and not name.startswith("_")
            ):
                found[f"{module.name}.{name}"] = value
    # a dialog's parts in a class of their own (the letter form, its mapping) open as the
    # dialog made of them
    return {
        name: cls
        for name, cls in found.items()
        if not any(other is not cls and issubclass(other, cls) for other in found.values())
    }


def _control(db: Database) -> Any:
    from app.services.control.reports import letter_control

    return letter_control(db, letter_id_by_number(db, "1893/5"), today=dt.date(2025, 12, 3))


def _incoming(db: Database) -> Any:
    from app.services.incoming.detail import incoming_detail
    from app.services.incoming.listing import IncomingQuery, list_incoming

    row = list_incoming(db, IncomingQuery())[0]
    return incoming_detail(db, row.id)


def _draft(tmp: Path) -> Path:
    from tests.support.drafts import governor_in_table

    return governor_in_table(tmp / "draft.docx")


# how to open each dialog on the demo registry (db, a folder) — every dialog class of ``ui``
FACTORIES: dict[str, Callable[[Database, Path], QDialog]] = {
    "ui.dialogs.arrivals_dialog.ArrivalsDialog": lambda db, t: _d("arrivals_dialog.ArrivalsDialog")(
        _with_arrivals(db, t)
    ),
    "ui.dialogs.audit_dialog.AuditDialog": lambda db, _t: _d("audit_dialog.AuditDialog")(db),
    "ui.dialogs.backup_dialog.BackupDialog": lambda db, _t: _d("backup_dialog.BackupDialog")(
        db, __import__("app.support.settings", fromlist=["Settings"]).Settings()
    ),
    "ui.dialogs.connection_dialog.ConnectionDialog": lambda db, _t: _d(
        "connection_dialog.ConnectionDialog"
    )(db.where),
    "ui.dialogs.control_dialog.ControlDialog": lambda db, _t: _d("control_dialog.ControlDialog")(
        db, letter_id_by_number(db, "1893/5")
    ),
    "ui.dialogs.control_dialogs.ExtendDialog": lambda db, _t: _d("control_dialogs.ExtendDialog")(
        _control(db), 1
    ),
    "ui.dialogs.control_dialogs.RemindDialog": lambda db, _t: _d("control_dialogs.RemindDialog")(
        _control(db), 1
    ),
    "ui.dialogs.discipline_dialog.DisciplineDialog": lambda db, _t: _d(
        "discipline_dialog.DisciplineDialog"
    )(db),
    "ui.dialogs.dispatch_dialog.DispatchDialog": lambda db, t: _d("dispatch_dialog.DispatchDialog")(
        db, letter_id_by_number(db, "1893/5"), folder=t
    ),
    "ui.dialogs.draft_dialog.DraftDialog": lambda db, t: _d("draft_dialog.DraftDialog")(
        db, _draft(t), None
    ),
    "ui.dialogs.duplicates_dialog.DuplicatesDialog": lambda db, _t: _d(
        "duplicates_dialog.DuplicatesDialog"
    )(db),
    "ui.dialogs.gaps_dialog.GapsDialog": lambda db, _t: _d("gaps_dialog.GapsDialog")(db),
    "ui.dialogs.import_dialog.ImportDialog": lambda db, _t: _d("import_dialog.ImportDialog")(
        db,
        __import__("app.services.directory.recipient_io", fromlist=["x"]).plan_import(
            db, ROOT / "resources" / "samples" / "regional-executive-bodies.csv"
        ),
    ),
    "ui.dialogs.incoming_dialogs.IncomingDialog": lambda db, _t: _d(
        "incoming_dialogs.IncomingDialog"
    )(db),
    "ui.dialogs.incoming_dialogs.IncomingCardDialog": lambda db, _t: _d(
        "incoming_dialogs.IncomingCardDialog"
    )(db, _incoming(db).id),
    "ui.dialogs.resolution_dialogs.ResolutionDialog": lambda db, _t: _d(
        "resolution_dialogs.ResolutionDialog"
    )(db, _incoming(db)),
    "ui.dialogs.resolution_dialogs.ProgressDialog": lambda db, _t: _d(
        "resolution_dialogs.ProgressDialog"
    )(db, _incoming(db)),
    "ui.dialogs.resolution_dialogs.ExtendDialog": lambda db, _t: _d(
        "resolution_dialogs.ExtendDialog"
    )(db, _incoming(db)),
    "ui.dialogs.resolution_dialogs.DoneDialog": lambda db, _t: _d("resolution_dialogs.DoneDialog")(
        db, _incoming(db)
    ),
    "ui.dialogs.journal_import_dialog.JournalImportDialog": lambda db, t: _d(
        "journal_import_dialog.JournalImportDialog"
    )(db, _journal_csv(t)),
    "ui.dialogs.journal_print_dialog.JournalPrintDialog": lambda db, _t: _d(
        "journal_print_dialog.JournalPrintDialog"
    )(db, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    "ui.dialogs.letter_dialog.LetterDialog": lambda db, _t: _d("letter_dialog.LetterDialog")(db),
    "letter card": lambda db, _t: _d("letter_dialog.LetterDialog")(
        db, letter_id=letter_id_by_number(db, "1893/5")
    ),
    "ui.dialogs.mailing_dialog.MailingDialog": lambda db, t: _d("mailing_dialog.MailingDialog")(
        db, letter_id_by_number(db, "1893/5"), "1893/5", 85, folder=t
    ),
    "ui.dialogs.preview_dialog.PreviewDialog": lambda db, _t: _d("preview_dialog.PreviewDialog")(
        db, letter_id_by_number(db, "710/5"), "710/5"
    ),
    "ui.dialogs.nomenclature_page.NomenclatureDialog": lambda db, _t: _d(
        "nomenclature_page.NomenclatureDialog"
    )(db),
    "ui.dialogs.nomenclature_page.CaseDialog": lambda db, _t: _d("nomenclature_page.CaseDialog")(
        db,
        2025,
        __import__("app.services.cases.nomenclature", fromlist=["x"])
        .nomenclature(db, 2025)
        .cases[2],
        ["01. Руководство", "02. Отдел качества"],
    ),
    "ui.dialogs.file_to_case.FileToCaseDialog": lambda db, _t: _d("file_to_case.FileToCaseDialog")(
        db, incoming=True, row_id=_incoming(db).id, number="3-вх", year=2025, proposed="5"
    ),
    "ui.dialogs.receive_dialog.ReceiveDialog": lambda db, _t: _d("receive_dialog.ReceiveDialog")(
        db, _control(db), _control(db).recipients[0]
    ),
    "ui.dialogs.settings_dialog.SettingsDialog": lambda db, _t: _d(
        "settings_dialog.SettingsDialog"
    )(db),
    "ui.dialogs.staff_dialog.StaffDialog": lambda db, _t: _d("staff_dialog.StaffDialog")(
        db,
        __import__("app.services.organization.profile", fromlist=["x"]).StaffData(
            code="dozhdikov", last_name="Дождиков"
        ),
    ),
    "ui.dialogs.versions_dialog.VersionsDialog": lambda db, _t: _d(
        "versions_dialog.VersionsDialog"
    )(db, letter_id_by_number(db, "710/5"), "710/5"),
    "ui.restore_flow.LastNumbersDialog": lambda _db, _t: _d("LastNumbersDialog", "ui.restore_flow")(
        {"РСК": 2174, "5": 1894}
    ),
}


def _with_arrivals(db: Database, tmp: Path) -> Database:
    """Two e-mails waiting in the queue, one of them unreadable."""
    from app.services.arrivals.fetch import fetch_arrivals

    good = tmp / "appeal.eml"
    good.write_bytes(
        "From: Иван Петров <petrov@example.org>\nSubject: Обращение по поводу конкурса\n"
        "Message-ID: <a@example.org>\nContent-Type: text/plain; charset=utf-8\n\n"
        "Прошу разъяснить порядок участия.\n".encode()
    )
    bad = tmp / "empty.eml"
    bad.write_bytes(b"")
    fetch_arrivals(db, [], [good, bad])
    return db


def _d(name: str, package: str = "ui.dialogs") -> Any:
    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module(f"{package}.{module}" if module else package), cls)


def _journal_csv(tmp: Path) -> Path:
    path = tmp / "journal.csv"
    path.write_text(
        "Дата;Номер;Адресат;Заголовок\n01.02.2025;15/5;Губернатору;О проверке\n",
        encoding="utf-8",
    )
    return path
