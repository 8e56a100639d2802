"""Roles enforced in the services (issue 6): account manager A asks for manager B's data.

Every public service function that takes `(session, actor)` is classified here: either it
reads or acts on personal data (then A asking for B's gets PermissionDenied, and a list
holds A's own records only), or it is listed in NOT_PERSONAL with the reason. A new
service function that is in neither list fails `test_every_service_function_is_classified`.

One store with a populated branch is built for the whole module; every call runs in a
session that is rolled back, so a call that wrongly succeeds changes nothing for the next.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

import app.services
from app import i18n
from app.db import Store, open_store
from app.services import (
    attendance,
    attendance_reports,
    audit,
    auth,
    calendar,
    meeting_report,
    meetings,
    minutes,
    rollcall,
    settings,
    setup,
    staff,
    weekly,
    weekly_check,
    weekly_excel,
    weekly_reports,
    weekly_today,
)
from app.services.auth import Actor, Role
from app.services.errors import PermissionDenied
from app.services.minutes import MinutesDraft
from app.services.weekly import (
    CustomerInput,
    ImportedSummary,
    LogInput,
    PlanInput,
    SummaryText,
    TripInput,
)
from tests.conftest import SUPERVISOR_PASSWORD, TEST_BRANCH

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # Friday 09:00 in the branch
TODAY = date(2026, 11, 27)
YESTERDAY = date(2026, 11, 26)
W48 = date(2026, 11, 23)
W49 = date(2026, 11, 30)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"
    b":~\x9bU\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def sh(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@dataclass
class World:
    """A branch with a supervisor and two managers, B having one of everything."""

    store: Store
    sup: Actor
    a: Actor
    b: Actor
    ids: dict[str, int]

    @property
    def A(self) -> int:  # A's staff id, as the brief names them
        assert self.a.staff_id is not None
        return self.a.staff_id

    @property
    def B(self) -> int:
        assert self.b.staff_id is not None
        return self.b.staff_id

    def __getitem__(self, key: str) -> int:
        return self.ids[key]


def _manager(session: Any, sup: Actor, no: str, name: str) -> Actor:
    rec = staff.add_staff(session, sup, staff.StaffInput(no, name))
    user = auth.create_user(session, sup, f"u{no}", name, "pw1234", Role.MANAGER, rec.id)
    return auth.actor_for(user)


def _belongings(session: Any, who: Actor, tag: str) -> dict[str, int]:
    """A customer, a trip today, a log, a plan, a summary draft and a leave request."""
    sid = who.staff_id
    assert sid is not None
    customer = weekly.add_customer(session, who, CustomerInput(sid, f"{tag}的客户")).id
    ids = {
        "customer": customer,
        "trip": weekly.add_trip(session, who, TripInput(sid, customer, TODAY, "拜访")).id,
        "log": weekly.add_log(session, who, LogInput(sid, customer, W48, "介绍理财")).id,
        "plan": weekly.add_plan(session, who, PlanInput(sid, customer, W49, purpose="回访")).id,
        "request": attendance.create_request(
            session, who, sid, "leave", sh(TODAY, 14), sh(TODAY, 18), "家中有事", leave_type="事假"
        ).id,
        "appeal": attendance.file_appeal(session, who, sid, YESTERDAY, "打卡机故障"),
    }
    summary = weekly.save_draft(session, who, sid, W48, SummaryText(problems=f"{tag}的问题"), [])
    assert summary.id is not None
    ids["summary"] = summary.id
    return ids


@pytest.fixture(scope="module")
def world(
    store_templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    i18n.set_language("zh_CN")
    path = tmp_path_factory.mktemp("roles") / "store.sqlite3"
    shutil.copyfile(store_templates["branch"], path)
    store = open_store(f"sqlite:///{path}")
    with time_machine.travel(NOW, tick=False):
        with store.transaction() as s:
            sup = auth.authenticate(s, TEST_BRANCH.supervisor_username, SUPERVISOR_PASSWORD)
            assert sup is not None
            a = _manager(s, sup, "A001", "张三")
            b = _manager(s, sup, "B002", "李四")
        with store.transaction() as s:
            _belongings(s, a, "张三")
            ids = _belongings(s, b, "李四")
            assert b.staff_id is not None
            punch = attendance.add_punch(s, sup, b.staff_id, sh(YESTERDAY, 8, 59), "import")
            assert punch.punch_id is not None
            ids["punch"] = punch.punch_id
            for day in (YESTERDAY, TODAY):
                attendance.add_punch(s, a, a.staff_id or 0, sh(day, 8, 50), "kiosk")
            (mid,) = [
                m.id
                for m in meetings.list_meetings(s, sup, TODAY, TODAY)
                if m.kind == meetings.MeetingKind.MORNING
            ]
            ids["meeting"] = mid
            meetings.record_notice(s, b, mid, b.staff_id, "病假")
            meetings.record_notice(s, a, mid, a.staff_id or 0, "外出")
            ids["item"] = minutes.add_action_item(s, sup, mid, "回访客户", b.staff_id).id
            ids["attachment"] = minutes.attach_file(s, sup, mid, "note.txt", b"hello").id
        yield World(store, sup, a, b, ids)
    store.close()


# --- the table ----------------------------------------------------------------------------

Args = Callable[[World], tuple[Any, ...]]
Kwargs = Callable[[World], dict[str, Any]]


def _none(_w: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    """`fn(session, A, *args(w), **kwargs(w))` must raise PermissionDenied; or, when `owners`
    is given, succeed and hold A's records only (`owners(result)` lists whose they are)."""

    fn: Callable[..., Any]
    args: Args
    kwargs: Kwargs = _none
    owners: Callable[[Any], Iterable[int]] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.fn.__module__.rsplit('.', 1)[-1]}.{self.fn.__name__}{self.label}"


