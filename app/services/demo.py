"""A realistic demo branch to try the app on (and to show it): 演示网点 with its supervisor
`demo` / `demo`, twelve account managers, two manager sign-ins, the working calendar and
about three months of meetings: the past ones held (roll call, signatures, minutes; the
weekly and monthly ones finalized), today's and the coming ones still scheduled; and
the same three months of attendance under the office rule: punches that agree with the
morning meetings' roll call (mostly on time, some late, one forgotten check-out), the
excused absences as approved leave, trips and field work, and one request still pending;
and twelve weeks of customer visits and weekly summaries: each manager's book of
customers, trip records before the visits and logs after, next week's plans, the past
weeks' summaries handed in and reviewed, and this week's as on a Friday (one missing, one
returned, one still a draft), with a few slips left for the consistency check to find.

Running it again refreshes the same data (an upsert) and changes nothing when the data is
already there; other branches in the store are left alone. Past meetings are filled in
once (one with a roll call or a draft, or no longer scheduled, is skipped), from a random
generator seeded with the meeting's date, so two stores made on the same day are equal.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.i18n import _
from app.models import (
    AbsenceNotice,
    ActionItem,
    AttendanceRequest,
    Base,
    Branch,
    Customer,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    Punch,
    ReviewEvent,
    Signature,
    Staff,
    SummaryVisit,
    TripRecord,
    User,
    VisitLog,
    VisitPlan,
    WeeklyRollup,
    WeeklySummary,
)
from app.services import (
    attendance,
    audit,
    auth,
    calendar,
    meetings,
    minutes,
    rollcall,
    weekly,
)
from app.services.auth import Actor, Role
from app.services.clock import branch_today, now_utc, to_branch_time
from app.services.day_engine import RequestKind
from app.services.errors import ServiceError
from app.services.meetings import MeetingKind, MeetingStatus
from app.services.rollcall import AttendanceStatus, SignerRole
from app.services.setup import RulesTemplate
from app.services.staff import StaffInput, apply_import, find_by_employee_no

DEMO_BRANCH = "演示网点"
DEMO_ADDRESS = "上海市浦东新区世纪大道 88 号"
DEMO_TIMEZONE = "Asia/Shanghai"
DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
DEMO_DISPLAY_NAME = "林主管"

# 工号, 姓名, 手机, days since hire, 岗位
_STAFF = (
    ("A001", "张伟", "13816520381", 2930, "大客户经理"),
    ("A002", "李娜", "13917742056", 2410, "客户经理"),
    ("A003", "王芳", "15821093374", 1875, "客户经理"),
    ("A004", "刘洋", "13601852240", 1620, "营销经理"),
    ("A005", "陈静", "18917365508", 1398, "客户经理"),
    ("A006", "杨帆", "13764418923", 1104, "大客户经理"),
    ("A007", "赵磊", "15900726681", 870, "客户经理"),
    ("A008", "黄晓燕", "13524690137", 652, "营销经理"),
    ("A009", "周建国", "18621457792", 431, "客户经理"),
    ("A010", "吴敏", "13391058846", 265, "客户经理"),
    ("A011", "徐志强", "17717263390", 120, "营销经理"),
    ("A012", "孙丽华", "13062894415", 38, "客户经理"),
)
# Manager sign-ins: user name -> 工号 (password DEMO_PASSWORD).
_MANAGER_LOGINS = {"demo1": "A001", "demo2": "A002"}


@dataclass
class DemoReport:
    """What `build_demo` did, for the CLI to say."""

    branch: str
    branch_created: bool = False
    staff_added: int = 0
    staff_updated: int = 0
    staff_unchanged: int = 0
    logins_created: list[str] = field(default_factory=list)
    logins_skipped: list[str] = field(default_factory=list)  # name taken in another branch
    years_seeded: list[int] = field(default_factory=list)
    meetings_created: int = 0  # generated on the calendar
    meetings_held: int = 0  # past meetings given a roll call
    meetings_cancelled: int = 0
    minutes_finalized: int = 0
    punches_added: int = 0
    requests_added: int = 0
    customers_added: int = 0
    trips_added: int = 0
    logs_added: int = 0
    plans_added: int = 0
    summaries_added: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.branch_created
            or self.staff_added
            or self.staff_updated
            or self.logins_created
            or self.years_seeded
            or self.meetings_created
            or self.meetings_held
            or self.meetings_cancelled
            or self.punches_added
            or self.requests_added
            or self.customers_added
            or self.trips_added
            or self.logs_added
            or self.plans_added
            or self.summaries_added
        )

    def weekly_text(self) -> str:
        """What the demo added for the weekly summaries, for the CLI to print ("" if nothing)."""
        if not (
            self.customers_added
            or self.trips_added
            or self.logs_added
            or self.plans_added
            or self.summaries_added
        ):
            return ""
        return _(
            "Weekly summaries: {customers} customers, {trips} trip records, {logs} visit logs, "
            "{plans} planned visits and {summaries} summaries added."
        ).format(
            customers=self.customers_added,
            trips=self.trips_added,
            logs=self.logs_added,
            plans=self.plans_added,
            summaries=self.summaries_added,
        )


def ensure_demo(session: Session) -> None:
    """Create or refresh the demo branch (see the module docstring)."""
    build_demo(session)


def build_demo(session: Session) -> DemoReport:
    """ensure_demo, saying what it did. Raises ServiceError if `demo` is another branch's user."""
    branch = session.scalar(select(Branch).where(Branch.name == DEMO_BRANCH).order_by(Branch.id))
    report = DemoReport(DEMO_BRANCH, branch_created=branch is None)
    supervisor = auth.find_user(session, DEMO_USER)
    if supervisor is not None and (branch is None or supervisor.branch_id != branch.id):
        raise ServiceError(
            _(
                "The user name {name} already belongs to another branch, "
                "so the demo branch was not created."
            ).format(name=DEMO_USER)
        )
    if branch is None:
        branch = Branch(
            name=DEMO_BRANCH,
            address=DEMO_ADDRESS,
            timezone=DEMO_TIMEZONE,
            rules_template=RulesTemplate.OFFICE.value,
        )
        session.add(branch)
        session.flush()
    actor = _demo_supervisor(session, branch, supervisor)

    today = branch_today(branch.timezone)
    outcome = apply_import(
        session,
        actor,
        [
            StaffInput(no, name, phone, today - timedelta(days=days), position)
            for no, name, phone, days, position in _STAFF
        ],
    )
    report.staff_added, report.staff_updated = outcome.added, outcome.updated
    report.staff_unchanged = outcome.unchanged

    for username, employee_no in _MANAGER_LOGINS.items():
        user = auth.find_user(session, username)
        if user is not None:
            if user.branch_id != branch.id:
                report.logins_skipped.append(username)
            continue
        staff = find_by_employee_no(session, branch.id, employee_no)
        assert staff is not None  # apply_import above made it
        auth.create_user(
            session, actor, username, staff.name, DEMO_PASSWORD, Role.MANAGER, staff.id
        )
        report.logins_created.append(username)

    report.years_seeded = calendar.seed_from_package(session, branch.id)
    meetings.ensure_defaults(session, branch.id, host_name=DEMO_DISPLAY_NAME)
    _seed_meetings(session, branch, actor, today, report)
    _seed_attendance(session, branch, actor, today, report)
    _seed_weekly(session, branch, actor, today, report)
    session.flush()
    audit.by(session, actor)
    audit.record_unrecorded_rows(session)  # the punches went in with one Core insert
    return report


def _demo_supervisor(session: Session, branch: Branch, user: User | None) -> Actor:
    """The demo supervisor, made (like the setup wizard does) or brought back to demo/demo."""
    if user is None:
        user = User(
            branch_id=branch.id,
            username=DEMO_USER,
            display_name=DEMO_DISPLAY_NAME,
            password_hash=auth.hash_secret(DEMO_PASSWORD),
            role=Role.SUPERVISOR.value,
        )
        session.add(user)
        session.flush()
    else:
        # Only touched when it differs, so that a second run writes nothing.
        if not auth.verify_secret(user.password_hash, DEMO_PASSWORD):
            user.password_hash = auth.hash_secret(DEMO_PASSWORD)
        if user.role != Role.SUPERVISOR.value:
            user.role = Role.SUPERVISOR.value
        if not user.active:
            user.active = True
    return auth.actor_for(user)


# --- three months of meetings ------------------------------------------------------------

DEMO_MONTHS = 3  # this month and the two before it
DAYS_AHEAD = 14  # scheduled meetings generated beyond today
# Minute-takers (工号) of the meetings that need formal minutes; the delegated host.
_MINUTE_TAKERS = {
    MeetingKind.WEEKLY: "A005",
    MeetingKind.MONTHLY_GM: "A008",
    MeetingKind.ANALYSIS: "A008",
}
_DEPUTY = "A001"
# Chances per person and meeting; the rest arrive on time.
P_EXCUSED, P_UNEXCUSED, P_LATE = 0.035, 0.008, 0.06
P_CANCELLED_MORNING, P_DELEGATED, P_ITEM_DONE = 0.02, 0.12, 0.85

