"""The demo branch: complete, idempotent, and polite to the branches already in the store.

Building it takes about a second (three months of meetings, finalized minutes), so the
first run on an empty store is made once per module and copied for the tests that
start from it.
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import i18n
from app.db import Store, open_store
from app.models import (
    AbsenceNotice,
    Base,
    Branch,
    Meeting,
    MeetingAttendance,
    MinutesRevision,
    ReviewEvent,
    Staff,
    TripRecord,
    User,
    VisitLog,
    WeeklySummary,
)
from app.services import auth, calendar, meetings, minutes, rollcall, staff, weekly
from app.services.auth import Actor, Role
from app.services.demo import DEMO_BRANCH, DemoReport, build_demo, ensure_demo, signature_png
from app.services.errors import ServiceError
from app.services.weekly_today import visits_on

# 2026-11-27 01:00 in Shanghai is still the 26th in UTC: the demo must count in branch time.
SHANGHAI_MORNING = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(SHANGHAI_MORNING, tick=False):
        yield


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table.name: sorted(map(tuple, session.execute(select(table)).all()), key=repr)
        for table in Base.metadata.sorted_tables
    }


def demo_actor(session: Session) -> Actor:
    user = auth.find_user(session, "demo")
    assert user is not None
    return auth.actor_for(user)


@pytest.fixture(scope="module")
def first_run(
    store_templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, DemoReport]:
    """The demo built once on an empty store: (the closed file, what build_demo said)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(store_templates["empty"], path)
    i18n.set_language("zh_CN")
    with time_machine.travel(SHANGHAI_MORNING, tick=False):
        s = open_store(f"sqlite:///{path}")
        with s.transaction() as session:
            report = build_demo(session)
        s.close()
    return path, report


