"""Failing storage (issue 6, item 1): the save path, the importers and backup against a
full disk and against an I/O error at the Nth operation, for every N.

After every failure the store's content (a SHA-256 of every table's rows, read with plain
sqlite3) is what it was, `PRAGMA integrity_check` is ok and the user gets the app's own
message (app.db.environment_fault) or, for backup, a BackupError naming the cause, with
the previous backup untouched and no `.part` left behind.

* Full disk: a child forked from the forkserver lowers RLIMIT_FSIZE (SIGXFSZ ignored), so
  a write past the limit fails with EFBIG. SQLite reports EFBIG as a disk I/O error (only
  ENOSPC is "database or disk is full"); either message is accepted. The limit is swept
  across the WAL frames the action writes, so the failure lands at every few frames.
* I/O error at the Nth operation: SQLite's own method (a VFS failing the Nth call) is out
  of reach from Python's sqlite3, so the fault is injected at the DB-API boundary: the
  Nth cursor execute (BEGIN, SELECT, INSERT, SAVEPOINT, ...) or COMMIT raises
  sqlite3.OperationalError, which SQLAlchemy wraps as the driver's own error would be.
  For backup the Nth file-level step (sqlite3 connect / backup / integrity_check / close,
  os.open / fsync / replace / close) raises.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fault_actions import ACTIONS, FRIDAY, _boss, build, fingerprint, run_full_disk
from kill_harness import forkserver
from sqlalchemy import event

from app import backup
from app.backup import BackupError
from app.db import Store, environment_fault, open_store
from app.i18n import _

IO_ERROR, DISK_FULL = "disk I/O error", "database or disk is full"
FRAME = 4096 + 24  # a WAL frame: header and page
SHM = 32768  # the WAL index SQLite allocates on the first read


def message_for(sqlite_text: str) -> str | None:
    return environment_fault(sqlite3.OperationalError(sqlite_text))


@pytest.fixture(scope="module")
def base(
    store_templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("faults")
    return build(store_templates["branch"], folder), folder


def fresh_copy(base_path: Path, target: Path) -> Path:
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(base_path, target)
    return target


# --- an I/O error at the Nth operation ---------------------------------------------------


@contextmanager
def fail_at(store: Store, n: int, text: str) -> Iterator[dict[str, Any]]:
    """The store's Nth cursor execute or commit raises sqlite3.OperationalError(text)."""
    state: dict[str, Any] = {"calls": 0, "fired": None}

    def tick(what: str) -> None:
        state["calls"] += 1
        if state["calls"] == n:
            state["fired"] = what
            raise sqlite3.OperationalError(text)

    def before(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        tick(statement.split(None, 1)[0])

    dialect = store.engine.dialect
    real_commit = dialect.do_commit

    def do_commit(dbapi_connection: Any) -> None:
        tick("COMMIT")
        real_commit(dbapi_connection)

    event.listen(store.engine, "before_cursor_execute", before)
    dialect.do_commit = do_commit  # type: ignore[method-assign]
    try:
        yield state
    finally:
        event.remove(store.engine, "before_cursor_execute", before)
        del dialect.do_commit


def sweep(
    path: Path, folder: Path, action: Callable[..., object], text: str
) -> tuple[int, list[str]]:
    """Run `action` with the fault at N = 1, 2, ... until it completes without reaching N;
    returns (the number of fault points, the statements they hit)."""
    before = fingerprint(path)
    assert before[1] == "ok"
    expected = message_for(text)
    store = open_store(f"sqlite:///{path}")
    try:
        boss = _boss(store)
        hit: list[str] = []
        n = 0
        while True:
            n += 1
            error: BaseException | None = None
            with fail_at(store, n, text) as state:
                try:
                    action(store, boss, folder)
                except Exception as exc:
                    error = exc
            if state["fired"] is None:
                assert error is None, f"N={n}: failed without a fault: {error!r}"
                break
            hit.append(state["fired"])
            assert error is not None, f"N={n}: the fault at {state['fired']} was swallowed"
            assert environment_fault(error) == expected, f"N={n} ({state['fired']}): {error!r}"
            assert fingerprint(path) == before, f"N={n} ({state['fired']}): the store changed"
        after = fingerprint(path)
        assert after[1] == "ok" and after[0] != before[0]  # the last run did save
    finally:
        store.close()
    return n - 1, hit


@pytest.mark.parametrize("action", list(ACTIONS))
def test_io_error_at_every_operation(action: str, base: tuple[Path, Path], tmp_path: Path) -> None:
    path = fresh_copy(base[0], tmp_path / "store.sqlite3")
    points, hit = sweep(path, base[1], ACTIONS[action], IO_ERROR)
    # (The driver issues BEGIN itself, inside the first INSERT's execute.)
    assert points >= 3 and hit[-1] == "COMMIT" and {"SELECT", "INSERT"} <= set(hit)
    print(f"{action}: {points} fault points ({', '.join(sorted(set(hit)))})")


def test_disk_full_error_at_every_operation_of_the_save_path(
    base: tuple[Path, Path], tmp_path: Path
) -> None:
    path = fresh_copy(base[0], tmp_path / "store.sqlite3")
    points, _hit = sweep(path, base[1], ACTIONS["save_punches"], DISK_FULL)
    assert points >= 3
    assert message_for(DISK_FULL) != message_for(IO_ERROR)


# --- backup: an I/O error at the Nth file-level step ---------------------------------------


class Steps:
    def __init__(self, n: int) -> None:
        self.n, self.calls, self.fired = n, 0, ""

    def tick(self, what: str, sqlite_step: bool) -> None:
        self.calls += 1
        if self.calls == self.n:
            self.fired = what
            if sqlite_step:
                raise sqlite3.OperationalError(IO_ERROR)
            raise OSError(errno.EIO, os.strerror(errno.EIO))


class FaultyConnection:
    def __init__(self, real: sqlite3.Connection, steps: Steps) -> None:
        self.real, self.steps = real, steps

    def backup(self, target: FaultyConnection, **kw: Any) -> None:
        self.steps.tick("sqlite3 backup", True)
        self.real.backup(target.real, **kw)

    def execute(self, *args: Any) -> sqlite3.Cursor:
        self.steps.tick("sqlite3 execute", True)
        return self.real.execute(*args)

    def close(self) -> None:
        self.real.close()
        self.steps.tick("sqlite3 close", True)


class FaultySqlite3:
    def __init__(self, steps: Steps) -> None:
        self.steps = steps

    def __getattr__(self, name: str) -> Any:
        return getattr(sqlite3, name)

    def connect(self, *args: Any, **kw: Any) -> FaultyConnection:
        self.steps.tick("sqlite3 connect", True)
        return FaultyConnection(sqlite3.connect(*args, **kw), self.steps)


class FaultyOs:
    STEPS = ("open", "fsync", "replace", "close")

    def __init__(self, steps: Steps) -> None:
        self.steps = steps

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in self.STEPS:
            return real

        def step(*args: Any, **kw: Any) -> Any:
            if name == "close":  # close it anyway: a failing close must not leak
                real(*args, **kw)
            self.steps.tick(f"os.{name}", False)
            return None if name == "close" else real(*args, **kw)

        return step


def backup_ok(message: str, full_too: bool = False) -> bool:
    """The reason is the app's own, translated; not SQLite's or the OS's English text."""
    reasons = [_("the disk reported an error (I/O error)")]
    if full_too:
        reasons.append(_("the disk is full"))
    return any(r in message for r in reasons) and IO_ERROR not in message


@pytest.mark.parametrize("how", ["backup_file", "make_backup"])
def test_backup_io_error_at_every_step(
    how: str, base: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = fresh_copy(base[0], tmp_path / "store.sqlite3")
    folder = tmp_path / "backups"
    folder.mkdir()
    previous = folder / (
        "previous.sqlite3" if how == "backup_file" else backup.backup_name(FRIDAY.replace(day=20))
    )
    backup.backup_file(base[0].parent / "base.sqlite3", previous)
    old = previous.read_bytes()
    expected = fingerprint(source)
    n = 0
    while True:
        n += 1
        steps = Steps(n)
        monkeypatch.setattr(backup, "os", FaultyOs(steps))
        monkeypatch.setattr(backup, "sqlite3", FaultySqlite3(steps))
        error: BackupError | None = None
        try:
            if how == "backup_file":
                made = backup.backup_file(source, previous)
            else:
                made = backup.make_backup(source, folder, now=FRIDAY)
        except BackupError as exc:
            error = exc
        finally:
            monkeypatch.undo()
        assert not list(folder.glob("*.part")), f"N={n} ({steps.fired}): a .part was left"
        if not steps.fired:
            assert error is None
            assert fingerprint(made) == expected
            break
        assert error is not None, f"N={n}: the fault at {steps.fired} was swallowed"
        assert backup_ok(str(error)), f"N={n} ({steps.fired}): {error}"
        assert previous.read_bytes() == old or (
            how == "backup_file"
            and (
                # Only a failed fsync of the folder, after the rename, leaves the new backup.
                steps.fired in ("os.open", "os.fsync", "os.close")
                and fingerprint(previous) == expected
            )
        ), f"N={n} ({steps.fired}): the previous backup was changed"
        if how == "backup_file" and previous.read_bytes() != old:
            backup.backup_file(base[0], previous)  # put the previous one back
            old = previous.read_bytes()
        new = [p for p in folder.iterdir() if p != previous]
        assert not new or fingerprint(new[0]) == expected, f"N={n} ({steps.fired}): {new}"
        for p in new:
            p.unlink()
        assert fingerprint(source) == expected
    assert n - 1 >= 8
    print(f"{how}: {n - 1} fault points")


# --- a full disk (RLIMIT_FSIZE), in children ----------------------------------------------


def run_child(base: tuple[Path, Path], tmp_path: Path, action: str, limit: int) -> dict[str, Any]:
    ctx = forkserver()
    path = fresh_copy(base[0], tmp_path / "store.sqlite3")
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=run_full_disk, args=(str(path), str(base[1]), action, limit, writer), daemon=True
    )
    proc.start()
    writer.close()
    try:
        assert reader.poll(60), f"{action} at {limit} bytes: no answer from the child"
        result: dict[str, Any] = reader.recv()
    finally:
        reader.close()
        proc.join(10)
    assert proc.exitcode == 0, proc.exitcode
    return result


def limits_for(wal: int, points: int = 6) -> list[int]:
    """File-size limits that cut the action's WAL at about `points` places, mid-frame."""
    frames = max(1, (wal - 32) // FRAME)
    stride = max(1, frames // points)
    return sorted({0, *(32 + k * FRAME + 1000 for k in range(0, frames, stride))})


@pytest.mark.slow
@pytest.mark.parametrize("action", list(ACTIONS))
def test_full_disk(action: str, base: tuple[Path, Path], tmp_path: Path) -> None:
    full = {message_for(DISK_FULL), message_for(IO_ERROR)}
    done = run_child(base, tmp_path, action, resource.RLIM_INFINITY)
    assert done["outcome"] == "done", done
    before = fingerprint(fresh_copy(base[0], tmp_path / "check.sqlite3"))
    limits = limits_for(done["wal"])
    for limit in limits:
        result = run_child(base, tmp_path, action, limit)
        assert result["outcome"] == "failed", (limit, result)
        assert result["fault"] in full, (limit, result["error"])
        assert fingerprint(tmp_path / "store.sqlite3") == before, (limit, result["error"])
    print(f"{action}: WAL {done['wal']} bytes, {len(limits)} limits swept")


@pytest.mark.slow
@pytest.mark.parametrize("how", ["backup_file", "make_backup"])
def test_backup_on_a_full_disk(how: str, base: tuple[Path, Path], tmp_path: Path) -> None:
    folder = base[1] / "backups"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    previous = folder / (
        "previous.sqlite3" if how == "backup_file" else backup.backup_name(FRIDAY.replace(day=20))
    )
    previous.write_bytes(base[0].read_bytes())  # a closed store: any valid old backup will do
    old = previous.read_bytes()
    size = base[0].stat().st_size
    limits = [0, 4096, *range(SHM, size, max(4096, (size - SHM) // 5))]
    for limit in limits:
        result = run_child(base, tmp_path, how, limit)
        assert result["outcome"] == "failed", (limit, result)
        assert "BackupError" in result["error"], (limit, result)
        assert backup_ok(result["message"], full_too=True), (limit, result["message"])
        assert previous.read_bytes() == old, limit
        assert sorted(p.name for p in folder.iterdir()) == [previous.name], limit
    print(f"{how}: {len(limits)} limits swept; e.g. {result['message']}")


@pytest.mark.slow
def test_cli_import_on_a_full_disk_exits_2_with_the_message(
    base: tuple[Path, Path], tmp_path: Path
) -> None:
    full = {message_for(DISK_FULL), message_for(IO_ERROR)}
    before = fingerprint(fresh_copy(base[0], tmp_path / "check.sqlite3"))
    done = run_child(base, tmp_path, "import_punches", resource.RLIM_INFINITY)
    for limit in limits_for(done["wal"], points=5):
        result = run_child(base, tmp_path, "cli_import_punches", limit)
        assert result["outcome"] == "exit" and result["code"] == 2, (limit, result)
        stderr = result["stderr"].strip()
        assert stderr in {f"branchdesk: {m}" for m in full}, (limit, stderr)
        assert fingerprint(tmp_path / "store.sqlite3") == before, limit
    print(f"cli: {stderr}")
