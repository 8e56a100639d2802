"""The meeting calendar, notices, roll call, minutes, finalize/amend and verify."""

from __future__ import annotations

import dataclasses
import struct
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time

import pytest

from app.db import Store
from app.models import Meeting
from app.services import calendar, meetings, minutes, rollcall, settings
from app.services.auth import Actor
from app.services.errors import PermissionDenied, ServiceError, ValidationError
from app.services.meetings import MeetingKind, MeetingStatus
from app.services.rollcall import AttendanceStatus

SHANGHAI = "Asia/Shanghai"


def kinds_on(store: Store, actor: Actor, start: date, end: date) -> list[tuple[date, str]]:
    with store.transaction() as session:
        return [(m.day, m.kind) for m in meetings.list_meetings(session, actor, start, end)]


def test_morning_meetings_follow_the_working_calendar(store: Store, supervisor: Actor) -> None:
    got = kinds_on(store, supervisor, date(2026, 9, 28), date(2026, 10, 11))
    mornings = [d for d, k in got if k == MeetingKind.MORNING]
    # National Day holiday 1–7 Oct: none; Sat 10 Oct is a make-up working day: one.
    assert date(2026, 10, 1) not in mornings
    assert date(2026, 10, 10) in mornings
    assert mornings == [
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
    ]
    weekly = [d for d, k in got if k == MeetingKind.WEEKLY]
    assert weekly == [date(2026, 9, 28)]  # Monday 5 Oct is a holiday: no weekly meeting


def test_monthly_meetings_land_on_a_working_day(store: Store, supervisor: Actor) -> None:
    got = kinds_on(store, supervisor, date(2026, 10, 1), date(2026, 10, 31))
    assert (date(2026, 10, 30), MeetingKind.MONTHLY_GM) in got  # last Friday
    assert (date(2026, 10, 29), MeetingKind.ANALYSIS) in got  # last Thursday


def test_a_year_the_package_does_not_know_falls_back(store: Store, supervisor: Actor) -> None:
    got = kinds_on(store, supervisor, date(2027, 1, 1), date(2027, 1, 10))
    mornings = [d for d, k in got if k == MeetingKind.MORNING]
    assert mornings == [
        date(2027, 1, 1),
        date(2027, 1, 4),
        date(2027, 1, 5),
        date(2027, 1, 6),
        date(2027, 1, 7),
        date(2027, 1, 8),
    ]


def test_generation_is_idempotent_and_follows_new_holidays(store: Store, supervisor: Actor) -> None:
    first = kinds_on(store, supervisor, date(2027, 1, 1), date(2027, 1, 10))
    assert kinds_on(store, supervisor, date(2027, 1, 1), date(2027, 1, 10)) == first
    with store.transaction() as session:
        calendar.set_day(session, supervisor, date(2027, 1, 1), "holiday", "元旦")
    again = kinds_on(store, supervisor, date(2027, 1, 1), date(2027, 1, 10))
    assert (date(2027, 1, 1), MeetingKind.MORNING) not in again


def _meeting(store: Store, actor: Actor, day: date, kind: str) -> int:
    with store.transaction() as session:
        found = [m for m in meetings.list_meetings(session, actor, day, day) if m.kind == kind]
    return found[0].id


def test_cancelled_occurrence_stays_cancelled(store: Store, supervisor: Actor) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 27), MeetingKind.MORNING)
    with pytest.raises(ValidationError), store.transaction() as session:
        meetings.cancel(session, supervisor, mid, "  ")
    with store.transaction() as session:
        meetings.cancel(session, supervisor, mid, "全员外出培训")
    with store.transaction() as session:
        (m,) = [
            m
            for m in meetings.list_meetings(
                session, supervisor, date(2026, 11, 27), date(2026, 11, 27)
            )
            if m.kind == MeetingKind.MORNING
        ]
    assert (m.id, m.status, m.change_reason) == (mid, MeetingStatus.CANCELLED, "全员外出培训")


def test_reschedule_keeps_one_copy(store: Store, supervisor: Actor) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 30), MeetingKind.WEEKLY)
    with store.transaction() as session:
        meetings.reschedule(
            session, supervisor, mid, date(2026, 12, 1), time(9), time(9, 30), "周一全行大会"
        )
    got = kinds_on(store, supervisor, date(2026, 11, 30), date(2026, 12, 1))
    assert [d for d, k in got if k == MeetingKind.WEEKLY] == [date(2026, 12, 1)]
    with pytest.raises(ValidationError), store.transaction() as session:
        meetings.reschedule(session, supervisor, mid, date(2026, 12, 1), time(9), time(8), "x")


