"""Attendance sheet benchmark: the median time to render the monthly 考勤表 PDF, in-process.

    .venv/bin/python bench/bench_attendance_sheet.py [--runs 15] [--json] [--out DIR]

Figures (each after one unmeasured warm-up document, which pays for importing reportlab
and loading the font):
  attendance_sheet_50_staff   June 2025 for 50 account managers (office rule, the 端午
                              holiday, some 迟/早/缺/旷/假/差/外): A4 landscape, 2 pages
  attendance_sheet_50_xlsx    the same sheet as a workbook (no goal: a report)

`--out DIR` also writes the PDF and XLSX there, to look at. The exit status is 0 even
when a goal is missed: this is a report. `figures()` returns the numbers as dicts
(name, unit, goal, value, note) for bench/run.py.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import i18n
from app.reports.attendance_docs import AttendanceSheet, SheetPerson, totals_of
from app.services.day_engine import DayResult, DayStatus

SURNAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
GIVEN = "伟芳娜洋静帆磊敏杰婷强丽军琳峰晓勇佳超宇涛爽晨雪亮雷洁明然颖博婕"
HOLIDAYS = {dt.date(2025, 6, 2)}  # 端午节 (observed)
GOALS_MS: dict[str, float | None] = {
    "attendance_sheet_50_staff": 100.0,
    "attendance_sheet_50_xlsx": None,
}


def names(count: int) -> list[str]:
    out = [SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] for i in range(count)]
    if count > 3:  # the long ones must fit too
        out[3], out[-1] = "欧阳明月", "司马光辉"
    return out


def month_results(rng: random.Random, year: int, month: int) -> list[DayResult]:
    """A plausible month for one person under the office rule."""
    results = []
    for d in range(1, calendar.monthrange(year, month)[1] + 1):
        day = dt.date(year, month, d)
        if day in HOLIDAYS:
            results.append(DayResult(day, DayStatus.HOLIDAY))
            continue
        if day.weekday() >= 5:
            results.append(DayResult(day, DayStatus.REST))
            continue
        at = dt.datetime.combine(day, dt.time(8, 40 + rng.randrange(15)))
        out = dt.datetime.combine(day, dt.time(18, rng.randrange(40)))
        roll = rng.random()
        if roll < 0.06:
            late = rng.choice((7, 12, 18, 35))
            results.append(
                DayResult(
                    day,
                    DayStatus.LATE,
                    first_in=at.replace(hour=9, minute=late),
                    last_out=out,
                    late_minutes=late,
                    warnings=("oral",),
                )
            )
        elif roll < 0.08:
            results.append(
                DayResult(
                    day,
                    DayStatus.EARLY,
                    first_in=at,
                    last_out=out.replace(hour=17, minute=40),
                    early_minutes=20,
                    warnings=("oral",),
                )
            )
        elif roll < 0.085:
            results.append(
                DayResult(
                    day,
                    DayStatus.LATE_AND_EARLY,
                    first_in=at.replace(hour=9, minute=10),
                    last_out=out.replace(hour=17, minute=30),
                    late_minutes=10,
                    early_minutes=30,
                    warnings=("oral", "written"),
                )
            )
        elif roll < 0.10:
            results.append(DayResult(day, DayStatus.MISSING_OUT, first_in=at, missing_punches=1))
        elif roll < 0.105:
            results.append(DayResult(day, DayStatus.ABSENT, missing_punches=2, points=5))
        elif roll < 0.13:
            results.append(DayResult(day, DayStatus.LEAVE, leave_type="事假", leave_minutes=480))
        elif roll < 0.15:
            results.append(DayResult(day, DayStatus.TRIP))
        elif roll < 0.17:
            results.append(DayResult(day, DayStatus.FIELD, first_in=at))
        else:
            overtime = rng.choice((0, 0, 0, 0, 60, 90))
            results.append(
                DayResult(
                    day,
                    DayStatus.NORMAL,
                    first_in=at,
                    last_out=out + dt.timedelta(minutes=overtime),
                    overtime_minutes=overtime,
                )
            )
    return results


def sample_sheet(staff: int = 50, year: int = 2025, month: int = 6) -> AttendanceSheet:
    rng = random.Random(20250601)
    people = []
    for i, name in enumerate(names(staff)):
        results = month_results(rng, year, month)
        people.append(
            SheetPerson(
                employee_no=f"CM{i + 1:04d}",
                name=name,
                days={r.work_date: r for r in results},
                totals=totals_of(results),
            )
        )
    return AttendanceSheet(
        branch="城东支行营业部",
        year=year,
        month=month,
        rule_name="办公室 09:00–18:00",
        people=people,
        generated_on=dt.date(year, month, 30) if month != 2 else dt.date(year, 3, 1),
    )


def median_ms(render: Callable[[], bytes], runs: int) -> float:
    render()  # warm-up: imports, font, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def figures(runs: int = 15) -> list[dict[str, Any]]:
    from app.reports.attendance_sheet import render_sheet_pdf, render_sheet_xlsx

    i18n.set_language("zh_CN")
    sheet = sample_sheet(50)
    values = {
        "attendance_sheet_50_staff": median_ms(lambda: render_sheet_pdf(sheet), runs),
        "attendance_sheet_50_xlsx": median_ms(lambda: render_sheet_xlsx(sheet), max(3, runs // 3)),
    }
    return [
        {"name": name, "unit": "ms", "goal": GOALS_MS[name], "value": value, "note": ""}
        for name, value in values.items()
    ]


def line(fig: dict[str, Any]) -> str:
    goal = fig["goal"]
    if goal is None:
        return f"{fig['name']}  {fig['value']:.0f} ms"
    status = "OK" if fig["value"] <= goal else "MISSED"
    return f"{fig['name']}  {fig['value']:.0f} ms  goal <= {goal:.0f} ms  {status}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the documents into this folder")
    args = parser.parse_args(argv)
    results = figures(args.runs)
    if args.out:
        from app.reports.attendance_sheet import render_sheet_pdf, render_sheet_xlsx

        args.out.mkdir(parents=True, exist_ok=True)
        sheet = sample_sheet(50)
        (args.out / "attendance-sheet.pdf").write_bytes(render_sheet_pdf(sheet))
        (args.out / "attendance-sheet.xlsx").write_bytes(render_sheet_xlsx(sheet))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for fig in results:
            print(line(fig))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
