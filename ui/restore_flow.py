"""A restore from the window: the last numbers asked for when the current file cannot be read,
the letters the copy lacks shown afterwards, with one button that brings them back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.rules.numbering import MAX_SEQ
from app.services.safety.backup import RestoreResult, restore_backup
from app.services.safety.bring_back import bring_back
from app.services.safety.restore_guard import NumbersUnknownError, missing_lines
from app.support.errors import UserError
from ui.widgets.buttons import ok_cancel

MISSING_SHOWN = 15  # letters named in the message; the rest are counted


class LastNumbersDialog(QDialog):
    """«Последние выданные номера»: what the unreadable database had issued, per journal."""

    def __init__(self, last_in_copy: dict[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Последние выданные номера")
        layout = QVBoxLayout(self)
        note = QLabel(
            "Текущая база не читается, поэтому программа не знает, какие номера были выданы "
            "после резервной копии. Чтобы ни один номер не повторился, укажите последний "
            "номер, выданный в каждом журнале (по бумажному журналу или последним письмам). "
            "Нумерация продолжится после него."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.spins: dict[str, QSpinBox] = {}
        for code, last in last_in_copy.items():
            spin = QSpinBox()
            spin.setRange(0, MAX_SEQ)
            spin.setValue(last)
            spin.setToolTip(f"В копии последний номер журнала «{code}»: {last}")
            form.addRow(f"Журнал «{code}», последний номер:", spin)
            self.spins[code] = spin
        layout.addLayout(form)
        buttons = ok_cancel(self, "Восстановить")
        layout.addWidget(buttons)

    def numbers(self) -> dict[str, int]:
        return {code: spin.value() for code, spin in self.spins.items()}


def restore_asking(
    parent: QWidget | None, database: Path, backup: Path, *, force: bool = False
) -> RestoreResult | None:
    """Restore; ask for the last numbers when needed. None when refused or cancelled (the
    message already shown). ``force``: the clerk confirmed a copy of another database."""
    title = "Восстановление"
    try:
        try:
            return restore_backup(database, backup, force=force)
        except NumbersUnknownError as unknown:
            dialog = LastNumbersDialog(unknown.last_in_copy, parent)
            if not dialog.exec():
                return None
            numbers = dialog.numbers()
            return restore_backup(database, backup, continue_after=numbers, force=force)
    except UserError as exc:
        QMessageBox.critical(parent, title, str(exc))
        return None


def result_text(result: RestoreResult) -> str:
    lines = [f"База восстановлена из копии {result.restored_from.name}."]
    if result.kept_aside:
        lines.append(f"Прежняя база сохранена: {result.kept_aside}")
    lines.extend(
        f"Нумерация «{r.journal}» за {r.period} продолжится после № {r.after} "
        f"(в копии было {r.before})."
        for r in result.raised
    )
    if result.missing:
        lines.append(f"\nВ копии нет писем, зарегистрированных после нее: {len(result.missing)}")
        lines.extend(f"  {line}" for line in missing_lines(result.missing, MISSING_SHOWN))
    return "\n".join(lines)


def show_result(parent: QWidget | None, result: RestoreResult, database: Path) -> None:
    """What the restore did; when the copy lacks letters, one «Да» registers them again."""
    from app.services.safety.opening import open_registry

    title = "Восстановление"
    text = result_text(result)
    if not (result.missing and result.kept_aside):
        QMessageBox.information(parent, title, text)
        return
    answer = QMessageBox.question(
        parent,
        title,
        f"{text}\n\nВернуть эти письма из прежней базы — под их номерами и датами?",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    db = open_registry(str(database))
    try:
        returned = bring_back(db, result.kept_aside)
    except UserError as exc:
        QMessageBox.critical(parent, title, str(exc))
        return
    finally:
        db.dispose()
    names = "\n".join(m.line for m in returned[:MISSING_SHOWN])
    QMessageBox.information(parent, title, f"Писем возвращено: {len(returned)}\n{names}")
