"""What the keyboard and a screen reader need of a form: Tab in the order the eye reads, and
each field known by the label beside it."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLabel, QWidget


def in_order(*widgets: QWidget) -> None:
    """Widgets made in another order than they are laid out, put in the order given (those
    that take no focus, such as labels, are passed over)."""
    focusable = [w for w in widgets if w.focusPolicy() != Qt.FocusPolicy.NoFocus]
    for before, after in pairwise(focusable):
        QWidget.setTabOrder(before, after)


def buttons_in_order(box: QDialogButtonBox) -> None:
    """A button box's buttons as it lays them out (the platform's order), not as they were
    added: the standard ones are made first and would otherwise be reached first."""
    layout = box.layout()
    if layout is None:
        return
    items = (layout.itemAt(i) for i in range(layout.count()))
    found = (item.widget() for item in items if item is not None)
    in_order(*(w for w in found if isinstance(w, QAbstractButton)))


def label_for(text: str, field: QWidget) -> QLabel:
    """A label beside ``field`` that names it: a screen reader says the label's text for the
    field, and a «&» in it makes Alt and that letter go to the field."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def key_tip(widget: QWidget, key: str | QKeySequence, tip: str = "") -> None:
    """The tooltip says the key that does what the widget does («Новое письмо (Ctrl+N)»), in
    the system's own spelling of the key."""
    shown = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
    widget.setToolTip(f"{tip} ({shown})" if tip else shown)