_EXCUSE_REASONS = (
    "拜访重点客户",
    "外出办理客户授信资料",
    "身体不适，已请病假",
    "参加总行产品培训",
    "陪同客户办理开户",
    "家中有事，已请事假",
)
_LATE_NOTICES = ("早上堵车，会后补签", "临时陪客户办业务", "孩子生病去医院")
_CANCEL_REASONS = ("全员参加总行视频会议", "网点消防演练", "系统升级，晨会并入周例会")

# What was said, by kind and agenda section (by position: a branch may rename sections).
_CONTENT: dict[MeetingKind, list[list[str]]] = {
    MeetingKind.MORNING: [
        [
            "传达总行关于加强柜面反诈宣传的通知，各客户经理在接待客户时主动提示。",
            "传达分行本月营销竞赛方案，理财和信用卡分期为重点产品。",
            "传达公司关于客户信息保密的要求，离开座位须锁屏。",
            "传达总行零售条线周例会精神：稳存款、拓有效户。",
        ],
        [
            "- 上午集中回访上周到期理财客户\n- 下午走访周边商户，宣传收单产品",
            "- 跟进代发工资单位的签约进度\n- 整理本周出行记录表，周五前提交",
            "- 重点推进大额存单到期转存\n- 做好个人养老金开户的预约登记",
            "- 社区宣传活动物料今天备齐\n- 新客户首次拜访要填写服务日志",
        ],
        [
            "讲解新版理财风险测评流程：客户须本人完成，客户经理不得代答。",
            "解释贷款利率调整后存量客户的重定价规则，统一对客户的口径。",
            "说明信用卡分期手续费的计算方法，避免向客户解释时出错。",
            "说明线上开户失败的常见原因：证件过期、手机号非本人实名。",
        ],
    ],
    MeetingKind.WEEKLY: [
        [
            "传达总行第四季度营销工作会议精神，全年存款任务进入冲刺阶段。",
            "传达分行关于规范客户经理外勤管理的通知，外出前须填写出行记录表。",
            "传达市场部关于周工作进度汇总表的新要求，周五 17:30 前提交。",
        ],
        [],  # filled from the attendees' names: each manager reports
        [
            "- 周边小区老年客户关注大额存单利率，咨询量明显增加\n- 个别商户反映收单到账时间偏慢",
            "- 代发单位希望增加上门服务的频次\n- 年轻客户对手机银行积分活动反响较好",
            "- 客户反映周末网点排队时间较长\n- 有企业客户咨询跨境结算业务",
        ],
        [
            "- 完成存量客户回访名单的分配\n- 每人提交下周客户拜访计划",
            "- 开展一次社区金融知识宣传\n- 跟进代发工资签约的两家单位",
            "- 重点营销个人养老金账户\n- 检查本周服务日志的填写质量",
        ],
    ],
    MeetingKind.MONTHLY_GM: [
        [
            "总经理通报本月经营情况：存款新增完成月计划的百分之九十二，中间业务收入同比增长。",
            "总经理讲解公司年度战略：以客户为中心，做深社区和代发两条主线。",
        ],
        [
            "- 重点客户中有三户计划下月扩大经营，需提前对接授信\n- 集团客户年底资金归集需求增加",
            "- 代发单位客户流失两户，需分析原因\n- 新拓展商户客户二十余户",
        ],
        [
            "总经理要求提升服务体验：大堂引导要主动，等候超过十五分钟须致歉并安排分流。",
            "总经理点评本月客户表扬与投诉，各客户经理对照改进。",
        ],
        [
            "问：大额存单额度不足怎么办？答：优先保障存量到期客户，额度由分行统一调配。",
            "问：外勤拜访能否线上打卡？答：可以，须在系统中如实记录时间和地点。",
        ],
    ],
    MeetingKind.ANALYSIS: [
        [
            "分析本月一宗客户投诉：客户经理未说明理财产品的风险等级，导致客户不满。",
            "分析一笔成功营销的代发工资业务：从首次拜访到签约历时三周。",
        ],
        [
            "- 拜访前先查阅客户往来记录，带着方案去\n- 对老年客户讲解要慢，重要事项书面提示",
            "- 商户客户适合在下午非高峰时段拜访\n- 服务日志当天填写，避免遗漏客户反馈",
        ],
        [
            "问：客户拒绝风险测评如何处理？答：不得办理相应产品，做好解释并记录。",
            "问：新客户经理如何快速熟悉产品？答：每周安排一次产品知识小测。",
        ],
    ],
}
_WORK_REPORTS = (
    "本周拜访客户 {n} 户，新增理财签约 {m} 笔",
    "本周完成存量客户回访 {n} 户，大额存单到期转存 {m} 笔",
    "本周走访商户 {n} 户，新签收单商户 {m} 户",
    "本周跟进代发单位 {m} 家，拜访个人客户 {n} 户",
)
_DECISIONS = {
    MeetingKind.WEEKLY: (
        "本周内完成存量客户回访，回访结果录入系统",
        "周五 17:30 前提交每周工作进度汇总表",
        "下周起外出拜访一律先填出行记录表",
        "社区宣传活动由客户经理轮流带队",
    ),
    MeetingKind.MONTHLY_GM: (
        "下月起每周通报一次营销竞赛进度",
        "大堂高峰时段增派一名客户经理协助分流",
    ),
    MeetingKind.ANALYSIS: (
        "理财销售必须完成双录并说明风险等级",
        "优秀拜访案例整理成册，供新员工学习",
    ),
}
_ACTIONS = (
    "整理到期理财客户名单并分配回访",
    "对接代发单位，确认签约时间",
    "准备社区金融知识宣传材料",
    "汇总客户反馈，形成书面报告",
    "走访新开业商户，介绍收单产品",
    "核对本月服务日志与出行记录",
)


def _seed_meetings(
    session: Session, branch: Branch, actor: Actor, today: date, report: DemoReport
) -> None:
    """Generate about three months of meetings and hold the past ones (see module docstring)."""
    people = {
        s.employee_no: s for s in session.scalars(select(Staff).where(Staff.branch_id == branch.id))
    }
    for schedule in session.scalars(
        select(MeetingSchedule).where(MeetingSchedule.branch_id == branch.id)
    ):
        taker = _MINUTE_TAKERS.get(MeetingKind(schedule.kind))
        if taker and schedule.minute_taker_staff_id is None:
            schedule.minute_taker_staff_id = people[taker].id
    month = _first_demo_day(today)
    report.meetings_created = meetings.generate(
        session, branch.id, month, today + timedelta(days=DAYS_AHEAD)
    )
    with_roll_call = select(MeetingAttendance.meeting_id).where(
        MeetingAttendance.branch_id == branch.id
    )
    past = list(
        session.scalars(
            select(Meeting)
            .where(
                Meeting.branch_id == branch.id,
                Meeting.day.between(month, today - timedelta(days=1)),
                Meeting.status == MeetingStatus.SCHEDULED.value,
                Meeting.draft_json == "",  # nobody has started its minutes
                Meeting.id.not_in(with_roll_call),
            )
            .order_by(Meeting.day, Meeting.start_time, Meeting.id)
        )
    )
    tz = ZoneInfo(branch.timezone)
    for meeting in past:
        rng = random.Random(f"{meeting.day.isoformat()} {meeting.kind}")
        kind = MeetingKind(meeting.kind)
        if kind is MeetingKind.MORNING and rng.random() < P_CANCELLED_MORNING:
            meetings.cancel(session, actor, meeting.id, rng.choice(_CANCEL_REASONS))
            report.meetings_cancelled += 1
            continue
        report.meetings_held += 1
        formal = kind in meetings.NEEDS_MINUTE_TAKER
        if formal and meeting.minute_taker_staff_id is None:
            meetings.set_people(
                session, actor, meeting.id, minute_taker_staff_id=people[_MINUTE_TAKERS[kind]].id
            )
        if kind is MeetingKind.WEEKLY and rng.random() < P_DELEGATED:
            meetings.delegate_host(
                session,
                actor,
                meeting.id,
                people[_DEPUTY].id,
                f"{DEMO_DISPLAY_NAME}参加分行会议，委托{people[_DEPUTY].name}主持",
            )
        attended = _roll_call(session, actor, meeting, rng, tz)
        _write_minutes(session, actor, meeting, rng, attended, tz)
        if formal:
            _sign(session, actor, meeting, attended, tz)
            _tick_off_items(session, actor, meeting, rng, tz)
            minutes.finalize(session, actor, meeting.id)
            report.minutes_finalized += 1
    _tomorrows_notice(session, actor, branch.id, today, people, tz)


