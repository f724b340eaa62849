"""«Отправка письма»: every copy with its method and state, one button that sends them all (МЭДО
containers, e-mails as files or through SMTP, envelopes and form 103 for the post), marks by hand,
МЭДО receipts, the dispatch sheet, envelopes to print, and the history of the selected copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.exporters.envelope_pdf import SIZES
from app.rules.states import CopyState
from app.services.dispatch.record import (
    COPY_STATES,
    EMAIL,
    MEDO,
    CopyDispatch,
    LetterDispatch,
    apply_receipt,
    dispatch_status,
    export_dispatch_sheet,
    mark,
    when_text,
)
from app.services.dispatch.run import Outcome, dispatch_letter, envelopes_pdf
from app.services.organization.profile import get_organization
from app.services.output.letter_export import safe_name
from app.services.registry.letters import DELIVERY_STATE_LABELS
from app.support.errors import UserError
from app.support.settings import ca_folder
from app.support.text import date_ru
from db.engine import Database
from ui import palette
from ui.background import Background, message_of
from ui.file_dialogs import announce_saved, start_folder
from ui.fit import keep_splitter, open_sized

COLUMNS = ("№", "Адресат", "Способ", "Куда", "Состояние", "Когда", "Кто", "Примечание")
HISTORY = ("Когда", "Кто", "Состояние", "Как", "Файл", "SHA-256", "Примечание")
SOURCES = {"export": "выгрузка", "smtp": "SMTP", "manual": "вручную", "receipt": "квитанция"}
STATE_COLOURS: dict[str, str] = {  # a copy's state, and the letter's
    CopyState.DELIVERED: palette.GOOD,
    CopyState.SENT: palette.GOOD,
    CopyState.PREPARED: palette.WARNING,
    CopyState.UNSIGNED: palette.WARNING,
    CopyState.ERROR: palette.ERROR,
}


def _where(c: CopyDispatch) -> str:
    if c.method == MEDO:
        return c.medo_address or "нет адреса МЭДО"
    if c.method == EMAIL:
        return c.email or "нет адреса"
    return ", ".join(p for p in (c.postcode, c.address) if p)


def outcome_text(outcome: Outcome) -> str:
    parts = [f"{m}: подготовлено {n}" for m, n in outcome.prepared.items()]
    parts += [f"{m}: отправлено {n}" for m, n in outcome.sent.items()]
    parts += [f"{m}: на подпись {n}" for m, n in outcome.unsigned.items()]
    lines = ["; ".join(parts) if parts else "Отправлять некому"]
    lines += [f"Подпись {line}" for line in outcome.signed]
    if outcome.prepared.get(MEDO):
        lines.append("Контейнеры МЭДО с подписью готовы: отправьте их в клиенте МЭДО.")
    if outcome.to_sign:
        lines.append(
            "Подпишите открепленной подписью (КриптоАРМ, клиент МЭДО), затем укажите подпись "
            "в поле «Подпись МЭДО» и нажмите «Отправить»:"
        )
        lines += [f"    {path}" for path in outcome.to_sign]
    if outcome.already:
        lines.append(f"Уже отправлены раньше: {len(outcome.already)}.")
    lines += [f"Вручную: {line}" for line in outcome.manual]
    lines += outcome.notes
    lines += [f"Не отправлено: {line}" for line in outcome.problems]
    return "\n".join(lines)


class DispatchDialog(QDialog):
    changed = Signal()

    def __init__(
        self,
        db: Database,
        letter_id: int,
        parent: QWidget | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.letter_id = db, letter_id
        self.status: LetterDispatch = dispatch_status(db, letter_id)
        self.background = Background(self)
        self.outcome: Outcome | None = None
        self._options: tuple[Path, dict[str, Any]] = (Path(), {})
        self.setWindowTitle(f"Отправка письма № {self.status.number}")
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.table = self._table(COLUMNS)
        self.table.setAccessibleName("Адресаты и способы отправки")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.itemSelectionChanged.connect(self._fill_history)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self._mark_menu().exec(self.table.viewport().mapToGlobal(pos))
        )
        self.history = self._table(HISTORY)
        self.history.setAccessibleName("История отправки")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.history)
        splitter.setSizes([420, 140])
        keep_splitter(splitter, "dispatch")

        self.folder = QLineEdit(
            str(folder or start_folder("dispatch") / safe_name(f"{self.status.number} отправка"))
        )
        self.folder.setAccessibleName("Папка для файлов отправки")
        browse = QPushButton("Обзор…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.envelope = QComboBox()
        for size in SIZES:
            self.envelope.addItem(
                {"DL": "DL (E65), 110×220 мм", "C5": "C5, 162×229 мм", "C4": "C4, 229×324 мм"}[
                    size
                ],
                size,
            )
        self.envelope.setCurrentIndex(list(SIZES).index("DL"))
        org = get_organization(db)
        self.smtp = QCheckBox("Отправить e-mail через почтовый сервер организации (SMTP)")
        self.smtp.setEnabled(bool(org and org.smtp_host))
        if org and org.smtp_host:
            self.smtp.setToolTip(
                f"{org.smtp_host}:{org.smtp_port}, {org.smtp_login or 'без входа'}"
            )
        else:
            self.smtp.setToolTip("Почтовый сервер не указан: Настройки → Организация")
        self.again = QCheckBox("И тем, кому уже отправлено")
        self.signatures = QLineEdit()
        self.signatures.setAccessibleName("Файлы открепленной подписи")
        self.signatures.setPlaceholderText(
            "файлы .sig открепленной подписи document.pdf (несколько — через «;»)"
        )
        self.signatures.setToolTip(
            "Без подписи для МЭДО готовится документ на подпись (document.pdf); подписанный "
            "в КриптоАРМ или клиенте МЭДО, он вместе с подписью собирается в контейнер"
        )
        choose = QPushButton("Выбрать…")
        choose.clicked.connect(self._choose_signatures)
        signature_row = QHBoxLayout()
        signature_row.addWidget(self.signatures, 1)
        signature_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("Папка для файлов:", folder_row)
        form.addRow("Подпись МЭДО:", signature_row)
        form.addRow("Конверты:", self.envelope)
        form.addRow("", self.smtp)
        form.addRow("", self.again)

        self.report = QLabel("")
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, shortcut, slot in (
            ("send", "Отправить", "Ctrl+Return", self.send),
            ("mark", "Отметить…", "Ctrl+M", self._show_mark_menu),
            ("receipt", "Квитанция МЭДО…", "Ctrl+R", self.load_receipts),
            ("envelopes", "Печать конвертов…", "Ctrl+P", self.print_envelopes),
            ("sheet", "Лист рассылки…", "Ctrl+L", self.save_sheet),
            ("post", "Форма 103 за сегодня…", "Ctrl+F", self.save_post_list),
        ):
            button = QPushButton(text)
            button.setShortcut(QKeySequence(shortcut))
            button.setToolTip(f"{text.rstrip('…')} ({shortcut})")
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton("Закрыть")
        close.clicked.connect(self.reject)
        row.addWidget(close)
        self.buttons["send"].setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        layout.addLayout(form)
        layout.addWidget(self.report)
        layout.addLayout(row)
        open_sized(self, "dispatch", QSize(1100, 720))
        self._fill()

    @staticmethod
    def _table(columns: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(list(columns))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        return table

    # --- view -------------------------------------------------------------------------------

    def reload(self) -> None:
        self.status = dispatch_status(self.db, self.letter_id)
        self._fill()
        self.changed.emit()

    def _fill(self) -> None:
        s = self.status
        done, total = s.count(CopyState.SENT, CopyState.DELIVERED), len(s.copies)
        errors = s.count(CopyState.ERROR)
        colour = STATE_COLOURS.get(s.state, "")
        state = DELIVERY_STATE_LABELS.get(s.state, s.state)
        self.header.setText(
            f"<b>Письмо № {s.number} от {date_ru(s.reg_date)}</b> — {s.subject}<br>"
            f"<b style='color:{colour}'>{state}</b> · отправлено <b>{done}</b> из {total}"
            f" · подготовлено: {s.count(CopyState.PREPARED)}"
            + (f" · на подписи: {unsigned}" if (unsigned := s.count(CopyState.UNSIGNED)) else "")
            + " · ошибок: "
            f"<b style='color:{palette.ERROR if errors else ''}'>{errors}</b>"
            f" · не отправлено: {s.count('not_sent')}"
        )
        selected = {i.row() for i in self.table.selectionModel().selectedRows()}
        self.table.setRowCount(len(s.copies))
        for r, c in enumerate(s.copies):
            values = (
                str(c.position),
                c.name,
                c.method or "—",
                _where(c),
                c.label,
                when_text(c.at),
                c.by,
                c.note,
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text if col in (1, 3, 7) else "")
                if col == 4 and c.state in STATE_COLOURS:
                    item.setForeground(QBrush(QColor(STATE_COLOURS[c.state])))
                self.table.setItem(r, col, item)
        for col, width in enumerate((36, 300, 120, 220, 110, 120, 70)):
            self.table.setColumnWidth(col, width)
        for r in selected:
            if r < len(s.copies):
                self.table.selectRow(r)
        self._fill_history()

    def selected(self) -> list[CopyDispatch]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.status.copies[r] for r in rows if r < len(self.status.copies)]

    def _fill_history(self) -> None:
        ids = {c.addressee_id for c in self.selected()}
        steps = [h for h in self.status.history if h.addressee_id in ids]
        self.history.setRowCount(len(steps))
        for r, h in enumerate(steps):
            values = (
                when_text(h.at),
                h.by,
                COPY_STATES.get(h.state, h.state),
                SOURCES.get(h.source, h.source),
                h.file_name,
                h.sha256[:16],
                h.note,
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(h.sha256 if col == 5 else text)
                self.history.setItem(r, col, item)
        for col, width in enumerate((120, 80, 110, 90, 300, 140)):
            self.history.setColumnWidth(col, width)

    def show_message(self, text: str, error: bool = False) -> None:
        self.report.setStyleSheet(f"color: {palette.ERROR};" if error else "")
        self.report.setText(text)

    # --- actions ----------------------------------------------------------------------------

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, "Папка для файлов отправки", self.folder.text()
        )
        if path:
            self.folder.setText(path)

    def _choose_signatures(self) -> None:
        start = Path(self.folder.text().strip() or Path.home()) / "МЭДО" / "На подпись"
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            "Открепленные подписи документов МЭДО",
            str(start if start.is_dir() else Path(self.folder.text().strip() or Path.home())),
            "Подписи (*.sig *.p7s *.sgn);;Все файлы (*)",
        )
        if paths:
            self.signatures.setText("; ".join(paths))

    def send(self) -> None:
        """Every copy not yet sent, by its method; off the UI thread."""
        folder = self.folder.text().strip()
        if not folder:
            self.show_message("Укажите папку для файлов", error=True)
            return
        options: dict[str, Any] = {
            "send": self.smtp.isChecked(),
            "envelope": self.envelope.currentData(),
            "again": self.again.isChecked(),
            "signatures": [Path(p.strip()) for p in self.signatures.text().split(";") if p.strip()],
            "authorities": ca_folder(),
        }
        self._run(Path(folder), options)

    def _run(self, folder: Path, options: dict[str, Any]) -> None:
        self.buttons["send"].setEnabled(False)
        self.show_message("Идет отправка…")
        self._options = (folder, options)

        def work() -> Outcome:
            return dispatch_letter(self.db, self.letter_id, folder, **options)

        self.background.run("send", work, self._sent, self._failed)

    def _sent(self, outcome: Outcome) -> None:
        self.buttons["send"].setEnabled(True)
        if outcome.other_signer and self._accept_other_signer(outcome.other_signer):
            folder, options = self._options
            self._run(folder, {**options, "accept_signer": True})
            return
        self.outcome = outcome
        self.show_message(outcome_text(outcome), error=bool(outcome.problems))
        self.reload()

    def _accept_other_signer(self, reasons: list[str]) -> bool:
        """A signature by someone other than the signatory: sent only when the clerk says so,
        under their name in the audit."""
        answer = QMessageBox.question(
            self,
            "Подпись не подписанта письма",
            "Сертификат подписи — не подписанта письма:\n"
            + "\n".join(reasons)
            + "\n\nОтправить с этой подписью под вашу ответственность? Решение будет записано "
            "в журнал изменений под вашим именем.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _failed(self, error: Exception) -> None:
        self.buttons["send"].setEnabled(True)
        self.show_message(message_of(error) if isinstance(error, UserError) else str(error), True)
        self.reload()

    def _mark_menu(self) -> QMenu:
        menu = QMenu(self)
        for state in (CopyState.SENT, CopyState.DELIVERED, CopyState.ERROR, CopyState.NOT_SENT):
            action = menu.addAction(f"{COPY_STATES[state]}")
            action.triggered.connect(lambda _checked=False, s=state: self.mark_selected(s))
            action.setEnabled(bool(self.selected()))
        return menu

    def _show_mark_menu(self) -> None:
        button = self.buttons["mark"]
        self._mark_menu().exec(button.mapToGlobal(button.rect().bottomLeft()))

    def mark_selected(self, state: str, note: str | None = None) -> None:
        chosen = self.selected()
        if not chosen:
            return
        if note is None and state == CopyState.ERROR:
            note, ok = QInputDialog.getText(
                self, "Ошибка доставки", "Что сообщил оператор или получатель:"
            )
            if not ok:
                return
        try:
            mark(self.db, self.letter_id, [str(c.position) for c in chosen], state, note or "")
        except UserError as exc:
            self.show_message(message_of(exc), error=True)
            return
        self.show_message(f"{COPY_STATES[state]}: копий — {len(chosen)}")
        self.reload()

    def load_receipts(self, paths: list[str] | None = None) -> None:
        if not paths:
            paths, _ = QFileDialog.getOpenFileNames(
                self, "Квитанции МЭДО", self.folder.text(), "Квитанции МЭДО (*.xml)"
            )
        lines, failed = [], False
        for path in paths or []:
            try:
                result = apply_receipt(self.db, Path(path))
                lines.append(f"{result.recipient}: {COPY_STATES[result.state].lower()}")
            except UserError as exc:
                lines.append(message_of(exc))
                failed = True
        if lines:
            self.show_message("\n".join(lines), error=failed)
            self.reload()

    def print_envelopes(self) -> None:
        import tempfile

        from ui.dialogs.preview_dialog import envelope_printer, print_letter

        size = self.envelope.currentData()
        with tempfile.TemporaryDirectory() as scratch:
            try:
                path, _count = envelopes_pdf(self.db, self.letter_id, size, Path(scratch) / "e.pdf")
            except UserError as exc:
                self.show_message(message_of(exc), error=True)
                return
            print_letter(
                path.read_bytes(), self, envelope_printer(size), title=f"Печать конвертов {size}"
            )

    def save_sheet(self, path: str | None = None) -> None:
        if not path:
            suggested = (
                Path(self.folder.text()) / f"{safe_name(self.status.number)} лист рассылки.pdf"
            )
            path, _ = QFileDialog.getSaveFileName(
                self, "Лист рассылки", str(suggested), "PDF (*.pdf);;Книга Excel (*.xlsx)"
            )
        if not path:
            return
        try:
            out = export_dispatch_sheet(self.db, self.letter_id, Path(path))
        except UserError as exc:
            self.show_message(message_of(exc), error=True)
            return
        self.show_message(f"Лист рассылки записан: {out}")
        announce_saved(out, "Лист рассылки записан")

    def save_post_list(self, path: str | None = None) -> None:
        from app.services.dispatch.post_list import export_post_list
        from app.support import clock

        day = clock.today()
        if not path:
            suggested = Path(self.folder.text()) / f"Форма 103 от {day:%d.%m.%Y}.xlsx"
            path, _ = QFileDialog.getSaveFileName(
                self,
                "Список почтовых отправлений (ф. 103)",
                str(suggested),
                "Книга Excel (*.xlsx);;PDF (*.pdf)",
            )
        if not path:
            return
        try:
            out = export_post_list(self.db, day, Path(path))
        except UserError as exc:
            self.show_message(message_of(exc), error=True)
            return
        self.show_message(f"Список ф. 103 за {date_ru(day)} записан: {out}")
        announce_saved(out, "Список ф. 103 записан")

    def reject(self) -> None:
        self.background.wait()
        super().reject()
