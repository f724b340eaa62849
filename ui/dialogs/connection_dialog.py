"""«Файл → Подключение к базе…»: which registry this workstation opens, chosen once.

Three choices: as the computer is set up (``/etc/secretariat/secretariat.conf``, else the
user's embedded registry), an embedded registry file, or a shared PostgreSQL server. A server is
checked before it is kept (``server check``: the role, the rights, the schema). The choice is
the user's setting (``app.support.paths.database_choice``) and takes effect at the next start;
``--db`` and ``SECRETARIAT_DB`` still come first, and the dialog says so when one is set.
"""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.support.connection import DatabaseSource, database_choice
from app.support.errors import UserError
from app.support.paths import (
    DATABASE_ENV,
    default_database,
    system_config_path,
    system_setting,
)
from app.support.settings import choose_database, chosen_database
from ui.file_dialogs import open_file
from ui.fit import open_sized
from ui.keyboard import buttons_in_order, key_tip
from ui.widgets.buttons import refusal_label

TITLE = "Подключение к базе"
INDENT = 24  # a choice's fields stand under it
SERVER_PREFIX = "postgresql+psycopg://"


def server_url(host: str, database: str, user: str) -> str:
    """The connection line of a server; no user: the name the clerk logged in with."""
    who = f"{quote(user, safe='')}@" if user else ""
    return f"{SERVER_PREFIX}{who}{host}/{quote(database, safe='')}"


def server_parts(url: str) -> tuple[str, str, str] | None:
    """(server, database, user) of a connection line this dialog can show, else None. Read by
    SQLAlchemy's own parser, which takes back the quoting :func:`server_url` put in (a database
    or user named in Cyrillic); a password in the line is not shown, nor kept by the dialog."""
    if not url.startswith(SERVER_PREFIX):
        return None
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    host = parsed.host or ""
    if parsed.port is not None:
        host = f"{host}:{parsed.port}"
    return host, parsed.database or "", parsed.username or ""


