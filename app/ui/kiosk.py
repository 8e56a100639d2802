"""The kiosk (打卡机): a full-screen window on the branch PC where staff punch in and out
with their 工号 and PIN. A big clock, two fields, two big buttons and one large line that
says what happened; the fields clear themselves a few seconds later for the next person.

Esc asks for the password of whoever opened the kiosk before it closes, so that nobody
walks off with the supervisor's signed-in desktop.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import _
from app.services import attendance, auth, clock, setup
from app.services.attendance import KioskKind
from app.services.auth import Actor
from app.services.errors import ServiceError, ValidationError
from app.ui import widgets

TICK_MS = 1000
CLEAR_MS = 4000  # the message stays long enough to read, then the next person's turn
OK_COLOR = "#15803d"
IN_COLOR = "#1f6feb"
OUT_COLOR = "#b45309"


class KioskWindow(QWidget):
    """Shown full screen by the attendance page; `closed` once the supervisor left it."""

    closed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.actor = actor
        self._may_close = False
        with store.reading() as session:
            branch = setup.current_branch(session, actor)
            self.tz = branch.timezone or clock.DEFAULT_TZ
            branch_name = branch.name
        self.setObjectName("kiosk")
        self.setWindowTitle(_("Punch clock"))
        self.setStyleSheet("QWidget#kiosk { background: #f4f6fa; }")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 40, 60, 40)
        outer.setSpacing(24)
        title = widgets.heading(_("{branch} punch clock").format(branch=branch_name), 1.6, self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        self.clock_label = QLabel(self)
        self.clock_label.setFont(widgets.scaled_font(self.clock_label, 6.0, bold=True))
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.clock_label)
        self.date_label = QLabel(self)
        self.date_label.setFont(widgets.scaled_font(self.date_label, 1.6))
        self.date_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.date_label)

        panel = QFrame(self)
        panel.setObjectName("kioskPanel")
        panel.setStyleSheet(
            "QFrame#kioskPanel { background: white; border: 1px solid #d0d7de;"
            " border-radius: 12px; }"
        )
        panel.setMaximumWidth(760)
        grid = QGridLayout(panel)
        grid.setContentsMargins(40, 30, 40, 30)
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(18)
        self.employee_no = QLineEdit(panel)
        self.employee_no.setMaxLength(32)
        self.employee_no.setPlaceholderText(_("Employee no."))
        self.pin = QLineEdit(panel)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self.pin))
        self.pin.setPlaceholderText(_("PIN"))
        for row, (label, edit) in enumerate(
            ((_("Employee no."), self.employee_no), (_("PIN"), self.pin))
        ):
            caption = QLabel(label, panel)
            caption.setFont(widgets.scaled_font(caption, 1.8))
            edit.setFont(widgets.scaled_font(edit, 2.2))
            edit.setMinimumHeight(56)
            caption.setBuddy(edit)
            grid.addWidget(caption, row, 0)
            grid.addWidget(edit, row, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        self.in_button = self._big_button(_("Check in"), IN_COLOR)
        self.out_button = self._big_button(_("Check out"), OUT_COLOR)
        self.in_button.clicked.connect(lambda: self.punch(KioskKind.IN))
        self.out_button.clicked.connect(lambda: self.punch(KioskKind.OUT))
        buttons.addWidget(self.in_button)
        buttons.addWidget(self.out_button)
        grid.addLayout(buttons, 2, 0, 1, 2)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(panel, 4)
        centre.addStretch(1)
        outer.addLayout(centre)

        self.message = QLabel(self)
        self.message.setFont(widgets.scaled_font(self.message, 2.6, bold=True))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setMinimumHeight(90)
        outer.addWidget(self.message)
        hint = widgets.muted(_("Esc: leave the punch clock (supervisor's password)"), self)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addStretch(1)
        outer.addWidget(hint)

        self.employee_no.returnPressed.connect(self.pin.setFocus)
        self.clear_timer = QTimer(self)
        self.clear_timer.setSingleShot(True)
        self.clear_timer.setInterval(CLEAR_MS)
        self.clear_timer.timeout.connect(self.clear)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.tick()
        self.timer.start()
        self.employee_no.setFocus()

    def _big_button(self, text: str, color: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setFont(widgets.scaled_font(button, 2.6, bold=True))
        button.setMinimumHeight(96)
        button.setStyleSheet(
            f"QPushButton {{ background: {color}; color: white; border-radius: 12px; }}"
            " QPushButton:pressed { background: #374151; }"
        )
        return button

    # --- time --------------------------------------------------------------------------
    def tick(self) -> None:
        now = clock.branch_now(self.tz)
        self.clock_label.setText(now.strftime("%H:%M:%S"))
        self.date_label.setText(now.strftime("%Y-%m-%d"))

    # --- punching ------------------------------------------------------------------------
    def punch(self, kind: KioskKind) -> None:
        try:
            with self.store.transaction() as session:
                done = attendance.kiosk_punch(
                    session, self.actor, self.employee_no.text(), self.pin.text(), kind.value
                )
        except ValidationError as exc:
            self.show_message(str(exc), error=True)
            if exc.field == "pin":
                self.pin.clear()
                self.pin.setFocus()
            else:
                self.employee_no.setFocus()
                self.employee_no.selectAll()
            return
        except ServiceError as exc:
            self.show_message(str(exc), error=True)
            return
        if not done.result.stored:
            self.show_message(
                _("{name}: punched again within 2 minutes, ignored.").format(name=done.name),
                error=True,
            )
        else:
            local = clock.to_branch_time(done.at, self.tz).strftime("%H:%M")
            text = (
                _("{name} checked in at {time}")
                if kind is KioskKind.IN
                else _("{name} checked out at {time}")
            )
            self.show_message(text.format(name=done.name, time=local))
        self.clear_timer.start()

    def show_message(self, text: str, error: bool = False) -> None:
        color = widgets.ERROR_COLOR if error else OK_COLOR
        self.message.setStyleSheet(f"color: {color};")
        self.message.setText(text)
        self.clear_timer.start()

    def clear(self) -> None:
        self.employee_no.clear()
        self.pin.clear()
        self.message.clear()
        self.employee_no.setFocus()

    # --- leaving ----------------------------------------------------------------------------
    def ask_password(self) -> str | None:
        """The supervisor's password, or None when they changed their mind."""
        text, ok = QInputDialog.getText(
            self,
            _("Leave the punch clock"),
            _("Password of {name}:").format(name=self.actor.display_name),
            QLineEdit.EchoMode.Password,
        )
        return text if ok else None

    def try_leave(self) -> bool:
        password = self.ask_password()
        if password is None:
            return False
        with self.store.reading() as session:
            ok = auth.verify_password(session, self.actor, password)
        if not ok:
            self.show_message(_("Wrong password: the punch clock stays open."), error=True)
            return False
        self._may_close = True
        self.close()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.try_leave()
            return
        super().keyPressEvent(event)

    def open_full_screen(self) -> None:
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close:
            # Alt+F4 or the window manager: leaving needs the password, like Esc.
            event.ignore()
            return
        self.timer.stop()
        self.clear_timer.stop()
        super().closeEvent(event)
        self.closed.emit()