def denied(fn: Callable[..., Any], args: Args, kwargs: Kwargs = _none, label: str = "") -> Case:
    return Case(fn, args, kwargs, None, label)


def own(
    fn: Callable[..., Any],
    args: Args,
    owners: Callable[[Any], Iterable[int]],
    kwargs: Kwargs = _none,
    label: str = " (list)",
) -> Case:
    return Case(fn, args, kwargs, owners, label)


def _staff_ids(rows: Iterable[Any]) -> list[int]:
    return [r.staff_id for r in rows]


def _check_owners(check: weekly_check.WeekCheck) -> list[int]:
    return [
        *(m.staff_id for m in check.managers),
        *(g.owner_staff_id for g in check.service),
        *(b.owner_staff_id for b in check.birthdays),
    ]


PERSONAL: list[Case] = [
    # the roster
    own(staff.list_staff, lambda w: (), lambda rows: [r.id for r in rows]),
    denied(staff.get_staff, lambda w: (w.B,)),
    denied(staff.update_staff, lambda w: (w.B, staff.StaffInput("B002", "改名"))),
    denied(staff.set_active, lambda w: (w.B, False)),
    denied(staff.set_pin, lambda w: (w.B, "1234")),
    denied(staff.plan_import, lambda w: ([staff.StaffInput("B002", "改名")],)),
    denied(staff.apply_import, lambda w: ([staff.StaffInput("B002", "改名")],)),
    denied(auth.reset_password, lambda w: ("new-pw", "new-pw"), lambda w: {"staff_id": w.B}),
    denied(auth.create_user, lambda w: ("b2", "李四", "pw1234", Role.MANAGER, w.B)),
    # rota and rules
    denied(attendance.rota_of, lambda w: (w.B,)),
    denied(attendance.plans_for, lambda w: (w.B, W48, TODAY)),
    denied(attendance.set_rules, lambda w: ("bar", [w.B])),
    denied(attendance.set_rota_day, lambda w: (w.B, 0, "rest")),
    denied(attendance.clear_rota_day, lambda w: (w.B, 0)),
    denied(attendance.set_override, lambda w: (w.B, TODAY, "rest")),
    denied(attendance.remove_override, lambda w: (w.B, TODAY)),
    # punches, days and months
    denied(attendance.punches_of, lambda w: (w.B, sh(W48, 0), sh(TODAY, 23))),
    denied(attendance.add_punch, lambda w: (w.B, sh(TODAY, 9), "kiosk")),
    denied(attendance.void_punch, lambda w: (w["punch"], "打错了")),
    denied(attendance.import_punches, lambda w: ([],)),
    denied(attendance.day, lambda w: (YESTERDAY,), lambda w: {"staff_ids": [w.B]}),
    own(attendance.day, lambda w: (YESTERDAY,), _staff_ids),
    denied(attendance.month, lambda w: ([w.B], 2026, 11)),
    own(attendance.month, lambda w: (None, 2026, 11), _staff_ids),
    # requests and appeals
    denied(attendance.list_requests, lambda w: (None, w.B)),
    own(attendance.list_requests, lambda w: (), _staff_ids),
    denied(
        attendance.create_request,
        lambda w: (w.B, "leave", sh(W49, 9), sh(W49, 18), "代请假"),
        lambda w: {"leave_type": "事假"},
    ),
    denied(attendance.approve_request, lambda w: (w["request"],)),
    denied(attendance.reject_request, lambda w: (w["request"], "不批")),
    denied(attendance.file_appeal, lambda w: (w.B, YESTERDAY, "代申诉")),
    denied(attendance.decide_appeal, lambda w: (w["appeal"], True, "同意", 0)),
    # points and attendance reports
    denied(attendance_reports.points_ledger, lambda w: (w.B, 2026, 11)),
    denied(attendance_reports.ranking, lambda w: (2026, 11)),
    denied(attendance_reports.attendance_sheet, lambda w: (2026, 11)),
    denied(attendance_reports.warning_notices, lambda w: (2026, 11)),
    denied(attendance_reports.late_chart, lambda w: (2026, 11)),
    # meetings: notices, the roll, signatures, minutes
    own(meetings.notices, lambda w: (w["meeting"],), lambda notes: list(notes)),
    denied(meetings.record_notice, lambda w: (w["meeting"], w.B, "代请假")),
    denied(meetings.withdraw_notice, lambda w: (w["meeting"], w.B)),
    denied(meeting_report.month_report, lambda w: (2026, 11)),
    denied(rollcall.roll_call, lambda w: (w["meeting"],)),
    denied(rollcall.mark, lambda w: (w["meeting"], w.B, "absent")),
    denied(rollcall.mark_rest_present, lambda w: (w["meeting"],)),
    denied(rollcall.signatures, lambda w: (w["meeting"],)),
    denied(rollcall.save_signature, lambda w: (w["meeting"], "attendee", PNG, w.B)),
    denied(rollcall.clear_signature, lambda w: (w["meeting"], "attendee", w.B)),
    denied(minutes.load_draft, lambda w: (w["meeting"],)),
    denied(minutes.save_draft, lambda w: (w["meeting"], MinutesDraft())),
    denied(minutes.action_items, lambda w: (w["meeting"],)),
    denied(minutes.carried_over, lambda w: (w["meeting"],)),
    denied(minutes.add_action_item, lambda w: (w["meeting"], "x", w.B)),
    denied(minutes.remove_action_item, lambda w: (w["item"],)),
    denied(minutes.set_done, lambda w: (w["item"], True)),
    denied(minutes.finalize_problems, lambda w: (w["meeting"],)),
    denied(minutes.finalize, lambda w: (w["meeting"],)),
    denied(minutes.amend, lambda w: (w["meeting"], "补充")),
    denied(minutes.revisions, lambda w: (w["meeting"],)),
    denied(minutes.minutes_pdf, lambda w: (w["meeting"],)),
    denied(minutes.signin_sheet_pdf, lambda w: (w["meeting"], True)),
    denied(minutes.attachments, lambda w: (w["meeting"],)),
    denied(minutes.attachment_data, lambda w: (w["attachment"],)),
    denied(minutes.attach_file, lambda w: (w["meeting"], "x.txt", b"x")),
    denied(minutes.attach_scan, lambda w: (w["meeting"], "scan.png", PNG)),
    denied(minutes.remove_attachment, lambda w: (w["attachment"],)),
    # customers, trips, logs, plans
    denied(weekly.list_customers, lambda w: (w.B,)),
    own(weekly.list_customers, lambda w: (), lambda rows: [r.owner_staff_id for r in rows]),
    denied(weekly.add_customer, lambda w: (CustomerInput(w.B, "塞给李四"),)),
    denied(weekly.update_customer, lambda w: (w["customer"], CustomerInput(w.B, "改名"))),
    denied(weekly.set_customer_active, lambda w: (w["customer"], False)),
    denied(weekly.list_trips, lambda w: (w.B, W48, W49)),
    own(weekly.list_trips, lambda w: (None, W48, W49), _staff_ids),
    denied(weekly.add_trip, lambda w: (TripInput(w.B, w["customer"], TODAY),)),
    denied(weekly.update_trip, lambda w: (w["trip"], TripInput(w.B, w["customer"], TODAY))),
    denied(weekly.delete_trip, lambda w: (w["trip"],)),
    denied(weekly.list_logs, lambda w: (w.B, W48, W49)),
    own(weekly.list_logs, lambda w: (None, W48, W49), _staff_ids),
    denied(weekly.add_log, lambda w: (LogInput(w.B, w["customer"], W48, "x"),)),
    denied(weekly.update_log, lambda w: (w["log"], LogInput(w.B, w["customer"], W48, "x"))),
    denied(weekly.delete_log, lambda w: (w["log"],)),
    denied(weekly.plans_for, lambda w: (w.B, W49)),
    denied(weekly.add_plan, lambda w: (PlanInput(w.B, w["customer"], W49),)),
    denied(weekly.delete_plan, lambda w: (w["plan"],)),
    denied(weekly.set_plan_outcome, lambda w: (w["plan"], "dropped", "不去了")),
    own(weekly_today.visits_on, lambda w: (TODAY,), _staff_ids),
    # weekly summaries
    denied(weekly.get_summary, lambda w: (w.B, W48)),
    denied(weekly.summary_by_id, lambda w: (w["summary"],)),
    denied(weekly.save_draft, lambda w: (w.B, W48, SummaryText(problems="x"), [])),
    denied(weekly.submit, lambda w: (w.B, W48)),
    denied(weekly.revise, lambda w: (w.B, W48)),
    denied(weekly.comment, lambda w: (w["summary"], "好")),
    denied(weekly.return_for_revision, lambda w: (w["summary"], "重写")),
    denied(weekly.approve, lambda w: (w["summary"],)),
    denied(
        weekly.store_imported,
        lambda w: (ImportedSummary(w.B, W48, SummaryText(problems="x"), [], [], []),),
    ),
    denied(weekly.week_status, lambda w: (W48,)),
    denied(weekly.summaries_for_week, lambda w: (W48,)),
    denied(weekly.history, lambda w: (W48,)),
    denied(weekly.record_rollup, lambda w: (W48, "pdf", "rollup.pdf", "0" * 64)),
    denied(weekly_check.check_week, lambda w: (W48, w.B)),
    own(weekly_check.check_week, lambda w: (W48,), _check_owners),
    denied(weekly_excel.template_name, lambda w: (w.B, W48)),
    denied(weekly_excel.template_bytes, lambda w: (w.B, W48)),
    denied(weekly_excel.import_files, lambda w: ([],), lambda w: {"staff_id": w.B}),
    denied(weekly_reports.chart_history, lambda w: (W48,)),
    denied(weekly_reports.rollup, lambda w: (W48,)),
    denied(weekly_reports.rollup_pdf, lambda w: (W48,)),
    denied(weekly_reports.rollup_xlsx, lambda w: (W48,)),
    denied(weekly_reports.export_rollup, lambda w: (W48, Path("never-written.xlsx"))),
    # the audit trail names everybody's changes
    denied(audit.list_entries, lambda w: ()),
    denied(audit.export_xlsx, lambda w: ()),
]

