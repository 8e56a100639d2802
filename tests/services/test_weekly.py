"""Weekly summaries, the store side: deadline, review states, roles, plans and imports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from app.db import Store
from app.services import settings, weekly
from app.services.auth import Actor
from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.weekly import (
    BoardState,
    CustomerInput,
    LogInput,
    PlanInput,
    SummaryText,
    VisitLine,
)

W48 = date(2026, 11, 23)  # Monday of 2026-W48; Friday is 2026-11-27
# 2026-11-27 17:30 in Shanghai is 09:30 UTC.
BEFORE = datetime(2026, 11, 27, 9, 29, 59, tzinfo=UTC)
AT = datetime(2026, 11, 27, 9, 30, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 27, 9, 30, 1, tzinfo=UTC)
WEDNESDAY = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def zhang(make_manager: Callable[..., Actor]) -> Actor:
    return make_manager("A001", "张三")


@pytest.fixture
def li(make_manager: Callable[..., Actor]) -> Actor:
    return make_manager("A002", "李四")


def customer(store: Store, actor: Actor, name: str, grade: str = "normal") -> int:
    assert actor.staff_id is not None
    with store.transaction() as s:
        return weekly.add_customer(s, actor, CustomerInput(actor.staff_id, name, grade=grade)).id


def test_week_labels_round_trip() -> None:
    assert weekly.week_label(W48) == "2026-W48"
    assert weekly.parse_week("2026-W48") == W48
    assert weekly.parse_week(" 2026w48 ") == W48
    assert weekly.week_label(date(2027, 1, 1)) == "2026-W53"
    with pytest.raises(ValidationError):
        weekly.parse_week("W48")


@pytest.mark.parametrize(
    ("at", "late"),
    [(BEFORE, False), (AT, False), (AFTER, True)],
    ids=["17:29:59", "17:30:00", "17:30:01"],
)
def test_deadline_boundary_in_the_branchs_zone(
    store: Store, zhang: Actor, at: datetime, late: bool
) -> None:
    assert zhang.staff_id is not None
    with time_machine.travel(WEDNESDAY, tick=False), store.transaction() as s:
        weekly.save_draft(s, zhang, zhang.staff_id, W48, SummaryText(services="开户 3 户"), [])
    with time_machine.travel(at, tick=False), store.transaction() as s:
        view = weekly.submit(s, zhang, zhang.staff_id, W48)
    assert view.late is late
    assert view.board_state == (BoardState.LATE if late else BoardState.SUBMITTED)
    assert view.deadline == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_deadline_moves_back_from_a_holiday(store: Store, supervisor: Actor) -> None:
    # National Day 2026: Thursday 1 Oct – Wednesday 7 Oct; Friday 2 Oct is a holiday,
    # so the deadline falls on the last working day before it: Wednesday 30 Sep.
    with store.reading() as s:
        assert weekly.due_day(s, supervisor.branch_id, date(2026, 9, 28)) == date(2026, 9, 30)
        assert weekly.due_day(s, supervisor.branch_id, W48) == date(2026, 11, 27)


def test_deadline_is_configurable(store: Store, supervisor: Actor) -> None:
    with store.transaction() as s:
        settings.set_value(s, supervisor, "weekly_deadline_weekday", 4)
        settings.set_value(s, supervisor, "weekly_deadline_time", time(12, 0))
    with store.reading() as s:
        due = weekly.deadline(s, supervisor.branch_id, W48)
    assert due.astimezone(UTC) == datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def test_review_state_transitions(store: Store, supervisor: Actor, zhang: Actor) -> None:
    assert zhang.staff_id is not None
    sid = zhang.staff_id
    with time_machine.travel(WEDNESDAY, tick=False):
        with store.transaction() as s:
            view = weekly.save_draft(s, zhang, sid, W48, SummaryText(problems="无"), [])
            summary_id = view.id
            assert summary_id is not None
            with pytest.raises(ValidationError):  # a draft cannot be approved
                weekly.approve(s, supervisor, summary_id)
        with store.transaction() as s:
            weekly.submit(s, zhang, sid, W48)
        with store.transaction() as s, pytest.raises(ValidationError):
            weekly.save_draft(s, zhang, sid, W48, SummaryText(problems="改"), [])
        with store.transaction() as s, pytest.raises(ValidationError):
            weekly.return_for_revision(s, supervisor, summary_id, "  ")
        with store.transaction() as s:
            returned = weekly.return_for_revision(s, supervisor, summary_id, "拜访记录不全")
        assert returned.board_state == BoardState.RETURNED
        with store.transaction() as s, pytest.raises(ValidationError):
            weekly.approve(s, supervisor, summary_id)
        with store.transaction() as s:
            revised = weekly.revise(s, zhang, sid, W48)
            assert revised.revision == 2 and revised.text.problems == "无"
            weekly.save_draft(s, zhang, sid, W48, SummaryText(problems="已补"), [])
            second = weekly.submit(s, zhang, sid, W48)
        with store.transaction() as s:
            assert second.id is not None
            approved = weekly.approve(s, supervisor, second.id, "很好")
        assert approved.board_state == BoardState.APPROVED
        assert [e.kind for e in approved.events] == ["return", "revise", "approve"]
        with store.reading() as s:
            first = weekly.summary_by_id(s, supervisor, summary_id)
        assert first.state == "returned" and first.text.problems == "无"


def test_a_manager_cannot_read_anothers_summary(
    store: Store, supervisor: Actor, zhang: Actor, li: Actor
) -> None:
    assert zhang.staff_id is not None and li.staff_id is not None
    with time_machine.travel(WEDNESDAY, tick=False), store.transaction() as s:
        view = weekly.save_draft(s, zhang, zhang.staff_id, W48, SummaryText(), [])
    assert view.id is not None
    calls = [
        lambda s: weekly.get_summary(s, li, zhang.staff_id, W48),
        lambda s: weekly.summary_by_id(s, li, view.id),
        lambda s: weekly.save_draft(s, li, zhang.staff_id, W48, SummaryText(), []),
        lambda s: weekly.submit(s, li, zhang.staff_id, W48),
        lambda s: weekly.week_status(s, li, W48),
        lambda s: weekly.summaries_for_week(s, li, W48),
        lambda s: weekly.list_customers(s, li, zhang.staff_id),
        lambda s: weekly.list_logs(s, li, zhang.staff_id, W48, W48),
        lambda s: weekly.list_trips(s, li, zhang.staff_id, W48, W48),
        lambda s: weekly.plans_for(s, li, zhang.staff_id, W48),
        lambda s: weekly.comment(s, li, view.id, "x"),
        lambda s: weekly.history(s, li, W48),
    ]
    for call in calls:
        with store.transaction() as s, pytest.raises((PermissionDenied, NotFound)):
            call(s)


def test_customers_are_confidential(
    store: Store, supervisor: Actor, zhang: Actor, li: Actor
) -> None:
    customer(store, zhang, "王总")
    customer(store, li, "赵总")
    with store.reading() as s:
        assert [c.name for c in weekly.list_customers(s, zhang)] == ["王总"]
        assert [c.name for c in weekly.list_customers(s, supervisor)] == ["王总", "赵总"]


def test_planned_visits_checklist_and_submit_needs_reasons(store: Store, zhang: Actor) -> None:
    assert zhang.staff_id is not None
    sid = zhang.staff_id
    wang = customer(store, zhang, "王总", "key")
    zhao = customer(store, zhang, "赵总")
    with time_machine.travel(WEDNESDAY, tick=False):
        with store.transaction() as s:
            p1 = weekly.add_plan(s, zhang, PlanInput(sid, wang, W48, date(2026, 11, 24), "回访"))
            p2 = weekly.add_plan(s, zhang, PlanInput(sid, zhao, W48, None, "送生日礼"))
            weekly.add_log(s, zhang, LogInput(sid, wang, date(2026, 11, 24), "介绍理财产品"))
        with store.transaction() as s:
            view = weekly.get_summary(s, zhang, sid, W48)
            assert [v.customer_name for v in view.visits] == ["王总"]
            assert {p.id: p.outcome for p in view.checklist} == {p1.id: "done", p2.id: "open"}
            weekly.save_draft(s, zhang, sid, W48, view.text, view.visits)
        with store.transaction() as s, pytest.raises(ValidationError, match="赵总"):
            weekly.submit(s, zhang, sid, W48)
        with store.transaction() as s:
            moved = weekly.set_plan_outcome(s, zhang, p2.id, "moved", "客户出差", date(2026, 12, 1))
            assert moved.outcome == "moved"
            weekly.submit(s, zhang, sid, W48)


def test_visit_lines_must_be_in_the_week_and_the_book(
    store: Store, zhang: Actor, li: Actor
) -> None:
    assert zhang.staff_id is not None
    wang = customer(store, zhang, "王总")
    zhao = customer(store, li, "赵总")
    with time_machine.travel(WEDNESDAY, tick=False):
        with store.transaction() as s, pytest.raises(ValidationError):
            weekly.save_draft(
                s, zhang, zhang.staff_id, W48, SummaryText(), [VisitLine(date(2026, 11, 30), wang)]
            )
        with store.transaction() as s, pytest.raises((ValidationError, PermissionDenied)):
            weekly.save_draft(
                s, zhang, zhang.staff_id, W48, SummaryText(), [VisitLine(date(2026, 11, 24), zhao)]
            )


def test_week_status_and_reminders(
    store: Store, supervisor: Actor, zhang: Actor, li: Actor
) -> None:
    assert zhang.staff_id is not None
    with time_machine.travel(WEDNESDAY, tick=False), store.transaction() as s:
        weekly.save_draft(s, zhang, zhang.staff_id, W48, SummaryText(), [])
        weekly.submit(s, zhang, zhang.staff_id, W48)
    with store.transaction() as s:
        status = weekly.week_status(s, supervisor, W48)
        assert [(line.name, line.state) for line in status.lines] == [
            ("张三", "submitted"),
            ("李四", "missing"),
        ]
        assert not status.rollup_produced
        texts = weekly.reminders(status, BEFORE)
        assert texts[0][1] == "李四：本周《每周工作进度汇总表》尚未提交，请于周五17:30前提交。"
        with time_machine.travel(AFTER, tick=False):
            weekly.record_rollup(s, supervisor, W48, "pdf", "rollup.pdf", "00")
    with store.reading() as s:
        status = weekly.week_status(s, supervisor, W48)
        assert status.rollup_produced and status.rollup_on_time


def test_reimport_keeps_next_weeks_plans_it_repeats(store: Store, zhang: Actor) -> None:
    assert zhang.staff_id is not None
    sid = zhang.staff_id
    wang = customer(store, zhang, "王总")
    zhao = customer(store, zhang, "赵总")
    w49 = date(2026, 11, 30)

    def imported(*plans: PlanInput) -> weekly.ImportedSummary:
        return weekly.ImportedSummary(sid, W48, SummaryText(), [], [], plans, "a.xlsx")

    keep = PlanInput(sid, wang, w49, date(2026, 12, 1), "回访")
    with time_machine.travel(WEDNESDAY, tick=False):
        with store.transaction() as s:
            weekly.store_imported(s, zhang, imported(keep, PlanInput(sid, zhao, w49)))
            before = {p.customer_name: p.id for p in weekly.plans_for(s, zhang, sid, w49)}
        with store.transaction() as s:
            assert weekly.store_imported(s, zhang, imported(keep)).action == "replaced"
            after = {p.customer_name: p.id for p in weekly.plans_for(s, zhang, sid, w49)}
    assert after == {"王总": before["王总"]}