def _first_demo_day(today: date) -> date:
    """The first of the month DEMO_MONTHS - 1 months before today's."""
    month = today.replace(day=1)
    for _i in range(DEMO_MONTHS - 1):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def _instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _minutes_after(start: time, minutes_: int) -> time:
    moment = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes_)
    return moment.time()


def _roll_call(
    session: Session, actor: Actor, meeting: Meeting, rng: random.Random, tz: ZoneInfo
) -> list[Staff]:
    """Mostly on time, some late, an occasional notice the day before, rarely a no-show.

    Returns who attended. The minute-taker and a delegated host are always there. The
    lines are added directly rather than through `rollcall.mark` (a thousand of them:
    the demo must stay fast), but the same rules decide them: `classify_arrival` and
    `notice_is_excused`.
    """
    needed = {meeting.minute_taker_staff_id, meeting.delegated_host_staff_id}
    attended, lines = [], []
    for person in rollcall.expected_staff(session, meeting):
        roll = 1.0 if person.id in needed else rng.random()
        arrival: time | None = None
        if roll < P_EXCUSED:
            evening = time(17, rng.randrange(0, 59))
            notice = meetings.record_notice(
                session,
                actor,
                meeting.id,
                person.id,
                rng.choice(_EXCUSE_REASONS),
                _instant(meeting.day - timedelta(days=1), evening, tz),
            )
            assert notice.excused
            status = AttendanceStatus.EXCUSED
        elif roll < P_EXCUSED + P_UNEXCUSED:
            # Sometimes a word on the morning itself: too late to be excused.
            if rng.random() < 0.5:
                meetings.record_notice(
                    session,
                    actor,
                    meeting.id,
                    person.id,
                    rng.choice(_LATE_NOTICES),
                    _instant(meeting.day, _minutes_after(meeting.start_time, -25), tz),
                )
            status = AttendanceStatus.ABSENT
        else:
            late = roll < P_EXCUSED + P_UNEXCUSED + P_LATE
            minutes_ = rng.randint(1, 12) if late else -rng.randint(0, 12)
            arrival = _minutes_after(meeting.start_time, minutes_)
            status = rollcall.classify_arrival(meeting.start_time, arrival)
            attended.append(person)
        lines.append(
            MeetingAttendance(
                branch_id=meeting.branch_id,
                meeting_id=meeting.id,
                staff_id=person.id,
                status=status.value,
                arrival=arrival,
                note="",
            )
        )
    session.add_all(lines)
    session.flush()
    session.expire(meeting, ["attendance"])
    return attended


def _write_minutes(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    rng: random.Random,
    attended: list[Staff],
    tz: ZoneInfo,
) -> None:
    kind = MeetingKind(meeting.kind)
    pools = _CONTENT.get(kind, [])
    draft = minutes.load_draft(session, actor, meeting.id)
    for index, section in enumerate(draft.sections):
        pool = pools[index % len(pools)] if pools else []
        if kind is MeetingKind.WEEKLY and index == 1:
            speakers = attended[: rng.randint(4, 6)]
            section.text = "\n".join(
                "- "
                + p.name
                + "："
                + rng.choice(_WORK_REPORTS).format(n=rng.randint(4, 12), m=rng.randint(1, 4))
                for p in speakers
            )
        elif pool:
            section.text = rng.choice(pool)
    if kind in _DECISIONS:
        draft.decisions = rng.sample(_DECISIONS[kind], k=min(2, len(_DECISIONS[kind])))
        owners = [p for p in attended if p.employee_no != _DEPUTY] or attended
        for text in rng.sample(_ACTIONS, k=rng.randint(1, 2)):
            owner = rng.choice(owners) if owners else None
            minutes.add_action_item(
                session,
                actor,
                meeting.id,
                text,
                owner.id if owner else None,
                meeting.day + timedelta(days=rng.randint(3, 10)),
            )
    minutes.save_draft(session, actor, meeting.id, draft)
    meeting.draft_saved_at = _instant(meeting.day, meeting.end_time, tz)


def _sign(
    session: Session, actor: Actor, meeting: Meeting, attended: list[Staff], tz: ZoneInfo
) -> None:
    # Attendees' signatures are added as rows (two hundred of them, one flush); the
    # model's key convention is one signature per staff id. Host and minute-taker go
    # through the service, which works out who they are.
    session.add_all(
        Signature(
            branch_id=meeting.branch_id,
            meeting_id=meeting.id,
            role=SignerRole.ATTENDEE.value,
            staff_id=person.id,
            signer_key=str(person.id),
            name=person.name,
            png=signature_png(person.name),
            signed_at=_instant(meeting.day, meeting.start_time, tz),
        )
        for person in attended
    )
    host = meetings.host_of(session, meeting)
    rollcall.save_signature(session, actor, meeting.id, SignerRole.HOST, signature_png(host))
    taker = session.get(Staff, meeting.minute_taker_staff_id)
    assert taker is not None  # set above for every meeting that needs minutes
    rollcall.save_signature(
        session, actor, meeting.id, SignerRole.MINUTE_TAKER, signature_png(taker.name)
    )


def _tick_off_items(
    session: Session, actor: Actor, meeting: Meeting, rng: random.Random, tz: ZoneInfo
) -> None:
    """Earlier action items now due are mostly reported done in this meeting."""
    due = session.scalars(
        select(ActionItem)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(
            ActionItem.branch_id == meeting.branch_id,
            ActionItem.done_at.is_(None),
            ActionItem.due < meeting.day,
            Meeting.day < meeting.day,
        )
        .order_by(ActionItem.id)
    )
    for item in list(due):
        if rng.random() < P_ITEM_DONE:
            minutes.set_done(session, actor, item.id, True, in_meeting_id=meeting.id)
            item.done_at = _instant(meeting.day, meeting.start_time, tz)


def _tomorrows_notice(
    session: Session,
    actor: Actor,
    branch_id: int,
    today: date,
    people: dict[str, Staff],
    tz: ZoneInfo,
) -> None:
    """One manager has already said they cannot come to the next morning meeting."""
    upcoming = session.scalar(
        select(Meeting)
        .where(
            Meeting.branch_id == branch_id,
            Meeting.kind == MeetingKind.MORNING.value,
            Meeting.status == MeetingStatus.SCHEDULED.value,
            Meeting.day > today,
        )
        .order_by(Meeting.day)
        .limit(1)
    )
    person = people["A007"]
    if upcoming is None or meetings.notices(session, actor, upcoming.id):
        return
    meetings.record_notice(
        session,
        actor,
        upcoming.id,
        person.id,
        "当天上午直接去客户单位办理代发签约",
        _instant(today, time(16, 40), tz),
    )


# --- three months of attendance -----------------------------------------------------------

# What each excuse the managers gave for a morning meeting was, as an attendance request:
# (kind, leave type, whole day or the morning only).
_NOTICE_REQUESTS = {
    "拜访重点客户": (RequestKind.FIELD, "", False),
    "外出办理客户授信资料": (RequestKind.FIELD, "", False),
    "身体不适，已请病假": (RequestKind.LEAVE, "病假", True),
    "参加总行产品培训": (RequestKind.TRIP, "", True),
    "陪同客户办理开户": (RequestKind.FIELD, "", False),
    "家中有事，已请事假": (RequestKind.LEAVE, "事假", True),
    "当天上午直接去客户单位办理代发签约": (RequestKind.FIELD, "", False),
}
_FORGETFUL = "A004"  # forgets to clock out once: the previous month's last working day
P_LATE_FOR_WORK = 0.05  # on a day without a roll-call arrival to go by
P_EARLY_LEAVE = 0.02
_MORNING_OUT = (time(8, 30), time(11, 30))  # field work before coming in


