"""SIGKILL the real write path at random moments and check what survived (issue 6, item 1).

Shared by tests/reliability/test_kill.py (>= 100 kills, in the suite) and
bench/bench_kill_soak.py (1,000 kills).

The child runs the app's own write path: `open_store` on a prepared store, then one
transaction per action through the services, each action writing several rows in two
statements to two people: `attendance.import_punches` of IMPORTED punches (one
executemany INSERT) and `attendance.add_punch` of a manual punch (an ORM flush). Batch
`b` owns the minutes `BASE + b * SLOTS + slot`, so plain sqlite3 can tell the batches
apart and see a half-present one. Only after `commit` has returned does the child write
the batch id to a pipe (8 bytes: a pipe write that small is atomic). The parent kills the
child with SIGKILL after a seeded random delay, then checks with plain sqlite3 that every
reported batch is whole, no batch is partial and `PRAGMA integrity_check` is ok; the next
child carries on on the same file (and meets the killed one's hot WAL: the parent only
ever reads through a read-only connection, which cannot checkpoint it away).

Fresh interpreters cost ~0.5-1 s each (SQLAlchemy and the services); the children are
forked from multiprocessing's forkserver instead, which imported the app once.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import struct
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy.orm import configure_mappers

from app.db import open_store
from app.importers.punches import PunchRow
from app.services import attendance, auth, setup, staff

# In the forkserver, once: every child would otherwise configure the mappers itself.
configure_mappers()

BASE = datetime(2020, 1, 1, tzinfo=UTC)
BASE_KEY = attendance.minute_key(BASE)
SLOTS = 10  # minutes per batch
IMPORTED = 4  # slots 0..3: person A, by import_punches
MANUAL_SLOT = 5  # person B, by add_punch
ROWS_PER_BATCH = IMPORTED + 1
READY = -1
RECORD = struct.Struct("<q")
USER, PASSWORD = "boss", "secret1"
PEOPLE = ("K001", "K002")


def prepare(path: Path) -> None:
    """A store with a branch, its supervisor and the two people the batches punch for."""
    from argon2 import PasswordHasher

    auth.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    store = open_store(f"sqlite:///{path}")
    try:
        with store.transaction() as session:
            boss = setup.initialize(
                session, setup.BranchSetup("断电网点", USER, "王主管", PASSWORD)
            )
        with store.transaction() as session:
            for no, name in zip(PEOPLE, ("甲", "乙"), strict=True):
                staff.add_staff(session, boss, staff.StaffInput(no, name))
    finally:
        store.close()


def _minute(batch: int, slot: int) -> datetime:
    return BASE + timedelta(minutes=batch * SLOTS + slot)


def child_main(path: str, first_batch: int, conn: Connection) -> None:
    """The killed process: commits batch after batch until SIGKILL arrives."""
    fd = conn.fileno()
    store = open_store(f"sqlite:///{path}")
    with store.reading() as session:
        user = auth.find_user(session, USER)
        assert user is not None
        boss = auth.actor_for(user)
        a, b = (staff.find_by_employee_no(session, boss.branch_id, no) for no in PEOPLE)
        assert a is not None and b is not None
        person_b = b.id
    os.write(fd, RECORD.pack(READY))
    batch = first_batch
    while True:
        rows = [
            PunchRow(line=i + 2, employee_no=PEOPLE[0], name="甲", at=_minute(batch, i))
            for i in range(IMPORTED)
        ]
        with store.transaction() as session:
            result = attendance.import_punches(session, boss, rows)
            assert result.accepted == IMPORTED, result
            attendance.add_punch(
                session,
                boss,
                person_b,
                _minute(batch, MANUAL_SLOT),
                attendance.PunchSource.MANUAL.value,
                reason="kill test",
                note=f"batch {batch}",
            )
        # Reported only once commit has returned: this batch is promised to the user.
        os.write(fd, RECORD.pack(batch))
        batch += 1


@dataclass
class KillStats:
    kills: int = 0
    committed: int = 0  # batches the children reported committed
    present: int = 0  # whole batches in the file at the end
    unreported: int = 0  # committed, killed before it could say so (allowed)
    lost: list[int] = field(default_factory=list)  # reported but missing: must stay empty
    partial: list[int] = field(default_factory=list)  # half-present: must stay empty
    damaged: list[str] = field(default_factory=list)  # integrity_check lines other than ok
    seconds: float = 0.0
    starts: list[float] = field(default_factory=list)  # fork until the store is open
    check_seconds: float = 0.0
    delays: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.partial or self.damaged)

    def summary(self) -> str:
        return (
            f"{self.kills} kills, {self.committed} transactions reported committed, "
            f"{len(self.lost)} lost, {len(self.partial)} half-present, "
            f"{len(self.damaged)} integrity problems, {self.unreported} committed but "
            f"unreported; {self.seconds:.1f} s"
        )


def check(path: Path) -> tuple[Counter[int], list[str]]:
    """(rows per batch, integrity_check lines other than ok), read with plain sqlite3."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = [line for (line,) in conn.execute("PRAGMA integrity_check")]
        rows = conn.execute(
            "SELECT staff_id, minute_key, note FROM punch WHERE minute_key >= ?", (BASE_KEY,)
        ).fetchall()
        ids = dict(conn.execute("SELECT employee_no, id FROM staff").fetchall())
    finally:
        conn.close()
    per_batch: Counter[int] = Counter()
    for staff_id, key, note in rows:
        batch, slot = divmod(key - BASE_KEY, SLOTS)
        expected = (staff_id == ids[PEOPLE[0]] and slot < IMPORTED) or (
            staff_id == ids[PEOPLE[1]] and slot == MANUAL_SLOT and note == f"batch {batch}"
        )
        # A stray row counts twice so that the batch can never look whole.
        per_batch[batch] += 1 if expected else ROWS_PER_BATCH + 1
    return per_batch, [line for line in verdict if line != "ok"]