@pytest.mark.parametrize(
    ("notified", "excused"),
    [
        (datetime(2026, 11, 26, 15, 59, 59, tzinfo=UTC), True),  # 23:59:59 the day before
        (datetime(2026, 11, 26, 16, 0, 0, tzinfo=UTC), False),  # 00:00 on the day
        (datetime(2026, 11, 26, 9, 0, tzinfo=UTC), True),
        (datetime(2026, 11, 27, 0, 10, tzinfo=UTC), False),  # 08:10 on the day
    ],
)
def test_notice_boundary_is_the_end_of_the_previous_day(notified: datetime, excused: bool) -> None:
    assert meetings.notice_is_excused(notified, date(2026, 11, 27), SHANGHAI) is excused


@pytest.fixture
def team(make_manager: Callable[..., Actor]) -> list[Actor]:
    return [make_manager(f"A00{i}", name) for i, name in enumerate(["张三", "李四", "王五"], 1)]


def test_roll_call_counts_and_rules(store: Store, supervisor: Actor, team: list[Actor]) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 27), MeetingKind.MORNING)
    zhang, li, wang = (a.staff_id for a in team)
    with store.transaction() as session:
        meetings.record_notice(
            session, supervisor, mid, li, "拜访客户", datetime(2026, 11, 26, 10, tzinfo=UTC)
        )
        meetings.record_notice(
            session, supervisor, mid, wang, "堵车", datetime(2026, 11, 27, 0, 20, tzinfo=UTC)
        )
        rollcall.mark(
            session, supervisor, mid, zhang, "present", arrival=time(8, 35)
        )  # late by itself
        rollcall.mark(session, supervisor, mid, li, "excused")
        with pytest.raises(ValidationError, match="王五"):
            rollcall.mark(session, supervisor, mid, wang, "excused")
        with pytest.raises(ValidationError):
            rollcall.mark(session, supervisor, mid, wang, "late")  # no arrival time
    with store.transaction() as session:
        call = rollcall.roll_call(session, supervisor, mid)
    assert [r.status for r in call.rows] == ["late", "excused", None]
    assert call.counts.expected == 3 and call.counts.present == 1 and call.counts.late == 1
    assert call.counts.excused == 1 and call.unmarked == 1 and not call.complete
    with store.transaction() as session:
        rollcall.mark(session, supervisor, mid, wang, "absent")
        call = rollcall.roll_call(session, supervisor, mid)
    assert call.complete and call.counts.absent == 1


def test_arrival_in_the_start_minute_is_on_time() -> None:
    assert rollcall.classify_arrival(time(8, 30), time(8, 30, 59)) is AttendanceStatus.PRESENT
    assert rollcall.classify_arrival(time(8, 30), time(8, 31)) is AttendanceStatus.LATE


def test_managers_cannot_take_the_roll_or_read_minutes(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 27), MeetingKind.MORNING)
    zhang = team[0]
    with store.transaction() as session:
        for call in (
            lambda: rollcall.roll_call(session, zhang, mid),
            lambda: rollcall.mark(session, zhang, mid, zhang.staff_id, "present"),
            lambda: minutes.load_draft(session, zhang, mid),
            lambda: minutes.minutes_pdf(session, zhang, mid),
        ):
            with pytest.raises(PermissionDenied):
                call()
        # but a manager may give notice for themselves, and no one else
        meetings.record_notice(session, zhang, mid, zhang.staff_id, "病假")
        with pytest.raises(PermissionDenied):
            meetings.record_notice(session, zhang, mid, team[1].staff_id, "代请假")


