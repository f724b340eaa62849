"""Windows that fit an office monitor (1366×768, 1280×720, 1920×1080 at 150 %, less a task bar):
a form scrolls inside its dialog while the dialog's own buttons stay below it, always visible;
a window opens no larger than the screen's free area, and a dialog's size and a splitter's
sizes are remembered per screen size."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QSplitter, QVBoxLayout, QWidget


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


def _key_size() -> str:
    size = available()
    return f"{size.width()}x{size.height()}"


def _key(name: str) -> str:
    return f"window/{name}/{_key_size()}"


def open_sized(window: QWidget, name: str, wanted: QSize) -> None:
    """The size remembered for this window on a screen of this size, else ``wanted``; never
    larger than the screen's free area. The size it has when it closes is remembered."""
    from app.support.settings import Settings

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
    window.installEventFilter(_RememberOnHide(window, name))


class _RememberOnHide(QObject):
    def __init__(self, window: QWidget, name: str) -> None:
        super().__init__(window)
        self.name = name

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide and isinstance(watched, QWidget):
            remember_size(watched, self.name)
        return False


def remember_size(window: QWidget, name: str) -> None:
    from app.support.settings import Settings

    settings = Settings()
    settings.set(_key(name), [window.width(), window.height()])
    settings.save()


def keep_splitter(splitter: QSplitter, name: str) -> None:
    """The splitter's sizes as the clerk last left them on a screen of this size (else as
    set); kept a moment after each move, not at every step of a drag."""
    from app.support.settings import Settings

    key = f"splitter/{name}/{_key_size()}"
    remembered = Settings().get(key)
    if (
        isinstance(remembered, list)
        and len(remembered) == splitter.count()
        and all(isinstance(v, int) and v >= 0 for v in remembered)
        and any(remembered)
    ):
        splitter.setSizes(remembered)
    later = QTimer(splitter)
    later.setSingleShot(True)
    later.setInterval(400)

    def save() -> None:
        settings = Settings()
        settings.set(key, splitter.sizes())
        settings.save()

    later.timeout.connect(save)
    splitter.splitterMoved.connect(lambda _pos, _index: later.start())
