"""Confidentiality: lock the window when nobody has used the PC for a while.

`IdleWatcher` watches every mouse and keyboard event of the application and says
`idle` after the timeout; `LockScreen` replaces the window's content until the same
person types their password again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import _
from app.services import auth
from app.services.auth import Actor
from app.ui import widgets

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """An application-wide event filter that restarts a single-shot timer on user input."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle.emit)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False


class LockScreen(QWidget):
    """Shows who is signed in and asks for their password; nothing of the data."""

    unlocked = Signal()
    signOutRequested = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        box = widgets.Card(self)
        box.setMaximumWidth(440)
        box.setMinimumWidth(360)
        body = box.body
        body.setContentsMargins(28, 24, 28, 24)
        body.setSpacing(10)
        lock = QLabel(box)
        lock.setPixmap(widgets.padlock_pixmap(56))
        lock.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.addWidget(lock)
        title = widgets.heading(_("The window is locked"), 1.4, box)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.addWidget(title)
        who = widgets.muted(
            _("Signed in: {name} ({role}). Enter the password to continue.").format(
                name=actor.display_name, role=auth.role_label(actor.role)
            ),
            box,
        )
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.addWidget(who)
        self.password = QLineEdit(box)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Password"))
        self.password.returnPressed.connect(self.try_unlock)
        body.addWidget(self.password)
        self.message = widgets.ErrorLabel(box)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.addWidget(self.message)
        buttons = QHBoxLayout()
        self.sign_out_button = QPushButton(_("Sign out"), box)
        self.sign_out_button.clicked.connect(self.signOutRequested.emit)
        self.unlock_button = QPushButton(_("Unlock"), box)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        body.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)

    def prepare(self) -> None:
        self.password.clear()
        self.message.clear_error()
        self.password.setFocus()

    def try_unlock(self) -> None:
        with self.store.reading() as session:
            ok = auth.verify_password(session, self.actor, self.password.text())
        self.password.clear()
        if not ok:
            self.message.show_error(_("The password is not correct."))
            self.password.setFocus()
            return
        self.message.clear_error()
        self.unlocked.emit()
