"""Qt's own texts (standard buttons, context menus of text fields, the file dialog) in Russian.

``qtbase_ru`` shipped with PySide6 leaves some of the file dialog in English («Look in:»,
«Files of type:», «Folder»); :class:`MissingRussian` gives those, and Qt asks it only when
``qtbase_ru`` has nothing (the translator installed last is asked first, so it goes in first).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

MISSING = {
    "QFileDialog": {
        "&Look in:": "&Папка:",
        "Look in:": "Папка:",
        "Files of &type:": "&Тип файлов:",
        "Files of type:": "Тип файлов:",
        "File &name:": "&Имя файла:",
        "&Open": "&Открыть",
        "&Save": "&Сохранить",
        "&Choose": "&Выбрать",
        "Back": "Назад",
        "Forward": "Вперед",
        "Go back": "Назад",
        "Go forward": "Вперед",
        "Parent Directory": "На уровень вверх",
        "Go to the parent directory": "На уровень вверх",
        "Create New Folder": "Создать папку",
        "Create a New Folder": "Создать папку",
        "&New Folder": "&Новая папка",
        "New Folder": "Новая папка",
        "Detail View": "Подробно",
        "List View": "Список",
        "Change to detail view mode": "Подробно",
        "Change to list view mode": "Список",
        "Show &hidden files": "Показать &скрытые файлы",
        "&Delete": "&Удалить",
        "&Rename": "&Переименовать",
        "All Files (*)": "Все файлы (*)",
        "Files": "Файлы",
        "Directory:": "Папка:",
        "Directories": "Папки",
        "Sidebar": "Избранное",
        "List of places and bookmarks": "Места и закладки",
        "Recent Places": "Недавние папки",
    },
    "QAbstractFileIconProvider": {
        "Folder": "Папка",
        "Drive": "Диск",
        "File": "Файл",
        "%1 File": "Файл %1",
    },
    "QFileSystemModel": {
        "Computer": "Компьютер",
        "My Computer": "Компьютер",
        "Name": "Имя",
        "Size": "Размер",
        "Type": "Тип",
        "Kind": "Вид",
        "Date Modified": "Изменен",
    },
}


class MissingRussian(QTranslator):
    """What ``qtbase_ru`` does not translate."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return MISSING.get(context, {}).get(source, "")

    def isEmpty(self) -> bool:
        return False


def install_russian(app: QCoreApplication) -> bool:
    """Load ``qtbase_ru`` shipped with PySide6 (and what it lacks); True when found."""
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    app.installTranslator(MissingRussian(app))
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Russian), "qtbase", "_", path):
        app.installTranslator(translator)
        return True
    return False
