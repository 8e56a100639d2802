"""File → Encrypt data file (supervisor): choose the branch passphrase, typed twice, and
say it was written down. The Shell then closes the store, encrypts it (app/crypt_store.py)
and opens it again with the passphrase; see Shell.encrypt_store."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from app.db import Store
from app.i18n import _
from app.services.auth import Actor
from app.services.errors import ValidationError
from app.ui.staff_dialogs import FormDialog


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(500)
    return edit


class EncryptDialog(FormDialog):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(store, actor, parent)
        self.setWindowTitle(_("Encrypt the data file"))
        self.set_intro(
            _(
                "The data file, its backups from now on and the copy taken before each "
                "upgrade are encrypted (SQLCipher, AES-256) with a key made from the branch "
                "passphrase. BranchDesk asks for it at every start. A forgotten passphrase "
                "cannot be recovered by anyone: the data is then lost. Older backups stay "
                "unencrypted until you delete them."
            )
        )
        self.passphrase = _secret()
        self.repeat = _secret()
        self.written_down = QCheckBox(
            _("I have written the passphrase down and keep it in a safe place.")
        )
        self.add_field("passphrase", _("Branch passphrase"), self.passphrase)
        self.add_field("repeat", _("Passphrase again"), self.repeat)
        self.add_field("written_down", "", self.written_down)
        self.ok_button.setText(_("Encrypt"))
        self.passphrase.setFocus()

    def save(self) -> None:
        from app import crypt_store

        try:
            crypt_store.check_passphrase(self.passphrase.text())
        except crypt_store.CryptError as exc:
            raise ValidationError(str(exc), "passphrase") from None
        if self.repeat.text() != self.passphrase.text():
            raise ValidationError(_("The two passphrases differ."), "repeat")
        if not self.written_down.isChecked():
            raise ValidationError(
                _("Write the passphrase down first: without it the data cannot be read."),
                "written_down",
            )

    @property
    def chosen(self) -> str:
        return self.passphrase.text()
