"""Starting the application: first-run set-up or sign-in, then the main window."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from workstation import __version__
from workstation.ui.shell.main_window import MainWindow
from workstation.ui.shell.preferences import ORGANISATION, Preferences
from workstation.ui.shell.signin_dialog import FirstRunDialog, SignInDialog
from workstation.vault import Argon2Params, Vault, VaultPaths

SCREENSHOT_DELAY_MS = 1500
STYLE_SHEET = Path(__file__).resolve().parents[3] / "resources" / "workstation.qss"


def application() -> QApplication:
    """The QApplication with the product's names and style sheet."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Clinician Workstation")
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    if STYLE_SHEET.is_file():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    return app


class Launcher(QObject):
    """Shows the first-run or sign-in dialog and, once someone is signed in, the window."""

    def __init__(
        self,
        vault_path: Path | None = None,
        kdf: Argon2Params | None = None,
        prefs: Preferences | None = None,
    ) -> None:
        super().__init__()
        self.vault_path = vault_path
        self.kdf = kdf
        self.prefs = prefs
        self.window: MainWindow | None = None
        self.dialog: FirstRunDialog | SignInDialog
        if VaultPaths.at(vault_path).database.exists():
            self.dialog = SignInDialog(Vault(vault_path))
        else:
            self.dialog = FirstRunDialog(vault_path, kdf)
        self.dialog.accepted.connect(self._signed_in)
        self.dialog.rejected.connect(self._gave_up)

    def start(self) -> None:
        self.dialog.show()

    @Slot()
    def _signed_in(self) -> None:
        vault = self.dialog.vault
        assert vault is not None and not vault.is_locked
        from workstation.app.wellness import apply_retention

        apply_retention(vault)  # the vault's wellness retention, enforced and audited at start
        self.window = MainWindow(vault, self.prefs)
        self.window.show()
        _settle_heap()

    @Slot()
    def _gave_up(self) -> None:
        QApplication.instance().quit()


def _settle_heap() -> None:
    """Take everything alive after start-up (modules, models, the window) out of the cyclic
    garbage collector's scans. A full collection walks every tracked object; with the whole
    scientific stack loaded that is tens of milliseconds on the GUI thread, long enough to
    stall the window during an import. What the session creates later is still collected."""
    gc.collect()
    gc.freeze()


def run_app(screenshot: Path | None = None) -> int:
    """Run the GUI; with ``screenshot``, save the screen once it is drawn and quit (smoke test)."""
    app = application()
    launcher = Launcher()
    launcher.start()
    if screenshot is not None:
        QTimer.singleShot(
            SCREENSHOT_DELAY_MS, lambda: save_screenshot_and_quit(launcher.dialog, screenshot)
        )
    return app.exec()


def grab(widget: QWidget):
    """A picture of the widget as the screen shows it (window frame included under X11)."""
    if QGuiApplication.platformName() == "xcb":
        screen = widget.screen() or QGuiApplication.primaryScreen()
        frame = widget.frameGeometry()
        return screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    return widget.grab()


def save_screenshot_and_quit(widget: QDialog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not grab(widget).save(str(path)):
        raise OSError(f"could not save the screenshot to {path}")
    widget.close()
    QApplication.instance().quit()