def _seed_attendance(
    session: Session, branch: Branch, actor: Actor, today: date, report: DemoReport
) -> None:
    """Punches and requests for the demo months, consistent with the morning meetings.

    Managers present at the 08:30 meeting clocked in a few minutes before they arrived;
    one who missed it without notice was late for work too; an excused absence is an
    approved request (leave or a trip: no punches; field work: in after 11:30). Punches
    later than now are not made, so today fills in as the day goes on.
    """
    tz = ZoneInfo(branch.timezone)
    first = _first_demo_day(today)
    people = list(
        session.scalars(
            select(Staff)
            .where(Staff.branch_id == branch.id, Staff.active.is_(True))
            .order_by(Staff.employee_no)
        )
    )
    covered = _seed_requests(session, branch, actor, first, today, tz, report)
    arrivals: dict[tuple[int, date], tuple[str, time | None]] = {
        (staff_id, day): (status, arrival)
        for staff_id, day, status, arrival in session.execute(
            select(
                MeetingAttendance.staff_id,
                Meeting.day,
                MeetingAttendance.status,
                MeetingAttendance.arrival,
            )
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
            .where(
                Meeting.branch_id == branch.id,
                Meeting.kind == MeetingKind.MORNING.value,
                Meeting.day.between(first, today),
            )
        )
    }
    book = attendance.RuleBook.load(session, branch.id)
    cal = calendar.WorkCalendar.load(session, branch.id, range(first.year, today.year + 1))
    plans = {
        d: attendance.plan_day(d, book.rule_on(None, d), cal)
        for d in (first + timedelta(days=i) for i in range((today - first).days + 1))
    }
    forgotten = max(
        (d for d, plan in plans.items() if plan.working and d < today.replace(day=1)),
        default=None,
    )
    now = now_utc()
    wanted: dict[tuple[int, int], datetime] = {}
    for day, plan in plans.items():
        if not plan.working:
            continue
        for person in people:
            if person.hire_date is not None and person.hire_date > day:
                continue
            cover = covered.get((person.id, day))
            if cover == "day":
                continue
            rng = random.Random(f"{day.isoformat()} {person.employee_no} attendance")
            status, arrival = arrivals.get((person.id, day), ("", None))
            if cover == "morning":
                check_in = time(11, rng.randint(20, 40), rng.randint(0, 59))
            elif arrival is not None:
                check_in = _minutes_after(arrival, -rng.randint(1, 6))
                check_in = check_in.replace(second=rng.randint(0, 59))
            elif status == AttendanceStatus.ABSENT.value or rng.random() < P_LATE_FOR_WORK:
                check_in = time(9, rng.randint(6, 35), rng.randint(0, 59))
            else:
                check_in = time(8, rng.randint(15, 29), rng.randint(0, 59))
            if rng.random() < P_EARLY_LEAVE:
                check_out: time | None = time(17, rng.randint(30, 55), rng.randint(0, 59))
            else:
                check_out = time(18, rng.randint(0, 45), rng.randint(0, 59))
            if day == forgotten and person.employee_no == _FORGETFUL:
                check_out = None
            for at in (check_in, check_out):
                if at is None:
                    continue
                instant = _instant(day, at, tz)
                if instant <= now:
                    wanted[(person.id, attendance.minute_key(instant))] = instant
    report.punches_added = _insert_punches(session, branch.id, wanted)


def _seed_requests(
    session: Session,
    branch: Branch,
    actor: Actor,
    first: date,
    today: date,
    tz: ZoneInfo,
    report: DemoReport,
) -> dict[tuple[int, date], str]:
    """An approved request for every excused morning-meeting absence (the one for a
    coming meeting still pending). Returns what covers whom: "day" or "morning"."""
    existing = {
        (staff_id, kind, start)
        for staff_id, kind, start in session.execute(
            select(
                AttendanceRequest.staff_id, AttendanceRequest.kind, AttendanceRequest.start
            ).where(AttendanceRequest.branch_id == branch.id)
        )
    }
    covered: dict[tuple[int, date], str] = {}
    rows = session.execute(
        select(AbsenceNotice, Meeting.day)
        .join(Meeting, Meeting.id == AbsenceNotice.meeting_id)
        .where(
            Meeting.branch_id == branch.id,
            Meeting.kind == MeetingKind.MORNING.value,
            Meeting.day >= first,
        )
        .order_by(Meeting.day, AbsenceNotice.staff_id)
    )
    for notice, day in rows:
        shape = _NOTICE_REQUESTS.get(notice.reason)
        if shape is None or not meetings.notice_is_excused(notice.notified_at, day, tz.key):
            continue
        kind, leave_type, whole_day = shape
        start, end = (time(9), time(18)) if whole_day else _MORNING_OUT
        covered[(notice.staff_id, day)] = "day" if whole_day else "morning"
        begins = _instant(day, start, tz)
        if (notice.staff_id, kind.value, begins) in existing:
            continue
        pending = day >= today
        session.add(
            AttendanceRequest(
                branch_id=branch.id,
                staff_id=notice.staff_id,
                kind=kind.value,
                leave_type=leave_type,
                start=begins,
                end=_instant(day, end, tz),
                reason=notice.reason,
                status="pending" if pending else "approved",
                entered_after=False,
                proof_filename="",
                created_by=actor.user_id,
                created_at=notice.notified_at,
                decided_by=None if pending else actor.user_id,
                decided_at=None if pending else notice.notified_at + timedelta(minutes=25),
                decision_comment="" if pending else "同意",
            )
        )
        report.requests_added += 1
    return covered


def _insert_punches(
    session: Session, branch_id: int, wanted: dict[tuple[int, int], datetime]
) -> int:
    """Insert the punches not stored yet, in one Core statement (a few thousand rows)."""
    if not wanted:
        return 0
    keys = [key for _staff, key in wanted]
    stored = {
        (staff_id, key)
        for staff_id, key in session.execute(
            select(Punch.staff_id, Punch.minute_key).where(
                Punch.branch_id == branch_id,
                Punch.minute_key.between(min(keys), max(keys)),
            )
        )
    }
    new = [(key, at) for key, at in sorted(wanted.items()) if key not in stored]
    if new:
        session.execute(
            insert(Punch.__table__),  # type: ignore[arg-type]
            [
                {
                    "branch_id": branch_id,
                    "staff_id": staff_id,
                    "at": at,
                    "minute_key": key,
                    "source": attendance.PunchSource.KIOSK.value,
                    "note": "",
                    "reason": "",
                    "created_by": None,
                    "created_at": at,
                }
                for (staff_id, key), at in new
            ],
        )
    return len(new)


# --- twelve weeks of customers, visits and weekly summaries -------------------------------

DEMO_WEEKS = 12  # this week and the eleven before it
# This week's picture, as on a Friday afternoon: everyone else has submitted.
_THIS_WEEK = {"A001": "draft", "A002": "returned", "A010": "missing"}
_APPROVED_ALREADY = ("A005", "A008")  # of this week's, already approved
# Deliberate slips for the consistency check to find, in last week unless said otherwise.
_LOG_WITHOUT_TRIP = "A003"
_TRIP_WITHOUT_LOG = "A005"
_LEFT_OUT_OF_SUMMARY = "A007"
_TRIP_WRITTEN_AFTER = "A004"
_NEGLECTED_KEY = "A009"  # their first key customer: last visited in the first fortnight
_LOG_WITHOUT_TRIP_THIS_WEEK = "A008"
_BIRTHDAY_NEXT_WEEK = ("A001", "A004", "A007", "A010")  # one customer each
_OFTEN_LATE = {"A011": 0.3, "A012": 0.2}
P_LATE_SUMMARY, P_RETURNED, P_IMPORTED, P_COMMENT = 0.05, 0.07, 0.15, 0.8
P_PLAN_DONE, P_PLAN_MOVED = 0.82, 0.1
_LATE_ROLLUP_WEEK = 4  # of the demo weeks: the roll-up went out on Monday

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "蒋蔡杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏方邹孟熊秦邱江薛顾毛龚邵钱严"
)
_GIVEN = (
    "建华", "秀英", "国强", "玉兰", "志明", "海燕", "文杰", "丽萍", "永刚", "桂芳",
    "晓东", "春梅", "德明", "淑珍", "振华", "雪梅", "宏伟", "金凤", "立新", "美玲",
    "俊杰", "红霞", "福生", "婷婷", "思远", "佳怡", "伟民", "爱华", "素芬", "明辉",
)  # fmt: skip
_COMPANIES = (
    "上海永盛五金制品有限公司", "浦东新区惠民超市", "上海东方物流有限公司",
    "陆家嘴餐饮管理有限公司", "上海华信电子科技有限公司", "张江生物医药研发中心",
    "上海金桥建材有限公司", "上海新天地服饰有限公司", "世纪联华花木店",
    "上海申通汽车维修有限公司", "浦东新区第三幼儿园", "上海明珠印务有限公司",
    "上海康泰医疗器械有限公司", "锦绣家园物业管理处", "上海恒丰贸易有限公司",
    "浦东国际旅行社", "上海嘉禾食品有限公司", "上海宝城装饰工程有限公司",
)  # fmt: skip
_KEY_NOTES = ("代发工资单位负责人", "大额存单客户", "私人银行潜在客户", "商户收单大户")
_PHONE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "158", "186", "189")
# purpose, what was done, what the customer said
_PURPOSES = (
    ("理财到期回访", "回访到期理财，介绍新发行的稳健型产品", "客户倾向继续购买中低风险产品"),
    ("大额存单到期转存", "提醒大额存单到期，办理转存预约", "客户同意转存三年期"),
    ("代发工资签约洽谈", "与单位财务洽谈代发工资合作方案", "单位希望增加上门开卡服务"),
    ("收单商户回访", "回访收单商户，检查POS机使用情况", "商户反映到账时间偏慢"),
    ("个人养老金开户", "讲解个人养老金政策，协助预约开户", "客户已预约周末来网点办理"),
    ("信用卡分期推介", "介绍信用卡账单分期优惠活动", "客户考虑装修分期，下周答复"),
    ("授信资料收集", "收集经营贷款授信资料，了解经营情况", "客户下周补齐财务报表"),
    ("手机银行推广", "协助客户开通并使用手机银行", "客户对积分活动很感兴趣"),
)
_BIRTHDAY_VISIT = (
    "生日慰问",
    "送上生日贺卡和小礼品，了解近期理财需求",
    "客户表示感谢，愿意推荐亲友",
)
_FOLLOW_UPS = (
    "送理财产品说明书",
    "联系支行落实授信额度",
    "预约上门开卡时间",
    "将到账时效问题反馈运营部",
    "电话确认转存金额",
)
_MOVE_REASONS = ("客户临时出差，改约下周", "客户家中有事，改期拜访", "网点临时安排培训，改约")
_DROP_REASONS = ("客户已到网点办理，无需上门", "客户表示近期暂无需求", "电话沟通已解决")
_OUT_TIMES = (time(9, 30), time(10), time(10, 30), time(14), time(14, 30), time(15, 30))
_SUMMARY_TEXT = {
    "services": (
        "本周拜访客户 {n} 户（重点客户 {k} 户），协助 {m} 位客户开通手机银行，"
        "办理大额存单转存预约 {p} 笔。",
        "本周完成存量客户回访 {n} 户，其中重点客户 {k} 户；新增理财签约 {m} 笔，"
        "养老金开户预约 {p} 户。",
    ),
    "needs_trends": (
        "老年客户关注大额存单利率，咨询量增加；年轻客户对手机银行积分活动反响较好。",
        "商户客户普遍关心收单到账时效；有两户企业客户咨询跨境结算。",
        "年底资金需求上升，个体工商户对经营贷款兴趣明显；理财客户风险偏好下降。",
    ),
    "campaign_response": (
        "信用卡分期活动客户反响一般，装修类需求较多。",
        "个人养老金开户活动响应积极，已预约多户周末到网点办理。",
        "手机银行积分活动带动了新开户，客户转介绍增加。",
    ),
    "problems": (
        "个别商户反映到账偏慢，需运营部协助解释。",
        "部分客户对理财产品风险等级理解不足，需加强说明。",
        "周末网点排队时间较长，影响客户体验。",
        "",
    ),
    "suggestions": (
        "建议增加周末上门服务的人手。",
        "建议制作简明的理财风险等级说明卡片。",
        "建议与代发单位联合开展金融知识讲座。",
        "",
    ),
}
_APPROVE_COMMENTS = (
    "内容翔实，下周继续跟进重点客户。",
    "拜访量达标，注意把客户反馈落实到行动。",
    "问题分析具体，建议部分很有价值。",
    "重点客户维护到位，继续保持。",
    "下周计划再具体一些，写明拜访目的。",
)
_RETURN_REASONS = (
    "客户需求及消费动态写得过于简单，请补充具体客户的情况。",
    "拜访客户数与服务日志不一致，请核对后重新提交。",
    "缺少下周工作计划，请补充。",
)
_REVISED_NOTE = "（已按主管意见补充）"


