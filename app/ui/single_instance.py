"""One app per store (issue 6): a second start on the same data file brings the first
one's window to the front instead of opening the store twice.

The app takes the store's writer lock (app/storelock.py) before it opens the store, and
listens on a local socket (QLocalServer: a named pipe on Windows, a socket file on Unix)
whose name is derived from the real store path and the OS user. A second start that
finds the lock held asks that socket to bring its window forward; when somebody answers,
it exits quietly. When nobody does (a CLI import holds the lock, another Windows user's
app, a hung app), it says who holds the store and exits with code 2.

A store on a network share is opened only after the user has said, in a question whose
default is Quit, that they accept the risk.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox, QWidget

from app.i18n import _
from app.storelock import (
    LockOwner,
    StoreLock,
    StoreLocked,
    StoreLockError,
    acquire_writer,
    check_store_link,
    network_filesystem,
    network_risk_text,
    real_store_path,
)
from app.ui import widgets

log = logging.getLogger("branchdesk.ui")

EXIT_REFUSED = 2
ACTIVATE = b"activate"
ANSWER = b"ok"
ANSWER_TIMEOUT_MS = 2000


def server_name(store: Path) -> str:
    """The local socket's name for this store and this OS user (another user's app on a
    shared PC has its own windows, which this user cannot bring forward anyway)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment: the home folder tells users apart
        user = str(Path.home())
    digest = hashlib.sha256(f"{user}\0{store}".encode()).hexdigest()[:24]
    return f"branchdesk-{digest}"


class InstanceServer(QObject):
    """Listens for later starts on the same store; `activated` asks to show the window."""

    activated = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        # Only the writer lock's holder listens, so a socket file left under this name
        # is a crashed run's (Unix): remove it, or listen() would fail.
        QLocalServer.removeServer(self.name)
        if self.server.listen(self.name):
            return True
        log.warning("cannot listen on %s: %s", self.name, self.server.errorString())
        return False

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.disconnected.connect(socket.deleteLater)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        request = bytes(socket.readLine().data()).strip()
        if request == ACTIVATE:
            socket.write(ANSWER + b"\n")
            socket.flush()
            self.activated.emit()
        socket.disconnectFromServer()


def ask_first_instance(name: str, timeout_ms: int = ANSWER_TIMEOUT_MS) -> bool:
    """Ask the app listening on `name` to bring its window forward; True if it answered.
    Blocking: it runs before this start has an event loop."""
    socket = QLocalSocket()
    try:
        socket.connectToServer(name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(ACTIVATE + b"\n")
        socket.flush()
        socket.waitForBytesWritten(timeout_ms)
        while not socket.canReadLine():
            if not socket.waitForReadyRead(timeout_ms):
                return False
        return bytes(socket.readLine().data()).strip() == ANSWER
    finally:
        socket.abort()


def _allow_foreground(owner: LockOwner | None) -> None:
    """Windows lets a process take the foreground only if the foreground process allows
    it: this start is in the foreground (the user just clicked), so it passes that on."""
    if sys.platform != "win32" or owner is None:
        return
    try:
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(owner.pid)  # type: ignore[attr-defined]
    except Exception:  # only a nicety: the first window then flashes in the task bar
        log.debug("AllowSetForegroundWindow failed", exc_info=True)


def ask_network_risk(parent: QWidget | None, text: str) -> bool:
    """The network-share question; True only for "Open anyway". Quit is the default."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("BranchDesk"), text, parent=parent)
    accept = box.addButton(_("Open anyway (I accept the risk)"), QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.setEscapeButton(quit_button)
    box.exec()
    return box.clickedButton() is accept


@dataclass
class Claim:
    """This run is the store's writer: the lock and the socket, until `release()`."""

    lock: StoreLock | None  # None for a PostgreSQL store: the server arbitrates
    server: InstanceServer | None

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def _refuse(text: str, interactive: bool) -> int:
    print(f"branchdesk: {text}", file=sys.stderr, flush=True)
    if interactive:
        widgets.show_error(None, text)
    return EXIT_REFUSED


def claim_store(
    store: Path | None,
    db_option: str | None = None,
    *,
    accept_network_risk: bool = False,
    interactive: bool = True,
) -> Claim | int:
    """Make this run the writer of the SQLite file `store` (None: a server URL), before
    the store is opened. Returns the Claim, or the exit code that ends this run: 0 when
    the app already open on the store was brought forward, 2 when the store is refused
    (held by someone who does not answer, a broken link, a network share the user did
    not accept). `interactive=False` (automated starts) prints instead of asking."""
    try:
        check_store_link(db_option)
    except StoreLockError as exc:
        return _refuse(str(exc), interactive)
    if store is None:
        return Claim(None, None)
    try:
        lock = acquire_writer(store)
    except StoreLocked as exc:
        _allow_foreground(exc.owner)
        if ask_first_instance(server_name(real_store_path(store))):
            print(
                _("BranchDesk is already open on this data file; its window was brought forward."),
                flush=True,
            )
            return 0
        return _refuse(str(exc), interactive)
    except StoreLockError as exc:
        return _refuse(str(exc), interactive)
    filesystem = network_filesystem(lock.store)
    if filesystem is not None and not accept_network_risk:
        text = network_risk_text(lock.store, filesystem)
        if not interactive or not ask_network_risk(None, text):
            lock.release()
            if not interactive:
                print(f"branchdesk: {text}", file=sys.stderr, flush=True)
            return EXIT_REFUSED
        log.warning("%s is on %s; opened at the user's risk", lock.store, filesystem)
    server = InstanceServer(server_name(lock.store))
    server.listen()  # without it a later start says who holds the store instead
    return Claim(lock, server)
