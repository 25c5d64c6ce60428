"""Locking after idle time: the idle watcher and the lock screen that replaces all data.

A locked workstation shows no patient data: the main window swaps its content for this
screen, clears the patient list and locks the vault (which forgets its key). The same
user's password continues; another user name switches user.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from workstation.ui.shell.signin_dialog import DISCLAIMER, PRODUCT, SignInForm
from workstation.vault import Vault

DEFAULT_IDLE_MINUTES = 10
ACTIVITY_EVENTS = frozenset(
    t.value
    for t in (
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    )
)


class IdleWatcher(QObject):
    """Emits ``idle`` once no key, mouse or touch input has reached the application for
    ``timeout_ms``; any input restarts the count."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.set_timeout(timeout_ms)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_timeout(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type().value in ACTIVITY_EVENTS and self._timer.isActive():
            self._timer.start()
        return False


class LockScreen(QWidget):
    """What a locked window shows: the product, who was signed in, and the sign-in form."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.title = QLabel(f"{PRODUCT} is locked")
        self.title.setObjectName("productTitle")
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.form = SignInForm(vault)
        box = QWidget()
        box.setObjectName("lockBox")
        box.setFixedWidth(460)  # wrapped text is measured at the width it is shown at
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.explain)
        inner.addWidget(self.form)
        inner.addWidget(QLabel(DISCLAIMER))
        row = QHBoxLayout()  # centred by stretches, not alignment: an aligned item would
        row.addStretch(1)  # get its size hint, not the height its wrapped text needs
        row.addWidget(box)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def prepare(self, username: str, reason: str) -> None:
        self.explain.setText(
            f"{reason} Patient data is hidden. {username}, enter your password to continue, "
            "or sign in with another user name to switch user."
        )
        self.form.user_edit.setText(username)
        self.form.password_edit.clear()
        self.form.password_edit.setFocus()