def tiny_png(width: int = 40, height: int = 12) -> bytes:
    """A real (black-stroke-on-white) PNG without Qt or Pillow."""
    raw = b"".join(
        b"\x00" + bytes(0 if y == x % height else 255 for x in range(width)) for y in range(height)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = tiny_png()


def _complete_weekly(store: Store, supervisor: Actor, team: list[Actor]) -> int:
    mid = _meeting(store, supervisor, date(2026, 11, 30), MeetingKind.WEEKLY)
    with store.transaction() as session:
        meetings.set_people(session, supervisor, mid, minute_taker_staff_id=team[0].staff_id)
        for a in team:
            rollcall.mark(session, supervisor, mid, a.staff_id, "present", arrival=time(8, 25))
            rollcall.save_signature(session, supervisor, mid, "attendee", PNG, a.staff_id)
        rollcall.save_signature(session, supervisor, mid, "host", PNG)
        rollcall.save_signature(session, supervisor, mid, "minute_taker", PNG)
        draft = minutes.load_draft(session, supervisor, mid)
        draft.sections[0].text = "传达总行第四季度营销文件。\n- 重点产品：理财\n- 截止：12月31日"
        draft.decisions = ["本周完成存量客户回访"]
        minutes.save_draft(session, supervisor, mid, draft)
        minutes.add_action_item(
            session, supervisor, mid, "回访重点客户", team[1].staff_id, date(2026, 12, 4)
        )
    return mid


def test_finalize_needs_everything_and_says_what_is_missing(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 30), MeetingKind.WEEKLY)
    with store.transaction() as session:
        rollcall.mark(session, supervisor, mid, team[0].staff_id, "present", arrival=time(8, 20))
        problems = minutes.finalize_problems(session, supervisor, mid)
    text = "\n".join(problems)
    assert "记录人" in text and "李四" in text and "张三" in text  # unmarked / unsigned
    with pytest.raises(ServiceError, match="不能定稿"), store.transaction() as session:
        minutes.finalize(session, supervisor, mid)
    with store.reading() as session:
        assert session.get(Meeting, mid).status == MeetingStatus.SCHEDULED  # type: ignore[union-attr]


def test_finalize_locks_amend_makes_a_new_revision(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _complete_weekly(store, supervisor, team)
    with store.transaction() as session:
        first = minutes.finalize(session, supervisor, mid)
    assert first.revision == 1 and len(first.fingerprint) == 64
    with pytest.raises(ServiceError, match="修订"), store.transaction() as session:
        rollcall.mark(session, supervisor, mid, team[0].staff_id, "absent")
    with pytest.raises(ServiceError), store.transaction() as session:
        minutes.save_draft(session, supervisor, mid, minutes.MinutesDraft())
    with pytest.raises(ValidationError), store.transaction() as session:
        minutes.amend(session, supervisor, mid, "")
    with store.transaction() as session:
        minutes.amend(session, supervisor, mid, "补充决议")
        draft = minutes.load_draft(session, supervisor, mid)
        draft.decisions.append("下周一前提交拜访计划")
        minutes.save_draft(session, supervisor, mid, draft)
        second = minutes.finalize(session, supervisor, mid)
        history = minutes.revisions(session, supervisor, mid)
    assert second.revision == 2 and second.reason == "补充决议"
    assert second.fingerprint != first.fingerprint
    assert [r.revision for r in history] == [1, 2]


def test_open_action_items_carry_over_until_done(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _complete_weekly(store, supervisor, team)
    nxt = _meeting(store, supervisor, date(2026, 12, 1), MeetingKind.MORNING)
    later = _meeting(store, supervisor, date(2026, 12, 2), MeetingKind.MORNING)
    with store.transaction() as session:
        (item,) = minutes.carried_over(session, supervisor, nxt)
        assert (item.text, item.owner, item.meeting_id) == ("回访重点客户", "李四", mid)
        minutes.set_done(session, supervisor, item.id, True, in_meeting_id=nxt)
        assert [i.done for i in minutes.carried_over(session, supervisor, nxt)] == [True]
        assert minutes.carried_over(session, supervisor, later) == []


def test_minutes_pdf_and_verify(store: Store, supervisor: Actor, team: list[Actor]) -> None:
    pytest.importorskip("app.reports.minutes_pdf")
    mid = _complete_weekly(store, supervisor, team)
    with store.transaction() as session:
        draft_pdf = minutes.minutes_pdf(session, supervisor, mid)
        assert minutes.verify_pdf(session, supervisor, draft_pdf).verdict is minutes.Verdict.UNKNOWN
        info = minutes.finalize(session, supervisor, mid)
        pdf = minutes.minutes_pdf(session, supervisor, mid)
        verdict = minutes.verify_pdf(session, supervisor, pdf)
        assert verdict.verdict is minutes.Verdict.MATCH and verdict.revision == 1
        assert info.fingerprint.encode() in pdf
        tampered = pdf.replace(b"(", b"(x", 1) if b"(" in pdf else pdf + b"%"
        assert minutes.verify_pdf(session, supervisor, tampered).verdict is minutes.Verdict.ALTERED
        assert minutes.verify_pdf(session, supervisor, b"hello").verdict is minutes.Verdict.NOT_PDF
        sheet = minutes.signin_sheet_pdf(session, supervisor, mid, filled=True)
    assert sheet.startswith(b"%PDF-") and sheet.count(b"/Subtype /Image") >= 1


def test_a_signature_must_be_a_real_image(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 27), MeetingKind.MORNING)
    with pytest.raises(ValidationError), store.transaction() as session:
        rollcall.save_signature(session, supervisor, mid, "attendee", PNG[:20], team[0].staff_id)


def test_signatures_can_be_waived_by_the_branch(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 27), MeetingKind.MORNING)
    with store.transaction() as session:
        settings.set_value(session, supervisor, "meeting_signatures_required", False)
        rollcall.mark_rest_present(session, supervisor, mid)
        assert minutes.finalize_problems(session, supervisor, mid) == []


