"""The branch passphrase of an encrypted data file (app/crypt_store.py), asked by the Shell
before the store opens. A wrong passphrase brings the dialog back with the reason; Quit
ends the run. Nothing here imports the store: it is shown before the store exists."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.ui import widgets


class PassphraseDialog(QDialog):
    def __init__(
        self, path: Path | None, error: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("BranchDesk — Encrypted data"))
        self.setWindowIcon(widgets.app_icon())
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        top = QHBoxLayout()
        lock = QLabel(self)
        lock.setPixmap(widgets.padlock_pixmap(40))
        top.addWidget(lock)
        top.addWidget(widgets.heading(_("This data file is encrypted"), 1.3, self), 1)
        layout.addLayout(top)
        intro = QLabel(
            _(
                "Enter the branch passphrase to open it. Without the passphrase nobody, "
                "not even BranchDesk, can read this data."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if path is not None:
            where = widgets.muted(str(path), self)
            where.setWordWrap(True)
            layout.addWidget(where)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(_("Branch passphrase"))
        self.passphrase.setMaxLength(500)
        layout.addWidget(self.passphrase)
        self.message = widgets.ErrorLabel(self)
        if error:
            self.message.show_error(error)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(self)
        self.open_button = self.buttons.addButton(_("Open"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setDefault(True)
        self.buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._open)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.passphrase.setFocus()

    def _open(self) -> None:
        if not self.passphrase.text():
            self.message.show_error(_("Enter the passphrase."))
            self.passphrase.setFocus()
            return
        self.accept()


def ask_passphrase(parent: QWidget | None, path: Path | None, error: str | None) -> str | None:
    """The passphrase typed, or None when the user chose Quit."""
    dialog = PassphraseDialog(path, error, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.passphrase.text()
    finally:
        dialog.deleteLater()
