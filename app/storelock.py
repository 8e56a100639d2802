"""One writer per store (issue 6): the writer lock, network shares and links to the store.

Only one process at a time may write to a SQLite store: the GUI holds the writer lock for
as long as it runs, and the CLI's writing commands hold it while they run. The lock is an
OS file lock (`filelock`: flock on Unix, LockFileEx on Windows) on `<store>.lock` beside
the real file, so the OS releases it whenever the holder dies, SIGKILL and power loss
included: there is never a stale lock to clear by hand. Who holds it (pid, host, user,
since when) is written to `<store>.lock-info`, only for the message another process shows:
on Windows a locked file cannot even be read.

A store on a network file system is refused for writing unless the user accepts the
risk: SQLite's locks and its write-ahead log (shared memory in the -shm file) do not work
reliably across machines, and a broken lock means a corrupted file. The PostgreSQL
server option is the way for several PCs to share the data.

No Qt here: the GUI (app/ui/single_instance.py) and the CLI both use this module.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import ntpath
import os
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from app.i18n import _

LOCK_SUFFIX = ".lock"
# Not zero: a holder that is just releasing (a CLI command finishing) is waited for.
ACQUIRE_TIMEOUT_S = 0.25
INFO_SUFFIX = ".lock-info"

# fstype as Linux (/proc/mounts) and macOS (statfs) name network and host-shared file
# systems. vboxsf, vmhgfs and 9p (WSL2's /mnt/c, VM shares) are there because SQLite's
# locking is known to be broken on them too.
NETWORK_FSTYPES = frozenset(
    {
        "cifs",
        "smb",
        "smbfs",
        "smb2",
        "smb3",
        "nfs",
        "nfs3",
        "nfs4",
        "afpfs",
        "afp",
        "ncpfs",
        "sshfs",
        "fuse.sshfs",
        "davfs",
        "fuse.davfs2",
        "webdav",
        "9p",
        "afs",
        "coda",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gpfs",
        "vboxsf",
        "vmhgfs",
        "fuse.vmhgfs-fuse",
        "fuse.rclone",
        "fuse.s3fs",
    }
)
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


class StoreLockError(Exception):
    """The store cannot be opened for writing; the message is for the user (translated)."""


class StoreLocked(StoreLockError):
    """Another process (the app, or a CLI command that writes) holds the writer lock."""

    def __init__(self, message: str, owner: LockOwner | None) -> None:
        super().__init__(message)
        self.owner = owner


class NetworkShareError(StoreLockError):
    """The store is on a network file system and the user has not accepted the risk."""

    def __init__(self, message: str, filesystem: str) -> None:
        super().__init__(message)
        self.filesystem = filesystem


class DanglingLinkError(StoreLockError):
    """The store's path goes through a symbolic link whose target is missing."""


@dataclass(frozen=True)
class LockOwner:
    pid: int
    host: str
    user: str
    since: datetime | None

    def since_text(self) -> str:
        if self.since is None:
            return "?"
        return self.since.astimezone().strftime("%Y-%m-%d %H:%M")