# Takes (session, actor) but holds nothing of one person that another may not see.
NOT_PERSONAL: dict[Callable[..., Any], str] = {
    audit.by: "names the actor on the session's audit entries; returns nothing",
    auth.verify_password: "checks the actor's own password (idle lock)",
    auth.change_password: "changes the actor's own password only (test_passwords)",
    attendance.list_rules: "the branch's attendance rule templates",
    attendance.save_rule: "edits a rule template, supervisor-only (test_attendance)",
    attendance.kiosk_punch: "the person proves who they are with their PIN (test_kiosk)",
    calendar.set_day: "the branch calendar, supervisor-only (test_calendar)",
    calendar.remove_day: "the branch calendar, supervisor-only (test_calendar)",
    calendar.mark_year_known: "the branch calendar, supervisor-only (test_calendar)",
    calendar.import_days: "the branch calendar, supervisor-only (test_calendar)",
    meetings.set_agenda_sections: "agenda template, supervisor-only (test_meetings)",
    meetings.list_meetings: "the branch's meeting schedule, shown to everyone",
    meetings.get: "one meeting of the schedule",
    meetings.summary: "one meeting of the schedule",
    meetings.create_adhoc: "the schedule, supervisor-only (test_meetings)",
    meetings.reschedule: "the schedule, supervisor-only (test_meetings)",
    meetings.cancel: "the schedule, supervisor-only (test_meetings)",
    meetings.set_people: "host and minute taker, supervisor-only (test_meetings)",
    meetings.delegate_host: "who hosts, supervisor-only (test_meetings)",
    meetings.list_schedules: "the recurring schedule",
    meetings.update_schedule: "the recurring schedule, supervisor-only (test_meetings)",
    minutes.verify_pdf: "answers only about the PDF the user already holds",
    settings.set_value: "branch settings, supervisor-only (test_settings)",
    setup.current_branch: "the actor's own branch",
    staff.add_staff: "creates a new person, supervisor-only (test_staff)",
    weekly.current_week: "a date",
}


