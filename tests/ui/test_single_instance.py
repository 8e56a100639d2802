"""One app per store: a second start brings the first forward or is refused with who
holds the store; a store on a network share needs an explicit "Open anyway"."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app import i18n, storelock
from app.storelock import acquire_writer
from app.ui import single_instance
from app.ui.app import Shell
from app.ui.single_instance import Claim, claim_store, server_name
from tests.ui.conftest import OFFSCREEN_NOISE, Messages

ROOT = Path(__file__).resolve().parents[2]
Part = namedtuple("Part", "device mountpoint fstype opts")
# The offscreen test platform cannot raise a window; bring_to_front asks it to.
cannot_raise = pytest.mark.qt_log_ignore(
    OFFSCREEN_NOISE, r"^This plugin does not support raise\(\)$"
)


@pytest.fixture(autouse=True)
def english(isolated_user_folders: None) -> Iterator[None]:
    with i18n.using("en"):
        yield


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "branchdesk.sqlite3"


@pytest.fixture
def first(qapp: QApplication, store_file: Path) -> Iterator[Claim]:
    """The app that opened the store first: it holds the lock and listens (which needs
    the application object first, as in run_gui)."""
    claim = claim_store(store_file)
    assert isinstance(claim, Claim) and claim.lock is not None and claim.server is not None
    yield claim
    claim.release()


@cannot_raise
def test_second_start_brings_the_first_window_forward(
    qtbot: QtBot, store_file: Path, first: Claim
) -> None:
    """The first app's side. (The asking side blocks, so it runs in another process:
    test_real_second_start; PySide keeps the GIL in waitForReadyRead, so not a thread.)"""
    # (exit_when_shown: the login's first paint would open the store and show the wizard)
    shell = Shell(f"sqlite:///{store_file}", exit_when_shown=True)
    qtbot.addWidget(shell.login)
    assert first.server is not None
    first.server.activated.connect(shell.bring_to_front)
    assert not shell.login.isVisible()
    socket = QLocalSocket()
    socket.connectToServer(server_name(store_file.resolve()))
    socket.write(single_instance.ACTIVATE + b"\n")
    qtbot.waitUntil(socket.canReadLine, timeout=5000)
    assert bytes(socket.readLine().data()).strip() == single_instance.ANSWER
    assert shell.login.isVisible()
    socket.abort()
    shell.login.showMinimized()
    shell.bring_to_front()
    assert not shell.login.isMinimized()


def test_held_store_without_an_answer_is_refused(
    store_file: Path, messages: Messages, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CLI import (or another user's app) holds the store: it cannot be asked to show."""
    with acquire_writer(store_file):
        assert claim_store(store_file) == 2
    [error] = messages.errors
    assert "BranchDesk is already open on this data file" in error
    assert f"process {os.getpid()}" in error
    assert error in capsys.readouterr().err
    claim = claim_store(store_file)  # free again
    assert isinstance(claim, Claim)
    claim.release()


def test_server_store_needs_no_lock(messages: Messages) -> None:
    claim = claim_store(None, "postgresql+psycopg://u@server/branchdesk")
    assert isinstance(claim, Claim) and claim.lock is None and claim.server is None
    assert not messages.errors


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_broken_link_is_refused(tmp_path: Path, messages: Messages) -> None:
    link = tmp_path / "branchdesk.sqlite3"
    link.symlink_to(tmp_path / "usb" / "branchdesk.sqlite3")
    assert claim_store(link.resolve(), str(link)) == 2
    assert "does not exist" in messages.errors[0]
    assert not (tmp_path / "usb").exists()


def test_network_share_asks_and_quit_is_the_default(
    store_file: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    share = Part("//nas/office", str(store_file.parent.resolve()), "cifs", "rw")
    monkeypatch.setattr(storelock, "_partitions", lambda: [share])
    asked: list[str] = []
    answers = [False, True]

    def ask(_parent: object, text: str) -> bool:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(single_instance, "ask_network_risk", ask)
    assert claim_store(store_file) == 2  # Quit
    for needle in ("cifs", "corrupt", "postgresql+psycopg://"):
        assert needle in asked[0]
    assert not storelock.lock_path(store_file).exists()  # Quit left nothing behind
    claim = claim_store(store_file)  # Open anyway
    assert isinstance(claim, Claim) and claim.lock is not None
    claim.release()
    claim = claim_store(store_file, accept_network_risk=True)  # --accept-network-risk
    assert isinstance(claim, Claim)
    claim.release()
    assert len(asked) == 2


def test_network_question_buttons(qtbot: QtBot) -> None:
    def press(which: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        if which == "default":
            box.defaultButton().click()
        else:
            [button] = [b for b in box.buttons() if b.text().startswith("Open anyway")]
            button.click()

    QTimer.singleShot(0, lambda: press("default"))
    assert single_instance.ask_network_risk(None, "risky") is False
    QTimer.singleShot(0, lambda: press("open"))
    assert single_instance.ask_network_risk(None, "risky") is True


def start_app(store_file: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BRANCHDESK_EXIT_WHEN_SHOWN": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--lang", "en", "--db", str(store_file)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_real_second_start(qtbot: QtBot, store_file: Path) -> None:
    """`python -m app --db STORE` while the store is open: handed over (0) when the app
    answers, refused with who holds it (2) when nobody does."""
    claim = claim_store(store_file)
    assert isinstance(claim, Claim) and claim.server is not None
    activated: list[bool] = []
    claim.server.activated.connect(lambda: activated.append(True))
    try:
        second = start_app(store_file)
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=30_000)  # answers meanwhile
        out, err = second.communicate()
        assert second.returncode == 0, err
        assert "brought forward" in out and activated == [True]
        assert claim.server is not None
        claim.server.close()  # still the writer, but no longer answering
        third = start_app(store_file)
        out, err = third.communicate(timeout=30)
        assert third.returncode == 2
        assert f"BranchDesk is already open on this data file (process {os.getpid()}" in err
    finally:
        claim.release()