@dataclass
class _DemoVisit:
    customer: Customer
    day: date
    purpose: tuple[str, str, str]
    out: time
    back: time
    trip: bool = True
    log: bool = True
    written_after: bool = False


@dataclass
class _WeekSeed:
    """One manager's week as generated: the visits, and what this week's summary is."""

    person: Staff
    week: date
    visits: list[_DemoVisit]
    role: str  # past | submitted | returned | draft | missing
    submit_at: datetime | None = None


@dataclass
class _WeeklyDemo:
    session: Session
    branch: Branch
    actor: Actor
    today: date
    now: datetime
    tz: ZoneInfo
    cal: calendar.WorkCalendar
    report: DemoReport
    logins: dict[int, int]  # staff id -> their user id
    names: dict[int, str] = field(default_factory=dict)  # customer id -> name
    trips: list[dict[str, Any]] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    # Review events of the past summaries, added once the summaries have their ids.
    events: list[tuple[WeeklySummary, str, str, datetime]] = field(default_factory=list)
    dues: dict[date, datetime] = field(default_factory=dict)

    def due(self, week: date) -> datetime:
        if week not in self.dues:
            self.dues[week] = weekly.deadline(self.session, self.branch.id, week)
        return self.dues[week]

    def at(self, day: date, moment: time) -> datetime:
        return _instant(day, moment, self.tz)

    def working(self, week: date) -> list[date]:
        return [
            week + timedelta(days=i)
            for i in range(7)
            if self.cal.info(week + timedelta(days=i)).working
        ]


def _seed_weekly(
    session: Session, branch: Branch, actor: Actor, today: date, report: DemoReport
) -> None:
    """Twelve weeks of customers, trips, visit logs, plans and weekly summaries.

    Trip records, logs and plans are added as rows (a few thousand: the demo must stay
    fast) under the rules weekly.py keeps: trips written before going out, logs after,
    every plan done or explained. Past summaries are rows too, because all that matters
    about them is when things happened (submitted, reviewed), which the services stamp
    with "now". This week's summaries go through weekly.py (save_draft, submit,
    return_for_revision, approve) and then get the instants of a realistic Friday: the
    services stamp the real "now", the demo moves it back to when it "happened".
    Each (manager, week) is generated once, from a generator seeded with the week.
    """
    tz = ZoneInfo(branch.timezone)
    people = list(
        session.scalars(
            select(Staff)
            .where(Staff.branch_id == branch.id, Staff.active.is_(True))
            .order_by(Staff.employee_no)
        )
    )
    current = weekly.week_of(today)
    weeks = [current - timedelta(weeks=DEMO_WEEKS - 1 - n) for n in range(DEMO_WEEKS)]
    books = _seed_customers(session, actor, people, weeks[0], today, tz, report)
    logins: dict[int, int] = {
        staff_id: user_id
        for user_id, staff_id in session.execute(
            select(User.id, User.staff_id).where(User.branch_id == branch.id)
        )
        if staff_id is not None
    }
    demo = _WeeklyDemo(
        session,
        branch,
        actor,
        today,
        now_utc(),
        tz,
        calendar.WorkCalendar.load(session, branch.id, range(weeks[0].year, today.year + 2)),
        report,
        logins,
        {c.id: c.name for book in books.values() for c in book},
    )
    last_day = weeks[-1] + timedelta(days=6)
    seeded: set[tuple[int, date]] = set()
    for model in (TripRecord, VisitLog):
        for staff_id, day in session.execute(
            select(model.staff_id, model.day).where(
                model.branch_id == branch.id, model.day.between(weeks[0], last_day)
            )
        ):
            seeded.add((staff_id, weekly.week_of(day)))
    seeded.update(
        session.execute(
            select(WeeklySummary.staff_id, WeeklySummary.week_start).where(
                WeeklySummary.branch_id == branch.id,
                WeeklySummary.week_start.between(weeks[0], current),
            )
        ).all()
    )
    plans: dict[tuple[int, date], list[VisitPlan]] = {}
    for plan in session.scalars(
        select(VisitPlan)
        .where(
            VisitPlan.branch_id == branch.id,
            VisitPlan.week_start.between(weeks[0], current + timedelta(weeks=1)),
        )
        .order_by(VisitPlan.id)
    ):
        plans.setdefault((plan.staff_id, plan.week_start), []).append(plan)
    last_visit: dict[int, date] = {
        cid: day
        for cid, day in session.execute(
            select(VisitLog.customer_id, func.max(VisitLog.day))
            .where(VisitLog.branch_id == branch.id)
            .group_by(VisitLog.customer_id)
        )
    }
    submit_times = _this_weeks_submissions(demo, people, current)
    seeds: list[_WeekSeed] = []
    for person in people:
        book = books.get(person.id, [])
        if not book:
            continue
        for index, week in enumerate(weeks):
            if (person.id, week) in seeded or not _hired_by(person, week + timedelta(days=4)):
                continue
            rng = random.Random(f"{week.isoformat()} {person.employee_no} weekly")
            role = "past" if week < current else _THIS_WEEK.get(person.employee_no, "submitted")
            seed = _WeekSeed(person, week, [], role, submit_times.get(person.id))
            week_plans = plans.get((person.id, week))
            if week_plans is None:
                week_plans = _new_plans(demo, rng, person, book, week, last_visit, index)
                if role == "missing" and today in demo.working(week):
                    # The one who has not handed in still has a visit planned for today.
                    week_plans[-1].planned_day = today
                plans[(person.id, week)] = week_plans
            _visits_of_week(demo, rng, seed, book, week_plans, last_visit, index)
            seeds.append(seed)
            if week == current and (person.id, week + timedelta(weeks=1)) not in plans:
                following = week + timedelta(weeks=1)
                plans[(person.id, following)] = _new_plans(
                    demo, rng, person, book, following, last_visit, index + 1
                )
    _insert_rows(session, TripRecord, demo.trips)
    _insert_rows(session, VisitLog, demo.logs)
    report.trips_added += len(demo.trips)
    report.logs_added += len(demo.logs)
    session.flush()
    for seed in seeds:
        if seed.role == "past":
            _past_summary(
                demo, seed, plans.get((seed.person.id, seed.week + timedelta(weeks=1)), [])
            )
    session.flush()
    session.add_all(
        ReviewEvent(summary_id=row.id, kind=kind, text=text, by_user=actor.user_id, at=at)
        for row, kind, text, at in demo.events
    )
    for seed in seeds:
        if seed.role != "past":
            _this_weeks_summary(
                demo, seed, plans.get((seed.person.id, seed.week + timedelta(weeks=1)), [])
            )
    _seed_rollups(demo, weeks[:-1])
    session.flush()


