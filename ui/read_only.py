"""A database opened read-only: every action that writes is marked, then disabled for good.

Widgets and actions that write carry the Qt property ``writes``; :func:`lock_writes` disables
all of them under a window and keeps them disabled when a tab's own logic (a selection change)
would enable them again. The service layer refuses writes too (``ReadOnlyDatabaseError``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QWidget

WRITES = "writes"


def writes(*items: QObject) -> None:
    """Mark actions and buttons that change the database."""
    for item in items:
        item.setProperty(WRITES, True)


class _KeepDisabled(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.EnabledChange
            and isinstance(watched, QWidget)
            and watched.isEnabled()
        ):
            watched.setEnabled(False)
        return False


def _keep_action_disabled(action: QAction) -> None:
    if action.isEnabled():
        action.setEnabled(False)


def lock_writes(root: QWidget) -> int:
    """Disable every marked action and button under ``root``; returns how many."""
    keeper = _KeepDisabled(root)
    count = 0
    for button in root.findChildren(QAbstractButton):
        if button.property(WRITES):
            button.setEnabled(False)
            button.installEventFilter(keeper)
            count += 1
    for action in root.findChildren(QAction):
        if action.property(WRITES):
            action.setEnabled(False)
            action.changed.connect(lambda a=action: _keep_action_disabled(a))
            count += 1
    return count


def lock_actions(actions: list[QAction], reason: str) -> None:
    """Disable these actions for good, saying why in their tooltip (a role that may not)."""
    for action in actions:
        action.setEnabled(False)
        action.setToolTip(reason)
        action.changed.connect(lambda a=action: _keep_action_disabled(a))