@pytest.fixture
def demo_store(first_run: tuple[Path, DemoReport], tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(first_run[0], path)
    s = open_store(f"sqlite:///{path}")
    yield s
    s.close()


def test_demo_on_an_empty_store(demo_store: Store) -> None:
    store = demo_store
    with store.transaction() as session:
        actor = auth.authenticate(session, "demo", "demo")
        assert actor is not None and actor.role is Role.SUPERVISOR
        branch = session.get(Branch, actor.branch_id)
        assert branch is not None
        assert (branch.name, branch.timezone, branch.rules_template) == (
            DEMO_BRANCH,
            "Asia/Shanghai",
            "office",
        )
        people = staff.list_staff(session, actor)
        assert [p.employee_no for p in people] == [f"A{n:03d}" for n in range(1, 13)]
        assert len({p.name for p in people}) == 12
        assert {p.position for p in people} == {"客户经理", "大客户经理", "营销经理"}
        assert all(staff.normalize_phone(p.phone) == p.phone for p in people)
        hire_dates = [p.hire_date for p in people]
        assert all(d is not None and d <= date(2026, 11, 27) for d in hire_dates)
        assert people[-1].hire_date == date(2026, 10, 20)  # 38 days before today in Shanghai
        for username in ("demo1", "demo2"):
            manager = auth.authenticate(session, username, "demo")
            assert manager is not None and manager.role is Role.MANAGER
            assert manager.staff_id is not None
        assert calendar.list_year(session, actor.branch_id, 2026).known
        assert calendar.day_info(session, actor.branch_id, date(2026, 10, 1)).name == "国庆节"


def test_second_run_changes_nothing(demo_store: Store, first_run: tuple[Path, DemoReport]) -> None:
    store, first = demo_store, first_run[1]
    assert first.branch_created and first.staff_added == 12
    assert first.logins_created == ["demo1", "demo2"]
    assert first.meetings_created > 80 and first.meetings_held > 60
    assert first.minutes_finalized >= 15
    with store.reading() as session:
        before = snapshot(session)
    with store.transaction() as session:
        second = build_demo(session)
    assert not second.changed and second.staff_unchanged == 12
    with store.reading() as session:
        assert snapshot(session) == before


def test_refresh_repairs_edited_demo_data(demo_store: Store) -> None:
    store = demo_store
    with store.transaction() as session:
        actor = demo_actor(session)
        row = staff.find_by_employee_no(session, actor.branch_id, "A003")
        assert row is not None
        row.name = "改过的名字"
        user = auth.find_user(session, "demo")
        assert user is not None
        user.password_hash = auth.hash_secret("changed")
    with store.transaction() as session:
        report = build_demo(session)
    assert report.changed and report.staff_updated == 1
    with store.transaction() as session:
        assert auth.authenticate(session, "demo", "demo") is not None
        row = staff.find_by_employee_no(session, demo_actor(session).branch_id, "A003")
        assert row is not None and row.name == "王芳"


def meeting_record(session: Session, branch_id: int) -> list[tuple[Any, ...]]:
    """A branch's meetings as plain data (no ids): day, kind, status, roll call, fingerprint."""
    lines: dict[int, list[tuple[str, str, Any]]] = {}
    for line, no in session.execute(
        select(MeetingAttendance, Staff.employee_no)
        .join(Staff, Staff.id == MeetingAttendance.staff_id)
        .where(MeetingAttendance.branch_id == branch_id)
        .order_by(Staff.employee_no)
    ):
        lines.setdefault(line.meeting_id, []).append((no, line.status, line.arrival))
    prints = {
        r.meeting_id: r.fingerprint
        for r in session.scalars(
            select(MinutesRevision).where(MinutesRevision.branch_id == branch_id)
        )
    }
    rows = session.scalars(
        select(Meeting).where(Meeting.branch_id == branch_id).order_by(Meeting.day, Meeting.kind)
    )
    return [
        (m.day, m.kind, m.status, m.change_reason, lines.get(m.id, []), prints.get(m.id))
        for m in rows
    ]


def test_demo_beside_an_existing_branch(
    store: Store, supervisor: Actor, first_run: tuple[Path, DemoReport]
) -> None:
    with store.transaction() as session:
        staff.add_staff(session, supervisor, staff.StaffInput("A001", "本店的人"))
    with store.transaction() as session:
        ensure_demo(session)
    with store.reading() as session:
        branches = list(session.scalars(select(Branch.name).order_by(Branch.id)))
        assert branches == ["测试网点", DEMO_BRANCH]
        own = staff.list_staff(session, supervisor)
        assert [(p.employee_no, p.name) for p in own] == [("A001", "本店的人")]
        assert len(staff.list_staff(session, demo_actor(session))) == 12
        assert session.scalar(select(User.branch_id).where(User.username == "boss")) == 1
        assert meeting_record(session, supervisor.branch_id) == []
        beside = meeting_record(session, demo_actor(session).branch_id)
    # The same meetings, roll calls and minutes (to the fingerprint) as in an empty store:
    # everything is drawn from generators seeded with the meeting's date.
    alone = open_store(f"sqlite:///{first_run[0]}")
    try:
        with alone.reading() as session:
            assert beside == meeting_record(session, demo_actor(session).branch_id)
    finally:
        alone.close()


def test_demo_user_name_taken_by_another_branch(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        rec = staff.add_staff(session, supervisor, staff.StaffInput("X1", "真实员工"))
        auth.create_user(session, supervisor, "demo", "真实员工", "pw1234", Role.MANAGER, rec.id)
    with pytest.raises(ServiceError, match="demo"), store.transaction() as session:
        ensure_demo(session)
    with store.reading() as session:
        assert session.scalar(select(Branch).where(Branch.name == DEMO_BRANCH)) is None
        assert len(list(session.scalars(select(Staff)))) == 1


def test_manager_sign_in_taken_elsewhere_is_skipped(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        rec = staff.add_staff(session, supervisor, staff.StaffInput("X1", "真实员工"))
        auth.create_user(session, supervisor, "demo1", "真实员工", "pw1234", Role.MANAGER, rec.id)
    with store.transaction() as session:
        report = build_demo(session)
    assert report.logins_created == ["demo2"] and report.logins_skipped == ["demo1"]


def test_three_months_of_meetings(demo_store: Store) -> None:
    today = date(2026, 11, 27)
    with demo_store.reading() as session:
        actor = demo_actor(session)
        record = meeting_record(session, actor.branch_id)
        assert record[0][0] == date(2026, 9, 1)  # this month and the two before it
        assert record[-1][0] >= today + timedelta(days=10)
        past = [r for r in record if r[0] < today]
        coming = [r for r in record if r[0] >= today]
        assert {(r[2], bool(r[4])) for r in coming} == {("scheduled", False)}
        for day, kind, status, reason, lines, fingerprint in past:
            if kind == "morning":
                assert (status == "cancelled" and reason and not lines) or (
                    status == "scheduled" and lines
                )
            else:  # weekly and monthly meetings: held and finalized
                assert status == "finalized" and fingerprint and lines, (day, kind)
        statuses = Counter(line[1] for r in past for line in r[4])
        total = sum(statuses.values())
        assert statuses["present"] / total > 0.85
        assert 0 < statuses["absent"] < statuses["excused"] < statuses["late"]
        assert set(statuses) == {"present", "late", "excused", "absent"}
        late = [line[2] for r in past if r[1] == "morning" for line in r[4] if line[1] == "late"]
        assert late and all(time(8, 30) < arrival <= time(8, 42) for arrival in late)

        for notice, meeting in session.execute(
            select(AbsenceNotice, Meeting).join(Meeting, Meeting.id == AbsenceNotice.meeting_id)
        ):
            in_time = meetings.notice_is_excused(notice.notified_at, meeting.day, "Asia/Shanghai")
            if meeting.day < today:
                line = session.scalar(
                    select(MeetingAttendance.status).where(
                        MeetingAttendance.meeting_id == meeting.id,
                        MeetingAttendance.staff_id == notice.staff_id,
                    )
                )
                assert line == ("excused" if in_time else "absent")
            else:  # one manager has told the supervisor about tomorrow already
                assert in_time and meeting.day == today + timedelta(days=3)  # Monday

        weekly = [r for r in past if r[1] == "weekly"]
        assert len(weekly) == 11  # 7 Sep – 23 Nov, not on National Day (5 Oct)
        mid = session.scalar(
            select(Meeting.id).where(Meeting.kind == "weekly", Meeting.day == date(2026, 11, 23))
        )
        assert mid is not None
        signers = Counter(s.role for s in rollcall.signatures(session, actor, mid))
        assert signers["host"] == signers["minute_taker"] == 1 and signers["attendee"] >= 10
        draft = minutes.load_draft(session, actor, mid)
        assert all(section.text for section in draft.sections)
        assert draft.decisions and minutes.action_items(session, actor, mid)
        pdf = minutes.minutes_pdf(session, actor, mid)
        assert minutes.verify_pdf(session, actor, pdf).verdict is minutes.Verdict.MATCH
        morning = session.scalar(
            select(Meeting.id).where(Meeting.kind == "morning", Meeting.day == date(2026, 11, 26))
        )
        assert morning is not None and rollcall.roll_call(session, actor, morning).complete
        assert minutes.load_draft(session, actor, morning).sections[0].text


def test_signature_images_are_small_pngs() -> None:
    from PIL import Image

    png = signature_png("欧阳晓燕")
    assert png == signature_png("欧阳晓燕") and png != signature_png("张伟")
    assert png.startswith(rollcall.PNG_MAGIC) and len(png) < 4000
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        ink = sum(1 for value in image.tobytes() if value < 128)
        assert image.size == (300, 100) and 500 < ink < 10000


# --- twelve weeks of customers, visits and weekly summaries ---------------------------

W48 = date(2026, 11, 23)  # the demo's "today" (Friday 27 November) is in 2026-W48
NOW = SHANGHAI_MORNING


def by_no(session: Session, branch_id: int) -> dict[str, Staff]:
    return {
        s.employee_no: s for s in session.scalars(select(Staff).where(Staff.branch_id == branch_id))
    }


def test_customers_in_each_managers_book(demo_store: Store) -> None:
    with demo_store.reading() as session:
        actor = demo_actor(session)
        book = weekly.list_customers(session, actor)
    owners = Counter(c.owner_staff_id for c in book)
    assert len(owners) == 12 and all(6 <= n <= 12 for n in owners.values())
    assert len({c.name for c in book}) == len(book)
    assert all(len(c.phone) == 11 and c.phone.startswith("1") for c in book)
    keys = [c for c in book if c.grade == "key"]
    assert 12 <= len(keys) < len(book) / 2 + 12
    next_week = (date(2026, 11, 30), date(2026, 12, 6))
    coming = [
        c
        for c in book
        if c.birthday is not None and next_week[0] <= c.birthday.replace(year=2026) <= next_week[1]
    ]
    assert len(coming) >= 4


def test_trips_before_logs_and_nothing_in_the_future(demo_store: Store) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    with demo_store.reading() as session:
        branch_id = demo_actor(session).branch_id
        trips = list(session.scalars(select(TripRecord).where(TripRecord.branch_id == branch_id)))
        logs = list(session.scalars(select(VisitLog).where(VisitLog.branch_id == branch_id)))
        rows = list(
            session.scalars(select(WeeklySummary).where(WeeklySummary.branch_id == branch_id))
        )
        events = list(session.scalars(select(ReviewEvent)))
    assert len(trips) > 300 and len(logs) > 300
    assert min(t.day for t in trips) >= W48 - timedelta(weeks=11)
    assert max(v.day for v in logs) < date(2026, 11, 27)  # nothing logged from today on
    today = [t for t in trips if t.day == date(2026, 11, 27)]
    assert today and not any(t.entered_after for t in today)
    written_after = [t for t in trips if t.entered_after]
    assert len(written_after) == 1
    for trip in trips:
        assert trip.planned_out is not None and trip.planned_back is not None
        out = datetime.combine(trip.day, trip.planned_out, tzinfo=tz)
        assert (trip.created_at > out) is trip.entered_after
    trip_at = {(t.staff_id, t.customer_id, t.day): t.created_at for t in trips}
    matched = [v for v in logs if (v.staff_id, v.customer_id, v.day) in trip_at]
    assert len(matched) >= len(logs) - 3  # most visits have both
    assert all(trip_at[(v.staff_id, v.customer_id, v.day)] < v.created_at for v in matched)
    stamps = [v.created_at for v in logs] + [t.created_at for t in trips]
    stamps += [s for r in rows for s in (r.created_at, r.submitted_at, r.reviewed_at) if s]
    stamps += [e.at for e in events]
    assert max(stamps) <= NOW


def test_this_weeks_friday_picture(demo_store: Store) -> None:
    with demo_store.reading() as session:
        actor = demo_actor(session)
        status = weekly.week_status(session, actor, W48)
        states = {line.employee_no: line.state for line in status.lines}
        returned = weekly.get_summary(
            session, actor, by_no(session, actor.branch_id)["A002"].id, W48
        )
        visits = visits_on(session, actor, date(2026, 11, 27))
    assert Counter(states.values())["missing"] == 1 and states["A010"] == "missing"
    assert Counter(states.values())["returned"] == 1 and states["A002"] == "returned"
    assert states["A001"] == "draft"
    handed_in = [no for no, s in states.items() if s in ("submitted", "late", "approved")]
    assert len(handed_in) == 9
    assert all(line.submitted_at is None or line.submitted_at < NOW for line in status.lines)
    assert returned.return_reason and [e.kind for e in returned.events] == ["return"]
    assert not status.rollup_produced  # this week's goes out tonight
    assert {"trip", "plan"} <= {v.source for v in visits}
    assert {v.employee_no for v in visits} >= {"A001", "A010"}


def test_eleven_past_weeks_handed_in_and_reviewed(demo_store: Store) -> None:
    with demo_store.reading() as session:
        actor = demo_actor(session)
        people = by_no(session, actor.branch_id)
        records = weekly.history(session, actor, W48 - timedelta(weeks=1), weeks=11)
        rows = list(
            session.scalars(
                select(WeeklySummary).where(
                    WeeklySummary.branch_id == actor.branch_id, WeeklySummary.week_start < W48
                )
            )
        )
        late = weekly.late_submissions(
            session,
            actor.branch_id,
            [p.id for p in people.values()],
            W48 - timedelta(weeks=11),
            W48,
        )
        statuses = [
            weekly.week_status(session, actor, W48 - timedelta(weeks=n)) for n in range(1, 12)
        ]
        plans = [
            p
            for n in range(1, 12)
            for person in people.values()
            for p in weekly.plans_for(session, actor, person.id, W48 - timedelta(weeks=n))
        ]
    hired = people["A012"].hire_date
    assert hired is not None
    for record in records:
        if record.staff_id == people["A012"].id and record.week_start + timedelta(days=4) < hired:
            assert record.state == "missing"  # not hired yet
        else:
            assert record.state in ("approved", "submitted", "late"), record
    assert all(s.rollup_produced for s in statuses)
    assert sum(not s.rollup_on_time for s in statuses) == 1
    revised = [r for r in rows if r.revision == 2]
    assert revised and all(r.state == "approved" for r in revised)
    assert all(
        any(
            r.revision == 1
            and r.state == "returned"
            and r.week_start == v.week_start
            and r.staff_id == v.staff_id
            for r in rows
        )
        for v in revised
    )
    approved = [r for r in rows if r.state == "approved"]
    assert len([r for r in approved if r.review_comment]) > len(approved) / 2
    assert 5 <= len(late) <= 30
    assert any(r.source == "xlsx" and r.source_file.endswith(".xlsx") for r in rows)
    outcomes = Counter(p.outcome for p in plans)
    assert outcomes["open"] == 0 and outcomes["done"] > outcomes["moved"] + outcomes["dropped"]
    assert outcomes["moved"] and outcomes["dropped"]
    assert all(p.reason for p in plans if p.outcome in ("moved", "dropped"))


def test_slips_for_the_consistency_check(demo_store: Store) -> None:
    w47 = (W48 - timedelta(weeks=1), W48 - timedelta(days=1))
    with demo_store.reading() as session:
        actor = demo_actor(session)
        people = by_no(session, actor.branch_id)

        def week_of(no: str) -> tuple[Counter[Any], Counter[Any]]:
            trips = weekly.list_trips(session, actor, people[no].id, *w47)
            logs = weekly.list_logs(session, actor, people[no].id, *w47)
            return (
                Counter((t.customer_id, t.day) for t in trips),
                Counter((v.customer_id, v.day) for v in logs),
            )

        trips, logs = week_of("A003")
        assert logs - trips  # a visit log without a trip record
        trips, logs = week_of("A005")
        assert trips - logs  # a trip record without a visit log
        summary = weekly.get_summary(session, actor, people["A007"].id, w47[0])
        _trips, logs = week_of("A007")
        assert sum(logs.values()) == len(summary.visits) + 1  # one logged visit left out
        written_after = weekly.list_trips(session, actor, people["A004"].id, *w47)
        assert any(t.entered_after for t in written_after)
        key = next(
            c for c in weekly.list_customers(session, actor, people["A009"].id) if c.grade == "key"
        )
        last = session.scalar(select(func.max(VisitLog.day)).where(VisitLog.customer_id == key.id))
        assert last is not None and (date(2026, 11, 27) - last).days > 30
        # The others agree: trips and logs match for a manager without a slip.
        trips, logs = week_of("A006")
        assert trips == logs


def test_the_weeks_follow_the_demos_today(store_templates: dict[str, Path], tmp_path: Path) -> None:
    """Built on another day (a Wednesday afternoon), the weeks move with it."""
    path = tmp_path / "other.sqlite3"
    shutil.copyfile(store_templates["empty"], path)
    wednesday = datetime(2026, 10, 14, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai, 2026-W42
    with time_machine.travel(wednesday, tick=False):
        s = open_store(f"sqlite:///{path}")
        try:
            with s.transaction() as session:
                build_demo(session)
            with s.reading() as session:
                actor = demo_actor(session)
                week = date(2026, 10, 12)
                status = weekly.week_status(session, actor, week)
                first = session.scalar(
                    select(func.min(TripRecord.day)).where(TripRecord.branch_id == actor.branch_id)
                )
                latest = session.scalar(
                    select(func.max(WeeklySummary.submitted_at)).where(
                        WeeklySummary.branch_id == actor.branch_id
                    )
                )
        finally:
            s.close()
    states = Counter(line.state for line in status.lines)
    assert states["missing"] == states["returned"] == states["draft"] == 1
    assert first is not None and first >= week - timedelta(weeks=11)
    assert latest is not None and latest < wednesday