def _hired_by(person: Staff, day: date) -> bool:
    return person.hire_date is None or person.hire_date <= day


def _seed_customers(
    session: Session,
    actor: Actor,
    people: list[Staff],
    first_week: date,
    today: date,
    tz: ZoneInfo,
    report: DemoReport,
) -> dict[int, list[Customer]]:
    """Each manager's book: 6–12 customers (the newest manager 6), about a third key."""
    rng = random.Random("demo customers")
    taken: set[str] = set()
    next_week = weekly.week_of(today) + timedelta(weeks=1)
    existing = {
        (c.owner_staff_id, c.name): c
        for c in session.scalars(select(Customer).where(Customer.branch_id == actor.branch_id))
    }
    books: dict[int, list[Customer]] = {}
    for person in people:
        count = 6 if person.employee_no == _STAFF[-1][0] else rng.randint(6, 12)
        book = []
        for n in range(count):
            name = ""
            while not name or name in taken:
                name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
            taken.add(name)
            key = n == 0 or rng.random() < 0.3
            company = rng.choice(_COMPANIES) if key or rng.random() < 0.6 else ""
            phone = rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            year = rng.randint(1956, 1992)
            if n == 1 and person.employee_no in _BIRTHDAY_NEXT_WEEK:
                on = next_week + timedelta(days=rng.randint(0, 6))
            else:
                on = date(2001, 1, 1) + timedelta(days=rng.randrange(365))
            try:
                birthday = on.replace(year=year)
            except ValueError:  # 29 February
                birthday = on.replace(year=1988)
            note = rng.choice(_KEY_NOTES) if key else ""
            since = rng.randint(30, 900)
            customer = existing.get((person.id, name))
            if customer is None:
                record = weekly.add_customer(
                    session,
                    actor,
                    weekly.CustomerInput(
                        person.id,
                        name,
                        company,
                        phone,
                        weekly.Grade.KEY if key else weekly.Grade.NORMAL,
                        birthday,
                        note,
                    ),
                )
                customer = session.get(Customer, record.id)
                assert customer is not None
                # In the book long before the demo's weeks (the service stamps "now");
                # the service standard counts from here for a customer never visited.
                customer.created_at = customer.updated_at = _instant(
                    first_week - timedelta(days=since), time(10), tz
                )
                report.customers_added += 1
            book.append(customer)
        books[person.id] = book
    return books


def _pick(
    rng: random.Random,
    book: list[Customer],
    count: int,
    last_visit: dict[int, date],
    day: date,
    skip: set[int],
) -> list[Customer]:
    """Customers to see: key ones, and those not seen for a while, more likely."""
    pool = [c for c in book if c.id not in skip]
    chosen: list[Customer] = []
    while pool and len(chosen) < count:
        weights = [
            (3.0 if c.grade == weekly.Grade.KEY else 1.0)
            * (1 + min((day - last_visit.get(c.id, day - timedelta(days=60))).days, 60) / 14)
            for c in pool
        ]
        choice = rng.choices(pool, weights)[0]
        chosen.append(choice)
        pool.remove(choice)
    return chosen


def _neglected(person: Staff, book: list[Customer], week_index: int) -> set[int]:
    """The key customer A009 stops visiting after the first fortnight."""
    if person.employee_no != _NEGLECTED_KEY or week_index < 2:
        return set()
    key = next((c.id for c in book if c.grade == weekly.Grade.KEY), None)
    return {key} if key is not None else set()


def _new_plans(
    demo: _WeeklyDemo,
    rng: random.Random,
    person: Staff,
    book: list[Customer],
    week: date,
    last_visit: dict[int, date],
    week_index: int,
) -> list[VisitPlan]:
    """下周客户拜访计划 for `week` (made the week before): 2–4 visits on working days."""
    days = [d for d in demo.working(week) if _hired_by(person, d)] or [week]
    chosen = _pick(
        rng, book, rng.randint(2, 4), last_visit, week, _neglected(person, book, week_index)
    )
    plans = []
    for customer in chosen:
        purpose = _purpose_for(rng, customer, week)
        plans.append(
            VisitPlan(
                branch_id=demo.branch.id,
                staff_id=person.id,
                customer_id=customer.id,
                week_start=week,
                planned_day=rng.choice(days),
                purpose=purpose[0],
                created_at=demo.at(week - timedelta(days=3), time(17, rng.randint(0, 29))),
            )
        )
    demo.session.add_all(plans)
    demo.report.plans_added += len(plans)
    return plans


def _purpose_for(rng: random.Random, customer: Customer, week: date) -> tuple[str, str, str]:
    if customer.birthday is not None:
        for offset in range(7):
            day = week + timedelta(days=offset)
            if (customer.birthday.month, customer.birthday.day) == (day.month, day.day):
                return _BIRTHDAY_VISIT
    return rng.choice(_PURPOSES)


def _visits_of_week(
    demo: _WeeklyDemo,
    rng: random.Random,
    seed: _WeekSeed,
    book: list[Customer],
    plans: list[VisitPlan],
    last_visit: dict[int, date],
    week_index: int,
) -> None:
    """The week's visits from its plan (most done, a few moved or dropped with a reason)
    and a few unplanned ones; trips and logs for them; today's trips not yet logged."""
    person, week, role = seed.person, seed.week, seed.role
    days = [d for d in demo.working(week) if _hired_by(person, d)]
    if role in ("submitted", "returned") and seed.submit_at is not None:
        cutoff = to_branch_time(seed.submit_at, demo.tz.key).date() - timedelta(days=1)
    elif role in ("draft", "missing"):
        cutoff = demo.today - timedelta(days=1)
    else:
        cutoff = week + timedelta(days=6)
    cutoff = min(cutoff, demo.today - timedelta(days=1))  # nothing logged from today on
    done_days = [d for d in days if d <= cutoff]
    by_id = {c.id: c for c in book}
    following = demo.working(week + timedelta(weeks=1)) or [week + timedelta(weeks=1)]
    visits: list[_DemoVisit] = []
    today_trips: list[tuple[Customer, str]] = []
    planned_today: set[int] = set()
    seen: set[int] = set()
    for plan in plans:
        customer = by_id.get(plan.customer_id)
        if customer is None or plan.outcome:
            continue
        purpose = next((p for p in (*_PURPOSES, _BIRTHDAY_VISIT) if p[0] == plan.purpose), None)
        purpose = purpose or rng.choice(_PURPOSES)
        day = plan.planned_day or week
        roll = rng.random()
        if day > cutoff:
            if role in ("draft", "missing"):
                if day == demo.today:
                    planned_today.add(customer.id)
                    if role == "draft" and not today_trips:
                        today_trips.append((customer, plan.purpose))
                continue  # still to come: not yet explained
            if done_days and roll < 0.6:
                day = rng.choice(done_days)  # seen earlier than planned
            else:
                plan.outcome, plan.outcome_reason = "moved", rng.choice(_MOVE_REASONS)
                plan.moved_to = rng.choice(following)
                continue
        elif roll >= P_PLAN_DONE:
            if roll < P_PLAN_DONE + P_PLAN_MOVED:
                plan.outcome, plan.outcome_reason = "moved", rng.choice(_MOVE_REASONS)
                plan.moved_to = rng.choice(following)
            else:
                plan.outcome, plan.outcome_reason = "dropped", rng.choice(_DROP_REASONS)
            continue
        if customer.id in seen:
            continue
        seen.add(customer.id)
        visits.append(_DemoVisit(customer, day, purpose, time(0), time(0)))
    if done_days:
        planned = {p.customer_id for p in plans}
        skip = seen | planned | _neglected(person, book, week_index)
        for customer in _pick(rng, book, rng.randint(0, 2), last_visit, week, skip):
            seen.add(customer.id)
            day = rng.choice(done_days)
            visits.append(
                _DemoVisit(customer, day, _purpose_for(rng, customer, week), time(0), time(0))
            )
    last_week = weekly.week_of(demo.today) - timedelta(weeks=1)
    if visits and week == last_week:
        no = person.employee_no
        if no == _LOG_WITHOUT_TRIP:
            visits[0].trip = False
        if no == _TRIP_WRITTEN_AFTER:
            visits[-1].written_after = True
        if no == _TRIP_WITHOUT_LOG:
            spare = _pick(rng, book, 1, last_visit, week, seen)
            if spare:
                visits.append(
                    _DemoVisit(
                        spare[0],
                        rng.choice(done_days),
                        rng.choice(_PURPOSES),
                        time(0),
                        time(0),
                        log=False,
                    )
                )
    if visits and role != "past" and person.employee_no == _LOG_WITHOUT_TRIP_THIS_WEEK:
        visits[0].trip = False
    if role in ("draft", "missing", "returned") and demo.today in days and not today_trips:
        # A second call on someone seen earlier this week is fine (a follow-up).
        skip = planned_today | _neglected(person, book, week_index)
        extra = _pick(rng, book, 1, last_visit, week, skip)
        if extra:
            today_trips.append((extra[0], rng.choice(_PURPOSES)[0]))
    _timetable(rng, visits)
    for visit in visits:
        _add_visit(demo, rng, person, visit)
        if visit.log:
            previous = last_visit.get(visit.customer.id)
            if previous is None or previous < visit.day:
                last_visit[visit.customer.id] = visit.day
    for n, (customer, aim) in enumerate(today_trips):
        out = _OUT_TIMES[(rng.randrange(len(_OUT_TIMES)) + 2 * n) % len(_OUT_TIMES)]
        back = _minutes_after(out, 90)
        # Written the evening before, as the rule book wants.
        written = demo.at(demo.today - timedelta(days=1), time(17, 40 + n))
        demo.trips.append(
            _trip_row(demo, person, customer.id, demo.today, aim, out, back, written, False)
        )
    seed.visits = visits


