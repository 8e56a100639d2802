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
from app.storelock import sqlite_file
from app.ui import widgets
from app.ui.login import LoginDialog
from app.ui.single_instance import claim_store

if TYPE_CHECKING:
    from app.db import Store
    from app.services.auth import Actor
    from app.ui.backup_dialog import BackupScheduler
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
        self.passphrase: str | None = None  # an encrypted store's, once the user entered it
        self.backups: BackupScheduler | None = None  # automatic backups of the open store
        self.damage: list[str] = []  # what the start-up check found (then read-only)
        self._offer_restore_on_damage = True
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
        if self.backups is not None:
            self.backups.at_exit()  # a backup after changes, while the store is still open
        self._close_store()

    def _close_store(self) -> None:
        if self.backups is not None:
            self.backups.stop()
            self.backups.deleteLater()
            self.backups = None
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
            self.store = open_store(self.store_url, passphrase=self.passphrase)
            if self._startup_checks():
                return
            from app.services import setup

            with self.store.reading() as session:
                initialized = setup.is_initialized(session)
        except StoreError as exc:
            if self._ask_passphrase(exc):
                return
            # Raised from SQLite's own error: a damaged file (foreign and newer files are
            # refused by name). Offered only when this file's backup folder has a good one.
            if exc.__cause__ is not None and self._offer_restore([str(exc)], quiet=True):
                return
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
        self._start_backups(initialized)

    def _ask_passphrase(self, exc: Exception) -> bool:
        """An encrypted store (app/crypt_store.py): ask for the branch passphrase and open
        again; a wrong one asks again with the reason, Quit ends the run. False when `exc`
        is about something else."""
        from app.crypt_store import PassphraseRequired, WrongPassphrase
        from app.db import sqlite_path
        from app.ui.passphrase_dialog import ask_passphrase

        if not isinstance(exc, PassphraseRequired | WrongPassphrase):
            return False
        error = str(exc) if isinstance(exc, WrongPassphrase) else None
        passphrase = ask_passphrase(self.login, sqlite_path(self.store_url), error)
        if passphrase is None:
            self.exit(0)
            return True
        self.passphrase = passphrase
        self._opening = False
        QTimer.singleShot(0, self, self.open_store)
        return True

    # --- checks, backups and restore (issue 6; the work is in app/ui/backup_dialog.py) ---

    def _startup_checks(self) -> bool:
        """quick_check at every start, a full check once a day. A damaged file is
        reopened read-only, with an offer to restore the newest good backup; True when
        that restore took over."""
        from app.db import open_store
        from app.ui.backup_dialog import startup_problems

        assert self.store is not None
        self.damage = startup_problems(self.store)
        if not self.damage:
            return False
        log.error("the data file is damaged: %s", self.damage)
        self.store.close()
        self.store = open_store(self.store_url, read_only=True, passphrase=self.passphrase)
        return self._offer_restore(self.damage)

    def _offer_restore(self, problems: list[str], quiet: bool = False) -> bool:
        from app.backup import backup_folder, latest_good_backup
        from app.db import sqlite_path
        from app.ui.backup_dialog import backup_folders, offer_restore

        path = sqlite_path(self.store_url)
        if path is None or not self._offer_restore_on_damage:
            return False
        key = self.store.passphrase if self.store is not None else None
        if quiet and latest_good_backup(backup_folders(path), passphrase=key) is None:
            return False
        chosen = offer_restore(self.login, path, problems, key)
        if chosen is None:
            return False
        log.info(
            "restoring %s over the damaged %s (backups in %s)", chosen, path, backup_folder(path)
        )
        self.restore_backup(chosen, damaged=True)
        return True

    def _start_backups(self, initialized: bool) -> None:
        from app.ui.backup_dialog import BackupScheduler

        assert self.store is not None
        self.backups = BackupScheduler(self.store, self)
        self.backups.start(backup_today=initialized)

    def restore_backup(self, backup: object, damaged: bool = False) -> None:
        """Replace the data with `backup` (a path): the main window closes, the store is
        closed, restored (the current data backed up or, if damaged, kept aside), opened
        again (an older backup is migrated), and the user signs in again."""
        from pathlib import Path

        from app.backup import BackupError, backup_folder, restore, restore_over_damaged
        from app.db import sqlite_path

        target = sqlite_path(self.store_url)
        assert target is not None
        key = self.store.passphrase if self.store is not None else None
        if self.window is not None:
            self.window.sign_out()
        self._close_store()
        try:
            if damaged:
                info, kept = restore_over_damaged(Path(str(backup)), target, passphrase=key)
            else:
                info, kept = restore(
                    Path(str(backup)), target, backup_folder(target), passphrase=key
                )
        except BackupError as exc:
            widgets.show_error(self.login, str(exc))
            info, kept = None, None
        self._opening = False
        self._offer_restore_on_damage = info is not None  # no second offer after a failure
        self.open_store()
        self._offer_restore_on_damage = True
        if info is None or self.store is None:
            return
        from app.ui.backup_dialog import restored_message

        widgets.show_info(self.login, restored_message(info, kept, damaged))

    def encrypt_store(self, passphrase: str) -> None:
        """File → Encrypt data file: the main window closes, the store is closed and
        encrypted (app/crypt_store.py; a failure leaves it as it was), opened again with
        the passphrase, and the user signs in again."""
        from app import crypt_store
        from app.db import StoreError, sqlite_path

        target = sqlite_path(self.store_url)
        assert target is not None
        if self.window is not None:
            self.window.sign_out()
        self._close_store()
        kept: object = None
        try:
            kept = crypt_store.encrypt_store(target, passphrase)
        except StoreError as exc:
            widgets.show_error(self.login, str(exc))
        else:
            self.passphrase = passphrase
        self._opening = False
        self.open_store()
        if kept is not None and self.store is not None:
            widgets.show_info(
                self.login,
                _(
                    "The data file is now encrypted; BranchDesk will ask for the passphrase "
                    "at every start. The unencrypted copy {kept} was kept in case something "
                    "went wrong: delete it, and older backups, once you have checked that "
                    "everything is there."
                ).format(kept=kept),
            )

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
        window.restoreRequested.connect(self.restore_backup)
        window.encryptRequested.connect(self.encrypt_store)
        if self.backups is not None:
            window.set_backups(self.backups)
        self.window = window
        window.show()

    def bring_to_front(self) -> None:
        """Another start on the same data file asked for this one: show the window in use."""
        shown = [w for w in (self.window, self.wizard, self.login) if w is not None]
        window = next((w for w in shown if w.isVisible()), self.login)
        state = window.windowState() & ~Qt.WindowState.WindowMinimized
        window.setWindowState(state | Qt.WindowState.WindowActive)
        window.show()
        window.raise_()
        window.activateWindow()

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
    store_url = resolve_store_url(getattr(args, "db", None))
    exit_when_shown = os.environ.get(ENV_EXIT_WHEN_SHOWN) == "1"
    # One writer per store (issue 6): the lock before the store is opened; a second start
    # on the same file brings the first one forward and ends here.
    claim = claim_store(
        sqlite_file(store_url),
        getattr(args, "db", None),
        accept_network_risk=getattr(args, "accept_network_risk", False),
        interactive=not exit_when_shown,
    )
    if isinstance(claim, int):
        if translator is not None:
            app.removeTranslator(translator)
        return claim
    from app.ui.crash import CrashHandler

    # A bug shows the crash dialog (report file, drafts saved) instead of a silent exit.
    crash_handler = CrashHandler(app)
    crash_handler.install()
    shell = Shell(store_url, exit_when_shown=exit_when_shown)
    if claim.server is not None:
        claim.server.activated.connect(shell.bring_to_front)
    shell.finished.connect(app.exit)
    shell.start()
    code = app.exec()
    shell.close()
    claim.release()
    crash_handler.uninstall()
    if translator is not None:
        app.removeTranslator(translator)
    return shell.exit_code if shell.exit_code is not None else code
