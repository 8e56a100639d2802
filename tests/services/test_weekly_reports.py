"""The weekly roll-up from the store: what it gathers, the files, the record, the roles."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from app.db import Store
from app.services import weekly, weekly_reports
from app.services.auth import Actor
from app.services.errors import PermissionDenied, ValidationError
from app.services.weekly import CustomerInput, LogInput, PlanInput, SummaryText

W47 = date(2026, 11, 16)
W48 = date(2026, 11, 23)  # Friday 2026-11-27, due 17:30 Shanghai = 09:30 UTC
W49 = date(2026, 11, 30)
LAST_WEEK = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
WEDNESDAY = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
AFTER = datetime(2026, 11, 27, 9, 30, 1, tzinfo=UTC)
ROLLUP_ON_TIME = datetime(2026, 11, 27, 9, 59, 0, tzinfo=UTC)  # Friday 17:59 Shanghai


def fill_week(
    store: Store, supervisor: Actor, manager: Actor, *, submit_at: datetime | None, tag: str
) -> None:
    """A week with two visits, a plan of two (one done, one moved), next week's plan and
    the texts; handed in at `submit_at` (None: left as a draft)."""
    sid = manager.staff_id
    assert sid is not None
    with time_machine.travel(LAST_WEEK, tick=False), store.transaction() as s:
        a = weekly.add_customer(s, manager, CustomerInput(sid, f"{tag}客户甲", grade="key")).id
        b = weekly.add_customer(s, manager, CustomerInput(sid, f"{tag}客户乙")).id
        c = weekly.add_customer(s, manager, CustomerInput(sid, f"{tag}客户丙")).id
        weekly.add_plan(s, manager, PlanInput(sid, a, W48, date(2026, 11, 24), "理财到期续作"))
        moved = weekly.add_plan(s, manager, PlanInput(sid, c, W48, date(2026, 11, 25), "回访"))
    with time_machine.travel(WEDNESDAY, tick=False), store.transaction() as s:
        weekly.add_log(s, manager, LogInput(sid, a, date(2026, 11, 24), "续作理财 50 万"))
        weekly.add_log(s, manager, LogInput(sid, b, date(2026, 11, 23), "介绍代发工资"))
        weekly.set_plan_outcome(s, manager, moved.id, "moved", "客户出差", date(2026, 12, 1))
        weekly.add_plan(s, manager, PlanInput(sid, c, W49, date(2026, 12, 1), "补拜访"))
        visits = weekly.prefill_visits(s, sid, W48)
        text = SummaryText(
            services=f"{tag}：开户 3 户，办理理财 2 笔。",
            needs_trends="客户关注大额存单利率。",
            campaign_response="“岁末理财节”报名 5 户。",
            problems=f"{tag}的问题：" + "大额转账限额调整流程繁琐，客户多次往返网点。" * 4,
            suggestions=f"{tag}的建议：简化限额调整流程。",
            next_week_plan="回访客户丙；跟进代发工资。",
        )
        weekly.save_draft(s, manager, sid, W48, text, visits)
    if submit_at is not None:
        with time_machine.travel(submit_at, tick=False), store.transaction() as s:
            weekly.submit(s, manager, sid, W48)


@pytest.fixture
def branch(store: Store, supervisor: Actor, make_manager: Callable[..., Actor]) -> dict[str, Actor]:
    zhang, li = make_manager("A001", "张三"), make_manager("A002", "李四")
    wang, zhao = make_manager("A003", "王五"), make_manager("A004", "赵六")
    fill_week(store, supervisor, zhang, submit_at=THURSDAY, tag="张")
    fill_week(store, supervisor, li, submit_at=AFTER, tag="李")
    fill_week(store, supervisor, zhao, submit_at=None, tag="赵")
    with time_machine.travel(AFTER, tick=False), store.transaction() as s:
        summary = weekly.get_summary(s, supervisor, zhang.staff_id, W48)  # type: ignore[arg-type]
        assert summary.id is not None
        weekly.approve(s, supervisor, summary.id, "拜访记录完整，继续保持。")
    return {"zhang": zhang, "li": li, "wang": wang, "zhao": zhao}


def test_rollup_gathers_every_manager(
    store: Store, supervisor: Actor, branch: dict[str, Actor]
) -> None:
    with time_machine.travel(AFTER, tick=False), store.reading() as s:
        data = weekly_reports.rollup(s, supervisor, date(2026, 11, 26))  # any day of the week
    assert data.week_start == W48 and data.week == "2026-W48" and data.branch == "测试网点"
    assert data.deadline.strftime("%Y-%m-%d %H:%M %z") == "2026-11-27 17:30 +0800"
    by_no = {m.employee_no: m for m in data.managers}
    assert list(by_no) == ["A001", "A002", "A003", "A004"]
    zhang, li, wang, zhao = (by_no[n] for n in ("A001", "A002", "A003", "A004"))
    assert (zhang.state, zhang.state_label, zhang.on_time) == ("approved", "已批准", True)
    assert zhang.submitted_at is not None
    assert zhang.submitted_at.strftime("%m-%d %H:%M") == "11-26 16:00"  # branch time
    assert zhang.review_comment == "拜访记录完整，继续保持。"
    assert zhang.review_label.startswith("已批准 2026-11-27 17:30")
    assert (li.state, li.state_label, li.on_time) == ("late", "逾期提交", False)
    assert li.review_label == "待审阅"
    assert (wang.state, wang.state_label, wang.on_time, wang.handed_in) == (
        "missing",
        "未提交",
        None,
        False,
    )
    assert zhao.state == "draft" and not zhao.handed_in
    assert zhang.visit_count == 2 and [v.customer for v in zhang.visits] == ["张客户乙", "张客户甲"]
    assert [t[1] for t in zhang.texts] == [
        "服务提供情况",
        "客户需求及消费动态",
        "营销活动响应情况",
        "存在问题",
        "建议",
        "下周工作计划",
    ]
    assert zhang.text("problems").startswith("张的问题：")
    assert [(p.customer, p.outcome_label, p.detail) for p in zhang.checklist] == [
        ("张客户甲", "已完成", "拜访于 2026-11-24"),
        ("张客户丙", "改期", "改至 2026-12-01：客户出差"),
    ]
    assert [(p.customer, p.purpose) for p in zhang.next_plans] == [("张客户丙", "补拜访")]
    assert (data.on_time_count, data.late_count, data.not_handed_in, data.visit_total) == (
        1,
        1,
        2,
        4,
    )
    weeks = sorted({r.week_start for r in data.history.records})
    assert len(weeks) == 12 and weeks[-1] == W48
    assert list(data.history.names.values()) == ["张三", "李四", "王五", "赵六"]


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    proc = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=30
    )
    return proc.stdout.decode("utf-8")


def test_export_pdf_writes_and_records_on_time(
    store: Store, supervisor: Actor, branch: dict[str, Actor], tmp_path: Path
) -> None:
    target = tmp_path / "周汇总.pdf"
    with time_machine.travel(ROLLUP_ON_TIME, tick=False), store.transaction() as s:
        assert not weekly.week_status(s, supervisor, W48).rollup_produced
        result = weekly_reports.export_rollup(s, supervisor, W48, target)
    data = target.read_bytes()
    assert result == weekly_reports.RollupFile(target, "pdf", hashlib.sha256(data).hexdigest())
    assert data.startswith(b"%PDF-") and not list(tmp_path.glob("*.part"))
    text = pdf_text(data)
    assert "张三" in text and "未提交" in text and "逾期提交" in text
    with store.reading() as s:
        status = weekly.week_status(s, supervisor, W48)
    assert status.rollup_produced and status.rollup_on_time


def test_export_xlsx_after_friday_is_late(
    store: Store, supervisor: Actor, branch: dict[str, Actor], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "rollup.XLSX"
    target.write_bytes(b"an older file")
    saturday = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    with time_machine.travel(saturday, tick=False), store.transaction() as s:
        result = weekly_reports.export_rollup(s, supervisor, W48, target)
    assert result.kind == "xlsx"
    book = load_workbook(io.BytesIO(target.read_bytes()))
    assert book.sheetnames == ["汇总", "A001 张三", "A002 李四", "A003 王五", "A004 赵六"]
    with store.reading() as s:
        status = weekly.week_status(s, supervisor, W48)
    assert status.rollup_produced and not status.rollup_on_time


def test_the_first_roll_up_counts(
    store: Store, supervisor: Actor, branch: dict[str, Actor], tmp_path: Path
) -> None:
    with time_machine.travel(ROLLUP_ON_TIME, tick=False), store.transaction() as s:
        weekly_reports.export_rollup(s, supervisor, W48, tmp_path / "a.xlsx")
    monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    with time_machine.travel(monday, tick=False), store.transaction() as s:
        weekly_reports.export_rollup(s, supervisor, W48, tmp_path / "b.pdf")
    with store.reading() as s:
        assert weekly.week_status(s, supervisor, W48).rollup_on_time


def test_an_unknown_suffix_is_refused(
    store: Store, supervisor: Actor, branch: dict[str, Actor], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with store.transaction() as s, pytest.raises(ValidationError) as caught:
        weekly_reports.export_rollup(s, supervisor, W48, out / "rollup.docx")
    assert "rollup.docx" in str(caught.value)
    assert not list(out.iterdir())
    with store.reading() as s:
        assert not weekly.week_status(s, supervisor, W48).rollup_produced


def test_a_manager_is_refused(
    store: Store, supervisor: Actor, branch: dict[str, Actor], tmp_path: Path
) -> None:
    zhang = branch["zhang"]
    out = tmp_path / "out"
    out.mkdir()
    calls = [
        lambda s: weekly_reports.rollup(s, zhang, W48),
        lambda s: weekly_reports.rollup_pdf(s, zhang, W48),
        lambda s: weekly_reports.rollup_xlsx(s, zhang, W48),
        lambda s: weekly_reports.export_rollup(s, zhang, W48, out / "x.pdf"),
        lambda s: weekly_reports.chart_history(s, zhang, W48),
    ]
    for call in calls:
        with store.transaction() as s, pytest.raises(PermissionDenied):
            call(s)
    assert not list(out.iterdir())


def test_chart_history_and_pngs(store: Store, supervisor: Actor, branch: dict[str, Actor]) -> None:
    from app.reports import weekly_charts

    with store.reading() as s:
        history = weekly_reports.chart_history(s, supervisor, W48)
    assert list(history.names.values()) == ["张三", "李四", "王五", "赵六"]
    png = weekly_charts.on_time_png(history.records, history.names, dpi=50)
    assert png.startswith(b"\x89PNG")
    assert weekly_charts.visits_png(history.records, history.names, dpi=50).startswith(b"\x89PNG")


def test_default_name() -> None:
    assert weekly_reports.default_name(W48, "pdf", "城南/支行") == "城南_支行-周汇总-2026-W48.pdf"