def _timetable(rng: random.Random, visits: list[_DemoVisit]) -> None:
    """Times out and back: one slot per visit and day."""
    used: dict[date, set[time]] = {}
    for visit in visits:
        free = [t for t in _OUT_TIMES if t not in used.setdefault(visit.day, set())] or list(
            _OUT_TIMES
        )
        visit.out = rng.choice(free)
        used[visit.day].add(visit.out)
        visit.back = _minutes_after(visit.out, rng.choice((60, 90, 120)))


def _trip_row(
    demo: _WeeklyDemo,
    person: Staff,
    customer_id: int,
    day: date,
    purpose: str,
    out: time,
    back: time,
    written: datetime,
    after: bool,
) -> dict[str, Any]:
    return {
        "branch_id": demo.branch.id,
        "staff_id": person.id,
        "customer_id": customer_id,
        "day": day,
        "purpose": purpose,
        "planned_out": out,
        "planned_back": back,
        "entered_after": after,
        "created_by": demo.logins.get(person.id, demo.actor.user_id),
        "created_at": written,
    }


def _add_visit(demo: _WeeklyDemo, rng: random.Random, person: Staff, visit: _DemoVisit) -> None:
    purpose, content, feedback = visit.purpose
    if visit.trip:
        if visit.written_after:
            written = demo.at(visit.day, _minutes_after(visit.out, rng.randint(90, 200)))
        else:
            written = demo.at(visit.day, _minutes_after(visit.out, -rng.randint(20, 120)))
        demo.trips.append(
            _trip_row(
                demo,
                person,
                visit.customer.id,
                visit.day,
                purpose,
                visit.out,
                visit.back,
                written,
                visit.written_after,
            )
        )
    if not visit.log:
        return
    follow_up, due = "", None
    if rng.random() < 0.35:
        follow_up = rng.choice(_FOLLOW_UPS)
        due = visit.day + timedelta(days=rng.randint(3, 10))
    demo.logs.append(
        {
            "branch_id": demo.branch.id,
            "staff_id": person.id,
            "customer_id": visit.customer.id,
            "day": visit.day,
            "content": f"{content}。",
            "feedback": f"{feedback}。",
            "follow_up": follow_up,
            "follow_up_due": due,
            "created_by": demo.logins.get(person.id, demo.actor.user_id),
            "created_at": demo.at(visit.day, _minutes_after(visit.back, rng.randint(20, 150))),
        }
    )


def _insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model.__table__), rows)  # type: ignore[arg-type]


def _summary_text(
    rng: random.Random, visits: list[_DemoVisit], next_plans: list[VisitPlan], names: dict[int, str]
) -> weekly.SummaryText:
    logged = [v for v in visits if v.log]
    keys = sum(1 for v in logged if v.customer.grade == weekly.Grade.KEY)
    services = rng.choice(_SUMMARY_TEXT["services"]).format(
        n=len(logged), k=keys, m=rng.randint(1, 5), p=rng.randint(0, 3)
    )
    if next_plans:
        plan = "；".join(f"{names.get(p.customer_id, '')}（{p.purpose}）" for p in next_plans)
        next_week = f"计划拜访：{plan}。"
    else:
        next_week = "继续跟进本周客户反馈，整理到期理财客户名单。"
    return weekly.SummaryText(
        services=services,
        needs_trends=rng.choice(_SUMMARY_TEXT["needs_trends"]),
        campaign_response=rng.choice(_SUMMARY_TEXT["campaign_response"]),
        problems=rng.choice(_SUMMARY_TEXT["problems"]),
        suggestions=rng.choice(_SUMMARY_TEXT["suggestions"]),
        next_week_plan=next_week,
    )


def _this_weeks_submissions(
    demo: _WeeklyDemo, people: list[Staff], current: date
) -> dict[int, datetime]:
    """When this week's summaries were handed in: spread over the day and a half before
    now (the returned one first, so that the supervisor had time to read it)."""
    friday = current + timedelta(days=4)
    handing_in = [
        p
        for p in people
        if _THIS_WEEK.get(p.employee_no, "submitted") in ("submitted", "returned")
        and _hired_by(p, friday)
    ]
    rng = random.Random(f"{current.isoformat()} submissions")
    rng.shuffle(handing_in)
    handing_in.sort(key=lambda p: _THIS_WEEK.get(p.employee_no) != "returned")
    end = demo.now - timedelta(minutes=15)
    start = max(demo.at(current, time(9)), demo.now - timedelta(hours=30))
    if end <= start:  # early on Monday: the week has hardly begun
        start, end = demo.at(current, time(0)), demo.now
    # Handed in during the working day and the evening, not at three in the morning.
    moments, step = [], timedelta(minutes=7)
    moment = start
    while moment < end:
        if 8 <= moment.astimezone(demo.tz).hour < 22:
            moments.append(moment)
        moment += step
    if len(moments) < len(handing_in):
        moments = [start + (end - start) * n / len(handing_in) for n in range(len(handing_in))]
    spacing = len(moments) / max(len(handing_in), 1)
    return {
        p.id: (moments[int(n * spacing)] - timedelta(seconds=rng.randint(0, 59))).replace(
            microsecond=0
        )
        for n, p in enumerate(handing_in)
    }


def _summary_row(
    demo: _WeeklyDemo,
    seed: _WeekSeed,
    revision: int,
    text: weekly.SummaryText,
    lines: list[_DemoVisit],
    **values: Any,
) -> WeeklySummary:
    row = WeeklySummary(
        branch_id=demo.branch.id,
        staff_id=seed.person.id,
        week_start=seed.week,
        revision=revision,
        deadline_at=demo.due(seed.week),
        visits=[
            SummaryVisit(
                position=n, day=v.day, customer_id=v.customer.id, content=f"{v.purpose[1]}。"
            )
            for n, v in enumerate(lines)
        ],
        **{name: getattr(text, name) for name in weekly.TEXT_FIELDS},
        **values,
    )
    demo.session.add(row)
    demo.report.summaries_added += 1
    return row


