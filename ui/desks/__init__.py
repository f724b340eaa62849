"""What the main window does, by area: a desk holds one area's commands (its menus, tabs and
bars call them), so the window itself only builds and wires. A desk knows the window only as
:class:`Window` — what it uses of it — not the window's class; its dialogs open over
``parent`` (the same window, as a widget)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar

    from app.support.settings import Settings
    from db.engine import Database
    from ui.bars.registered_bar import RegisteredBar
    from ui.signals import SignalHub
    from ui.tabs.registry_tab import RegistryTab

APP_TITLE = "Секретариат"


class Window(Protocol):
    """The main window as the desks see it."""

    db: Database
    hub: SignalHub
    settings: Settings
    registry_tab: RegistryTab
    registered_bar: RegisteredBar
    reopen_requested: bool

    def statusBar(self) -> QStatusBar: ...
    def show_error(self, message: str) -> None: ...
    def update_control_notice(self) -> None: ...
    def open_letter(self, letter_id: int) -> None: ...
    def answer_incoming(self, incoming_id: int) -> None: ...
    def close(self) -> bool: ...