def test_changing_a_schedule_regenerates_untouched_meetings(
    store: Store, supervisor: Actor
) -> None:
    day = date(2026, 12, 7)  # a Monday
    _meeting(store, supervisor, day, MeetingKind.WEEKLY)
    with store.transaction() as session:
        (weekly,) = [s for s in meetings.list_schedules(session, supervisor) if s.kind == "weekly"]
        changed = dataclasses.replace(weekly, weekday=1, start=time(9), end=time(9, 40))
        meetings.update_schedule(session, supervisor, changed, today=date(2026, 12, 1))
        with pytest.raises(ValidationError):
            meetings.update_schedule(
                session, supervisor, dataclasses.replace(changed, weekday=None), date(2026, 12, 1)
            )
    with store.transaction() as session:
        got = meetings.list_meetings(session, supervisor, day, date(2026, 12, 8))
    weekly_now = [(m.day, m.start) for m in got if m.kind == MeetingKind.WEEKLY]
    assert weekly_now == [(date(2026, 12, 8), time(9))]


def test_a_revision_reprints_identically_in_another_ui_language(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    from app import i18n

    mid = _complete_weekly(store, supervisor, team)
    with store.transaction() as session:
        minutes.finalize(session, supervisor, mid)
        chinese = minutes.minutes_pdf(session, supervisor, mid)
        with i18n.using("en"):
            english_ui = minutes.minutes_pdf(session, supervisor, mid)
            assert minutes.verify_pdf(session, supervisor, chinese).verdict is minutes.Verdict.MATCH
    assert english_ui == chinese


def test_a_manager_sees_only_their_own_notice(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 27), MeetingKind.MORNING)
    zhang, li = team[0], team[1]
    with store.transaction() as session:
        meetings.record_notice(session, zhang, mid, zhang.staff_id, "病假")
        meetings.record_notice(session, li, mid, li.staff_id, "家事")
        assert set(meetings.notices(session, zhang, mid)) == {zhang.staff_id}
        assert set(meetings.notices(session, supervisor, mid)) == {zhang.staff_id, li.staff_id}


def test_the_minute_taker_can_be_cleared(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _meeting(store, supervisor, date(2026, 11, 30), MeetingKind.WEEKLY)
    with store.transaction() as session:
        meetings.set_people(session, supervisor, mid, minute_taker_staff_id=team[0].staff_id)
        meetings.set_people(session, supervisor, mid, host_name="王主管")  # leaves it
        assert session.get(Meeting, mid).minute_taker_staff_id == team[0].staff_id  # type: ignore[union-attr]
        meetings.set_people(session, supervisor, mid, minute_taker_staff_id=None)
        assert session.get(Meeting, mid).minute_taker_staff_id is None  # type: ignore[union-attr]


def test_attachments_are_sealed_by_the_fingerprint(
    store: Store, supervisor: Actor, team: list[Actor]
) -> None:
    mid = _complete_weekly(store, supervisor, team)
    with store.transaction() as session:
        with pytest.raises(ValidationError):
            minutes.attach_file(session, supervisor, mid, "空.txt", b"")
        info = minutes.attach_file(session, supervisor, mid, "讲义.pdf", b"%PDF-1.4 handout")
        assert (info.kind, info.content_type) == ("attachment", "application/pdf")
        first = minutes.finalize(session, supervisor, mid)
        with pytest.raises(ServiceError):
            minutes.remove_attachment(session, supervisor, info.id)
        minutes.amend(session, supervisor, mid, "换讲义")
        minutes.remove_attachment(session, supervisor, info.id)
        minutes.attach_file(session, supervisor, mid, "讲义.pdf", b"%PDF-1.4 handout v2")
        second = minutes.finalize(session, supervisor, mid)
        assert [a.filename for a in minutes.attachments(session, supervisor, mid)] == ["讲义.pdf"]
    assert first.fingerprint != second.fingerprint
