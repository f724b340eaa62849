"""Starting the window: the Qt application, the database, and a clear message when either fails.

A database that cannot be used (damaged, foreign, newer) gets the offer to restore the latest
backup. The daily backup runs in the background a few seconds after start; the backup at exit
runs after the window closed. After a restore from the window, the window is built again.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from app.support.errors import UnusableDatabaseError, UserError

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

EXIT_AFTER_ENV = "SECRETARIAT_EXIT_AFTER_MS"  # for smoke runs on machines without a person
# for the benchmark: print «ready» once the registry shows its first page, then quit (no backups)
STARTUP_PROBE_ENV = "SECRETARIAT_STARTUP_PROBE"
# imported on a worker thread at start-up while the window paints (ui/answering_import.py): the
# database layer and the services the window's tabs build on (no Qt in them). A module missing
# here is imported by the tab itself, on the window's thread, as before
WINDOW_SERVICES = (
    "app.services.safety.opening",
    "app.services.registry.letter_list",
    "app.services.registry.letters",
    "app.services.directory.recipients",
    "app.services.directory.recipient_io",
    "app.services.control.reports",
    "app.services.execution.control_view",
    "app.services.incoming.listing",
    "app.services.safety.backup",
)
DAILY_BACKUP_DELAY_MS = 5_000


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _offer_latest_backup(exc: UnusableDatabaseError, title: str) -> bool:
    """Ask to restore the newest backup over an unusable database; True when restored."""
    from PySide6.QtWidgets import QMessageBox

    from ui.restore_flow import restore_asking, show_result

    latest = exc.latest_backup
    if not isinstance(exc.path, Path) or not isinstance(latest, Path):
        QMessageBox.critical(None, title, f"{exc}\n\nРезервных копий не найдено.")
        return False
    answer = QMessageBox.question(
        None,
        title,
        f"{exc}\n\nОткрыть эту резервную копию? Текущий файл базы будет сохранен рядом, не удален.",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    result = restore_asking(None, exc.path, latest)
    if result is None:
        return False
    show_result(None, result, exc.path)
    return True


def _automatic_backup(db: Any, kind: str) -> str:
    """The daily or exit backup; an error message, or "" (no message for a server database)."""
    from app.services.safety.backup import automatic_backup
    from app.support.settings import backup_folder

    path = db.sqlite_path
    if path is None or db.read_only:
        return ""
    try:
        automatic_backup(db, backup_folder(path), kind)
    except UserError as exc:
        return str(exc)
    return ""


def peak_memory_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MB; 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _StallMeter:
    """The start-up probe's measure of how long the window's thread went without handling its
    events: a timer every 10 ms, and the longest gap between its ticks."""

    def __init__(self) -> None:
        import time

        from PySide6.QtCore import QTimer

        self._clock = time.perf_counter
        self._last = self._clock()
        self.longest_ms = 0.0
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = self._clock()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000)
        self._last = now

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        return self.longest_ms


def _probe_startup(window: Any, app: Any, stalls: _StallMeter | None) -> None:
    def shown() -> None:
        window.registry_tab.refreshed.disconnect(shown)
        window.repaint()  # the first page painted, not only fetched
        rows = window.registry_tab.model.rowCount()
        stall = stalls.stop() if stalls is not None else 0.0
        print(f"ready rows={rows} peak_mb={peak_memory_mb():.1f} stall_ms={stall:.0f}", flush=True)
        app.quit()

    window.registry_tab.refreshed.connect(shown)


def _schedule(window: Any, db: Any) -> None:
    """The daily backup a few seconds after start; the smoke-run exit when asked for."""
    from PySide6.QtCore import QTimer

    from ui.background import Background

    background = Background(window)

    def daily() -> None:
        def done(message: object) -> None:
            if message:
                window.statusBar().showMessage(f"Ежедневная копия: {message}", 30_000)

        background.run("daily-backup", lambda: _automatic_backup(db, "daily"), done)

    QTimer.singleShot(DAILY_BACKUP_DELAY_MS, daily)
    exit_after = os.environ.get(EXIT_AFTER_ENV, "")
    if exit_after.isdigit():
        QTimer.singleShot(int(exit_after), window.close)


def show_unexpected(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """``sys.excepthook`` of the window: an error no handler took is logged to ``crash.log``
    and told in Russian (a damaged file, a full disk, a refused file: what to do), never as a
    traceback on a terminal nobody watches."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.support.crash import clerk_message, write_crash_log
    from ui.background import sentence

    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    message = clerk_message(error)
    if message is not None:
        message = sentence(message)
    else:
        log = write_crash_log(kind, error, trace)
        where = f"\n\nПодробности записаны в {log}" if log else ""
        message = (
            "Внутренняя ошибка программы; последнее действие могло не выполниться. "
            f"Данные, сохраненные раньше, не затронуты.{where}"
        )
    if QApplication.instance() is not None:
        QMessageBox.critical(QApplication.activeWindow(), "Секретариат", message)
    print(f"secretariat: {message}", file=sys.stderr)


