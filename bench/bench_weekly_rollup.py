"""Weekly roll-up benchmark: the median time to produce the branch's roll-up, in-process.

    .venv/bin/python bench/bench_weekly_rollup.py [--runs 5] [--json] [--out DIR]

A temporary store holds a branch of 30 account managers, each with last week's summary
handed in in full: 10 visits, six texts of a few hundred characters, 5 planned visits
(done) in the checklist and 5 planned for the week after. Figures (each after one
unmeasured warm-up, which pays for importing reportlab, matplotlib and openpyxl and
loading the font):
  weekly_rollup_pdf_30    `weekly_reports.rollup_pdf`: the store read, the two charts and
                          the A4 PDF (cover, charts, 30 summaries)
  weekly_rollup_xlsx_30   `weekly_reports.rollup_xlsx`: the same as a workbook (no goal)
  weekly_rollup_data_30   `weekly_reports.rollup`: the store read alone, part of both above

`--out DIR` also writes both files there, to look at. The exit status is 0 even when a
goal is missed: this is a report. `figures()` returns the numbers as dicts (name, unit,
goal, value, note) for bench/run.py.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher

from app import i18n
from app.db import Store, open_store
from app.services import auth, setup, staff, weekly, weekly_reports
from app.services.auth import Actor, Role
from app.services.clock import branch_today
from app.services.weekly import CustomerInput, LogInput, PlanInput, SummaryText, VisitLine

MANAGERS = 30
VISITS = 10
PLANS = 5
SURNAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
GIVEN = "伟芳娜洋静帆磊敏杰婷强丽军琳峰晓勇佳超宇涛爽晨雪亮雷洁明然颖博婕"
GOALS_MS: dict[str, float | None] = {
    "weekly_rollup_pdf_30": 1000.0,
    "weekly_rollup_xlsx_30": None,
    "weekly_rollup_data_30": None,
}
SENTENCES = (
    "本周重点走访存量客户，介绍大额存单和代发工资业务，客户反馈总体积极。",
    "部分客户关注理财产品收益下行，希望了解稳健型产品的期限和起购金额。",
    "岁末营销活动已向重点客户逐一通知，已有多户报名参加线下沙龙。",
    "大额转账限额调整需客户本人到网点办理，企业客户反映流程较繁琐。",
    "建议总行简化限额调整流程，并增加移动端预约办理的渠道。",
)


def paragraph(seed: int, sentences: int = 6) -> str:
    """A few hundred characters of plausible summary text."""
    return "".join(SENTENCES[(seed + i) % len(SENTENCES)] for i in range(sentences))


def build_store(folder: Path) -> tuple[Store, Actor, date]:
    """A branch of MANAGERS managers whose last week is handed in; returns its Monday."""
    auth.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    store = open_store(f"sqlite:///{folder / 'bench.sqlite3'}")
    with store.transaction() as s:
        boss = setup.initialize(
            s,
            setup.BranchSetup(
                branch_name="城南支行",
                supervisor_username="boss",
                supervisor_display_name="王主管",
                password="secret1",
            ),
        )
    week = weekly.week_of(branch_today()) - timedelta(days=7)  # visits must be in the past
    for n in range(MANAGERS):
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]
        with store.transaction() as s:
            rec = staff.add_staff(s, boss, staff.StaffInput(f"A{n + 1:03d}", name))
            user = auth.create_user(s, boss, f"u{n + 1:03d}", name, "pw1234", Role.MANAGER, rec.id)
            manager = auth.actor_for(user)
            sid = rec.id
            customers = [
                weekly.add_customer(
                    s, manager, CustomerInput(sid, f"客户{n + 1}-{c + 1}", grade="key")
                ).id
                for c in range(VISITS)
            ]
            for c in range(PLANS):
                weekly.add_plan(
                    s, manager, PlanInput(sid, customers[c], week, week + timedelta(c), "回访")
                )
                weekly.add_plan(
                    s,
                    manager,
                    PlanInput(sid, customers[-1 - c], week + timedelta(7), None, "产品推介"),
                )
            for v in range(VISITS):
                weekly.add_log(
                    s,
                    manager,
                    LogInput(sid, customers[v], week + timedelta(v % 5), paragraph(v, 2)),
                )
            visits = [
                VisitLine(week + timedelta(v % 5), customers[v], paragraph(v, 2))
                for v in range(VISITS)
            ]
            text = SummaryText(*(paragraph(n + f) for f in range(6)))
            weekly.save_draft(s, manager, sid, week, text, visits)
            weekly.submit(s, manager, sid, week)
    return store, boss, week


def _median_ms(work: Callable[[], bytes], runs: int) -> tuple[float, str]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    note = f"(median of {runs}; min {min(samples):.0f}, max {max(samples):.0f})"
    return statistics.median(samples), note


def figures(runs: int = 5, out: Path | None = None) -> list[dict[str, Any]]:
    i18n.set_language("zh_CN")
    with tempfile.TemporaryDirectory(prefix="branchdesk-bench-") as tmp:
        store, boss, week = build_store(Path(tmp))
        try:
            with store.reading() as s:

                def pdf() -> bytes:
                    return weekly_reports.rollup_pdf(s, boss, week)

                def xlsx() -> bytes:
                    return weekly_reports.rollup_xlsx(s, boss, week)

                def data() -> bytes:
                    weekly_reports.rollup(s, boss, week)
                    return b""

                first_pdf, first_xlsx = pdf(), xlsx()  # warm-up: imports, font
                pdf_ms, pdf_note = _median_ms(pdf, runs)
                xlsx_ms, xlsx_note = _median_ms(xlsx, runs)
                data_ms, data_note = _median_ms(data, runs)
        finally:
            store.close()
    pages = len(re.findall(rb"/Type /Page(?!s)", first_pdf))
    pdf_note += f" {pages} pages"
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "weekly_rollup.pdf").write_bytes(first_pdf)
        (out / "weekly_rollup.xlsx").write_bytes(first_xlsx)
    results = [
        ("weekly_rollup_pdf_30", pdf_ms, pdf_note),
        ("weekly_rollup_xlsx_30", xlsx_ms, xlsx_note),
        ("weekly_rollup_data_30", data_ms, data_note),
    ]
    return [
        {"name": name, "unit": "ms", "goal": GOALS_MS[name], "value": value, "note": note}
        for name, value, note in results
    ]


def line(figure: dict[str, Any]) -> str:
    value = f"{figure['name']:<24} {figure['value']:7.1f} ms"
    goal = figure["goal"]
    if goal is None:
        return f"{value}   {'(no goal)':<17} {'':<6} {figure['note']}"
    status = "OK" if figure["value"] <= goal else "MISSED"
    return f"{value}   {f'goal <= {goal:.0f} ms':<17} {status:<6} {figure['note']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--out", type=Path, help="also write the PDF and XLSX here")
    args = parser.parse_args(argv)
    results = figures(max(1, args.runs), args.out)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for figure in results:
            print(line(figure))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
