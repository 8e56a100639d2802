"""The write paths that tests/reliability/test_storage_faults.py runs against failing
storage, the store they start from, and the fingerprint that says "unchanged".

Kept apart from the test module because the full-disk runs happen in children forked
from the forkserver (kill_harness.forkserver), which imports this module once.
"""

from __future__ import annotations

import hashlib
import io
import resource
import shutil
import signal
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import time_machine

from app import backup, i18n
from app.db import Store, environment_fault, open_store
from app.importers.punches import PunchRow, read_punches
from app.importers.staff import read_roster
from app.services import attendance, auth, staff, weekly, weekly_excel
from app.services.auth import Actor, Role
from app.services.weekly import CustomerInput, LogInput, PlanInput

USER, PASSWORD = "boss", "secret1"  # tests/conftest.py's TEST_BRANCH
W48 = date(2026, 11, 23)
WEDNESDAY = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # on time for W48
PUNCH_DAY = datetime(2026, 10, 12, 0, 30, tzinfo=UTC)
PEOPLE = [(f"S{n:03d}", f"员工{n:03d}") for n in range(1, 4)]
SAVE_ROWS = 300  # punches saved by the save path
FILE_ROWS = 120  # punches in the CLI's / the importer's file
ROSTER_ROWS = 30


# --- "unchanged" -----------------------------------------------------------------------


def fingerprint(path: Path) -> tuple[str, str]:
    """(SHA-256 of every table's rows, integrity_check), through plain sqlite3 read-only."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        digest = hashlib.sha256()
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        for table in tables:
            digest.update(f"\0{table}\0".encode())
            rows = sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{table}"'))
            for row in rows:
                digest.update(row.encode())
                digest.update(b"\n")
    finally:
        conn.close()
    return digest.hexdigest(), verdict


# --- the store every run starts from -----------------------------------------------------


def _boss(store: Store) -> Actor:
    with store.reading() as session:
        user = auth.find_user(session, USER)
        assert user is not None
        return auth.actor_for(user)


def build(branch_template: Path, folder: Path) -> Path:
    """A closed store (the conftest's branch, three people, a manager with a week of
    customers and plans) and beside it the files the importers read."""
    path = folder / "base.sqlite3"
    shutil.copyfile(branch_template, path)
    store = open_store(f"sqlite:///{path}")
    boss = _boss(store)
    with store.transaction() as session:
        for no, name in PEOPLE:
            staff.add_staff(session, boss, staff.StaffInput(no, name))
        rec = staff.add_staff(session, boss, staff.StaffInput("M001", "张三"))
        user = auth.create_user(session, boss, "zhang", "张三", "pw1234", Role.MANAGER, rec.id)
        zhang = auth.actor_for(user)
    with time_machine.travel(WEDNESDAY, tick=False), store.transaction() as session:
        ids = [weekly.add_customer(session, zhang, CustomerInput(rec.id, n)).id for n in "甲乙丙"]
        weekly.add_plan(session, zhang, PlanInput(rec.id, ids[0], W48, None, "回访"))
        weekly.add_log(session, zhang, LogInput(rec.id, ids[1], W48, "介绍理财产品"))
    with time_machine.travel(WEDNESDAY, tick=False), store.reading() as session:
        data = weekly_excel.template_bytes(session, boss, rec.id, W48)
        name = weekly_excel.template_name(session, boss, rec.id, W48)
    store.close()

    from openpyxl import load_workbook

    from app.reports import weekly_template as tpl

    book = load_workbook(io.BytesIO(data))
    for key, (row, _label) in tpl.TEXT_ROWS.items():
        book[tpl.SUMMARY_SHEET][f"B{row}"] = f"{key}：本周走访重点客户。"
    checklist = book[tpl.CHECKLIST_SHEET]
    for row in range(tpl.FIRST_ROW, checklist.max_row + 1):
        if checklist[f"{tpl.PLAN_ID_COLUMN}{row}"].value is not None:
            checklist[f"D{row}"], checklist[f"E{row}"], checklist[f"F{row}"] = (
                "改期",
                datetime(2026, 12, 2),
                "客户出差",
            )
    plans = book[tpl.PLANS_SHEET]
    plans["A2"], plans["B2"], plans["C2"] = datetime(2026, 12, 1), "丙", "补拜访"
    (folder / "weekly").mkdir()
    book.save(folder / "weekly" / name)

    lines = ["工号,姓名,打卡时间"]
    for i in range(FILE_ROWS):
        no, who = PEOPLE[i % len(PEOPLE)]
        local = PUNCH_DAY + timedelta(hours=8, minutes=7 * i)
        lines.append(f"{no},{who},{local:%Y-%m-%d %H:%M}")
    (folder / "punches.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    roster = ["工号,姓名,手机"] + [
        f"R{n:03d},新员工{n:03d},138{n:08d}" for n in range(1, ROSTER_ROWS + 1)
    ]
    (folder / "roster.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    return path


# --- the actions -------------------------------------------------------------------------
# Each runs one user action on `store` as the supervisor; `folder` holds build()'s files.


def add_staff(store: Store, boss: Actor, folder: Path) -> object:
    with store.transaction() as session:
        return staff.add_staff(session, boss, staff.StaffInput("F900", "新同事", "13800000000"))


def save_punches(store: Store, boss: Actor, folder: Path) -> object:
    rows = [
        PunchRow(
            line=i + 2,
            employee_no=PEOPLE[i % 3][0],
            name=PEOPLE[i % 3][1],
            at=PUNCH_DAY - timedelta(days=40) + timedelta(minutes=11 * i),
        )
        for i in range(SAVE_ROWS)
    ]
    with store.transaction() as session:
        result = attendance.import_punches(session, boss, rows)
    assert result.accepted == SAVE_ROWS, result
    return result


def import_punches(store: Store, boss: Actor, folder: Path) -> object:
    punches = read_punches(folder / "punches.csv", "Asia/Shanghai")
    with store.transaction() as session:
        result = attendance.import_punches(session, boss, punches.rows)
    assert result.accepted == FILE_ROWS, result
    return result


def import_roster(store: Store, boss: Actor, folder: Path) -> object:
    roster = read_roster(folder / "roster.csv")
    assert not roster.errors
    with store.transaction() as session:
        outcome = staff.apply_import(session, boss, roster.good)
    assert outcome.added == ROSTER_ROWS, outcome
    return outcome


def import_weekly(store: Store, boss: Actor, folder: Path) -> object:
    with time_machine.travel(FRIDAY, tick=False), store.transaction() as session:
        report = weekly_excel.import_files(session, boss, [folder / "weekly"])
    assert len(report.accepted) == 1 and not report.rejected, report
    return report


ACTIONS: dict[str, Callable[[Store, Actor, Path], object]] = {
    "add_staff": add_staff,
    "save_punches": save_punches,
    "import_punches": import_punches,
    "import_roster": import_roster,
    "import_weekly": import_weekly,
}


# --- a full disk, in a child ------------------------------------------------------------


def _limited(limit: int) -> Callable[[], None]:
    """Files may not grow past `limit` bytes from now on (EFBIG, as on a full disk);
    returns the undo."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def _failure(exc: BaseException) -> dict[str, Any]:
    return {
        "outcome": "failed",
        "error": f"{type(exc).__module__}.{type(exc).__name__}: {exc}"[:500],
        "fault": environment_fault(exc),
        "message": str(exc),
    }


