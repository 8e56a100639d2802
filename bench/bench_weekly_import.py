"""Weekly summary import benchmark: a folder of 30 filled templates, in-process.

    .venv/bin/python bench/bench_weekly_import.py [--managers 30] [--runs 5] [--json]

A fresh store in a temporary folder gets 30 account managers, each with 20 customers,
last week's plan for this week (some visits logged, the rest explained in the file) and
a week of visit logs. Each manager's template is exported, filled with openpyxl as a
manager would (six text fields, the visits, the checklist, next week's plan) and saved
into one folder. Figure:

  import_30_weekly_templates   weekly_excel.import_files() on that folder by the supervisor,
                               one committed transaction (median of the runs; every run
                               after the first replaces the summaries, not yet reviewed)

The exit status is 0 even when a goal is missed: this is a report. `figures()` returns
the numbers as dicts (name, unit, goal, value, note) for bench/run.py.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine
from argon2 import PasswordHasher

from app import i18n
from app.db import Store, open_store
from app.services import auth, setup, staff, weekly, weekly_excel
from app.services.auth import Actor
from app.services.weekly import CustomerInput, LogInput, PlanInput

GOALS = {"import_30_weekly_templates": 3.0}
WEEK = date(2026, 11, 23)  # 2026-W48
MIDWEEK = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai: on time
CUSTOMERS = 20


def build(folder: Path, managers: int) -> tuple[Store, Actor, Path]:
    """The store, its supervisor and the folder of filled templates."""
    from openpyxl import load_workbook

    store = open_store(f"sqlite:///{folder / 'bench.sqlite3'}")
    auth.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    with store.transaction() as session:
        setup.initialize(session, setup.BranchSetup("基准网点", "bench", "", "bench1"))
    with store.reading() as session:
        user = auth.find_user(session, "bench")
        assert user is not None
        boss = auth.actor_for(user)
    templates = folder / "templates"
    templates.mkdir()
    with time_machine.travel(MIDWEEK, tick=False):
        people = []
        with store.transaction() as s:
            for n in range(1, managers + 1):
                rec = staff.add_staff(s, boss, staff.StaffInput(f"M{n:03d}", f"经理{n:03d}"))
                ids = [
                    weekly.add_customer(s, boss, CustomerInput(rec.id, f"客户{n:03d}-{c:02d}")).id
                    for c in range(CUSTOMERS)
                ]
                plans = [
                    weekly.add_plan(s, boss, PlanInput(rec.id, ids[c], WEEK, None, "回访")).id
                    for c in range(6)
                ]
                for c in range(3):  # half of the plan was done, with a log
                    day = WEEK + timedelta(days=c % 2)
                    weekly.add_log(s, boss, LogInput(rec.id, ids[c], day, "介绍理财产品"))
                people.append((n, rec.id, plans))
        for n, staff_id, plans in people:
            with store.reading() as s:
                data = weekly_excel.template_bytes(s, boss, staff_id, WEEK)
                name = weekly_excel.template_name(s, boss, staff_id, WEEK)
            book = load_workbook(io.BytesIO(data))
            for row in range(9, 15):
                book["汇总表"][f"B{row}"] = "本周走访重点客户，客户关注大额存单和理财。\n" * 5
            visits = book["本周拜访"]
            for i in range(8):
                row = 5 + i
                visits[f"A{row}"] = datetime(2026, 11, 23 + i % 5)
                visits[f"B{row}"] = f"客户{n:03d}-{(i + 5) % CUSTOMERS:02d}"
                visits[f"C{row}"] = "上门服务，介绍基金定投"
            checklist = book["上周计划执行"]
            for row in range(2, 2 + len(plans)):
                if checklist[f"D{row}"].value is None:
                    checklist[f"D{row}"], checklist[f"E{row}"], checklist[f"F{row}"] = (
                        "改期",
                        datetime(2026, 12, 2),
                        "客户出差",
                    )
            next_plans = book["下周拜访计划"]
            for i in range(6):
                next_plans[f"A{2 + i}"] = datetime(2026, 11, 30) + timedelta(days=i % 5)
                next_plans[f"B{2 + i}"] = f"客户{n:03d}-{i + 10:02d}"
                next_plans[f"C{2 + i}"] = "回访"
            out = io.BytesIO()
            book.save(out)
            (templates / name).write_bytes(out.getvalue())
    return store, boss, templates


def import_once(store: Store, boss: Actor, folder: Path, managers: int) -> tuple[float, float]:
    """(seconds for the whole import, seconds reading the files alone)."""
    from app.importers import weekly_xlsx

    paths = weekly_excel.expand_paths([folder])
    start = time.perf_counter()
    for path in paths:
        weekly_xlsx.read_template(path)
    reading = time.perf_counter() - start
    with time_machine.travel(FRIDAY, tick=False):
        start = time.perf_counter()
        with store.transaction() as session:
            report = weekly_excel.import_files(session, boss, [folder])
        elapsed = time.perf_counter() - start
    if len(report.accepted) != managers or report.rejected:
        reasons = "; ".join(r.message for r in report.rejected[:3])
        raise RuntimeError(f"{len(report.accepted)} accepted, rejected: {reasons}")
    return elapsed, reading


def figures(managers: int = 30, runs: int = 5) -> list[dict[str, Any]]:
    i18n.set_language("zh_CN")
    name = "import_30_weekly_templates"
    fig: dict[str, Any] = {"name": name, "unit": "s", "goal": GOALS[name]}
    with tempfile.TemporaryDirectory(prefix="branchdesk-bench-weekly-") as tmp:
        started = time.perf_counter()
        store, boss, folder = build(Path(tmp), managers)
        built = time.perf_counter() - started
        try:
            samples, reads = [], []
            for _ in range(max(1, runs)):
                elapsed, reading = import_once(store, boss, folder, managers)
                samples.append(elapsed)
                reads.append(reading)
            size = sum(p.stat().st_size for p in folder.iterdir()) / managers
            fig["value"] = statistics.median(samples)
            fig["note"] = (
                f"(median of {len(samples)}; min {min(samples):.2f}, max {max(samples):.2f}; "
                f"reading the files alone {statistics.median(reads):.2f}; "
                f"{managers} files of {size / 1024:.0f} KB; store built in {built:.1f} s)"
            )
        except RuntimeError as exc:
            fig["value"], fig["note"] = None, str(exc)
        finally:
            store.close()
    return [fig]


def line(fig: dict[str, Any]) -> str:
    goal = f"goal <= {fig['goal']:.2f} s"
    if fig["value"] is None:
        return f"{fig['name']:<28} {'-':>8}        {goal:<16} not available: {fig['note']}"
    status = "OK" if fig["value"] <= fig["goal"] else "MISSED"
    return f"{fig['name']:<28} {fig['value']:>8.2f} s      {goal:<16} {status:<6} {fig['note']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=30, help="templates in the folder (30)")
    parser.add_argument("--runs", type=int, default=5, help="timed imports (5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = figures(max(1, args.managers), max(1, args.runs))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for fig in result:
            print(line(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
