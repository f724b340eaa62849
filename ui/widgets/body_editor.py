"""The letter body editor: a QTextEdit with a small toolbar, the usual keys and a clean paste.

What the editor holds is read back through :func:`app.rules.body_html.blocks_from_html` — the same
reader a paste goes through — so the body kept is exactly the paragraphs, runs, lists and tables
the clerk sees; fonts, sizes and colours never enter (a paste is converted to blocks first and
inserted as plain structure).
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextLength,
    QTextListFormat,
    QTextTableFormat,
)
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QMessageBox,
    QSpinBox,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.rules.body_html import blocks_from_html, blocks_from_plain, html_of
from app.rules.letter_body import Block, Item, blocks_of, has_text, stored
from app.support.errors import UserError
from ui.widgets.buttons import ok_cancel
from ui.widgets.spelling import SpellHighlighter, spelling_menu

LIST_STYLES = {
    "bullet": QTextListFormat.Style.ListDisc,
    "numbered": QTextListFormat.Style.ListDecimal,
}
NESTED_STYLES = {
    "bullet": QTextListFormat.Style.ListCircle,
    "numbered": QTextListFormat.Style.ListLowerAlpha,
}


class BodyTextEdit(QTextEdit):
    """The text field; a paste of HTML or text is read as body blocks before it is inserted."""

    pasted = Signal(int)  # blocks inserted

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(True)
        self.setTabChangesFocus(False)
        font = QFont("Times New Roman")
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSize(12)
        self.document().setDefaultFont(font)
        self.highlighter = SpellHighlighter(self.document())

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        spelling_menu(self, event, self.highlighter).exec(event.globalPos())

    def insertFromMimeData(self, source: QMimeData) -> None:
        try:
            if source.hasHtml():
                items = blocks_from_html(source.html())
            elif source.hasText():
                items = blocks_from_plain(source.text())
            else:
                return
        except UserError as exc:
            QMessageBox.warning(self, "Вставка", str(exc))
            return
        self.insert_items(items)
        self.pasted.emit(len(items))

    def insert_items(self, items: list[Item]) -> None:
        if not items:
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        one = items[0]
        if len(items) == 1 and isinstance(one, Block) and one.kind == "paragraph":
            # a few words into the paragraph being typed: no new paragraph
            html = html_of(items)
            start, end = html.index(">", html.index("<p")) + 1, html.rindex("</p>")
            cursor.insertHtml(html[start:end])
        else:
            cursor.insertHtml(html_of(items))
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Tab and Shift+Tab in a table go from cell to cell (Tab in the last cell adds a row,
        as in Word); in a list item they change its level; elsewhere Tab leaves the field (a
        letter has no tab stops: the layout indents). No Tab types a tab character."""
        key = event.key()
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.textCursor().currentTable():
            if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self._to_cell(key == Qt.Key.Key_Tab)
            return
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            if self.textCursor().currentList() is not None:
                self.parent_editor().nest(key == Qt.Key.Key_Tab)
                return
            # QTextEdit's own focusNextPrevChild refuses to move while the text is editable
            QWidget.focusNextPrevChild(self, key == Qt.Key.Key_Tab)
            return
        super().keyPressEvent(event)

    def _to_cell(self, forward: bool) -> None:
        cursor = self.textCursor()
        table = cursor.currentTable()
        if table is None:
            return
        cell = table.cellAt(cursor)
        columns = table.columns()
        index = cell.row() * columns + cell.column() + (1 if forward else -1)
        if index < 0:
            return
        if index >= table.rows() * columns:
            table.appendRows(1)
        target = table.cellAt(index // columns, index % columns)
        self.setTextCursor(target.lastCursorPosition())

    def parent_editor(self) -> BodyEditor:
        parent = self.parent()
        assert isinstance(parent, BodyEditor)
        return parent


class BodyEditor(QWidget):
    """Toolbar and text: ``body()`` gives the stored body, ``set_body()`` shows one."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = BodyTextEdit(self)
        self.edit.setObjectName("body")
        self.edit.setAccessibleName("Текст письма")
        self.edit.setPlaceholderText(
            "Текст письма. Вставка из Word сохраняет абзацы, списки, таблицы и выделение"
        )
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("body_toolbar")
        self.actions_by_name: dict[str, QAction] = {}
        self._loaded = ("", "")  # (stored body, the editor's HTML of it): kept while unchanged
        for name, text, tip, keys, slot in (
            ("bold", "Ж", "Полужирный (Ctrl+B)", "Ctrl+B", self.toggle_bold),
            ("italic", "К", "Курсив (Ctrl+I)", "Ctrl+I", self.toggle_italic),
            ("underline", "Ч", "Подчеркнутый (Ctrl+U)", "Ctrl+U", self.toggle_underline),
            ("bullet", "•", "Маркированный список (Ctrl+Shift+8)", "Ctrl+Shift+8", self.bullets),
            ("numbered", "1.", "Нумерованный список (Ctrl+Shift+7)", "Ctrl+Shift+7", self.numbers),
            ("indent", "→", "Вложенный уровень списка (Tab)", "", lambda: self.nest(True)),
            ("outdent", "←", "Верхний уровень списка (Shift+Tab)", "", lambda: self.nest(False)),
            ("table", "Таблица", "Вставить таблицу (Ctrl+Shift+T)", "Ctrl+Shift+T", self.ask_table),
            ("row", "+строка", "Добавить строку таблицы ниже", "", self.add_row),
            ("column", "+столбец", "Добавить столбец таблицы справа", "", self.add_column),
            (
                "clear",
                "Очистить",
                "Очистить форматирование (Ctrl+Пробел)",
                "Ctrl+Space",
                self.clear,
            ),
        ):
            action = QAction(text, self)
            action.setToolTip(tip)
            if keys:
                action.setShortcut(QKeySequence(keys))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if name in ("bold", "italic", "underline"):
                action.setCheckable(True)
            action.triggered.connect(slot)
            self.toolbar.addAction(action)
            self.addAction(action)
            self.actions_by_name[name] = action
            if name in ("underline", "outdent", "column"):
                self.toolbar.addSeparator()
        bold_font = self.actions_by_name["bold"].font()
        bold_font.setBold(True)
        self.actions_by_name["bold"].setFont(bold_font)
        italic_font = self.actions_by_name["italic"].font()
        italic_font.setItalic(True)
        self.actions_by_name["italic"].setFont(italic_font)
        underline_font = self.actions_by_name["underline"].font()
        underline_font.setUnderline(True)
        self.actions_by_name["underline"].setFont(underline_font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.edit, 1)
        self.edit.currentCharFormatChanged.connect(self._show_format)
        self.edit.cursorPositionChanged.connect(self._show_table_actions)
        self.edit.textChanged.connect(self.changed)
        self._show_table_actions()

    # --- the body in and out ---------------------------------------------------------------

    def items(self) -> list[Item]:
        return blocks_from_html(self.edit.toHtml())

    def body(self) -> str:
        """The stored body: as loaded while untouched (an old card's markup stays markup)."""
        html = self.edit.toHtml()
        if html == self._loaded[1]:
            return self._loaded[0]
        items = blocks_from_html(html)
        return stored(items) if has_text(items) else ""

    def set_body(self, stored_body: str) -> None:
        self.edit.setHtml(html_of(blocks_of(stored_body)) if stored_body.strip() else "")
        self._loaded = (stored_body, self.edit.toHtml())

    def setPlainText(self, text: str) -> None:
        self.edit.setPlainText(text)

    def toPlainText(self) -> str:
        return self.edit.toPlainText()

    def is_empty(self) -> bool:
        return not self.edit.toPlainText().strip()

    # --- the toolbar ---------------------------------------------------------------------------

    def _merge(self, fmt: QTextCharFormat) -> None:
        cursor = self.edit.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        cursor.mergeCharFormat(fmt)
        self.edit.mergeCurrentCharFormat(fmt)
        self.edit.setFocus()

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        bold = self.edit.fontWeight() < QFont.Weight.DemiBold.value
        fmt.setFontWeight(QFont.Weight.Bold.value if bold else QFont.Weight.Normal.value)
        self._merge(fmt)

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(not self.edit.fontItalic())
        self._merge(fmt)

    def toggle_underline(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontUnderline(not self.edit.fontUnderline())
        self._merge(fmt)

    def clear(self) -> None:
        """Plain text of the selection (or the word): no bold, italic or underline."""
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Normal.value)
        fmt.setFontItalic(False)
        fmt.setFontUnderline(False)
        self._merge(fmt)

    def _show_format(self, fmt: QTextCharFormat) -> None:
        self.actions_by_name["bold"].setChecked(fmt.fontWeight() >= QFont.Weight.DemiBold.value)
        self.actions_by_name["italic"].setChecked(fmt.fontItalic())
        self.actions_by_name["underline"].setChecked(fmt.fontUnderline())

    def _show_table_actions(self) -> None:
        in_table = self.edit.textCursor().currentTable() is not None
        for name in ("row", "column"):
            self.actions_by_name[name].setEnabled(in_table)

    def _list(self, kind: str) -> None:
        cursor = self.edit.textCursor()
        current = cursor.currentList()
        cursor.beginEditBlock()
        if current is not None and current.format().style() in (
            LIST_STYLES[kind],
            NESTED_STYLES[kind],
        ):
            block_fmt = cursor.blockFormat()
            for i in reversed(range(current.count())):
                item = current.item(i)
                if item.position() <= cursor.selectionEnd() and (
                    item.position() + item.length() > cursor.selectionStart()
                ):
                    current.remove(item)
            block_fmt.setIndent(0)
            cursor.setBlockFormat(block_fmt)
        else:
            fmt = QTextListFormat()
            fmt.setStyle(LIST_STYLES[kind])
            fmt.setIndent(1)
            cursor.createList(fmt)
        cursor.endEditBlock()
        self.edit.setFocus()

    def bullets(self) -> None:
        self._list("bullet")

    def numbers(self) -> None:
        self._list("numbered")

    def nest(self, deeper: bool) -> None:
        """The current list item one level in (at most one nesting) or out."""
        cursor = self.edit.textCursor()
        current = cursor.currentList()
        if current is None:
            return
        style = current.format().style()
        kind = (
            "numbered"
            if style in (LIST_STYLES["numbered"], NESTED_STYLES["numbered"])
            else ("bullet")
        )
        fmt = QTextListFormat()
        fmt.setIndent(2 if deeper else 1)
        fmt.setStyle(NESTED_STYLES[kind] if deeper else LIST_STYLES[kind])
        cursor.beginEditBlock()
        current.remove(cursor.block())
        cursor.createList(fmt)
        cursor.endEditBlock()

    def ask_table(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Вставить таблицу")
        form = QFormLayout(dialog)
        rows, columns = QSpinBox(dialog), QSpinBox(dialog)
        rows.setRange(1, 500)
        rows.setValue(3)
        columns.setRange(1, 20)
        columns.setValue(3)
        form.addRow("Строк (с заголовком)", rows)
        form.addRow("Столбцов", columns)
        form.addRow(ok_cancel(dialog, "Вставить"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.insert_table(rows.value(), columns.value())

    def insert_table(self, rows: int, columns: int) -> None:
        fmt = QTextTableFormat()
        fmt.setHeaderRowCount(1 if rows > 1 else 0)
        fmt.setBorder(1)
        fmt.setCellPadding(4)
        fmt.setCellSpacing(0)
        fmt.setBorderCollapse(True)
        fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        share = 100 / columns
        fmt.setColumnWidthConstraints(
            [QTextLength(QTextLength.Type.PercentageLength, share) for _ in range(columns)]
        )
        cursor = self.edit.textCursor()
        table = cursor.insertTable(rows, columns, fmt)
        self.edit.setTextCursor(table.cellAt(0, 0).firstCursorPosition())
        self.edit.setFocus()

    def add_row(self) -> None:
        cursor = self.edit.textCursor()
        table = cursor.currentTable()
        if table is not None:
            table.insertRows(table.cellAt(cursor).row() + 1, 1)

    def add_column(self) -> None:
        cursor = self.edit.textCursor()
        table = cursor.currentTable()
        if table is not None:
            table.insertColumns(table.cellAt(cursor).column() + 1, 1)
