"""Sign-in, and how the app starts: login first, the store right after."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Store
from app.i18n import _
from app.services.auth import Actor
from app.ui import app as ui_app
from app.ui import widgets
from app.ui.app import Shell, choose_language
from app.ui.login import LAST_USER_KEY, LoginDialog

ROOT = Path(__file__).resolve().parents[2]
SUPERVISOR_PASSWORD = "secret1"  # as in tests/conftest.py


def make_login(qtbot: QtBot, store: Store | None) -> LoginDialog:
    dialog = LoginDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_wrong_password_then_right_one(qtbot: QtBot, store: Store, supervisor: Actor) -> None:
    dialog = make_login(qtbot, store)
    qtbot.keyClicks(dialog.username, "boss")
    qtbot.keyClicks(dialog.password, "wrong")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    assert dialog.message.isVisible()
    assert dialog.message.text() == "用户名或密码不正确"
    assert dialog.password.text() == ""
    assert dialog.focusWidget() is dialog.password
    assert dialog.isVisible() and dialog.actor is None

    qtbot.keyClicks(dialog.password, SUPERVISOR_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.username == "boss"
    assert widgets.ui_settings().value(LAST_USER_KEY) == "boss"


def test_five_wrong_passwords_lock_the_account(
    qtbot: QtBot, store: Store, supervisor: Actor
) -> None:
    dialog = make_login(qtbot, store)
    qtbot.keyClicks(dialog.username, "boss")
    for _attempt in range(5):
        qtbot.keyClicks(dialog.password, "wrong")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "锁定" in dialog.message.text() and "15" in dialog.message.text()
    qtbot.keyClicks(dialog.password, SUPERVISOR_PASSWORD)  # even the right one, for now
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is None and "锁定" in dialog.message.text()


def test_last_user_name_is_prefilled(qtbot: QtBot, store: Store, supervisor: Actor) -> None:
    widgets.ui_settings().setValue(LAST_USER_KEY, "boss")
    dialog = make_login(qtbot, store)
    assert dialog.username.text() == "boss"
    assert dialog.focusWidget() is dialog.password


def test_empty_user_name_is_explained(qtbot: QtBot, store: Store, supervisor: Actor) -> None:
    dialog = make_login(qtbot, store)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == _("Enter your user name.")


def test_sign_in_waits_for_the_store(qtbot: QtBot, store: Store, supervisor: Actor) -> None:
    dialog = make_login(qtbot, None)
    assert not dialog.sign_in_button.isEnabled()
    assert dialog.status.text() == "正在打开数据…"
    qtbot.keyClicks(dialog.username, "boss")
    qtbot.keyClicks(dialog.password, SUPERVISOR_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible()  # nothing happens yet

    dialog.set_store(store)
    assert dialog.sign_in_button.isEnabled()
    assert store.location() in dialog.status.text()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is not None


def test_shell_opens_the_store_after_the_login_is_shown(
    qtbot: QtBot, store_url: str, store: Store, supervisor: Actor
) -> None:
    shell = Shell(store_url, idle_timeout_ms=60_000)
    qtbot.addWidget(shell.login)
    shell.start()
    qtbot.waitUntil(lambda: shell.login.sign_in_button.isEnabled())
    assert shell.store is not None and shell.wizard is None

    qtbot.keyClicks(shell.login.username, "boss")
    qtbot.keyClicks(shell.login.password, SUPERVISOR_PASSWORD)
    qtbot.keyClick(shell.login.password, Qt.Key.Key_Return)
    window = shell.window
    assert window is not None and window.isVisible()
    assert not shell.login.isVisible()

    window.sign_out()  # back to the login, ready for the next person
    qtbot.waitUntil(lambda: shell.login.isVisible())
    assert shell.window is None
    assert shell.login.username.text() == "boss"
    assert shell.login.password.text() == ""
    shell.close()


def test_store_error_is_shown_and_exits_with_2(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        ui_app.QMessageBox,
        "critical",
        lambda _parent, _title, text: shown.append(text) or QMessageBox.StandardButton.Ok,
    )
    folder = tmp_path / "a-folder"
    folder.mkdir()
    shell = Shell(f"sqlite:///{folder}")
    qtbot.addWidget(shell.login)
    shell.open_store()
    assert shell.exit_code == 2
    assert shown and str(folder) in shown[0]


def test_language_saved_in_settings_unless_given() -> None:
    assert choose_language(None) == "zh_CN"
    widgets.ui_settings().setValue("ui/language", "en")
    assert choose_language(None) == "en"
    assert choose_language("zh") == "zh_CN"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHDESK_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    return env


def test_login_window_comes_before_the_orm(tmp_path: Path) -> None:
    code = (
        "import sys, app.ui.app, app.ui.login\n"
        "heavy = ('sqlalchemy', 'app.db', 'app.services', 'matplotlib', 'reportlab', 'openpyxl')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_exit_when_shown_for_the_start_up_benchmark(tmp_path: Path) -> None:
    env = _env(tmp_path) | {"BRANCHDESK_EXIT_WHEN_SHOWN": "1"}
    store_file = tmp_path / "bench.sqlite3"
    out = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(store_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["login-window-shown"]
    assert not store_file.exists()  # the store is opened only after the window is up
