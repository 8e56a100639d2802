"""File → Encrypt data file: the supervisor turns encryption on from the GUI; the next
start asks for the passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import crypt_store
from app.db import Store
from app.services.auth import Actor
from app.ui import passphrase_dialog
from app.ui.app import Shell
from app.ui.encrypt_dialog import EncryptDialog
from app.ui.main_window import MainWindow
from tests.ui.conftest import Messages

pytest.importorskip("sqlcipher3")  # the test extra installs it: this runs in CI

PASSPHRASE = "网点的口令2026"


def sign_in(qtbot: QtBot, shell: Shell) -> MainWindow:
    qtbot.waitUntil(lambda: shell.login.sign_in_button.isEnabled())
    shell.login.username.clear()
    qtbot.keyClicks(shell.login.username, "boss")
    qtbot.keyClicks(shell.login.password, "secret1")
    qtbot.keyClick(shell.login.password, Qt.Key.Key_Return)
    assert shell.window is not None
    return shell.window


def test_encrypting_from_the_gui(
    qtbot: QtBot,
    store: Store,
    supervisor: Actor,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = store.path
    assert path is not None
    store.close()
    shell = Shell(f"sqlite:///{path}", idle_timeout_ms=600_000)
    qtbot.addWidget(shell.login)
    shell.open_store()
    window = sign_in(qtbot, shell)
    assert window.encrypt_action.isEnabled()

    window.encrypt_action.trigger()
    dialog = window.current_dialog
    assert isinstance(dialog, EncryptDialog)
    dialog.passphrase.setText("short")
    dialog.ok_button.click()
    assert "8" in dialog.error_text("passphrase")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE + "x")
    dialog.ok_button.click()
    assert dialog.error_text("repeat")
    dialog.repeat.setText(PASSPHRASE)
    dialog.ok_button.click()
    assert dialog.error_text("written_down")  # not until it is written down
    assert not crypt_store.is_encrypted(path)
    dialog.written_down.setChecked(True)
    dialog.ok_button.click()

    # Encrypted, opened again with the passphrase, back at the sign-in window.
    assert crypt_store.is_encrypted(path)
    assert shell.window is None and shell.login.isVisible()
    assert shell.store is not None and shell.store.passphrase is not None
    [kept] = path.parent.glob("*.before-encrypt.*")
    assert str(kept) in messages.infos[-1] and "加密" in messages.infos[-1]
    assert "王主管".encode() not in path.read_bytes()
    window = sign_in(qtbot, shell)
    assert not window.encrypt_action.isEnabled()  # already encrypted
    window.close()
    shell.close()

    # The next start asks for the passphrase.
    asked: list[Path | None] = []

    def answer(_parent: object, where: Path | None, _error: str | None) -> str:
        asked.append(where)
        return PASSPHRASE

    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", answer)
    again = Shell(f"sqlite:///{path}", idle_timeout_ms=600_000)
    qtbot.addWidget(again.login)
    again.open_store()
    qtbot.waitUntil(lambda: again.store is not None)  # opened again once the answer came
    assert asked == [path]
    again.close()
