"""Meeting PDF benchmarks: the median time to render each document, in-process.

    .venv/bin/python bench/bench_pdf.py [--runs 15] [--json]

Figures (each after one unmeasured warm-up document, which pays for importing reportlab
and loading the font):
  signin_sheet_30_rows     a blank 30-row sign-in sheet, as printed before the meeting
  signin_sheet_30_signed   the same sheet filled in: 30 arrival times and 30 signature
                           PNGs (600×200 8-bit grey, the largest the signature pad saves)
  minutes_3_pages          3-page minutes of a weekly meeting of 35, two signatures
  first_pdf_cold           the warm-up itself: imports, font, first sign-in sheet

The exit status is 0 even when a goal is missed: this is a report. `figures()` returns
the same numbers as dicts (name, unit, goal, value, note) for bench/run.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import i18n
from app.reports.meeting_docs import (
    ActionItemLine,
    AttendanceCounts,
    MinutesDoc,
    MinutesSection,
    SignatureLine,
    SignInRow,
    SignInSheet,
)

NAMES = (  # noqa: SIM905 (a roster reads better as one string)
    "张伟 王芳 李娜 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴婷 徐强 孙丽 胡军 朱琳 高峰 林晓 何勇 郭佳 "
    "马超 罗敏 梁宇 宋涛 郑爽 谢晨 韩雪 唐亮 冯雷 于洁 董明 萧然 欧阳明月 司马光辉 曹颖 彭博 邓婕"
).split()
MONDAY = dt.date(2025, 6, 2)
SIGNATURE_SIZE = (600, 200)  # what app/ui/signature_pad.py saves at most: 8-bit grey
GOALS_MS = {
    "signin_sheet_30_rows": 20.0,
    "signin_sheet_30_signed": 20.0,
    "minutes_3_pages": 40.0,
    "first_pdf_cold": None,
}


def signature_png(seed: int, size: tuple[int, int] = SIGNATURE_SIZE) -> bytes:
    """A wavy pen stroke on white, as the signature pad saves it (grey PNG)."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("L", size, 255)
    points = [
        (
            15 + i * (width - 30) / 80,
            height / 2 + math.sin(i / (3 + seed % 4)) * height / 3 * math.cos(i / 11 + seed),
        )
        for i in range(81)
    ]
    ImageDraw.Draw(image).line(points, fill=20, width=5, joint="curve")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def signin_sheet(rows: int = 30, signed: bool = False) -> SignInSheet:
    return SignInSheet(
        branch="营业部",
        kind_label="每周例会",
        date=MONDAY,
        start="08:30",
        end="09:00",
        place="三楼会议室",
        host="王主管",
        rows=[
            SignInRow(
                NAMES[i % len(NAMES)],
                f"08:{15 + i % 15:02d}" if signed else "",
                signature_png(i) if signed else None,
                "迟到：交通堵塞" if signed and i % 11 == 3 else "",
            )
            for i in range(rows)
        ],
        filled=signed,
        title="2025年第23周例会",
    )


def minutes_doc() -> MinutesDoc:
    reports = [
        f"{name}汇报了本周客户拜访情况：完成拜访 {5 + i % 4} 户，新增意向客户 {i % 3} 户，"
        "主要需求集中在理财产品和代发工资业务，下周继续跟进存量客户。"
        for i, name in enumerate(NAMES[:16])
    ]
    return MinutesDoc(
        branch="营业部",
        kind_label="每周例会",
        title="2025年第23周例会",
        date=MONDAY,
        start="08:30",
        end="09:00",
        place="三楼会议室",
        host="王主管",
        minute_taker="李记录",
        counts=AttendanceCounts(expected=35, present=32, late=2, excused=2, absent=1),
        attendees=[*NAMES[:30], "王主管", "李记录"],
        absentees=[("周涛", "请假（病假）"), ("钱敏", "请假（出差）"), ("孙浩", "缺席")],
        sections=[
            MinutesSection(
                "传达公司文件和精神",
                [
                    "王主管传达了总公司《关于加强客户经理日志管理的通知》，要求每次拜访后当日填写"
                    "服务日志，出行前填写出行记录表，周五 17:30 前提交每周工作进度汇总表。",
                    "市场部将于本月抽查各网点的会议纪要与签到表。",
                ],
                ["出行记录表须在外出前填写", "服务日志须写明客户反馈与后续跟进"],
            ),
            MinutesSection("客户经理工作汇报", reports, []),
            MinutesSection(
                "业务难点解释",
                ["针对客户反映的大额转账限额问题，主管说明了调整流程及所需材料。"],
                ["企业客户需提供授权书", "个人客户可通过柜面临时调额"],
            ),
        ],
        decisions=[
            "自下周起，出行记录表须在外出前提交主管审阅。",
            "本月底前完成存量客户回访，回访率不低于80%。",
            "下周一例会由张伟主持。",
        ],
        action_items=[
            ActionItemLine(f"跟进{name}负责的重点客户回访并提交服务日志", name, None, "进行中")
            for name in NAMES[:8]
        ],
        signatures=[
            SignatureLine("主持人", "王主管", signature_png(1)),
            SignatureLine("记录人", "李记录", signature_png(2)),
        ],
        revision=2,
        amendment_reason="更正张伟的拜访户数",
        fingerprint="0" * 64,
    )


def _median_ms(render: Callable[[], bytes], runs: int) -> tuple[float, str]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        samples.append((time.perf_counter() - start) * 1000)
    note = f"(median of {runs}; min {min(samples):.1f}, max {max(samples):.1f})"
    return statistics.median(samples), note


def figures(runs: int = 15) -> list[dict[str, Any]]:
    i18n.set_language("zh_CN")
    blank, signed, minutes = signin_sheet(), signin_sheet(signed=True), minutes_doc()

    start = time.perf_counter()
    from app.reports.minutes_pdf import render_minutes
    from app.reports.signin_sheet import render_signin_sheet

    render_signin_sheet(blank)
    cold = (time.perf_counter() - start) * 1000
    pages = len(re.findall(rb"/Type /Page(?!s)", render_minutes(minutes)))

    minutes_ms, minutes_note = _median_ms(lambda: render_minutes(minutes), runs)
    if pages != 3:
        minutes_note += f" (the document has {pages} pages, not 3)"
    results = [
        ("signin_sheet_30_rows", *_median_ms(lambda: render_signin_sheet(blank), runs)),
        ("signin_sheet_30_signed", *_median_ms(lambda: render_signin_sheet(signed), runs)),
        ("minutes_3_pages", minutes_ms, minutes_note),
        ("first_pdf_cold", cold, "(once: imports, font, first document)"),
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
    parser.add_argument("--runs", type=int, default=15, help="timed renders per figure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = figures(max(1, args.runs))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for figure in results:
            print(line(figure))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
