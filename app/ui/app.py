"""Start the GUI: the login window first, the store right after it is on screen.

`import sqlalchemy.orm` alone takes longer than showing the window, so this module
and `login` import neither the store nor the services at module level; `Shell`
opens the store once the login window has been painted, and from then on leads the
user through first-run setup, sign-in, the main window and signing out.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, i18n
from app.config import ENV_LANG, resolve_store_url
from app.i18n import _
from app.paths import FONT_FAMILY, FONT_FILE
from app.ui import widgets
from app.ui.login import LoginDialog

if TYPE_CHECKING:
    from app.db import Store
    from app.services.auth import Actor
    from app.ui.main_window import MainWindow
    from app.ui.wizard import SetupWizard

log = logging.getLogger("branchdesk.ui")

ENV_EXIT_WHEN_SHOWN = "BRANCHDESK_EXIT_WHEN_SHOWN"
SHOWN_MARKER = "login-window-shown"
EXIT_STORE_ERROR = 2
FIRST_PAINT_FALLBACK_MS = 1000


def choose_language(option: str | None) -> str:
    """--lang (or BRANCHDESK_LANG) wins; else the language saved in Settings; else zh_CN."""
    explicit = option or os.environ.get(ENV_LANG)
    if explicit:
        return i18n.normalize(explicit)
    saved = widgets.ui_settings().value("ui/language", i18n.DEFAULT_LANGUAGE)
    return i18n.normalize(str(saved) if saved else None)


def install_qt_translations(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Qt's own catalog, so that standard buttons (OK, Cancel, Next) speak Chinese too."""
    if lang != "zh_CN":
        return None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    if translator.load(locale, "qtbase", "_", folder):
        app.installTranslator(translator)
        return translator
    log.warning("Qt's zh_CN translations not found in %s", folder)
    return None


def ensure_cjk_font(app: QApplication) -> None:
    """Use the shipped WenQuanYi Micro Hei when the system has no font for Chinese."""
    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return
    if QFontDatabase.addApplicationFont(str(FONT_FILE)) < 0:
        log.warning("could not load %s", FONT_FILE)
        return
    font = QFont(app.font())
    font.setFamilies([font.family(), FONT_FAMILY])
    app.setFont(font)


class Shell(QObject):
    """Leads one run: login (or first-run wizard) -> main window -> sign out -> login.

    It never quits the application itself: `finished(exit_code)` says the run is over.
    """

    finished = Signal(int)

    def __init__(
        self,
        store_url: str,
        exit_when_shown: bool = False,
        idle_timeout_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store_url = store_url
        self.exit_when_shown = exit_when_shown
        self.idle_timeout_ms = idle_timeout_ms
        self.store: Store | None = None
        self.exit_code: int | None = None
        self.wizard: SetupWizard | None = None
        self.window: MainWindow | None = None
        self._opening = False
        self.login = LoginDialog()
        self.login.firstPainted.connect(self._login_painted)
        self.login.accepted.connect(self._signed_in)
        self.login.rejected.connect(lambda: self.exit(0))

    def start(self) -> None:
        self.login.show()
        self.login.activateWindow()
        if not self.exit_when_shown:
            # Normally the first paint opens the store; this covers a window that is
            # never painted (started minimised, say), which would otherwise wait forever.
            QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self, self.open_store)

    def exit(self, code: int) -> None:
        self.exit_code = code
        self.finished.emit(code)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def _login_painted(self) -> None:
        if self.exit_when_shown:
            print(SHOWN_MARKER, flush=True)
            self.exit(0)
            return
        QTimer.singleShot(0, self, self.open_store)

    def open_store(self) -> None:
        if self._opening:
            return
        self._opening = True
        from app.db import StoreError, open_store

        try:
            self.store = open_store(self.store_url)
            from app.services import setup

            with self.store.reading() as session:
                initialized = setup.is_initialized(session)
        except StoreError as exc:
            QMessageBox.critical(self.login, _("BranchDesk"), str(exc))
            self.exit(EXIT_STORE_ERROR)
            return
        except Exception as exc:  # a bug, not the user's data: say so and stop cleanly
            log.exception("cannot open the store")
            QMessageBox.critical(
                self.login,
                _("BranchDesk"),
                _("BranchDesk could not start: {error}").format(error=exc),
            )
            self.exit(1)
            return
        if initialized:
            self.login.set_store(self.store)
        else:
            self.show_wizard()

    def show_wizard(self) -> None:
        from app.ui.wizard import SetupWizard

        assert self.store is not None
        self.login.hide()
        self.wizard = SetupWizard(self.store)
        self.wizard.accepted.connect(self._wizard_done)
        self.wizard.rejected.connect(lambda: self.exit(0))
        self.wizard.show()

    def _wizard_done(self) -> None:
        wizard = self.wizard
        assert wizard is not None and self.store is not None
        self.login.set_store(self.store)
        if wizard.actor is not None:
            self.show_main(wizard.actor)
        else:
            self.login.prefill(wizard.demo_user)
            self.login.show()
        wizard.deleteLater()
        self.wizard = None

    def _signed_in(self) -> None:
        if self.login.actor is not None:
            self.show_main(self.login.actor)

    def show_main(self, actor: Actor) -> None:
        from app.ui.main_window import MainWindow

        assert self.store is not None
        self.login.hide()
        window = MainWindow(self.store, actor, self.idle_timeout_ms)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.closed.connect(self._main_closed)
        self.window = window
        window.show()

    def _main_closed(self, signed_out: bool) -> None:
        self.window = None
        if signed_out:
            self.login.reset()
            self.login.show()
        else:
            self.exit(0)


def run_gui(args: Any) -> int:
    """The GUI entry point; `args` has `.db` and `.lang` (app/__main__.py)."""
    QCoreApplication.setOrganizationName(widgets.ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    lang = i18n.set_language(choose_language(getattr(args, "lang", None)))
    translator = install_qt_translations(app, lang)
    ensure_cjk_font(app)
    app.setWindowIcon(widgets.app_icon())
    # The login hides while the main window opens; quitting is the shell's decision.
    app.setQuitOnLastWindowClosed(False)
    shell = Shell(
        resolve_store_url(getattr(args, "db", None)),
        exit_when_shown=os.environ.get(ENV_EXIT_WHEN_SHOWN) == "1",
    )
    shell.finished.connect(app.exit)
    shell.start()
    code = app.exec()
    shell.close()
    if translator is not None:
        app.removeTranslator(translator)
    return shell.exit_code if shell.exit_code is not None else code
