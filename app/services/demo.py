"""A realistic demo branch to try the app on (and to show it): 演示网点 with its supervisor
`demo` / `demo`, twelve account managers, two manager sign-ins and the working calendar.

Running it again refreshes the same data (an upsert) and changes nothing when the data is
already there; other branches in the store are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.models import Branch, User
from app.services import auth, calendar, meetings
from app.services.auth import Actor, Role
from app.services.clock import branch_today
from app.services.errors import ServiceError
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

    @property
    def changed(self) -> bool:
        return bool(
            self.branch_created
            or self.staff_added
            or self.staff_updated
            or self.logins_created
            or self.years_seeded
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