def program_icon() -> QIcon:
    """The program's icon, drawn from SVG at whatever size and scaling the screen asks."""
    from PySide6.QtGui import QIcon

    from app.support.paths import resource_path

    return QIcon(str(resource_path("icons", "secretariat.svg")))


def _paint_first_page(window: Any, db_target: str | None, probe: bool) -> None:
    """The registry's first page read with plain sqlite3 and painted in the frame, before the
    ORM and the window's modules are imported (an embedded registry at the program's schema
    whose tab in front is the registry; otherwise the window waits for its full start)."""
    from PySide6.QtWidgets import QApplication

    from app.support.connection import database_target
    from app.support.paths import expanded

    try:
        target = database_target(db_target)
        if "://" in target or not window.opens_on_registry():
            return
        path = expanded(target)
    except UserError:
        return  # said by the full start, a moment later
    from app.services.registry.first_page import read_first_page
    from app.services.registry.letter_rows import COUNT_CAP
    from ui.widgets.table_model import PAGE_SIZE

    page = read_first_page(path, limit=PAGE_SIZE, cap=COUNT_CAP)
    if page is None:
        return
    window.show_first_page(page)
    QApplication.processEvents()
    if probe:
        print(f"page rows={len(page.rows)}", flush=True)


def run(db_target: str | None) -> int:
    if not _has_display():
        print(
            "secretariat: нет графического экрана (DISPLAY не задан); запустите программу в "
            "графическом сеансе или задайте QT_QPA_PLATFORM=offscreen",
            file=sys.stderr,
        )
        return 2
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.index_progress import IndexProgress
    from ui.main_window import APP_TITLE, MainWindow
    from ui.translations import install_russian

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_TITLE)
    QApplication.setDesktopFileName("secretariat")  # the .desktop entry's name (Wayland)
    QApplication.setWindowIcon(program_icon())
    sys.excepthook = show_unexpected
    install_russian(app)
    from ui.collector import MainThreadCollector

    MainThreadCollector(app)  # cycles freed on this thread only: Qt objects die where they live
    probe = bool(os.environ.get(STARTUP_PROBE_ENV))
    while True:
        window = MainWindow()  # the frame first, painted before the registry is opened
        window.show()
        QApplication.processEvents()  # mapped and painted
        stalls = _StallMeter() if probe else None  # from the frame painted to the window built
        if probe:
            print("frame", flush=True)
        _paint_first_page(window, db_target, probe)
        from ui.answering_import import import_answering

        import_answering(WINDOW_SERVICES)  # the window painting meanwhile
        if not window.isVisible():  # closed by the clerk meanwhile: nothing left to open
            return 0
        from app.services.safety.opening import open_registry

        progress = IndexProgress(APP_TITLE)
        try:
            db = open_registry(db_target, progress=progress)
        except UnusableDatabaseError as exc:
            window.close()
            print(f"secretariat: {exc}", file=sys.stderr)
            if _offer_latest_backup(exc, APP_TITLE):
                continue
            return 2
        except UserError as exc:
            window.close()
            QMessageBox.critical(None, APP_TITLE, str(exc))
            print(f"secretariat: {exc}", file=sys.stderr)
            return 2
        finally:
            progress.close()
        window.build(db)
        if probe:
            _probe_startup(window, app, stalls)
            code = app.exec()
            QThreadPool.globalInstance().waitForDone(30_000)
            db.dispose()
            return int(code)
        from ui.copy_question import settle_copy

        settle_copy(window, db, APP_TITLE)  # before the first automatic copy is taken
        _schedule(window, db)
        code = app.exec()
        QThreadPool.globalInstance().waitForDone(120_000)  # a daily copy still being written
        if window.reopen_requested:
            db.dispose()
            continue
        problem = _automatic_backup(db, "exit")
        if problem:
            print(f"secretariat: резервная копия при выходе не создана: {problem}", file=sys.stderr)
        db.dispose()
        return int(code)
