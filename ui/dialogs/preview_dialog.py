"""«Просмотр»: the letter as it will print, with «Печать» and «Сохранить как»."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QPageLayout, QPageSize, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.output.letter_export import export_letter, preview_pdf, safe_name
from app.support.errors import UserError
from db.engine import Database
from ui.background import message_of
from ui.file_dialogs import announce_saved, save_file
from ui.fit import open_sized
from ui.keyboard import key_tip
from ui.widgets.pdf_pages import page_images, print_pdf

ZOOMS = (60, 75, 90, 110, 130, 160)


def save_letter_as(db: Database, letter_id: int, number: str, parent: QWidget) -> Path | None:
    """Ask for a file (PDF or DOCX by the chosen filter) and write the letter there."""
    picked = save_file(
        parent,
        "letters",
        "Сохранить письмо",
        f"{safe_name(number)}.pdf",
        "Документ PDF (*.pdf);;Документ Word (*.docx)",
    )
    if picked is None:
        return None
    target, chosen = picked
    fmt = "docx" if "docx" in chosen or target.suffix.lower() == ".docx" else "pdf"
    if target.suffix.lower() != f".{fmt}":
        target = target.with_suffix(f".{fmt}")
    try:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export_letter(db, letter_id, fmt, target)
        finally:
            QApplication.restoreOverrideCursor()
    except (UserError, OSError) as exc:
        QMessageBox.warning(parent, "Сохранение письма", message_of(exc))
        return None
    announce_saved(target, "Письмо сохранено")
    return target


ENVELOPE_PAGES = {  # the envelope sizes of app/exporters/envelope_pdf.py as Qt's page sizes
    "C4": QPageSize.PageSizeId.EnvelopeC4,
    "C5": QPageSize.PageSizeId.C5E,
    "DL": QPageSize.PageSizeId.DLE,
}


def envelope_printer(size: str) -> QPrinter:
    """A printer set to the envelope, fed landscape as the PDF's pages are laid out."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(ENVELOPE_PAGES[size]))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    return printer


def print_letter(
    data: bytes,
    parent: QWidget,
    printer: QPrinter | None = None,
    *,
    title: str = "Печать письма",
) -> int:
    """The system print dialog (``title`` says what is printed), then every page; 0 when the
    clerk cancelled."""
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    try:
        return print_pdf(data, printer)
    except OSError as exc:
        QMessageBox.warning(parent, "Печать", f"Не удалось напечатать: {exc}")
        return 0


class PreviewDialog(QDialog):
    """A registered letter (``letter_id``), or the PDF of a card not yet registered (``pdf``:
    its number and date blank; it can be printed, not saved)."""

    def __init__(
        self,
        db: Database,
        letter_id: int,
        number: str,
        parent: QWidget | None = None,
        *,
        pdf: bytes | None = None,
        confirm: str = "",
        note: str = "",
    ):
        """``confirm``: the text of a default button that accepts (a document to register,
        seen with its stamp before the number is issued); ``note`` is said above the pages."""
        super().__init__(parent)
        self.db, self.letter_id, self.number = db, letter_id, number
        self.setWindowTitle(
            f"Письмо № {number} — просмотр" if pdf is None else "Проект письма (номер не выдан)"
        )
        open_sized(self, "preview", QSize(900, 1000))
        if pdf is not None:
            self.pdf = pdf
        else:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.pdf = preview_pdf(db, letter_id)
            finally:
                QApplication.restoreOverrideCursor()
        self.zoom = 2  # index in ZOOMS
        self.pages = QWidget()
        self.pages.setStyleSheet("background: #8a8f96;")
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setSpacing(14)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.pages)
        scroll.setWidgetResizable(True)
        self.scroll_area = scroll

        self.info = QLabel()
        self.print_button = QPushButton("Печать…")
        self.print_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
        key_tip(self.print_button, self.print_button.shortcut())
        self.print_button.clicked.connect(self.print_letter)
        self.save_button = QPushButton("Сохранить как…")
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        key_tip(self.save_button, self.save_button.shortcut())
        self.save_button.clicked.connect(self.save_as)
        zoom_out, zoom_in = QPushButton("−"), QPushButton("+")
        key_tip(zoom_out, QKeySequence(QKeySequence.StandardKey.ZoomOut), "Уменьшить")
        key_tip(zoom_in, QKeySequence(QKeySequence.StandardKey.ZoomIn), "Увеличить")
        zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom - 1))
        zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom + 1))
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.ZoomIn),
            self,
            lambda: self.set_zoom(self.zoom + 1),
        )
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.ZoomOut),
            self,
            lambda: self.set_zoom(self.zoom - 1),
        )
        self.save_button.setVisible(pdf is None)  # a project is saved as a letter once registered
        close = QPushButton("Отмена" if confirm else "Закрыть")
        close.clicked.connect(self.reject)
        bar = QHBoxLayout()
        for widget in (zoom_out, zoom_in, self.info):
            bar.addWidget(widget)
        bar.addStretch(1)
        buttons: list[QWidget] = [self.print_button, self.save_button]
        if confirm:
            self.confirm_button = QPushButton(confirm)
            self.confirm_button.setDefault(True)
            self.confirm_button.clicked.connect(self.accept)
            buttons.append(self.confirm_button)
        for button in (*buttons, close):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)
        self.page_labels: list[QLabel] = []
        self.show_pages()

    def set_zoom(self, index: int) -> None:
        index = max(0, min(len(ZOOMS) - 1, index))
        if index != self.zoom:
            self.zoom = index
            self.show_pages()

    def show_pages(self) -> None:
        for label in self.page_labels:
            label.deleteLater()
        self.page_labels = []
        ratio = self.devicePixelRatioF()  # 1.5 at 150 %: drawn for the screen's own pixels
        dpi = 96 * ZOOMS[self.zoom] / 100 * ratio
        for image in page_images(self.pdf, dpi):
            label = QLabel()
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)
            label.setStyleSheet("background: white; border: 1px solid #5c6168;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        pages = len(self.page_labels)
        self.info.setText(f"Страниц: {pages}   Масштаб: {ZOOMS[self.zoom]} %")

    def print_letter(self) -> None:
        print_letter(self.pdf, self)

    def save_as(self) -> None:
        save_letter_as(self.db, self.letter_id, self.number, self)