def run_full_disk(db: str, folder: str, action: str, limit: int, conn: Connection) -> None:
    """Child: open the store, then run `action` with files limited to `limit` bytes.
    Sends {"outcome": "done"|"failed", ...} and, for a finished run, how big the WAL grew."""
    i18n.set_language("zh_CN")
    path, where = Path(db), Path(folder)
    result: dict[str, Any]
    try:
        if action in ("backup_file", "make_backup"):
            undo = _limited(limit)
            try:
                if action == "backup_file":
                    backup.backup_file(path, where / "backups" / "previous.sqlite3")
                else:
                    backup.make_backup(path, where / "backups", now=FRIDAY)
            finally:
                undo()
            result = {"outcome": "done"}
        elif action == "cli_import_punches":
            import contextlib

            from app.__main__ import main

            err = io.StringIO()
            # Another reader (the GUI, say) holds the store open: its WAL index exists, so
            # the limit cuts the import's WAL frames rather than the opening of the file.
            keeper = sqlite3.connect(db)
            keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
            undo = _limited(limit)
            try:
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                    code = main(["--db", db, "import", "punches", str(where / "punches.csv")])
            finally:
                undo()
                keeper.close()
            result = {"outcome": "exit", "code": code, "stderr": err.getvalue()}
        else:
            store = open_store(f"sqlite:///{db}")
            boss = _boss(store)
            undo = _limited(limit)
            try:
                ACTIONS[action](store, boss, where)
                wal = path.with_name(path.name + "-wal")
                result = {"outcome": "done", "wal": wal.stat().st_size if wal.exists() else 0}
            finally:
                store.close()  # still on the full disk: the checkpoint at close may fail
                undo()
    except BaseException as exc:
        result = _failure(exc)
    conn.send(result)
    conn.close()