def _past_summary(demo: _WeeklyDemo, seed: _WeekSeed, next_plans: list[VisitPlan]) -> None:
    """A past week's summary: handed in (mostly on time), reviewed the Monday after."""
    person, week = seed.person, seed.week
    rng = random.Random(f"{week.isoformat()} {person.employee_no} summary")
    due = demo.due(week)
    if rng.random() < _OFTEN_LATE.get(person.employee_no, P_LATE_SUMMARY):
        if rng.random() < 0.7:
            at = due + timedelta(minutes=rng.randint(3, 200))
        else:  # over the weekend: first thing on Monday
            at = demo.at(week + timedelta(days=7), time(8, rng.randint(40, 59)))
    else:
        at = due - timedelta(minutes=rng.randint(5, 26 * 60))
    at = min(at.astimezone(UTC), demo.now - timedelta(minutes=5)).replace(microsecond=0)
    lines = sorted((v for v in seed.visits if v.log), key=lambda v: (v.day, v.out))
    last_week = weekly.week_of(demo.today) - timedelta(weeks=1)
    if person.employee_no == _LEFT_OUT_OF_SUMMARY and week == last_week and len(lines) > 1:
        lines = lines[:-1]  # a logged visit the summary forgets
    text = _summary_text(rng, seed.visits, next_plans, demo.names)
    by = demo.logins.get(person.id, demo.actor.user_id)
    source: dict[str, Any] = {"source": "app", "source_file": "", "created_by": by}
    if rng.random() < P_IMPORTED:
        name = f"{person.employee_no}{person.name}_{weekly.week_label(week)}.xlsx"
        source = {"source": "xlsx", "source_file": name, "created_by": demo.actor.user_id}
    review_at = demo.at(week + timedelta(days=7), time(9)) + timedelta(minutes=rng.randint(0, 180))
    if review_at <= at:
        review_at = at + timedelta(minutes=rng.randint(60, 180))
    comment = rng.choice(_APPROVE_COMMENTS) if rng.random() < P_COMMENT else ""
    supervisor = demo.actor.user_id
    returned = rng.random() < P_RETURNED
    if returned:
        revised_at = review_at + timedelta(minutes=rng.randint(30, 120))
        resubmitted = revised_at + timedelta(minutes=rng.randint(60, 240))
        approved_at = resubmitted + timedelta(hours=rng.randint(16, 20))
        returned = approved_at <= demo.now
    first = _summary_row(
        demo,
        seed,
        1,
        text,
        lines,
        state="submitted",
        submitted_at=at,
        late=weekly.is_late(at, due),
        created_at=at - timedelta(hours=rng.randint(1, 6)),
        updated_at=at,
        **source,
    )
    if returned:
        reason = rng.choice(_RETURN_REASONS)
        first.state, first.return_reason = "returned", reason
        first.reviewed_by, first.reviewed_at = supervisor, review_at
        demo.events.append((first, "return", reason, review_at))
        revised = replace_text(text, needs_trends=text.needs_trends + _REVISED_NOTE)
        second = _summary_row(
            demo,
            seed,
            2,
            revised,
            lines,
            state="approved",
            submitted_at=resubmitted,
            late=weekly.is_late(resubmitted, due),
            review_comment=comment,
            reviewed_by=supervisor,
            reviewed_at=approved_at,
            created_at=revised_at,
            updated_at=resubmitted,
            source="app",
            source_file="",
            created_by=by,
        )
        demo.events.append((second, "revise", "", revised_at))
        demo.events.append((second, "approve", comment, approved_at))
    elif review_at <= demo.now:
        first.state, first.review_comment = "approved", comment
        first.reviewed_by, first.reviewed_at = supervisor, review_at
        demo.events.append((first, "approve", comment, review_at))


def replace_text(text: weekly.SummaryText, **changes: str) -> weekly.SummaryText:
    return weekly.SummaryText(**{**{f: getattr(text, f) for f in weekly.TEXT_FIELDS}, **changes})


def _this_weeks_summary(demo: _WeeklyDemo, seed: _WeekSeed, next_plans: list[VisitPlan]) -> None:
    """This week's summary through weekly.py, then moved back to when it "happened"."""
    if seed.role == "missing":
        return
    session, actor, person, week = demo.session, demo.actor, seed.person, seed.week
    rng = random.Random(f"{week.isoformat()} {person.employee_no} summary")
    text = _summary_text(rng, seed.visits, next_plans, demo.names)
    lines = weekly.prefill_visits(session, person.id, week)
    view = weekly.save_draft(session, actor, person.id, week, text, lines)
    assert view.id is not None
    row = session.get(WeeklySummary, view.id)
    assert row is not None
    row.created_by = demo.logins.get(person.id, actor.user_id)
    demo.report.summaries_added += 1
    week_began = demo.at(week, time(0))
    if seed.role == "draft" or seed.submit_at is None:
        # Started on Wednesday evening and not touched since: it looks late.
        started = max(
            min(demo.at(week + timedelta(days=2), time(18, 10)), demo.now - timedelta(hours=2)),
            week_began,
        )
        row.created_at, row.updated_at = started, started + (demo.now - started) / 3
        return
    at = seed.submit_at
    weekly.submit(session, actor, person.id, week)
    row.submitted_at = at
    row.late = weekly.is_late(at, demo.due(week))
    row.created_at, row.updated_at = max(at - timedelta(hours=3), week_began), at
    reviewed = at + (demo.now - at) / 2
    if seed.role == "returned":
        weekly.return_for_revision(session, actor, row.id, rng.choice(_RETURN_REASONS))
    elif person.employee_no in _APPROVED_ALREADY and demo.now - at > timedelta(minutes=20):
        weekly.approve(session, actor, row.id, rng.choice(_APPROVE_COMMENTS))
    else:
        return
    row.reviewed_at = reviewed
    for event in session.scalars(select(ReviewEvent).where(ReviewEvent.summary_id == row.id)):
        event.at = reviewed


def _seed_rollups(demo: _WeeklyDemo, weeks: list[date]) -> None:
    """The past weeks' roll-ups went to the market department on Friday (one on Monday)."""
    done = set(
        demo.session.scalars(
            select(WeeklyRollup.week_start).where(WeeklyRollup.branch_id == demo.branch.id)
        )
    )
    for index, week in enumerate(weeks):
        if week in done:
            continue
        rng = random.Random(f"{week.isoformat()} rollup")
        if index == _LATE_ROLLUP_WEEK:
            at = demo.at(week + timedelta(days=7), time(9, rng.randint(10, 40)))
        else:
            due = weekly.rollup_due(demo.session, demo.branch.id, week)
            at = (due - timedelta(minutes=rng.randint(5, 25))).astimezone(UTC)
        if at > demo.now:
            continue
        demo.session.add(
            WeeklyRollup(
                branch_id=demo.branch.id,
                week_start=week,
                kind="pdf",
                filename=f"{demo.branch.name}_{weekly.week_label(week)}_周工作进度汇总.pdf",
                sha256="",
                produced_at=at,
                produced_by=demo.actor.user_id,
            )
        )


# --- signatures without Qt: a scribble in a tiny PNG ------------------------------------

SIGNATURE_SIZE = (300, 100)
_INK, _PAPER = 35, 255


@cache
def signature_png(name: str) -> bytes:
    """A hand-written-looking scribble for `name` (the same name, the same bytes).

    Grey-scale PNG made with zlib and struct only: the demo must not need Qt or Pillow to
    draw. Each character becomes a few slanted curved strokes, joined as in running hand.
    """
    width, height = SIGNATURE_SIZE
    pixels = bytearray([_PAPER]) * (width * height)
    rng = random.Random(zlib.crc32(name.encode("utf-8")))
    chars = max(1, len(name))
    cell = (width - 40) / chars
    pen: tuple[float, float] | None = None
    for index in range(chars):
        left = 20 + index * cell
        for _stroke in range(rng.randint(3, 5)):
            start = (left + rng.uniform(0, cell * 0.8), rng.uniform(22, 78))
            bend = (left + rng.uniform(0, cell), rng.uniform(12, 88))
            end = (left + rng.uniform(cell * 0.2, cell), rng.uniform(22, 78))
            if pen is not None and rng.random() < 0.5:
                start = pen  # running hand: the pen does not lift
            _curve(pixels, width, height, start, bend, end)
            pen = end
    y = rng.uniform(80, 90)  # a closing flourish under the name
    _curve(
        pixels, width, height, (25, y), (width / 2, y + rng.uniform(-12, 8)), (width - 25, y - 6)
    )
    return _png_grey(width, height, pixels)


def _curve(
    pixels: bytearray,
    width: int,
    height: int,
    a: tuple[float, float],
    b: tuple[float, float],
    c: tuple[float, float],
) -> None:
    """A quadratic Bézier a→c bent towards b, slanted like handwriting, 2–3 px wide."""
    # Dense enough that the 3×3 dots join up: a little over one sample per pixel of path.
    length = abs(b[0] - a[0]) + abs(b[1] - a[1]) + abs(c[0] - b[0]) + abs(c[1] - b[1])
    steps = max(8, round(length * 1.2))
    for i in range(steps + 1):
        t = i / steps
        x = (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * b[0] + t**2 * c[0]
        y = (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * b[1] + t**2 * c[1]
        x += (height / 2 - y) * 0.3  # italic slant
        cx, cy = round(x), round(y)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                px, py = cx + dx, cy + dy
                if 0 <= px < width and 0 <= py < height:
                    pixels[py * width + px] = _INK


def _png_grey(width: int, height: int, pixels: bytearray) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(
        b"\x00" + bytes(pixels[row * width : (row + 1) * width]) for row in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
