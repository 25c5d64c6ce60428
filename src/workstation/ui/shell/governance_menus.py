"""The window's governance menus: Tools (Audit log…, Users…) and Help (Models…, Keyboard
shortcuts, About), added to the main window's menu bar as ordinary window actions.

Users… is for administrators; for anyone else it is shown disabled with the reason, checked
each time the menu opens (another user may have unlocked the window since).
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from workstation.ui.shell.audit_viewer import open_audit_viewer
from workstation.ui.shell.model_cards import open_model_cards
from workstation.ui.shell.shortcuts import WindowShortcutsFirst, show_shortcuts
from workstation.ui.shell.users_dialog import ADMIN_ONLY, open_users
from workstation.vault import Role

SHORTCUTS_KEYS = ("F1", "Ctrl+/")


def add_governance_menus(window, bar: QMenuBar, help_menu: QMenu) -> None:
    tools = QMenu("&Tools", bar)
    tools.setToolTipsVisible(True)
    bar.insertMenu(help_menu.menuAction(), tools)
    window._action(tools, "&Audit log…", lambda: open_audit_viewer(window), "Ctrl+Shift+A")
    window.users_action = window._action(tools, "&Users…", lambda: open_users(window))
    tools.aboutToShow.connect(lambda: refresh_roles(window))
    refresh_roles(window)
    help_menu.setToolTipsVisible(True)
    window._action(help_menu, "&Models…", lambda: open_model_cards(window))
    sheet = window._action(help_menu, "&Keyboard shortcuts", lambda: show_shortcuts(window))
    sheet.setShortcuts([QKeySequence(keys) for keys in SHORTCUTS_KEYS])
    help_menu.addSeparator()
    window._action(help_menu, "&About", window.show_about)
    window.shortcuts_first = WindowShortcutsFirst(window)


def refresh_roles(window) -> None:
    """Enable what the signed-in user's role allows (the vault enforces it regardless)."""
    if window.vault.is_locked:
        return
    admin = window.vault.user.role is Role.ADMINISTRATOR
    window.users_action.setEnabled(admin)
    window.users_action.setToolTip("Add, remove and reset accounts" if admin else ADMIN_ONLY)
