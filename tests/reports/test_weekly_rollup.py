"""The weekly roll-up documents from plain data: PDF text, font, pages, charts, workbook.

Missing-glyph warnings from matplotlib would fail these tests (filterwarnings = error).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.reports import weekly_charts
from app.reports.weekly_rollup_pdf import clip, render_rollup_pdf
from app.reports.weekly_rollup_xlsx import render_rollup_xlsx, sheet_name
from app.services.weekly import WeekRecord
from app.services.weekly_reports import (
    ChartHistory,
    Rollup,
    RollupManager,
    RollupPlan,
    RollupVisit,
)

SH = ZoneInfo("Asia/Shanghai")
W48 = date(2026, 11, 23)
NAMES = ["张伟", "李娜", "王芳", "欧阳晓燕", "刘洋", "陈静"]
LABELS = {
    "submitted": "已提交",
    "late": "逾期提交",
    "approved": "已批准",
    "returned": "已退回",
    "missing": "未提交",
    "draft": "草稿",
}
TEXT_LABELS = [
    ("services", "服务提供情况"),
    ("needs_trends", "客户需求及消费动态"),
    ("campaign_response", "营销活动响应情况"),
    ("problems", "存在问题"),
    ("suggestions", "建议"),
    ("next_week_plan", "下周工作计划"),
]
LONG_PROBLEM = "大额转账限额调整需客户本人到网点办理，" * 12 + "问题结尾标记"


def manager(n: int, state: str, visits: int = 3) -> RollupManager:
    name = NAMES[(n - 1) % len(NAMES)]
    handed_in = state in ("submitted", "late", "approved", "returned")
    submitted = datetime(2026, 11, 27, 15, n % 60, tzinfo=SH) if handed_in else None
    if state == "late":
        submitted = datetime(2026, 11, 27, 18, 5, tzinfo=SH)
    texts = {
        "services": f"{name}本周开户 {n} 户，办理理财业务。",
        "needs_trends": "客户关注大额存单利率。\n部分客户询问外汇业务。",
        "campaign_response": "“岁末理财节”报名 5 户。",
        "problems": LONG_PROBLEM if n == 1 else f"{name}的问题：系统响应慢。",
        "suggestions": f"{name}的建议：增加自助设备。",
        "next_week_plan": "回访重点客户。",
    }
    return RollupManager(
        staff_id=n,
        employee_no=f"A{n:03d}",
        name=name,
        state=state,
        state_label=LABELS[state],
        submitted_at=submitted,
        late=state == "late",
        revision=2 if state == "approved" else 1,
        texts=[(f, label, texts[f] if handed_in else "") for f, label in TEXT_LABELS],
        visits=[
            RollupVisit(W48 + timedelta(days=i % 5), f"客户{n}-{i}", f"介绍代发工资业务 {i}")
            for i in range(visits if handed_in else 0)
        ],
        checklist=[
            RollupPlan(
                "客户甲", date(2026, 11, 24), "续作理财", "done", "已完成", "拜访于 2026-11-24"
            ),
            RollupPlan("客户乙", None, "回访", "moved", "改期", "改至 2026-12-01：客户出差"),
        ],
        next_plans=[RollupPlan("客户丙", date(2026, 12, 2), "补拜访", "open", "未说明", "")],
        review_comment="拜访记录完整，继续保持。" if state == "approved" else "",
        review_label="已批准 2026-11-27 18:02" if state == "approved" else "待审阅",
        return_reason="",
    )


def sample_rollup(count: int = 6) -> Rollup:
    states = ["submitted", "late", "missing", "approved", "draft", "submitted"]
    managers = [manager(n, states[(n - 1) % len(states)]) for n in range(1, count + 1)]
    weeks = [W48 - timedelta(weeks=11 - i) for i in range(12)]
    records = [
        WeekRecord(
            m.staff_id,
            week,
            ("missing", "late", "submitted", "approved")[(m.staff_id + i) % 4],
            (m.staff_id + i) % 4 == 1,
            (m.staff_id * 3 + i) % 9,
        )
        for m in managers
        for i, week in enumerate(weeks)
    ]
    return Rollup(
        branch="城南支行",
        week_start=W48,
        deadline=datetime(2026, 11, 27, 17, 30, tzinfo=SH),
        rollup_due=datetime(2026, 11, 27, 18, 0, tzinfo=SH),
        managers=managers,
        history=ChartHistory(records, {m.staff_id: m.name for m in managers}),
    )


def pdftotext(pdf: bytes, *args: str) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    proc = subprocess.run(
        ["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True, timeout=30
    )
    return proc.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def pdf() -> bytes:
    from app import i18n

    i18n.set_language("zh_CN")
    return render_rollup_pdf(sample_rollup())


def test_pdf_cover_and_sections(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    text = pdftotext(pdf, "-layout")
    assert "每周工作进度汇总" in text and "城南支行" in text and "2026-W48" in text
    for name in NAMES:
        assert name in text
    for label in ("已提交", "逾期提交", "未提交", "已批准", "草稿"):
        assert label in text
    assert "工号" in text and "是否按时" in text and "拜访次数" in text
    assert "客户经理 6 人：按时提交 3 人，逾期提交 1 人，未提交 2 人" in text
    assert "本周共拜访客户 12 次" in text  # 4 summaries handed in × 3 visits
    assert "李娜的问题：系统响应慢。" in text
    assert "11-27 18:05" in text  # the late one, in branch time
    assert re.search(r"第 1 页 共 \d+ 页", text)
    # Each summary in full: the six labels, the visits, the checklist, the comment.
    for _field, label in TEXT_LABELS:
        assert label in text
    assert "客户1-2" in text and "改至 2026-12-01：客户出差" in text and "拜访目的" in text
    assert "拜访记录完整，继续保持。" in text and "主管点评" in text
    assert "未提交：本周没有提交每周工作进度汇总表。" in text
    assert "未提交：汇总表仍是草稿。" in text
    assert "近 12 周按时提交情况" in text and "每周拜访次数（全网点）" in text


def test_pdf_cover_shortens_long_texts_and_the_section_keeps_them(pdf: bytes) -> None:
    raw = pdftotext(pdf)
    pages = raw.split("\f")
    assert "问题结尾标记" not in pages[0] and "…" in pages[0]
    flat = "".join(raw.split())
    assert "问题结尾标记" in flat  # in full in 张伟's section


def test_pdf_embeds_the_font_and_is_deterministic(pdf: bytes) -> None:
    assert b"/FontFile2" in pdf  # an embedded TrueType subset
    assert b"STSong" not in pdf  # reportlab's built-in CJK font is never embedded
    if shutil.which("pdffonts"):
        proc = subprocess.run(
            ["pdffonts", "-"], input=pdf, capture_output=True, check=True, timeout=30
        )
        # (reportlab always names Helvetica, the canvas's initial font, unused here)
        cjk = [ln for ln in proc.stdout.decode().splitlines() if "WenQuanYi" in ln]
        assert cjk and all(ln.split()[-5] == "yes" for ln in cjk)  # emb = yes
    assert pdf == render_rollup_pdf(sample_rollup())


def test_pdf_pages_are_numbered_and_managers_start_a_page(pdf: bytes) -> None:
    pages = pdftotext(pdf).split("\f")
    pages = [p for p in pages if p.strip()]
    total = len(pages)
    assert total >= 5
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {total} 页" in page
    starts = [p for p in pages if re.search(r"^A00[1246] ", p, re.M)]
    assert len(starts) >= 4


def test_clip_keeps_short_texts_and_cuts_long_ones() -> None:
    assert clip("系统\n响应慢", 100) == "系统 响应慢"
    cut = clip(LONG_PROBLEM, 100)
    assert cut.endswith("…") and len(cut) < len(LONG_PROBLEM)


def test_workbook_cover_and_sheets() -> None:
    from openpyxl import load_workbook

    data = render_rollup_xlsx(sample_rollup())
    assert data == render_rollup_xlsx(sample_rollup())  # same roll-up, same bytes
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "汇总",
        "A001 张伟",
        "A002 李娜",
        "A003 王芳",
        "A004 欧阳晓燕",
        "A005 刘洋",
        "A006 陈静",
    ]
    cover = book["汇总"]
    assert cover.freeze_panes == "C5"
    header = [c.value for c in cover[4]]
    assert header == [
        *("工号", "姓名", "状态", "提交时间"),
        *("是否按时", "拜访次数", "存在问题", "建议"),
    ]
    rows = {r[0]: r for r in cover.iter_rows(min_row=5, values_only=True)}
    assert rows["A001"][:6] == ("A001", "张伟", "已提交", datetime(2026, 11, 27, 15, 1), "是", 3)
    assert rows["A001"][6] == LONG_PROBLEM  # whole in the workbook
    assert rows["A002"][2:5] == ("逾期提交", datetime(2026, 11, 27, 18, 5), "否")
    assert rows["A003"][2:6] == ("未提交", None, None, None)
    assert cover.column_dimensions["G"].width >= 40
    assert cover["G5"].alignment.wrap_text

    sheet = book["A004 欧阳晓燕"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    flat = [v for row in values for v in row if v is not None]
    assert "已批准" in flat and "拜访记录完整，继续保持。" in flat
    assert "存在问题" in flat and "欧阳晓燕的问题：系统响应慢。" in flat
    assert "服务内容" in flat and "客户4-0" in flat and "改至 2026-12-01：客户出差" in flat
    missing = [v for row in book["A003 王芳"].iter_rows(values_only=True) for v in row if v]
    assert "未提交" in missing and "未提交：本周没有提交每周工作进度汇总表。" in missing


def test_sheet_names_are_valid_and_unique() -> None:
    odd = manager(7, "submitted")
    odd = RollupManager(**{**odd.__dict__, "employee_no": "B/01", "name": "名字[很长]:*?" * 5})
    taken: set[str] = set()
    first, second = sheet_name(odd, taken), sheet_name(odd, taken)
    for name in (first, second):
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert first != second


def test_charts_are_figures_and_pngs() -> None:
    rollup = sample_rollup(30)
    records, names = rollup.history.records, rollup.history.names
    fig = weekly_charts.on_time_figure(records, names)
    assert fig.get_size_inches()[1] > 6  # 30 rows
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[:3] == ["张伟", "李娜", "王芳"]
    png = weekly_charts.on_time_png(records, names, dpi=40)
    assert png.startswith(b"\x89PNG") and png == weekly_charts.on_time_png(records, names, dpi=40)
    visits = weekly_charts.visits_figure(records, names)
    bars = visits.axes[0].patches
    assert len(bars) == 12
    week0 = sum(r.visits for r in records if r.week_start == records[0].week_start)
    assert bars[0].get_height() == week0
    assert weekly_charts.visits_png([], {}, dpi=40).startswith(b"\x89PNG")
    assert weekly_charts.on_time_png([], {}, dpi=40).startswith(b"\x89PNG")


def test_cell_kind() -> None:
    def record(state: str, late: bool = False) -> WeekRecord:
        return WeekRecord(1, W48, state, late, 0)

    assert weekly_charts.cell_kind(record("approved")) == "on_time"
    assert weekly_charts.cell_kind(record("returned", late=True)) == "late"
    assert weekly_charts.cell_kind(record("draft")) == "not_in"
    assert weekly_charts.cell_kind(record("missing")) == "not_in"


def test_pdf_in_english() -> None:
    from app import i18n

    i18n.set_language("en")
    text = pdftotext(render_rollup_pdf(sample_rollup(3)), "-layout")
    assert "Weekly progress roll-up" in text and "Page 1 of" in text
    assert "Not submitted: no summary was handed in for this week." in text
