"""A realistic demo branch to try the app on (and to show it): 演示网点 with its supervisor
`demo` / `demo`, twelve account managers, two manager sign-ins, the working calendar and
about three months of meetings: the past ones held (roll call, signatures, minutes; the
weekly and monthly ones finalized), today's and the coming ones still scheduled; and
the same three months of attendance under the office rule: punches that agree with the
morning meetings' roll call (mostly on time, some late, one forgotten check-out), the
excused absences as approved leave, trips and field work, and one request still pending.

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
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.i18n import _
from app.models import (
    AbsenceNotice,
    ActionItem,
    AttendanceRequest,
    Branch,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    Punch,
    Signature,
    Staff,
    User,
)
from app.services import attendance, auth, calendar, meetings, minutes, rollcall
from app.services.auth import Actor, Role
from app.services.clock import branch_today, now_utc
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
    session.flush()
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
