"""The writer lock, network shares and links to the store (app/storelock.py)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import i18n, storelock
from app.storelock import (
    DanglingLinkError,
    NetworkShareError,
    StoreLocked,
    acquire_writer,
    check_store_link,
    claim_for_writing,
    network_filesystem,
)

ROOT = Path(__file__).resolve().parent.parent
Part = namedtuple("Part", "device mountpoint fstype opts")

LINUX_MOUNTS = [
    Part("/dev/sda1", "/", "ext4", "rw,relatime"),
    Part("//nas/office", "/mnt/office", "cifs", "rw,relatime"),
    Part("nas:/export", "/mnt/nfs", "nfs4", "rw"),
    Part("me@host:/srv", "/home/me/remote", "fuse.sshfs", "rw,nosuid"),
    Part("/dev/sdb1", "/mnt/office/usb", "vfat", "rw"),  # a local disk mounted inside a share
    Part("tmpfs", "/mnt/nfsish", "tmpfs", "rw"),
]
WINDOWS_MOUNTS = [
    Part("C:\\", "C:\\", "NTFS", "rw,fixed"),
    Part("Z:\\", "Z:\\", "", "rw,remote"),
    Part("E:\\", "E:\\", "FAT32", "rw,removable"),
]


@pytest.fixture(autouse=True)
def english(isolated_user_folders: None) -> Iterator[None]:
    with i18n.using("en"):
        yield


@pytest.fixture
def mounts(monkeypatch: pytest.MonkeyPatch) -> list[Part]:
    table: list[Part] = []
    monkeypatch.setattr(storelock, "_partitions", lambda: table)
    return table


# --- network file systems --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/me/branchdesk.sqlite3", None),
        ("/mnt/office/branchdesk.sqlite3", "cifs"),
        ("/mnt/office", "cifs"),
        ("/mnt/nfs/a/b/branchdesk.sqlite3", "nfs4"),
        ("/mnt/nfsish/branchdesk.sqlite3", None),  # a prefix of the name is not the folder
        ("/home/me/remote/branchdesk.sqlite3", "fuse.sshfs"),
        ("/mnt/office/usb/branchdesk.sqlite3", None),  # the innermost mount decides
    ],
)
def test_linux_and_macos_mounts(mounts: list[Part], path: str, expected: str | None) -> None:
    mounts.extend(LINUX_MOUNTS)
    assert network_filesystem(path) == expected


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("C:\\Users\\me\\AppData\\Local\\BranchDesk\\branchdesk.sqlite3", False),
        ("Z:\\branch\\branchdesk.sqlite3", True),
        ("z:\\branch\\branchdesk.sqlite3", True),  # drive letters ignore case
        ("E:\\branchdesk.sqlite3", False),
        ("\\\\nas\\office\\branchdesk.sqlite3", True),
        ("\\\\?\\UNC\\nas\\office\\branchdesk.sqlite3", True),
        ("\\\\?\\C:\\data\\branchdesk.sqlite3", False),
    ],
)
def test_windows_mapped_drives_and_unc_paths(mounts: list[Part], path: str, network: bool) -> None:
    mounts.extend(WINDOWS_MOUNTS)
    assert (network_filesystem(path) is not None) is network


def test_unc_path_names_the_share(mounts: list[Part]) -> None:
    found = network_filesystem("\\\\nas\\office\\branch\\branchdesk.sqlite3")
    assert found is not None and "\\\\nas\\office" in found


def test_mapped_drive_named(mounts: list[Part]) -> None:
    mounts.extend(WINDOWS_MOUNTS)
    found = network_filesystem("Z:\\branch\\branchdesk.sqlite3")
    assert found is not None and "Z:" in found


def test_no_mount_table_means_no_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> list[Part]:
        raise PermissionError("no /proc here")

    monkeypatch.setattr(storelock, "_partitions", fail)
    assert network_filesystem("/mnt/office/x.sqlite3") is None


def test_real_mount_table_says_tmp_is_local(tmp_path: Path) -> None:
    assert network_filesystem(tmp_path.resolve()) is None


def test_store_on_a_share_is_refused_unless_the_risk_is_accepted(
    mounts: list[Part], tmp_path: Path
) -> None:
    store = tmp_path / "branchdesk.sqlite3"
    mounts.append(Part("//nas/office", str(tmp_path.resolve()), "cifs", "rw"))
    with pytest.raises(NetworkShareError) as refused:
        claim_for_writing(store)
    text = str(refused.value)
    assert "cifs" in text and "postgresql+psycopg://" in text and "--accept-network-risk" in text
    assert refused.value.filesystem == "cifs"
    assert not storelock.lock_path(store.resolve()).exists()  # refused before any file is made

    with claim_for_writing(store, accept_network_risk=True) as lock:
        assert lock.held


# --- the lock --------------------------------------------------------------------------


def test_second_writer_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    store = tmp_path / "branchdesk.sqlite3"
    first = acquire_writer(store)
    try:
        with pytest.raises(StoreLocked) as refused:
            acquire_writer(store)
        message = str(refused.value)
        assert f"process {os.getpid()}" in message
        assert "Close it first" in message
        owner = refused.value.owner
        assert owner is not None and owner.pid == os.getpid() and owner.since is not None
    finally:
        first.release()
    assert not storelock.info_path(store).exists()
    again = acquire_writer(store)  # free again once released
    again.release()
    again.release()  # releasing twice is harmless


def test_lock_without_info_file_still_refuses(tmp_path: Path) -> None:
    store = tmp_path / "branchdesk.sqlite3"
    with acquire_writer(store):
        storelock.info_path(store).unlink()
        with pytest.raises(StoreLocked, match=r"already open on this data file\. Close it first"):
            acquire_writer(store)


def test_read_only_folder_gives_a_message(tmp_path: Path) -> None:
    if os.name == "nt" or os.geteuid() == 0:
        pytest.skip("needs POSIX permissions that apply to this user")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(storelock.StoreLockError, match="for writing"):
            acquire_writer(folder / "branchdesk.sqlite3")
    finally:
        folder.chmod(0o755)


HOLDER = """
import sys, time
from pathlib import Path
from app.storelock import acquire_writer
lock = acquire_writer(Path(sys.argv[1]))
print("locked", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_lock_is_freed_when_the_holder_is_killed(tmp_path: Path) -> None:
    store = tmp_path / "branchdesk.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLocked, match=f"process {holder.pid} on "):
            acquire_writer(store)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()
    # No stale lock to clear by hand: the OS dropped it with the process.
    with acquire_writer(store) as lock:
        owner = storelock.read_owner(store)
        assert lock.held and owner is not None and owner.pid == os.getpid()


# --- links -----------------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_lock_follows_a_link_to_the_real_file(tmp_path: Path) -> None:
    real = tmp_path / "data" / "branchdesk.sqlite3"
    real.parent.mkdir()
    real.touch()
    link = tmp_path / "link.sqlite3"
    link.symlink_to(real)
    folder_link = tmp_path / "shortcut"
    folder_link.symlink_to(real.parent)
    with acquire_writer(link) as lock:
        assert lock.store == real.resolve()
        assert storelock.lock_path(real).exists()
        with pytest.raises(StoreLocked):  # the same file by another name is the same store
            acquire_writer(folder_link / "branchdesk.sqlite3")
        with pytest.raises(StoreLocked):
            acquire_writer(real)


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_dangling_link_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    link = tmp_path / "branchdesk.sqlite3"
    link.symlink_to(tmp_path / "usb" / "branchdesk.sqlite3")
    with pytest.raises(DanglingLinkError, match="does not exist"):
        acquire_writer(link)
    with pytest.raises(DanglingLinkError, match=re.escape(str(link))):
        check_store_link(str(link))
    with pytest.raises(DanglingLinkError):
        check_store_link(f"sqlite:///{link}")
    folder_link = tmp_path / "drive"
    folder_link.symlink_to(tmp_path / "unplugged")
    monkeypatch.setenv("BRANCHDESK_DB", str(folder_link / "branchdesk.sqlite3"))
    with pytest.raises(DanglingLinkError, match=re.escape(str(folder_link))):
        check_store_link(None)
    check_store_link(str(tmp_path / "new.sqlite3"))  # a plain new file is fine
    check_store_link("postgresql+psycopg://u@server/branchdesk")
    assert not (tmp_path / "usb").exists() and not (tmp_path / "unplugged").exists()
