"""Attendance benchmarks: a month's results for 200 staff, and a 100,000-punch import.

    .venv/bin/python bench/bench_attendance.py [--staff 770] [--years 5] [--runs 7]
                                               [--rebuild] [--json]

The store is built once, with bulk Core inserts, into a file in the temp folder (770 staff
punching in and out on every working day of five years: about 1.9 million punches) and
reused by later runs; `--rebuild` makes it again. Figures:

  attendance_month_200_staff   app.services.attendance.month() for 200 staff and one
                               month, day engine included (median of the runs)
  import_100k_punches          read a 100,000-row CSV export and import it into that
                               store in one committed transaction; the punches are
                               deleted afterwards so that the store stays the same

The exit status is 0 even when a goal is missed: this is a report.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher
from sqlalchemy import delete, func, insert, select

from app import i18n
from app.db import HEAD_REVISION, Store, open_store
from app.models import Punch, Staff
from app.services import attendance, auth, setup
from app.services.auth import Actor
from app.services.calendar import WorkCalendar

TZ = "Asia/Shanghai"
ZONE = ZoneInfo(TZ)
LAST_DAY = date(2025, 12, 31)  # the store's punches end here; the import comes after
MONTH = (2025, 6)
MONTH_STAFF = 200
IMPORT_STAFF, IMPORT_FIRST = 400, date(2026, 1, 5)
IMPORT_ROWS = 100_000
GOALS = {"attendance_month_200_staff": 150.0, "import_100k_punches": 5.0}
CHUNK = 50_000


def store_path(staff: int, years: int) -> Path:
    name = f"branchdesk-bench-attendance-{HEAD_REVISION}-{staff}x{years}.sqlite3"
    return Path(tempfile.gettempdir()) / name


def working_days(store: Store, first: date, last: date) -> list[date]:
    with store.reading() as session:
        cal = WorkCalendar.load(session, 1, range(first.year, last.year + 1))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if cal.info(d).working]


def supervisor(store: Store) -> Actor:
    with store.reading() as session:
        user = auth.find_user(session, "bench")
        assert user is not None
        return auth.actor_for(user)


def build(path: Path, staff: int, years: int) -> tuple[Store, float, int]:
    """The benchmark store: (store, seconds to build, punches)."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    store = open_store(f"sqlite:///{path}")
    auth.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    with store.transaction() as session:
        setup.initialize(session, setup.BranchSetup("基准网点", "bench", "", "bench1"))
    now = datetime.now(UTC)
    first = date(LAST_DAY.year - years + 1, 1, 1)
    with store.transaction() as session:
        session.execute(
            insert(Staff.__table__),  # type: ignore[arg-type]
            [
                {
                    "branch_id": 1,
                    "employee_no": f"B{n:04d}",
                    "name": f"员工{n:04d}",
                    "phone": "",
                    "hire_date": first,
                    "position": "客户经理",
                    "active": True,
                    "pin_hash": None,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(1, staff + 1)
            ],
        )
    with store.reading() as session:
        ids = list(session.scalars(select(Staff.id).order_by(Staff.id)))
    total = 0
    rows: list[dict[str, Any]] = []
    with store.engine.begin() as conn:
        for day in working_days(store, first, LAST_DAY):
            rng = random.Random(day.toordinal())
            base = datetime.combine(day, clock(0), tzinfo=ZONE).astimezone(UTC)
            for staff_id in ids:
                for minutes in (rng.randint(500, 555), rng.randint(1070, 1120)):
                    at = base + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
                    rows.append(_punch_row(staff_id, at))
            if len(rows) >= CHUNK:
                conn.execute(insert(Punch.__table__), rows)  # type: ignore[arg-type]
                total += len(rows)
                rows = []
        if rows:
            conn.execute(insert(Punch.__table__), rows)  # type: ignore[arg-type]
            total += len(rows)
    return store, time.perf_counter() - started, total


def _punch_row(staff_id: int, at: datetime) -> dict[str, Any]:
    return {
        "branch_id": 1,
        "staff_id": staff_id,
        "at": at,
        "minute_key": attendance.minute_key(at),
        "source": "import",
        "note": "",
        "reason": "",
        "created_by": None,
        "created_at": at,
    }


def month_ms(store: Store, actor: Actor, runs: int) -> tuple[float, str]:
    from app.services import day_engine

    with store.reading() as session:
        ids = list(session.scalars(select(Staff.id).order_by(Staff.id).limit(MONTH_STAFF)))
    engine_s: list[float] = []
    original = attendance.evaluate_month

    def timed(*args: Any) -> list[day_engine.DayResult]:
        t = time.perf_counter()
        try:
            return original(*args)
        finally:
            engine_s[-1] += time.perf_counter() - t

    attendance.evaluate_month = timed  # type: ignore[assignment]
    samples = []
    try:
        for _ in range(runs + 1):  # the first one warms the caches up
            engine_s.append(0.0)
            with store.reading() as session:
                t = time.perf_counter()
                result = attendance.month(session, actor, ids, *MONTH, today=LAST_DAY)
                samples.append(time.perf_counter() - t)
            assert len(result) == MONTH_STAFF and all(len(p.days) == 30 for p in result)
    finally:
        attendance.evaluate_month = original
    samples, engine_s = samples[1:], engine_s[1:]
    median = statistics.median(samples) * 1000
    engine = statistics.median(engine_s) * 1000
    return median, (
        f"(median of {runs}; min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f}; "
        f"day engine {engine:.0f} ms, loading and the rest {median - engine:.0f} ms)"
    )


def import_file(store: Store, folder: Path) -> tuple[Path, datetime]:
    """A clock machine's CSV export: 400 staff, in and out, on 125 working days."""
    days = working_days(store, IMPORT_FIRST, IMPORT_FIRST + timedelta(days=200))
    days = days[: IMPORT_ROWS // (IMPORT_STAFF * 2)]
    rng = random.Random(7)
    lines = ["工号,姓名,打卡时间"]
    for day in days:
        stamp = day.isoformat()
        for n in range(1, IMPORT_STAFF + 1):
            for hour, lo, hi in ((8, 20, 59), (18, 0, 40)):
                minute = rng.randint(lo, hi)
                lines.append(
                    f"B{n:04d},员工{n:04d},{stamp} {hour:02d}:{minute:02d}:{rng.randint(0, 59):02d}"
                )
    path = folder / "punches.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, datetime.combine(days[-1] + timedelta(days=1), clock(0), tzinfo=UTC)


def import_s(store: Store, actor: Actor) -> tuple[float, str]:
    from app.importers.punches import read_punches

    with tempfile.TemporaryDirectory(prefix="branchdesk-bench-") as tmp:
        path, now = import_file(store, Path(tmp))
        start = time.perf_counter()
        punches = read_punches(path, TZ, now=now)
        read_done = time.perf_counter()
        with store.transaction() as session:
            result = attendance.import_punches(session, actor, punches.rows)
        elapsed = time.perf_counter() - start
    cut = attendance.minute_key(datetime.combine(IMPORT_FIRST, clock(0), tzinfo=UTC))
    with store.transaction() as session:
        session.execute(delete(Punch).where(Punch.minute_key >= cut - 24 * 60))
    if result.accepted != IMPORT_ROWS or result.rejected or result.unknown_employees:
        return (
            elapsed,
            f"(unexpected result: {result.accepted} accepted, {len(result.rejected)} rejected)",
        )
    reading = read_done - start
    return elapsed, f"(reading the file {reading:.2f} s, storing {elapsed - reading:.2f} s)"


def line(name: str, value: float | None, unit: str, note: str) -> str:
    goal = GOALS[name]
    if value is None:
        return f"{name:<28} {'-':>8}        goal <= {goal:g} {unit:<3} not available: {note}"
    status = "OK" if value <= goal else "MISSED"
    shown = f"{value:.0f}" if unit == "ms" else f"{value:.2f}"
    return f"{name:<28} {shown:>8} {unit:<3}  goal <= {goal:g} {unit:<3}  {status:<6} {note}"


def figures(staff: int, years: int, runs: int, rebuild: bool) -> list[dict[str, Any]]:
    i18n.set_language("en")
    path = store_path(staff, years)
    built = ""
    if rebuild or not path.exists():
        store, seconds, count = build(path, staff, years)
        built = f"store built in {seconds:.0f} s"
    else:
        store = open_store(f"sqlite:///{path}")
        built = "store reused"
    try:
        with store.reading() as session:
            count = session.scalar(select(func.count()).select_from(Punch)) or 0
        about = f"{staff} staff, {years} years, {count:,} punches; {built}"
        actor = supervisor(store)
        out: list[dict[str, Any]] = []
        for name, unit, measure in (
            ("attendance_month_200_staff", "ms", lambda: month_ms(store, actor, runs)),
            ("import_100k_punches", "s", lambda: import_s(store, actor)),
        ):
            fig: dict[str, Any] = {"name": name, "unit": unit, "goal": GOALS[name]}
            try:
                value, note = _run(measure)
                fig.update(value=value, note=f"{note} [{about}]")
            except NotImplementedError:
                fig.update(value=None, note="the day engine is not implemented yet")
            out.append(fig)
        return out
    finally:
        store.close()


def _run(measure: Callable[[], tuple[float, str]]) -> tuple[float, str]:
    return measure()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=770, help="staff in the store (770)")
    parser.add_argument("--years", type=int, default=5, help="years of punches (5)")
    parser.add_argument("--runs", type=int, default=7, help="timed month runs (7)")
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = figures(
        max(MONTH_STAFF, args.staff), max(1, args.years), max(1, args.runs), args.rebuild
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for fig in result:
            print(line(fig["name"], fig["value"], fig["unit"], fig["note"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
