"""Passwords: anyone changes their own (File → Change password…); the supervisor resets an
account manager's from the Staff page when it is forgotten or the account is locked."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.db import Store
from app.i18n import _
from app.services import auth
from app.services.auth import Actor
from app.services.staff import StaffRecord
from app.ui.staff_dialogs import FormDialog


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(200)
    return edit


class ChangePasswordDialog(FormDialog):
    """The current password, then the new one twice; saved in one transaction on OK."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(store, actor, parent)
        self.setWindowTitle(_("Change password"))
        self.set_intro(
            _("Signed in as {user}. The new password needs at least {n} characters.").format(
                user=actor.username, n=auth.MIN_PASSWORD_LENGTH
            )
        )
        self.current = _password_edit()
        self.password = _password_edit()
        self.password_repeat = _password_edit()
        self.add_field("current", _("Current password"), self.current)
        self.add_field("password", _("New password"), self.password)
        self.add_field("password_repeat", _("New password again"), self.password_repeat)
        self.ok_button.setText(_("Change password"))
        self.current.setFocus()

    def save(self) -> None:
        with self.store.transaction() as session:
            auth.change_password(
                session,
                self.actor,
                self.current.text(),
                self.password.text(),
                self.password_repeat.text(),
            )


class ResetPasswordDialog(FormDialog):
    """The supervisor gives an account manager a new password (typed twice)."""

    def __init__(
        self, store: Store, actor: Actor, record: StaffRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(store, actor, parent)
        self.record = record
        self.setWindowTitle(_("Reset password for {name}").format(name=record.name))
        self.set_intro(
            _(
                "{name} signs in as {user}. The new password replaces the old one at once and "
                "ends a lock from wrong passwords; tell it to {name} in person."
            ).format(name=record.name, user=record.sign_in or "")
        )
        self.password = _password_edit()
        self.password_repeat = _password_edit()
        self.add_field("password", _("New password"), self.password)
        self.add_field("password_repeat", _("New password again"), self.password_repeat)
        self.ok_button.setText(_("Reset password"))

    def save(self) -> None:
        with self.store.transaction() as session:
            auth.reset_password(
                session,
                self.actor,
                self.password.text(),
                self.password_repeat.text(),
                staff_id=self.record.id,
            )
