"""Menu mnemonics (the underlined letter Alt or the open menu takes): each item of a menu gets
a letter of its own — the first letter of one of its words that no other item of that menu has
taken, else any of its letters; an item that names its own keeps it."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QMenuBar


def with_mnemonics(texts: list[str]) -> list[str]:
    taken = {t[t.index("&") + 1].lower() for t in texts if "&" in t and t.index("&") + 1 < len(t)}
    out = []
    for text in texts:
        if "&" in text or not text:
            out.append(text)
            continue
        starts = [
            i for i, ch in enumerate(text) if ch.isalnum() and (i == 0 or not text[i - 1].isalnum())
        ]
        others = [i for i, ch in enumerate(text) if ch.isalnum() and i not in starts]
        place = next((i for i in starts + others if text[i].lower() not in taken), None)
        if place is None:
            out.append(text)
            continue
        taken.add(text[place].lower())
        out.append(f"{text[:place]}&{text[place:]}")
    return out


def give_mnemonics(bar: QMenuBar) -> None:
    """Every menu of the bar, and their submenus."""
    menus = [a.menu() for a in bar.actions() if a.menu() is not None]
    while menus:
        menu = menus.pop()
        if not isinstance(menu, QMenu):
            continue
        actions = [a for a in menu.actions() if not a.isSeparator()]
        for action, text in zip(actions, with_mnemonics([a.text() for a in actions]), strict=True):
            action.setText(text)
            if action.menu() is not None:
                menus.append(action.menu())
