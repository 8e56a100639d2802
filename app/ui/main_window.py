"""The main window: navigation on the left, one page at a time, locked when left alone.

Pages are built the first time they are shown, so signing in stays quick however
many pages later issues add; a page with a `refresh()` method is refreshed on
every later visit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.db import Store
from app.i18n import N_, _
from app.services import auth, settings, setup
from app.services.auth import Actor
from app.ui import widgets
from app.ui.idle_lock import IdleWatcher, LockScreen

if TYPE_CHECKING:
    from app.ui.backup_dialog import BackupScheduler
    from app.ui.meetings_page import MeetingsPage

GEOMETRY_KEY = "main/geometry"
PAGE_KEY = "main/page"


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # N_() marked
    build: Callable[[MainWindow], QWidget]


def _today(window: MainWindow) -> QWidget:
    from app.ui.today_page import TodayPage

    page = TodayPage(window.store, window.actor)
    page.openCalendarSettings.connect(window.show_calendar_settings)
    page.openMeeting.connect(window.show_meeting)
    page.openConsole.connect(window.open_console)
    page.openWeekly.connect(lambda: window.show_page("weekly"))
    return page


def _meetings(window: MainWindow) -> QWidget:
    from app.ui.meetings_page import MeetingsPage

    return MeetingsPage(window.store, window.actor)


def _attendance(window: MainWindow) -> QWidget:
    from app.ui.attendance_page import AttendancePage

    return AttendancePage(window.store, window.actor)


def _weekly(window: MainWindow) -> QWidget:
    from app.ui.weekly_page import WeeklyPage

    return WeeklyPage(window.store, window.actor)


def _staff(window: MainWindow) -> QWidget:
    from app.ui.staff_page import StaffPage

    return StaffPage(window.store, window.actor)


def _reports(window: MainWindow) -> QWidget:
    from app.ui.reports_page import ReportsPage

    return ReportsPage(window.store, window.actor)


def _settings(window: MainWindow) -> QWidget:
    from app.ui.settings_page import SettingsPage

    page = SettingsPage(window.store, window.actor)
    page.idleMinutesChanged.connect(window.set_idle_minutes)
    page.calendarChanged.connect(window.calendar_changed)
    return page


PAGES: tuple[PageSpec, ...] = (
    PageSpec("today", N_("Today"), _today),
    PageSpec("meetings", N_("Meetings"), _meetings),
    PageSpec("attendance", N_("Attendance"), _attendance),
    PageSpec("weekly", N_("Weekly summaries"), _weekly),
    PageSpec("staff", N_("Staff"), _staff),
    PageSpec("reports", N_("Reports"), _reports),
    PageSpec("settings", N_("Settings"), _settings),
)


class MainWindow(QMainWindow):
    """The signed-in user's window. `closed(signed_out)` tells the app what comes next."""

    closed = Signal(bool)
    # A backup the user chose to restore; the shell, which owns the store, does it.
    restoreRequested = Signal(object)
    encryptRequested = Signal(str)  # the new branch passphrase (the Shell does the work)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        idle_timeout_ms: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self._signing_out = False
        self._pages: dict[str, QWidget] = {}
        self.current_dialog: QDialog | None = None  # widgets.open_dialog keeps it here
        with store.reading() as session:
            branch = setup.current_branch(session, actor)
            self.branch_name = branch.name
            idle_minutes = settings.get(session, actor.branch_id, "idle_lock_minutes")
        self.setWindowTitle(_("BranchDesk — {branch}").format(branch=self.branch_name))
        self.setWindowIcon(widgets.app_icon())

        # Content and lock screen share one stack: when locked, the content is not drawn.
        self.frame = QStackedWidget(self)
        self.content = QWidget(self.frame)
        row = QHBoxLayout(self.content)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget(self.content)
        self.nav.setObjectName("nav")
        self.nav.setFont(widgets.scaled_font(self.nav, 1.1))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet(
            "QListWidget#nav { border: none; border-right: 1px solid palette(mid);"
            " background: palette(window); padding-top: 12px; outline: 0; }"
            "QListWidget#nav::item { padding: 9px 14px; margin: 2px 8px; border-radius: 6px; }"
            f"QListWidget#nav::item:selected {{ background: {widgets.ACCENT_COLOR};"
            " color: white; }"
        )
        self.pages = QStackedWidget(self.content)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.lock_screen = LockScreen(store, actor, self.frame)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.signOutRequested.connect(self.sign_out)
        self.frame.addWidget(self.content)
        self.frame.addWidget(self.lock_screen)
        if store.read_only:  # a damaged data file, opened from a copy (app.db)
            central = QWidget(self)
            column = QVBoxLayout(central)
            column.setContentsMargins(8, 8, 8, 0)
            self.read_only_banner = widgets.Banner(_("Backups and restore…"), central)
            self.read_only_banner.set_messages(
                [
                    _(
                        "The data file is damaged and open read-only: what you change now "
                        "is not saved. Restore the latest good backup to go on working."
                    )
                ]
            )
            self.read_only_banner.button.clicked.connect(self.show_backups)
            column.addWidget(self.read_only_banner)
            column.addWidget(self.frame, 1)
            self.setCentralWidget(central)
        else:
            self.setCentralWidget(self.frame)

        self.page_actions: dict[str, QAction] = {}
        self._build_menus()
        for number, spec in enumerate(PAGES, start=1):
            item = QListWidgetItem(_(spec.title), self.nav)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"Ctrl+{number}")
        # As wide as the longest title (English ones are longer) plus the item padding.
        longest = max(self.nav.fontMetrics().horizontalAdvance(_(p.title)) for p in PAGES)
        self.nav.setFixedWidth(max(150, longest + 64))
        self.nav.currentRowChanged.connect(self._row_changed)

        self.location_label = QLabel(_("Data: {location}").format(location=store.location()))
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.user_label = QLabel(
            _("Signed in: {name} ({role})").format(
                name=actor.display_name, role=auth.role_label(actor.role)
            )
        )
        self.statusBar().addWidget(self.location_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)
        self.backup_warning = QLabel(self)  # a failed automatic backup: shown, never raised
        self.backup_warning.setStyleSheet(f"color: {widgets.ERROR_COLOR};")
        self.backup_warning.hide()
        self.statusBar().addPermanentWidget(self.backup_warning)
        self.backups: BackupScheduler | None = None  # the shell's; made on demand otherwise

        self.idle = IdleWatcher(idle_timeout_ms or idle_minutes * 60_000, self)
        self._fixed_idle = idle_timeout_ms is not None
        self.idle.idle.connect(self.lock)

        saved = widgets.ui_settings()
        geometry = saved.value(GEOMETRY_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(1120, 720)
        last = str(saved.value(PAGE_KEY, "today") or "today")
        self.show_page(last if last in {p.key for p in PAGES} else "today")
        self.idle.start()

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(_("&File"))
        self.lock_action = file_menu.addAction(_("&Lock"))
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.sign_out_action = file_menu.addAction(_("&Sign out"))
        self.sign_out_action.triggered.connect(self.sign_out)
        self.password_action = file_menu.addAction(_("Change &password…"))
        self.password_action.triggered.connect(self.change_password)
        file_menu.addSeparator()
        self.verify_action = file_menu.addAction(_("&Verify a minutes PDF…"))
        self.verify_action.triggered.connect(self.verify_pdf)
        self.verify_action.setEnabled(self.actor.sees_whole_branch)
        file_menu.addSeparator()
        # Backups (issue 6): app/ui/backup_dialog.py and check_dialog.py do the work.
        self.backup_action = file_menu.addAction(_("&Back up now"))
        self.backup_action.triggered.connect(self.back_up_now)
        self.backup_action.setEnabled(self.store.is_sqlite and not self.store.read_only)
        self.backups_action = file_menu.addAction(_("Backups and &restore…"))
        self.backups_action.triggered.connect(self.show_backups)
        self.backups_action.setEnabled(self.store.is_sqlite and self.actor.sees_whole_branch)
        self.check_action = file_menu.addAction(_("&Check data…"))
        self.check_action.triggered.connect(self.check_data)
        self.check_action.setEnabled(self.actor.sees_whole_branch)
        self.audit_action = file_menu.addAction(_("&Audit trail…"))
        self.audit_action.triggered.connect(self.show_audit_trail)
        self.audit_action.setEnabled(self.actor.sees_whole_branch)
        self.encrypt_action = file_menu.addAction(_("&Encrypt data file…"))
        self.encrypt_action.triggered.connect(self.encrypt_data)
        self.encrypt_action.setEnabled(
            self.actor.sees_whole_branch
            and self.store.is_sqlite
            and not self.store.read_only
            and self.store.passphrase is None
        )
        file_menu.addSeparator()
        self.quit_action = file_menu.addAction(_("&Quit"))
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        go_menu = menu.addMenu(_("&Go"))
        group = QActionGroup(self)
        for number, spec in enumerate(PAGES, start=1):
            action = go_menu.addAction(_(spec.title))
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setCheckable(True)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_page(key))
            self.page_actions[spec.key] = action
        self.go_menu = go_menu

        help_menu = menu.addMenu(_("&Help"))
        about = help_menu.addAction(_("&About BranchDesk"))
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)

    def show_meeting(self, meeting_id: int) -> MeetingsPage:
        """The Meetings page at this week with `meeting_id` selected (Today's buttons)."""
        from app.ui.meetings_page import MeetingsPage

        self.show_page("meetings")
        page = self.page("meetings")
        assert isinstance(page, MeetingsPage)
        page.go_today()
        page.select_meeting(meeting_id)
        return page

    def open_console(self, meeting_id: int) -> None:
        self.show_meeting(meeting_id).open_console()

    def change_password(self) -> None:
        from app.ui.password_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.store, self.actor, self)
        widgets.open_dialog(
            self,
            dialog,
            lambda: widgets.show_info(self, _("Your password was changed."), _("Change password")),
        )

    def verify_pdf(self) -> None:
        from app.ui.verify_dialog import VerifyDialog

        VerifyDialog(self.store, self.actor, self).exec()

    # --- backups and checks (issue 6) ------------------------------------------------

    def set_backups(self, scheduler: BackupScheduler) -> None:
        self.backups = scheduler
        scheduler.note.connect(self.backup_note)
        scheduler.warning.connect(self.backup_failed)
        if scheduler.last_warning:
            self.backup_failed(scheduler.last_warning)

    def backup_note(self, text: str) -> None:
        self.backup_warning.hide()
        self.statusBar().showMessage(text, 15_000)

    def backup_failed(self, text: str) -> None:
        self.backup_warning.setText("⚠ " + _("Backup failed"))
        self.backup_warning.setToolTip(text)
        self.backup_warning.show()
        self.statusBar().showMessage(text, 60_000)

    def back_up_now(self) -> None:
        from app.ui.backup_dialog import BackupScheduler, back_up_now

        if self.backups is None:
            self.set_backups(BackupScheduler(self.store, self))
        assert self.backups is not None
        back_up_now(self, self.backups)

    def show_backups(self) -> None:
        from app.ui.backup_dialog import BackupsDialog

        with self.store.reading() as session:
            tz = setup.current_branch(session, self.actor).timezone
        dialog = BackupsDialog(self.store, tz, self)
        dialog.restoreRequested.connect(self.restoreRequested.emit)
        widgets.open_dialog(self, dialog, lambda: None)

    def check_data(self) -> None:
        from app.ui.check_dialog import open_check

        open_check(self, self.store)

    def encrypt_data(self) -> None:
        from app import crypt_store

        try:
            crypt_store.dbapi()  # says how to install the driver when it is missing
        except crypt_store.EncryptionUnavailable as exc:
            widgets.show_error(self, str(exc))
            return
        from app.ui.encrypt_dialog import EncryptDialog

        dialog = EncryptDialog(self.store, self.actor, self)
        widgets.open_dialog(self, dialog, lambda: self.encryptRequested.emit(dialog.chosen))

    def show_audit_trail(self) -> None:
        from app.ui.audit_dialog import AuditDialog

        widgets.open_dialog(self, AuditDialog(self.store, self.actor, self), lambda: None)

    # --- pages -----------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page for `key`, built on first use."""
        if key not in self._pages:
            spec = next(p for p in PAGES if p.key == key)
            widget = spec.build(self)
            self._pages[key] = widget
            self.pages.addWidget(widget)
        return self._pages[key]

    def show_page(self, key: str) -> None:
        if self.is_locked:
            return
        index = next(i for i, p in enumerate(PAGES) if p.key == key)
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)  # comes back through _row_changed
            return
        known = key in self._pages
        widget = self.page(key)
        refresh = getattr(widget, "refresh", None)
        if known and callable(refresh):
            refresh()
        self.pages.setCurrentWidget(widget)
        self.page_actions[key].setChecked(True)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.show_page(PAGES[row].key)

    def current_page_key(self) -> str:
        row = self.nav.currentRow()
        return PAGES[row].key if 0 <= row < len(PAGES) else ""

    def show_calendar_settings(self, year: int | None = None) -> None:
        self.show_page("settings")
        page = self.page("settings")
        show = getattr(page, "show_calendar", None)
        if callable(show):
            show(year)

    def calendar_changed(self) -> None:
        today = self._pages.get("today")
        refresh = getattr(today, "refresh", None)
        if callable(refresh):
            refresh()

    def set_idle_minutes(self, minutes: int) -> None:
        if not self._fixed_idle:
            self.idle.set_timeout(minutes * 60_000)

    # --- locking ---------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self.frame.currentWidget() is self.lock_screen

    def lock(self) -> None:
        if self.is_locked:
            return
        self.idle.stop()
        # A dialog left open (an edit form, a message) would show data over the lock.
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible() and self._owns(widget):
                widget.reject()
        self.frame.setCurrentWidget(self.lock_screen)
        for action in (*self.page_actions.values(), self.lock_action):
            action.setEnabled(False)
        self.lock_screen.prepare()

    def _owns(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parentWidget()
        return False

    def unlock(self) -> None:
        self.frame.setCurrentWidget(self.content)
        for action in (*self.page_actions.values(), self.lock_action):
            action.setEnabled(True)
        current = self.pages.currentWidget()
        if current is not None:
            current.setFocus()
        self.idle.start()

    # --- leaving ---------------------------------------------------------------------

    def sign_out(self) -> None:
        self._signing_out = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        saved = widgets.ui_settings()
        saved.setValue(GEOMETRY_KEY, self.saveGeometry())
        if self.current_page_key():
            saved.setValue(PAGE_KEY, self.current_page_key())
        self.idle.stop()
        super().closeEvent(event)
        self.closed.emit(self._signing_out)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            _("About BranchDesk"),
            _(
                "BranchDesk {version}\n\nA branch supervisor's desk for meetings, "
                "attendance and weekly summaries. Your data stays on this computer "
                "or your office's server."
            ).format(version=__version__),
        )