def _public_actor_functions() -> set[Callable[..., Any]]:
    found: set[Callable[..., Any]] = set()
    for info in pkgutil.iter_modules(app.services.__path__):
        module = importlib.import_module(f"app.services.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if obj.__module__ != module.__name__:
                continue  # imported from elsewhere: classified where it is defined
            if list(inspect.signature(obj).parameters)[:2] == ["session", "actor"]:
                found.add(obj)
    return found


def test_every_service_function_is_classified() -> None:
    personal = {case.fn for case in PERSONAL}
    assert not personal & set(NOT_PERSONAL), "listed as both personal and not"
    missing = _public_actor_functions() - personal - set(NOT_PERSONAL)
    assert not missing, (
        "New service functions taking (session, actor): add each to PERSONAL (with a "
        "manager-asks-for-someone-else case) or to NOT_PERSONAL (with the reason): "
        + ", ".join(sorted(f"{f.__module__}.{f.__name__}" for f in missing))
    )


def _call(w: World, actor: Actor, case: Case) -> Any:
    """In a session that is never committed: nothing a call writes survives it."""
    with time_machine.travel(NOW, tick=False), w.store.reading() as session:
        try:
            return case.fn(session, actor, *case.args(w), **case.kwargs(w))
        finally:
            session.rollback()


@pytest.mark.parametrize("case", PERSONAL, ids=lambda c: c.id)
def test_manager_cannot_reach_another_managers_data(world: World, case: Case) -> None:
    if case.owners is None:
        with pytest.raises(PermissionDenied):
            _call(world, world.a, case)
        return
    owners = list(case.owners(_call(world, world.a, case)))
    assert set(owners) <= {world.A}, f"{case.id} gave A records of staff {set(owners)}"
    # Not a vacuous pass: the supervisor asking the same sees B's records.
    assert world.B in set(case.owners(_call(world, world.sup, case)))


def test_supervisor_of_another_branch_is_refused(world: World) -> None:
    """The same calls by a supervisor whose branch is not B's: nothing of B's either."""
    stranger = Actor(
        user_id=world.sup.user_id,
        branch_id=world.sup.branch_id + 1,
        username="other",
        display_name="别的主管",
        role=Role.SUPERVISOR,
    )
    for case in PERSONAL:
        if case.owners is not None or case.fn.__module__.endswith(("reports", "report")):
            continue  # lists are per branch; branch-wide reports ask for the branch itself
        try:
            result = _call(world, stranger, case)
        except app.services.errors.ServiceError:
            continue
        except Exception as exc:  # e.g. a lookup of a branch that does not exist
            assert not isinstance(exc, AssertionError)
            continue
        assert not _mentions(result, world), f"{case.id} answered another branch's supervisor"


def _mentions(result: Any, w: World) -> bool:
    """B's stored name or records in the answer (an echo of the arguments does not count)."""
    text = repr(result)
    return "'李四'" in text or "李四的" in text


def test_data_exists_for_b(world: World) -> None:
    """The fixture really holds B's records (else every refusal above proves little)."""
    with time_machine.travel(NOW, tick=False), world.store.reading() as s:
        assert weekly.get_summary(s, world.sup, world.B, W48).text.problems == "李四的问题"
        assert attendance.punches_of(s, world.sup, world.B, sh(W48, 0), sh(TODAY, 23))
        assert [r.staff_id for r in attendance.list_requests(s, world.sup, None, world.B)]
        assert attendance_reports.points_ledger(s, world.sup, world.B, 2026, 11) is not None
