"""The attachments' lines of a new letter («Название; листов; экз.»), each line perhaps holding a
file: the link is the line itself, not its title.

A file belongs to the text block of its line (``QTextBlock.userState`` holds its key), so the
clerk may retitle the line freely and the file stays with it; the line is tinted and the list
under the field names each file with its line. A line deleted together with its file is not
taken silently: ``file_line_removed`` lets the dialog ask whether the file goes too, and
«нет» puts the line back. Files dropped on the field become lines with their files.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QColor, QTextBlock, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from app.rules.attachment_lines import title_of

LINKED_TINT = "#eef4ff"  # a line that holds a file


def _likeness(text: str, before: str) -> float:
    return difflib.SequenceMatcher(None, text.strip(), before.strip()).ratio()


@dataclass(frozen=True)
class AttachmentLine:
    number: int  # 1-based, as the clerk counts the lines
    text: str
    file: Path | None

    @property
    def title(self) -> str:
        """The title before the first «;» («Название; листов; экз.»)."""
        return title_of(self.text)


class AttachmentsEdit(QPlainTextEdit):
    files_dropped = Signal(list)
    file_line_removed = Signal(object, str)  # the file, the line it had
    links_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)  # one line a piece: Tab moves on to the next field
        self._files: dict[int, Path] = {}  # key (a block's user state) → file
        self._lines: dict[int, str] = {}  # key → its line's last text
        self._next_key = 1
        self._repairing = False
        self._count = 1  # blocks after the last change: more now means a line was broken
        self.document().contentsChanged.connect(self._follow_lines)

    # --- what the field holds ------------------------------------------------------------

    def lines(self) -> list[AttachmentLine]:
        return [
            AttachmentLine(n, block.text(), self._files.get(block.userState()))
            for n, block in enumerate(self._blocks(), start=1)
        ]

    def linked(self) -> list[AttachmentLine]:
        return [line for line in self.lines() if line.file is not None]

    def add_file_line(self, text: str, path: Path) -> None:
        """A new last line holding ``path``."""
        key = self._next_key
        self._next_key += 1
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self._repairing = True  # one change: the links are followed once it is made
        try:
            if not self.document().toPlainText().strip():
                cursor.select(QTextCursor.SelectionType.Document)
                cursor.removeSelectedText()
            elif cursor.block().text().strip():
                cursor.insertBlock()
            cursor.insertText(text)
            cursor.block().setUserState(key)
            self._files[key] = path
            self._lines[key] = text
        finally:
            self._repairing = False
        self._follow_lines()

    def setPlainText(self, text: str) -> None:
        """New text (a Word draft, a kept draft): no line holds a file any more."""
        self._files.clear()
        self._lines.clear()
        self._repairing = True
        try:
            super().setPlainText(text)
        finally:
            self._repairing = False
        self._follow_lines()

    # --- keeping the links ---------------------------------------------------------------

    def _blocks(self) -> list[QTextBlock]:
        blocks = []
        block = self.document().begin()
        while block.isValid():
            blocks.append(block)
            block = block.next()
        return blocks

    def _follow_lines(self) -> None:
        if self._repairing:
            return
        self._repairing = True
        try:
            seen: set[int] = set()
            blocks = self._blocks()
            split = len(blocks) > self._count
            for i, block in enumerate(blocks):
                key = block.userState()
                if key not in self._files:
                    continue
                following = blocks[i + 1] if i + 1 < len(blocks) else None
                if (
                    split
                    and following is not None
                    and following.userState() not in self._files
                    and _likeness(following.text(), self._lines.get(key, ""))
                    > _likeness(block.text(), self._lines.get(key, ""))
                ):
                    # a line broken in two (Enter at its start, a line typed or pasted above
                    # it): the file stays with the part that is the line it was
                    block.setUserState(-1)
                    following.setUserState(key)
                    continue
                if key in seen:
                    block.setUserState(-1)  # a copy of a line holds no file
                    continue
                seen.add(key)
            if len(blocks) < self._count:
                self._after_merge()
            for block in blocks:  # the same blocks: only their states were moved
                key = block.userState()
                if key in self._files:
                    self._lines[key] = block.text()
            held = {b.userState() for b in blocks}
            gone = [(self._files.pop(k), self._lines.pop(k, "")) for k in set(self._files) - held]
            self._tint()
            self._count = len(blocks)
        finally:
            self._repairing = False
        for path, line in gone:
            self.file_line_removed.emit(path, line)
        self.links_changed.emit()

    def _after_merge(self) -> None:
        """Two lines made one: the file of the line the text still is stays (Qt keeps the
        state of one of the two blocks, not always that one)."""
        blocks = self._blocks()
        present = {b.userState() for b in blocks}
        for block in blocks:
            key = block.userState()
            if key not in self._files:
                continue
            for gone in set(self._files) - present:
                text = block.text()
                if _likeness(text, self._lines.get(gone, "")) > _likeness(
                    text, self._lines.get(key, "")
                ):
                    block.setUserState(gone)
                    present = (present - {key}) | {gone}
                    key = gone

    def _tint(self) -> None:
        """Lines holding a file tinted, outside the document (no undo step, no change)."""
        selections = []
        for block in self._blocks():
            if block.userState() not in self._files:
                continue
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(LINKED_TINT))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.setExtraSelections(selections)

    # --- drops ---------------------------------------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = [Path(u.toLocalFile()) for u in source.urls() if u.isLocalFile()]
        if files:
            self.files_dropped.emit(files)
            return
        super().insertFromMimeData(source)
