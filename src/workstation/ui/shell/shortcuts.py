"""Help › Keyboard shortcuts, and the rule that a window shortcut beats a text field.

The sheet is built from the window's own QActions (their text and shortcuts) when it opens,
so it cannot drift from the menus. On Linux a text field claims Ctrl+E (end of line, an
Emacs binding) and the like before the window's shortcut sees the key, so Export report…
did nothing while the notes field had focus; ``WindowShortcutsFirst`` gives the window's
Ctrl/Alt shortcuts precedence, except the editing keys a text field must keep (copy, paste…).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.shell.sizing import fit_to_screen

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
#: Keys a text field keeps even when a window action uses them.
EDITING_KEYS = (
    QKeySequence.StandardKey.Copy,
    QKeySequence.StandardKey.Cut,
    QKeySequence.StandardKey.Paste,
    QKeySequence.StandardKey.Undo,
    QKeySequence.StandardKey.Redo,
    QKeySequence.StandardKey.SelectAll,
)


def _plain(text: str) -> str:
    """'&Export report…' → 'Export report…'."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_rows(window: QWidget) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action of the window that has a shortcut, menu order."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    menu_bar = window.menuBar() if isinstance(window, QMainWindow) else None
    menus = [a.menu() for a in menu_bar.actions()] if menu_bar is not None else []
    for menu in (m for m in menus if m is not None):
        for action in menu.actions():
            seen.add(id(action))
            keys = _keys(action)
            if keys:
                rows.append((_plain(menu.title()), _plain(action.text()), keys))
    for action in window.actions():
        if id(action) not in seen and _keys(action):
            rows.append(("Window", _plain(action.text()), _keys(action)))
    return rows


def _keys(action: QAction) -> str:
    return " or ".join(
        s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
    )


class ShortcutsSheet(QDialog):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(("Menu", "Action", "Keys"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 620, 760)


def show_shortcuts(window: QWidget) -> ShortcutsSheet:
    sheet = ShortcutsSheet(window)
    window.shortcuts_sheet = sheet
    sheet.show()
    return sheet


class WindowShortcutsFirst(QObject):
    """An application event filter: a text field inside ``window`` may not claim a key that
    one of the window's Ctrl/Alt shortcuts uses (editing keys excepted)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, receiver: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(receiver, QWidget):
            return False
        if receiver.window() is not self._window or not isinstance(event, QKeyEvent):
            return False
        if not event.modifiers() & (CTRL | ALT):
            return False
        pressed = QKeySequence(event.keyCombination())
        if any(pressed in QKeySequence.keyBindings(key) for key in EDITING_KEYS):
            return False
        return any(
            shortcut.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
            for action in self._window.actions()
            if action.isEnabled()
            for shortcut in action.shortcuts()
        )
