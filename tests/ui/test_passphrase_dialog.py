"""An encrypted store: the Shell asks for the branch passphrase before it opens the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import crypt_store
from app.db import Store
from app.services.auth import Actor
from app.ui import passphrase_dialog
from app.ui.app import Shell
from app.ui.passphrase_dialog import PassphraseDialog, ask_passphrase

pytest.importorskip("sqlcipher3")

PASSPHRASE = "网点口令 2026 spring"


@pytest.fixture
def encrypted_url(store: Store, supervisor: Actor) -> str:
    store.close()
    assert store.path is not None
    crypt_store.encrypt_store(store.path, PASSPHRASE).unlink()
    return store.url


def test_the_shell_asks_again_after_a_wrong_passphrase_then_opens(
    qtbot: QtBot, encrypted_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = ["not it", PASSPHRASE]
    asked: list[str | None] = []

    def ask(_parent: object, path: Path | None, error: str | None) -> str | None:
        asked.append(error)
        return answers.pop(0)

    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", ask)
    shell = Shell(encrypted_url, idle_timeout_ms=60_000)
    qtbot.addWidget(shell.login)
    shell.start()
    qtbot.waitUntil(lambda: shell.login.sign_in_button.isEnabled(), timeout=10_000)
    assert asked[0] is None  # first time: just asked
    assert asked[1] is not None and encrypted_url.removeprefix("sqlite:///") in asked[1]
    assert shell.store is not None and shell.store.passphrase == PASSPHRASE
    assert shell.exit_code is None
    shell.close()


def test_quit_at_the_passphrase_ends_the_run(
    qtbot: QtBot, encrypted_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", lambda *_a: None)
    shell = Shell(encrypted_url)
    qtbot.addWidget(shell.login)
    shell.open_store()
    assert shell.exit_code == 0 and shell.store is None


def test_the_dialog_wants_a_passphrase(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = PassphraseDialog(tmp_path / "s.sqlite3", "错了")
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "错了"
    dialog.open_button.click()
    assert dialog.result() != PassphraseDialog.DialogCode.Accepted
    assert dialog.message.text()  # "enter the passphrase"

    def type_and_accept() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, PassphraseDialog)]
        target = next(w for w in shown if w.isVisible())
        qtbot.keyClicks(target.passphrase, "abc def 123")
        qtbot.keyClick(target.passphrase, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_and_accept)
    assert ask_passphrase(None, None, None) == "abc def 123"
