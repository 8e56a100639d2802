"""The sign-in window: the first thing a user sees, so it must appear fast.

Nothing here imports the store or the services at module level: the window is shown
while `sqlalchemy` is still loading, and sign-in is enabled once `set_store` is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.ui import widgets

if TYPE_CHECKING:
    from app.db import Store
    from app.services.auth import Actor

LAST_USER_KEY = "login/last_user"


class LoginDialog(QDialog):
    """User name and password; `actor` holds who signed in once the dialog is accepted."""

    # Emitted once, after the window's first paint reached the screen.
    firstPainted = Signal()

    def __init__(
        self, store: Store | None = None, parent: QWidget | None = None, username: str = ""
    ) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.actor: Actor | None = None
        self._painted = False
        self.setWindowTitle(_("BranchDesk — Sign in"))
        self.setWindowIcon(widgets.app_icon())
        self.setMinimumWidth(420)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(14)
        top = QHBoxLayout()
        top.setSpacing(12)
        logo = QLabel(self)
        logo.setPixmap(widgets.app_icon().pixmap(44, 44))
        top.addWidget(logo)
        top.addWidget(widgets.heading(_("BranchDesk"), 1.9, self))
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(widgets.muted(_("Sign in to your branch's desk."), self))
        layout.addSpacing(6)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        self.username = QLineEdit(self)
        self.username.setPlaceholderText(_("e.g. zhangsan"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("&User name:"), self.username)
        form.addRow(_("&Password:"), self.password)
        layout.addLayout(form)

        self.message = widgets.ErrorLabel(self)
        layout.addWidget(self.message)
        self.status = widgets.muted("", self)
        self.status.hide()
        layout.addWidget(self.status)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox(self)
        self.sign_in_button = self.buttons.addButton(
            _("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.password.returnPressed.connect(self.sign_in)
        self.username.returnPressed.connect(self._username_entered)

        self.prefill(username or str(widgets.ui_settings().value(LAST_USER_KEY, "") or ""))
        if store is None:
            self.set_opening()
        else:
            self.set_store(store)

    # --- states ---------------------------------------------------------------------

    def prefill(self, username: str) -> None:
        self.username.setText(username)
        (self.password if username else self.username).setFocus()

    def set_opening(self) -> None:
        """Shown while the data is being opened: the user may already type."""
        self.sign_in_button.setEnabled(False)
        self.status.setText(_("Opening the data…"))
        self.status.show()

    def set_store(self, store: Store) -> None:
        self.store = store
        self.sign_in_button.setEnabled(True)
        self.status.setText(_("Data: {location}").format(location=store.location()))
        self.status.setToolTip(self.status.text())
        self.status.show()

    def reset(self) -> None:
        """Ready for the next sign-in (after signing out)."""
        self.actor = None
        self.password.clear()
        self.message.clear_error()
        self.prefill(self.username.text())

    # --- signing in -----------------------------------------------------------------

    def _username_entered(self) -> None:
        if self.password.text():
            self.sign_in()
        else:
            self.password.setFocus()

    def sign_in(self) -> None:
        if self.store is None or not self.sign_in_button.isEnabled():
            return
        username = self.username.text().strip()
        if not username:
            self.message.show_error(_("Enter your user name."))
            self.username.setFocus()
            return
        from sqlalchemy.exc import DBAPIError

        from app.db import environment_fault
        from app.services import auth

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        locked: str | None = None
        try:
            # A damaged store is open read-only: sign in without writing the sign-in time
            # (the reading session is never committed), so the user can still restore.
            session_for = self.store.reading if self.store.read_only else self.store.transaction
            with session_for() as session:
                actor = auth.authenticate(session, username, self.password.text())
        except auth.AccountLocked as exc:
            actor, locked = None, str(exc)
        except DBAPIError as exc:
            if environment_fault(exc) is None:
                raise
            self.message.show_error(
                _(
                    "Cannot sign in: the data file is damaged or unreadable ({reason}). "
                    "Restart BranchDesk to restore the latest good backup."
                ).format(reason=exc.orig)
            )
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        if actor is None:
            if locked is None:  # this wrong password may have been the one that locks
                with self.store.reading() as session:
                    locked = auth.locked_message(session, username)
            self.message.show_error(locked or _("Incorrect user name or password."))
            self.password.clear()
            self.password.setFocus()
            return
        self.message.clear_error()
        self.password.clear()
        widgets.ui_settings().setValue(LAST_USER_KEY, actor.username)
        self.actor = actor
        self.accept()

    # --- start-up timing ------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Queued, so that it fires after the whole window has been flushed to the screen.
            QTimer.singleShot(0, self, self.firstPainted.emit)