class ConnectionDialog(QDialog):
    """``chosen`` is what the clerk kept: a path or URL, or None for the computer's setting."""

    def __init__(self, opened: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        open_sized(self, "connection", QSize(640, 420))
        self.chosen: str | None = None
        layout = QVBoxLayout(self)
        current = database_choice()
        now = QLabel(f"Открыта база: {opened}\nОткуда адрес: {current.told}")
        now.setWordWrap(True)
        layout.addWidget(now)
        if current.source in (DatabaseSource.COMMAND_LINE, DatabaseSource.ENVIRONMENT):
            above = QLabel(
                f"Пока задан {current.told}, он важнее выбора здесь: выбор вступит в силу, "
                f"когда {DATABASE_ENV} и --db не заданы."
            )
            above.setWordWrap(True)
            layout.addWidget(above)

        self.group = QButtonGroup(self)
        system = system_setting(DATABASE_ENV)
        told = system if system else f"встроенная база {default_database()}"
        self.computer = QRadioButton(f"Как настроено на компьютере: {told}")
        self.computer.setToolTip(f"Файл {system_config_path()}, строка {DATABASE_ENV}=…")
        self.embedded = QRadioButton("Встроенная база в файле:")
        self.server = QRadioButton("Общий сервер PostgreSQL:")
        for button in (self.computer, self.embedded, self.server):
            self.group.addButton(button)
        layout.addWidget(self.computer)

        layout.addWidget(self.embedded)
        file_row = QHBoxLayout()
        file_row.setContentsMargins(INDENT, 0, 0, 0)  # under its choice
        self.path = QLineEdit()
        self.path.setPlaceholderText(str(default_database()))
        self.path.setAccessibleName("Файл встроенной базы")
        browse = QPushButton("Выбрать…")
        browse.clicked.connect(self._browse)
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        layout.addLayout(file_row)

        layout.addWidget(self.server)
        form = QFormLayout()
        form.setContentsMargins(INDENT, 0, 0, 0)
        self.host = QLineEdit()
        self.host.setPlaceholderText("сервер или сервер:порт")
        self.database = QLineEdit("secretariat")
        self.user = QLineEdit()
        self.user.setPlaceholderText("пусто — имя, под которым вы вошли в систему")
        form.addRow("&Сервер:", self.host)
        form.addRow("&База:", self.database)
        form.addRow("&Пользователь:", self.user)
        layout.addLayout(form)
        note = QLabel(
            "Пароль программа не хранит: его записывают в файл ~/.pgpass (спросите администратора)."
        )
        note.setContentsMargins(INDENT, 0, 0, 0)
        note.setWordWrap(True)
        layout.addWidget(note)
        check_row = QHBoxLayout()
        check_row.setContentsMargins(INDENT, 0, 0, 0)
        self.check_button = QPushButton("Про&верить подключение")
        self.check_button.clicked.connect(self.check)
        key_tip(self.check_button, "Alt+В", "Спросить сервер, сможет ли это рабочее место работать")
        check_row.addWidget(self.check_button)
        check_row.addStretch(1)
        layout.addLayout(check_row)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.error = refusal_label()
        layout.addWidget(self.error)
        layout.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons_in_order(buttons)
        layout.addWidget(buttons)
        self._show(chosen_database())
        for field in (self.host, self.database, self.user):
            field.textEdited.connect(lambda _text: self.server.setChecked(True))
        self.path.textEdited.connect(lambda _text: self.embedded.setChecked(True))

    def _show(self, saved: str | None) -> None:
        parts = server_parts(saved) if saved else None
        if parts is not None:
            self.server.setChecked(True)
            self.host.setText(parts[0])
            self.database.setText(parts[1])
            self.user.setText(parts[2])
        elif saved:
            self.embedded.setChecked(True)
            self.path.setText(saved)
        else:
            self.computer.setChecked(True)

    def _browse(self) -> None:
        chosen = open_file(self, "registry", "Файл встроенной базы", "Реестр (*.db)")
        if chosen is not None:
            self.path.setText(str(chosen))
            self.embedded.setChecked(True)

    def target(self) -> str | None:
        """The choice as the settings keep it; a half-filled choice is refused in Russian."""
        if self.computer.isChecked():
            return None
        if self.embedded.isChecked():
            path = self.path.text().strip()
            if not path:
                raise UserError("Укажите файл встроенной базы или выберите другой вариант")
            return path
        host, database = self.host.text().strip(), self.database.text().strip()
        if not host or not database:
            raise UserError("Укажите сервер и базу PostgreSQL")
        return server_url(host, database, self.user.text().strip())

    def check(self) -> bool:
        """Ask the server what this workstation would see; True when it can work there."""
        from app.services.safety.server_setup import check_server, role_label
        from ui.long_job import run_long

        self._refuse("")
        self.verdict.clear()
        try:
            url = self.target()
            if url is None or not url.startswith(SERVER_PREFIX):
                self.verdict.setText("Проверяется только сервер: встроенная база — файл.")
                return True
            seen = run_long(self, TITLE, "Подключение к серверу…", lambda _p: check_server(url))
        except UserError as exc:
            self._refuse(str(exc))
            return False
        lines = [
            f"PostgreSQL {seen.server_version}, база «{seen.database}», "
            f"пользователь {seen.user}, роль: {role_label(seen.role)}",
            f"Подключение {seen.connect_ms:.0f} мс",
        ]
        lines += [f"Не готово: {problem}" for problem in seen.problems]
        if seen.usable:
            lines.append("Рабочее место может работать с этой базой.")
        self.verdict.setText("\n".join(lines))
        return seen.usable

    def _refuse(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def accept(self) -> None:
        try:
            target = self.target()
        except UserError as exc:
            self._refuse(str(exc))
            return
        if target is not None and target.startswith(SERVER_PREFIX) and not self.check():
            return  # the verdict says why; a server this user cannot work on is not kept
        choose_database(target)
        self.chosen = target
        super().accept()
