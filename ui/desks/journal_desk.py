"""The journal as a whole: printed for a period, loaded from Excel, its gaps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.rules.changes import Changed
from app.support import clock
from app.support.progress import Progress
from ui import file_dialogs
from ui.desks import Window
from ui.operation import SAID_FOR_MS, attempt


class JournalDesk:
    def __init__(self, window: Window, parent: QWidget) -> None:
        self.window, self.parent = window, parent

    def export_journal(self) -> None:
        """The journal and the period asked first (the registry's filter proposes them)."""
        from app.services.journal.printouts import export_journal
        from ui.dialogs.journal_print_dialog import JournalPrintDialog

        query = self.window.registry_tab.make_query()
        asked = JournalPrintDialog(
            self.window.db,
            query.date_from or dt.date(clock.today().year, 1, 1),
            query.date_to or clock.today(),
            query.journal,
            self.parent,
        )
        if asked.exec() != JournalPrintDialog.DialogCode.Accepted:
            return
        start, end = asked.period
        chosen = file_dialogs.save_file(
            self.parent,
            "journal",
            "Журнал регистрации",
            f"журнал-{start:%Y-%m-%d}-{end:%Y-%m-%d}.pdf",
            "PDF (*.pdf);;Excel (*.xlsx)",
        )
        if chosen is None:
            return
        from ui.long_job import run_long

        def write(progress: Progress) -> Path:
            return export_journal(
                self.window.db, start, end, chosen[0], journal=asked.journal, progress=progress
            )

        path = attempt(
            self.window,
            lambda: run_long(
                self.parent, "Печать журнала", f"Журнал записывается в {chosen[0].name}…", write
            ),
        )
        if path is not None:
            file_dialogs.announce_saved(path, "Журнал записан")

    def import_journal(self, path: Path | None = None) -> None:
        """An Excel journal brought in with its numbers, after a check the clerk confirms."""
        from ui.dialogs.journal_import_dialog import JournalImportDialog

        journal = self.window.registry_tab.make_query().journal
        given = path if isinstance(path, Path) else None
        loaded = JournalImportDialog.run(self.window.db, self.parent, given, journal)
        if loaded:
            self.window.hub.announce(Changed.LETTERS)
            self.window.statusBar().showMessage(
                f"Из журнала загружено писем: {loaded}", SAID_FOR_MS
            )

    def show_gaps(self) -> None:
        from ui.dialogs.gaps_dialog import GapsDialog

        journal = self.window.registry_tab.make_query().journal
        dialog = GapsDialog(self.window.db, journal, self.parent)
        dialog.open_requested.connect(self.window.open_letter)
        dialog.exec()