def sqlite_file(url: str) -> Path | None:
    """The file of a `sqlite:///` URL, None for a server URL; without SQLAlchemy (the GUI
    calls this before the login window, which importing SQLAlchemy would delay)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + LOCK_SUFFIX)


def info_path(store: Path) -> Path:
    return store.with_name(store.name + INFO_SUFFIX)


# --- links -----------------------------------------------------------------------------


def dangling_link(path: Path) -> Path | None:
    """The first symbolic link along `path` (itself or a parent folder) whose target does
    not exist, else None. Following it would create a new, empty store somewhere else, or
    the folders of an unplugged drive on the system disk."""
    path = path.expanduser()
    for candidate in [*reversed(path.parents), path]:
        if candidate.is_symlink() and not candidate.exists():
            return candidate
    return None


def _dangling(link: Path) -> DanglingLinkError:
    return DanglingLinkError(
        _(
            "The data file is named through the link {link}, which points at "
            "{target}, and that does not exist (an unplugged drive, or a moved file?). "
            "Reconnect it or give the real file with --db."
        ).format(link=link, target=os.readlink(link))
    )


def check_store_link(db_option: str | None) -> None:
    """Refuse a store named through a broken link. Takes the value before it is resolved
    (--db, else BRANCHDESK_DB, else the default file: app.config.resolve_store_url's
    order), because resolving loses the fact that there was a link."""
    from app.config import ENV_DB, default_store_path, is_url

    value = db_option or os.environ.get(ENV_DB) or str(default_store_path())
    path = sqlite_file(value) if is_url(value) else Path(value)
    if path is not None and (link := dangling_link(path)) is not None:
        raise _dangling(link)


def real_store_path(store: Path) -> Path:
    """The real file behind `store` (links followed); lock, backups and restore use it."""
    link = dangling_link(store)
    if link is not None:
        raise _dangling(link)
    return store.expanduser().resolve()


# --- network file systems --------------------------------------------------------------


class _Partition(Protocol):
    @property
    def mountpoint(self) -> str: ...
    @property
    def fstype(self) -> str: ...
    @property
    def opts(self) -> str: ...
    @property
    def device(self) -> str: ...


def _is_unc(text: str) -> bool:
    r"""A Windows network path (\\server\share, or the long form \\?\UNC\server\share),
    which is also what resolving a mapped network drive gives."""
    if text.startswith("\\\\?\\UNC\\"):
        return True
    if text.startswith(("\\\\?\\", "\\\\.\\")):
        return False  # a local path in Win32's long or device form
    return text.startswith("\\\\")


def _under(path: str, mount: str) -> bool:
    if _WINDOWS_DRIVE.match(path) or _WINDOWS_DRIVE.match(mount):
        path, mount, sep = ntpath.normcase(path), ntpath.normcase(mount), "\\"
    else:
        sep = "/"
    if path == mount.rstrip(sep):
        return True
    return path.startswith(mount if mount.endswith(sep) else mount + sep)


def _partitions() -> Sequence[_Partition]:
    import psutil

    return psutil.disk_partitions(all=True)  # type: ignore[no-any-return]


def network_filesystem(path: Path | str) -> str | None:
    """What network file system holds `path` (e.g. "cifs", "nfs4", "network drive Z:"),
    or None for a local disk. `path` should be resolved already."""
    text = str(path)
    if _is_unc(text):
        return _("network share {share}").format(share=_unc_share(text))
    try:
        partitions: Iterable[_Partition] = _partitions()
    except Exception:  # psutil cannot list mounts here (sandboxed): nothing to say
        return None
    holding = [p for p in partitions if p.mountpoint and _under(text, p.mountpoint)]
    if not holding:
        return None
    best = max(holding, key=lambda p: len(p.mountpoint))  # the innermost mount
    fstype = (best.fstype or "").lower()
    if fstype in NETWORK_FSTYPES or fstype.startswith(("nfs", "smb", "cifs")):
        return best.fstype
    if "remote" in (best.opts or "").split(","):  # psutil's mark for a mapped Windows drive
        return _("network drive {drive}").format(drive=best.mountpoint.rstrip("\\/"))
    return None


def _unc_share(text: str) -> str:
    text = text.replace("/", "\\")
    for prefix in ("\\\\?\\UNC\\", "\\\\"):
        if text.startswith(prefix):
            parts = text[len(prefix) :].split("\\")
            return "\\\\" + "\\".join(parts[:2])
    return text


def network_risk_text(store: Path, filesystem: str) -> str:
    """Why a store on a network share is refused, and what to do instead."""
    return _(
        "The data file {path} is on a network file system ({filesystem}). SQLite's locking "
        "and its write-ahead log do not work reliably over network file systems: two PCs "
        "writing, or a dropped connection, can corrupt the data.\n\n"
        "Keep the data file on this PC's own disk. For an office where several PCs share "
        "the data, use the PostgreSQL server option: start BranchDesk with "
        "--db postgresql+psycopg://USER@SERVER/branchdesk."
    ).format(path=store, filesystem=filesystem)


def refuse_network_share(store: Path, *, accept_risk: bool) -> None:
    """Raise NetworkShareError for a store on a network share, unless the risk is accepted."""
    if accept_risk:
        return
    filesystem = network_filesystem(store)
    if filesystem is not None:
        raise NetworkShareError(
            network_risk_text(store, filesystem)
            + "\n\n"
            + _("To open it anyway, at your own risk, add --accept-network-risk."),
            filesystem,
        )


# --- the writer lock -------------------------------------------------------------------


def read_owner(store: Path) -> LockOwner | None:
    """Who wrote the info file last (the holder, if the lock is held); None if unknown."""
    path = info_path(store)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return LockOwner(
            pid=int(data["pid"]),
            host=str(data.get("host", "?")),
            user=str(data.get("user", "?")),
            # When the file was written: the file system's clock, not the app's (the app's
            # clock lives in app.services, too heavy to load before the login window).
            since=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def locked_message(owner: LockOwner | None) -> str:
    if owner is None:
        return _("BranchDesk is already open on this data file. Close it first.")
    return _(
        "BranchDesk is already open on this data file (process {pid} on {host} since "
        "{time}). Close it first."
    ).format(pid=owner.pid, host=owner.host, time=owner.since_text())


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a service account): not important
        return "?"


class StoreLock:
    """The writer lock on one store, held until `release()` or the process ends."""

    def __init__(self, store: Path, lock: Any) -> None:
        self.store = store
        self._lock = lock

    @property
    def held(self) -> bool:
        return self._lock is not None

    def release(self) -> None:
        if self._lock is None:
            return
        owner = read_owner(self.store)
        if owner is not None and owner.pid == os.getpid():
            with contextlib.suppress(OSError):
                info_path(self.store).unlink()
        if os.name != "nt":
            # Leave the folder as it was. Unlinking while still holding the lock is safe:
            # filelock's acquirers see a lock on an unlinked file and start over with a
            # new one (Windows' filelock unlinks the file itself after releasing it).
            with contextlib.suppress(OSError):
                lock_path(self.store).unlink()
        self._lock.release()
        self._lock = None

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def acquire_writer(store: Path) -> StoreLock:
    """Take the writer lock on the SQLite file `store` (resolved here), without waiting.

    Raises StoreLocked when another process holds it, DanglingLinkError for a broken
    link, StoreLockError when the lock file cannot be made (a read-only folder).
    """
    from filelock import FileLock, Timeout

    real = real_store_path(store)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path(real)), timeout=ACQUIRE_TIMEOUT_S, thread_local=False)
        lock.acquire()
    except Timeout:
        owner = read_owner(real)
        raise StoreLocked(locked_message(owner), owner) from None
    except OSError as exc:
        raise StoreLockError(
            _("Cannot open the data file {path} for writing: {reason}").format(
                path=real, reason=exc.strerror or exc
            )
        ) from None
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "user": _current_user(),
    }
    try:
        tmp = info_path(real).with_name(info_path(real).name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(info), encoding="utf-8")
        os.replace(tmp, info_path(real))
    except OSError:
        pass  # the lock holds without it; only the other side's message is poorer
    return StoreLock(real, lock)


def claim_for_writing(store: Path, *, accept_network_risk: bool = False) -> StoreLock:
    """The CLI's way in: refuse a network share (unless accepted), then take the lock."""
    real = real_store_path(store)
    refuse_network_share(real, accept_risk=accept_network_risk)
    return acquire_writer(real)
