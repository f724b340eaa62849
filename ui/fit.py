"""Windows that fit an office monitor (1366×768, 1280×720, 1920×1080 at 150 %, less a task bar):
a form scrolls inside its dialog while the dialog's own buttons stay below it, always visible;
a window opens no larger than the screen's free area, and a dialog's size is remembered per
screen size."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QVBoxLayout, QWidget


def scrolling(*parts: QWidget | QLayout, stretch_last: bool = False) -> QScrollArea:
    """The parts one under another in a scroll area without a frame of its own."""
    inner = QWidget()
    column = QVBoxLayout(inner)
    column.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    if not stretch_last:
        column.addStretch(0)
    area = _VerticalScroll()
    area.setObjectName("form_scroll")
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not to the frame
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(inner)
    area.setMinimumHeight(120)
    return area


class _VerticalScroll(QScrollArea):
    """Scrolls up and down only: as wide as the form needs, so nothing hides to the right."""

    def minimumSizeHint(self) -> QSize:
        inner = self.widget()
        hint = super().minimumSizeHint()
        if inner is None:
            return hint
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.minimumSizeHint().width() + bar, hint.height())


def available() -> QSize:
    """The free area of the primary screen (without task bars), in device-independent pixels."""
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry().size() if screen is not None else QSize(1366, 728)


def _key(name: str) -> str:
    size = available()
    return f"window/{name}/{size.width()}x{size.height()}"


def open_sized(window: QWidget, name: str, wanted: QSize) -> None:
    """The size remembered for this window on a screen of this size, else ``wanted``; never
    larger than the screen's free area."""
    from app.settings import Settings

    room = available()
    remembered = Settings().get(_key(name))
    size = wanted
    if (
        isinstance(remembered, list)
        and len(remembered) == 2
        and all(isinstance(v, int) for v in remembered)
    ):
        size = QSize(remembered[0], remembered[1])
    window.resize(min(size.width(), room.width()), min(size.height(), room.height()))


def remember_size(window: QWidget, name: str) -> None:
    from app.settings import Settings

    settings = Settings()
    settings.set(_key(name), [window.width(), window.height()])
    settings.save()