def _read_records(conn: Connection) -> list[int]:
    data = b""
    fd = conn.fileno()
    while chunk := os.read(fd, 65536):
        data += chunk
    if len(data) % RECORD.size:
        raise AssertionError(f"a torn report from the child: {len(data)} bytes")
    return [v for (v,) in RECORD.iter_unpack(data)]


def _wait_ready(conn: Connection, proc: multiprocessing.process.BaseProcess) -> None:
    if not conn.poll(60):
        raise AssertionError("the child did not open the store within 60 s")
    data = os.read(conn.fileno(), RECORD.size)
    if len(data) != RECORD.size:
        raise AssertionError(f"the child ended before opening the store (exit {proc.exitcode})")
    (first,) = RECORD.unpack(data)
    if first != READY:
        raise AssertionError(f"unexpected first report {first}")


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def forkserver() -> multiprocessing.context.ForkServerContext:
    """The forkserver context, its server having imported this module and fault_actions
    (and so the app, the importers and openpyxl). Shared by the kill and fault tests.

    Python 3.11's forkserver imports its preload modules before it applies the parent's
    sys.path, and silently skips what it cannot import: the server is started here with
    PYTHONPATH naming this folder and the checkout. "__main__" is preloaded too, so that
    each child does not import the main script (pytest's, say) again.
    """
    from multiprocessing import forkserver

    ctx = multiprocessing.get_context("forkserver")
    assert isinstance(ctx, multiprocessing.context.ForkServerContext)
    ctx.set_forkserver_preload(
        ["__main__", "kill_harness", "fault_actions", "openpyxl", "app.__main__", "app.cli"]
    )
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), *([old] if old else [])])
    try:
        forkserver.ensure_running()
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old
    return ctx


def run_kills(
    path: Path,
    kills: int,
    seed: int = 6,
    max_delay: float = 0.15,
    progress: bool = False,
) -> KillStats:
    """Kill `kills` children writing to the store at `path` (already prepared)."""
    ctx = forkserver()
    rng = random.Random(seed)
    stats = KillStats()
    reported: set[int] = set()
    next_batch = 0
    started = time.perf_counter()
    for n in range(kills):
        reader, writer = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=child_main, args=(str(path), next_batch, writer), daemon=True)
        t0 = time.perf_counter()
        proc.start()
        writer.close()
        try:
            _wait_ready(reader, proc)
            stats.starts.append(time.perf_counter() - t0)
            delay = rng.uniform(0, max_delay)
            stats.delays.append(delay)
            time.sleep(delay)
            assert proc.pid is not None
            if proc.exitcode is not None:
                raise AssertionError(f"the child died on its own (exit {proc.exitcode})")
            os.kill(proc.pid, signal.SIGKILL)
            proc.join()
            new = _read_records(reader)
        finally:
            if proc.exitcode is None:
                proc.kill()
                proc.join()
            reader.close()
        if proc.exitcode != -signal.SIGKILL:
            raise AssertionError(f"the child ended with {proc.exitcode}, not by SIGKILL")
        stats.kills += 1
        reported.update(new)
        t0 = time.perf_counter()
        per_batch, problems = check(path)
        stats.check_seconds += time.perf_counter() - t0
        stats.damaged.extend(f"after kill {n + 1}: {p}" for p in problems)
        stats.lost = sorted(b for b in reported if per_batch.get(b, 0) == 0)
        stats.partial = sorted(b for b, c in per_batch.items() if c != ROWS_PER_BATCH)
        if not stats.ok:
            break  # the file is what it is: stop here and show it
        seen = set(per_batch) | reported
        next_batch = max(seen) + 1 if seen else 0
        if progress and (n + 1) % 100 == 0:
            print(f"  {n + 1} kills, {len(reported)} committed", file=sys.stderr, flush=True)
    stats.seconds = time.perf_counter() - started
    per_batch, _problems = check(path)
    stats.committed = len(reported)
    stats.present = sum(1 for c in per_batch.values() if c == ROWS_PER_BATCH)
    stats.unreported = len(set(per_batch) - reported)
    return stats
