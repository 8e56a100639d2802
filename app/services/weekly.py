"""Visits and the weekly progress summary (日志管理 / 工作报告制度), the store side.

A manager keeps a book of customers, writes a trip record (出行记录表) before going out
and a visit log (服务日志) after, plans next week's visits (下周客户拜访计划) and, by the
deadline (Friday 17:30 in the branch's time zone, configurable), submits the week's
summary (每周工作进度汇总表). The supervisor reviews it: comment (点评), return with a
reason, or approve, and sends the branch roll-up to the market department.

Roles: a manager sees and changes only their own customers, trips, logs, plans and
summaries; the supervisor sees the branch and alone reviews.

Summary states and their moves (anything else is refused):

    draft --submit--> submitted --approve--> approved
                          |
                          +--return--> returned --revise--> draft (revision n+1)

A reviewed revision (returned or approved) is never changed again; revising it or
importing a file over it makes a new revision and keeps both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import (
    Branch,
    Customer,
    ReviewEvent,
    Staff,
    SummaryVisit,
    TripRecord,
    User,
    VisitLog,
    VisitPlan,
    WeeklyRollup,
    WeeklySummary,
)
from app.services import audit, settings
from app.services.auth import Actor, require_own_or_supervisor, require_supervisor
from app.services.calendar import WorkCalendar
from app.services.clock import branch_today, now_utc
from app.services.errors import NotFound, ValidationError

_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
TEXT_LIMIT = 4000  # characters in one of the summary's text fields


class Grade(StrEnum):
    KEY = "key"
    NORMAL = "normal"


GRADE_LABELS = {Grade.KEY: N_("Key customer"), Grade.NORMAL: N_("Normal customer")}


def grade_label(grade: str) -> str:
    return _(GRADE_LABELS[Grade(grade)])


class SummaryState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


REVIEWED = frozenset({SummaryState.RETURNED, SummaryState.APPROVED})


class BoardState(StrEnum):
    """A manager's week as the review queue and `weekly status --json` show it."""

    MISSING = "missing"
    DRAFT = "draft"
    SUBMITTED = "submitted"  # on time, waiting for review
    LATE = "late"  # after the deadline, waiting for review
    RETURNED = "returned"
    APPROVED = "approved"


BOARD_LABELS = {
    BoardState.MISSING: N_("Missing"),
    BoardState.DRAFT: N_("Draft"),
    BoardState.SUBMITTED: N_("Submitted"),
    BoardState.LATE: N_("Submitted late"),
    BoardState.RETURNED: N_("Returned"),
    BoardState.APPROVED: N_("Approved"),
}


def board_label(state: str) -> str:
    return _(BOARD_LABELS[BoardState(state)])


class PlanOutcome(StrEnum):
    """A planned visit in the week it was planned for."""

    DONE = "done"  # a visit log matches: same person, customer and week
    MOVED = "moved"
    DROPPED = "dropped"
    OPEN = "open"  # not done and not yet explained


OUTCOME_LABELS = {
    PlanOutcome.DONE: N_("Done"),
    PlanOutcome.MOVED: N_("Moved"),
    PlanOutcome.DROPPED: N_("Dropped"),
    PlanOutcome.OPEN: N_("Not explained"),
}


def outcome_label(outcome: str) -> str:
    return _(OUTCOME_LABELS[PlanOutcome(outcome)])


class ReviewKind(StrEnum):
    COMMENT = "comment"
    RETURN = "return"
    APPROVE = "approve"
    REVISE = "revise"  # the manager started a new revision of a returned summary
    IMPORT = "import"  # a file came in over a reviewed summary (kept both)


WEEKDAY_SHORT = (
    N_("Mon"),
    N_("Tue"),
    N_("Wed"),
    N_("Thu"),
    N_("Fri"),
    N_("Sat"),
    N_("Sun"),
)


# --- weeks -----------------------------------------------------------------------------


def week_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_label(week_start: date) -> str:
    """ "2026-W48": the ISO week as the CLI and the templates write it."""
    year, week, _weekday = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written "2026-W48" (or "2026W48", "2026-w48")."""
    cleaned = text.strip().upper().replace("-", "")
    try:
        year_text, week_text = cleaned.split("W")
        return date.fromisocalendar(int(year_text), int(week_text), 1)
    except ValueError:
        raise ValidationError(
            _("{text} is not a week; write it like 2026-W48.").format(text=text.strip()),
            field="week",
        ) from None


def week_days(week_start: date) -> tuple[date, date]:
    return week_start, week_start + 6 * _DAY


def current_week(session: Session, actor: Actor) -> date:
    return week_of(branch_today(_branch(session, actor.branch_id).timezone))


# --- the deadline ----------------------------------------------------------------------


def _branch(session: Session, branch_id: int) -> Branch:
    branch = session.get(Branch, branch_id)
    if branch is None:
        raise NotFound(_("The branch no longer exists."))
    return branch


def due_day(session: Session, branch_id: int, week_start: date) -> date:
    """The day summaries are due: the configured weekday (Friday), or, when that is a
    holiday, the last working day of the week before it (the office is closed then)."""
    weekday = settings.get(session, branch_id, "weekly_deadline_weekday")
    day = week_start + (weekday - 1) * _DAY
    calendar = WorkCalendar.load(session, branch_id, {week_start.year, day.year})
    candidate = day
    while candidate >= week_start:
        if calendar.info(candidate).working:
            return candidate
        candidate -= _DAY
    return day  # a week without a working day: keep the configured weekday


def _instant(session: Session, branch_id: int, day: date, at: time) -> datetime:
    tz = ZoneInfo(_branch(session, branch_id).timezone)
    return datetime.combine(day, at, tzinfo=tz)


def deadline(session: Session, branch_id: int, week_start: date) -> datetime:
    """When the week's summaries are due, as an aware datetime in the branch's zone."""
    at = settings.get(session, branch_id, "weekly_deadline_time")
    return _instant(session, branch_id, due_day(session, branch_id, week_start), at)


def rollup_due(session: Session, branch_id: int, week_start: date) -> datetime:
    """When the roll-up should reach the market department (周五下班前)."""
    at = settings.get(session, branch_id, "weekly_rollup_time")
    return _instant(session, branch_id, due_day(session, branch_id, week_start), at)


def is_late(submitted_at: datetime, due: datetime) -> bool:
    """On time up to and including the deadline's second: 17:30:00 is on time,
    17:30:01 is late."""
    return submitted_at.replace(microsecond=0) > due


# --- customers -------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerInput:
    owner_staff_id: int
    name: str
    company: str = ""
    phone: str = ""
    grade: str = Grade.NORMAL
    birthday: date | None = None
    note: str = ""


@dataclass(frozen=True)
class CustomerRecord:
    id: int
    owner_staff_id: int
    owner_name: str
    name: str
    company: str
    phone: str
    grade: str
    birthday: date | None
    note: str
    active: bool


def _staff(session: Session, actor: Actor, staff_id: int) -> Staff:
    audit.by(session, actor)
    person = session.get(Staff, staff_id)
    if person is None or person.branch_id != actor.branch_id:
        raise NotFound(_("No such staff member."))
    require_own_or_supervisor(actor, person.branch_id, person.id)
    return person


def _customer(session: Session, actor: Actor, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.branch_id != actor.branch_id:
        raise NotFound(_("No such customer."))
    require_own_or_supervisor(actor, customer.branch_id, customer.owner_staff_id)
    return customer


def _customer_record(c: Customer, owner_name: str) -> CustomerRecord:
    return CustomerRecord(
        c.id,
        c.owner_staff_id,
        owner_name,
        c.name,
        c.company,
        c.phone,
        c.grade,
        c.birthday,
        c.note,
        c.active,
    )


def list_customers(
    session: Session, actor: Actor, staff_id: int | None = None, include_inactive: bool = False
) -> list[CustomerRecord]:
    """A manager's book (their own only); the supervisor may ask for anyone's or, with
    `staff_id` None, the whole branch's."""
    if staff_id is None and not actor.sees_whole_branch:
        staff_id = actor.staff_id
    query = (
        select(Customer, Staff.name)
        .join(Staff, Staff.id == Customer.owner_staff_id)
        .where(Customer.branch_id == actor.branch_id)
    )
    if staff_id is not None:
        _staff(session, actor, staff_id)
        query = query.where(Customer.owner_staff_id == staff_id)
    if not include_inactive:
        query = query.where(Customer.active.is_(True))
    rows = session.execute(query.order_by(Staff.employee_no, Customer.name))
    return [_customer_record(c, owner) for c, owner in rows]


def _clean_customer(session: Session, actor: Actor, data: CustomerInput, own_id: int | None):
    owner = _staff(session, actor, data.owner_staff_id)
    name = data.name.strip()
    if not name:
        raise ValidationError(_("Enter the customer's name."), field="name")
    if data.grade not in set(Grade):
        raise ValidationError(_("Choose the customer's grade."), field="grade")
    taken = session.scalar(
        select(Customer.id).where(
            Customer.owner_staff_id == owner.id, Customer.name == name, Customer.id != own_id
        )
    )
    if taken is not None:
        raise ValidationError(
            _("{owner} already has a customer named {name}.").format(owner=owner.name, name=name),
            field="name",
        )
    return owner, name


def add_customer(session: Session, actor: Actor, data: CustomerInput) -> CustomerRecord:
    owner, name = _clean_customer(session, actor, data, None)
    customer = Customer(
        branch_id=actor.branch_id,
        owner_staff_id=owner.id,
        name=name,
        company=data.company.strip(),
        phone=data.phone.strip(),
        grade=Grade(data.grade).value,
        birthday=data.birthday,
        note=data.note.strip(),
    )
    session.add(customer)
    session.flush()
    return _customer_record(customer, owner.name)


def update_customer(
    session: Session, actor: Actor, customer_id: int, data: CustomerInput
) -> CustomerRecord:
    customer = _customer(session, actor, customer_id)
    owner, name = _clean_customer(session, actor, data, customer.id)
    customer.owner_staff_id = owner.id
    customer.name = name
    customer.company = data.company.strip()
    customer.phone = data.phone.strip()
    customer.grade = Grade(data.grade).value
    customer.birthday = data.birthday
    customer.note = data.note.strip()
    session.flush()
    return _customer_record(customer, owner.name)


def set_customer_active(
    session: Session, actor: Actor, customer_id: int, active: bool
) -> CustomerRecord:
    """Customers are retired, never deleted: the visit history points at them."""
    customer = _customer(session, actor, customer_id)
    customer.active = active
    owner = session.get(Staff, customer.owner_staff_id)
    return _customer_record(customer, owner.name if owner else "")


def find_customer(session: Session, staff_id: int, name: str) -> Customer | None:
    """A manager's customer by name (as the Excel template's drop-down writes it)."""
    return session.scalar(
        select(Customer).where(Customer.owner_staff_id == staff_id, Customer.name == name.strip())
    )


def _own_customer(session: Session, actor: Actor, staff_id: int, customer_id: int) -> Customer:
    customer = _customer(session, actor, customer_id)
    if customer.owner_staff_id != staff_id:
        person = session.get(Staff, staff_id)
        raise ValidationError(
            _("{customer} is not in {name}'s book of customers.").format(
                customer=customer.name, name=person.name if person else staff_id
            ),
            field="customer",
        )
    return customer


def _customer_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    query = select(Customer.id, Customer.name).where(Customer.id.in_(wanted))
    return {cid: name for cid, name in session.execute(query)}


# --- trip records ----------------------------------------------------------------------


@dataclass(frozen=True)
class TripInput:
    staff_id: int
    customer_id: int
    day: date
    purpose: str = ""
    planned_out: time | None = None
    planned_back: time | None = None


@dataclass(frozen=True)
class TripView:
    id: int
    staff_id: int
    customer_id: int
    customer_name: str
    day: date
    purpose: str
    planned_out: time | None
    planned_back: time | None
    entered_after: bool


def _trip_view(t: TripRecord, customer_name: str) -> TripView:
    return TripView(
        t.id,
        t.staff_id,
        t.customer_id,
        customer_name,
        t.day,
        t.purpose,
        t.planned_out,
        t.planned_back,
        t.entered_after,
    )


def _check_trip(session: Session, actor: Actor, data: TripInput) -> Customer:
    _staff(session, actor, data.staff_id)
    customer = _own_customer(session, actor, data.staff_id, data.customer_id)
    if data.planned_out and data.planned_back and data.planned_back <= data.planned_out:
        raise ValidationError(
            _("The planned time back must be after the time out."), field="planned_back"
        )
    return customer


def add_trip(session: Session, actor: Actor, data: TripInput) -> TripView:
    """A trip record. The rule book wants it written before going out: one written after
    the planned time out (or after the day) is kept but flagged."""
    customer = _check_trip(session, actor, data)
    branch = _branch(session, actor.branch_id)
    written_after = data.day < branch_today(branch.timezone)
    if data.planned_out is not None and not written_after:
        out_at = datetime.combine(data.day, data.planned_out, tzinfo=ZoneInfo(branch.timezone))
        written_after = now_utc() > out_at
    trip = TripRecord(
        branch_id=actor.branch_id,
        staff_id=data.staff_id,
        customer_id=customer.id,
        day=data.day,
        purpose=data.purpose.strip(),
        planned_out=data.planned_out,
        planned_back=data.planned_back,
        entered_after=written_after,
        created_by=actor.user_id,
    )
    session.add(trip)
    session.flush()
    return _trip_view(trip, customer.name)


def _trip(session: Session, actor: Actor, trip_id: int) -> TripRecord:
    trip = session.get(TripRecord, trip_id)
    if trip is None or trip.branch_id != actor.branch_id:
        raise NotFound(_("No such trip record."))
    require_own_or_supervisor(actor, trip.branch_id, trip.staff_id)
    return trip


def update_trip(session: Session, actor: Actor, trip_id: int, data: TripInput) -> TripView:
    trip = _trip(session, actor, trip_id)
    customer = _check_trip(session, actor, data)
    trip.customer_id = customer.id
    trip.day = data.day
    trip.purpose = data.purpose.strip()
    trip.planned_out = data.planned_out
    trip.planned_back = data.planned_back
    return _trip_view(trip, customer.name)


def delete_trip(session: Session, actor: Actor, trip_id: int) -> None:
    session.delete(_trip(session, actor, trip_id))


def list_trips(
    session: Session, actor: Actor, staff_id: int | None, first: date, last: date
) -> list[TripView]:
    """Trips in [first, last]: one person's, or (supervisor, `staff_id` None) the branch's."""
    query = select(TripRecord).where(
        TripRecord.branch_id == actor.branch_id, TripRecord.day.between(first, last)
    )
    query = _scoped(session, actor, query, TripRecord.staff_id, staff_id)
    trips = list(session.scalars(query.order_by(TripRecord.day, TripRecord.planned_out)))
    names = _customer_names(session, (t.customer_id for t in trips))
    return [_trip_view(t, names.get(t.customer_id, "")) for t in trips]


def _scoped(session: Session, actor: Actor, query, column, staff_id: int | None):  # type: ignore[no-untyped-def]
    if staff_id is None and not actor.sees_whole_branch:
        staff_id = actor.staff_id
    if staff_id is None:
        require_supervisor(actor)
        return query
    _staff(session, actor, staff_id)
    return query.where(column == staff_id)


# --- visit logs ------------------------------------------------------------------------


@dataclass(frozen=True)
class LogInput:
    staff_id: int
    customer_id: int
    day: date
    content: str
    feedback: str = ""
    follow_up: str = ""
    follow_up_due: date | None = None


@dataclass(frozen=True)
class LogView:
    id: int
    staff_id: int
    customer_id: int
    customer_name: str
    day: date
    content: str
    feedback: str
    follow_up: str
    follow_up_due: date | None


def _log_view(v: VisitLog, customer_name: str) -> LogView:
    return LogView(
        v.id,
        v.staff_id,
        v.customer_id,
        customer_name,
        v.day,
        v.content,
        v.feedback,
        v.follow_up,
        v.follow_up_due,
    )


def _check_log(session: Session, actor: Actor, data: LogInput) -> Customer:
    _staff(session, actor, data.staff_id)
    customer = _own_customer(session, actor, data.staff_id, data.customer_id)
    if not data.content.strip():
        raise ValidationError(_("Write what was done at the visit."), field="content")
    today = branch_today(_branch(session, actor.branch_id).timezone)
    if data.day > today:
        raise ValidationError(_("A visit log cannot be for a day still to come."), field="day")
    if data.follow_up_due is not None and data.follow_up_due < data.day:
        raise ValidationError(
            _("The follow-up cannot be due before the visit."), field="follow_up_due"
        )
    return customer


def add_log(session: Session, actor: Actor, data: LogInput) -> LogView:
    customer = _check_log(session, actor, data)
    log = VisitLog(
        branch_id=actor.branch_id,
        staff_id=data.staff_id,
        customer_id=customer.id,
        day=data.day,
        content=data.content.strip(),
        feedback=data.feedback.strip(),
        follow_up=data.follow_up.strip(),
        follow_up_due=data.follow_up_due,
        created_by=actor.user_id,
    )
    session.add(log)
    session.flush()
    return _log_view(log, customer.name)


def _log(session: Session, actor: Actor, log_id: int) -> VisitLog:
    log = session.get(VisitLog, log_id)
    if log is None or log.branch_id != actor.branch_id:
        raise NotFound(_("No such visit log."))
    require_own_or_supervisor(actor, log.branch_id, log.staff_id)
    return log


def update_log(session: Session, actor: Actor, log_id: int, data: LogInput) -> LogView:
    log = _log(session, actor, log_id)
    customer = _check_log(session, actor, data)
    log.customer_id = customer.id
    log.day = data.day
    log.content = data.content.strip()
    log.feedback = data.feedback.strip()
    log.follow_up = data.follow_up.strip()
    log.follow_up_due = data.follow_up_due
    return _log_view(log, customer.name)


def delete_log(session: Session, actor: Actor, log_id: int) -> None:
    session.delete(_log(session, actor, log_id))


def list_logs(
    session: Session, actor: Actor, staff_id: int | None, first: date, last: date
) -> list[LogView]:
    query = select(VisitLog).where(
        VisitLog.branch_id == actor.branch_id, VisitLog.day.between(first, last)
    )
    query = _scoped(session, actor, query, VisitLog.staff_id, staff_id)
    logs = list(session.scalars(query.order_by(VisitLog.day, VisitLog.id)))
    names = _customer_names(session, (v.customer_id for v in logs))
    return [_log_view(v, names.get(v.customer_id, "")) for v in logs]


# --- visit plans -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInput:
    staff_id: int
    customer_id: int
    week_start: date
    planned_day: date | None = None
    purpose: str = ""


@dataclass(frozen=True)
class PlanView:
    """A planned visit; `outcome` is judged against the week's logs (PlanOutcome)."""

    id: int
    staff_id: int
    customer_id: int
    customer_name: str
    week_start: date
    planned_day: date | None
    purpose: str
    outcome: str
    reason: str
    moved_to: date | None
    done_on: date | None  # the day of the matching visit log


def add_plan(session: Session, actor: Actor, data: PlanInput) -> PlanView:
    _staff(session, actor, data.staff_id)
    customer = _own_customer(session, actor, data.staff_id, data.customer_id)
    week_start = week_of(data.week_start)
    if data.planned_day is not None and week_of(data.planned_day) != week_start:
        raise ValidationError(
            _("The planned day must fall in the week {week}.").format(week=week_label(week_start)),
            field="planned_day",
        )
    plan = VisitPlan(
        branch_id=actor.branch_id,
        staff_id=data.staff_id,
        customer_id=customer.id,
        week_start=week_start,
        planned_day=data.planned_day,
        purpose=data.purpose.strip(),
    )
    session.add(plan)
    session.flush()
    return plans_for(session, actor, data.staff_id, week_start, only=plan.id)[0]


def _plan(session: Session, actor: Actor, plan_id: int) -> VisitPlan:
    plan = session.get(VisitPlan, plan_id)
    if plan is None or plan.branch_id != actor.branch_id:
        raise NotFound(_("No such planned visit."))
    require_own_or_supervisor(actor, plan.branch_id, plan.staff_id)
    return plan


def delete_plan(session: Session, actor: Actor, plan_id: int) -> None:
    session.delete(_plan(session, actor, plan_id))


def set_plan_outcome(
    session: Session,
    actor: Actor,
    plan_id: int,
    outcome: str,
    reason: str = "",
    moved_to: date | None = None,
) -> PlanView:
    """Say why a planned visit did not happen: moved (to a date) or dropped, with a reason.
    `open` clears it. A visit that a log shows as done needs no explanation."""
    plan = _plan(session, actor, plan_id)
    outcome = PlanOutcome(outcome)
    if outcome is PlanOutcome.DONE:
        raise ValidationError(_("A visit counts as done when its visit log is written."))
    reason = reason.strip()
    if outcome in (PlanOutcome.MOVED, PlanOutcome.DROPPED) and not reason:
        raise ValidationError(_("Give the reason the visit was moved or dropped."), field="reason")
    if outcome is PlanOutcome.MOVED and moved_to is None:
        raise ValidationError(_("Give the day the visit was moved to."), field="moved_to")
    plan.outcome = "" if outcome is PlanOutcome.OPEN else outcome.value
    plan.outcome_reason = reason if outcome is not PlanOutcome.OPEN else ""
    plan.moved_to = moved_to if outcome is PlanOutcome.MOVED else None
    return plans_for(session, actor, plan.staff_id, plan.week_start, only=plan.id)[0]


def plans_for(
    session: Session, actor: Actor, staff_id: int, week_start: date, only: int | None = None
) -> list[PlanView]:
    """The visits planned for a person's week, each judged against that week's logs."""
    _staff(session, actor, staff_id)
    query = select(VisitPlan).where(
        VisitPlan.staff_id == staff_id, VisitPlan.week_start == week_start
    )
    if only is not None:
        query = query.where(VisitPlan.id == only)
    plans = list(session.scalars(query.order_by(VisitPlan.planned_day, VisitPlan.id)))
    first, last = week_days(week_start)
    done: dict[int, date] = {}
    for customer_id, day in session.execute(
        select(VisitLog.customer_id, VisitLog.day)
        .where(VisitLog.staff_id == staff_id, VisitLog.day.between(first, last))
        .order_by(VisitLog.day)
    ):
        done.setdefault(customer_id, day)
    names = _customer_names(session, (p.customer_id for p in plans))
    views = []
    for p in plans:
        done_on = done.get(p.customer_id)
        outcome = (
            PlanOutcome.DONE
            if done_on is not None
            else PlanOutcome(p.outcome)
            if p.outcome
            else PlanOutcome.OPEN
        )
        views.append(
            PlanView(
                p.id,
                p.staff_id,
                p.customer_id,
                names.get(p.customer_id, ""),
                p.week_start,
                p.planned_day,
                p.purpose,
                outcome.value,
                p.outcome_reason,
                p.moved_to,
                done_on,
            )
        )
    return views


# --- the weekly summary ----------------------------------------------------------------


@dataclass(frozen=True)
class SummaryText:
    services: str = ""  # 服务提供情况
    needs_trends: str = ""  # 客户需求及消费动态
    campaign_response: str = ""  # 营销活动响应情况
    problems: str = ""  # 存在问题
    suggestions: str = ""  # 建议
    next_week_plan: str = ""  # 下周工作计划


TEXT_FIELDS = tuple(SummaryText.__dataclass_fields__)
TEXT_LABELS = {
    "services": N_("Services provided"),
    "needs_trends": N_("Customer needs and consumption trends"),
    "campaign_response": N_("Response to campaigns"),
    "problems": N_("Problems"),
    "suggestions": N_("Suggestions"),
    "next_week_plan": N_("Next week's plan"),
}


@dataclass(frozen=True)
class VisitLine:
    day: date
    customer_id: int
    content: str = ""
    customer_name: str = ""


@dataclass(frozen=True)
class ReviewEventView:
    kind: str
    text: str
    by: str
    at: datetime


@dataclass(frozen=True)
class SummaryView:
    """A manager's week as the editor, the review queue and the roll-up show it. `id` is
    None for a week with nothing saved yet (visits prefilled from the logs)."""

    id: int | None
    staff_id: int
    employee_no: str
    name: str
    week_start: date
    revision: int
    state: str  # SummaryState, or "" when nothing is saved
    board_state: str  # BoardState
    text: SummaryText
    visits: list[VisitLine]
    checklist: list[PlanView]  # last week's plan for this week
    next_plans: list[PlanView]  # the plan for next week
    deadline: datetime
    submitted_at: datetime | None
    late: bool
    review_comment: str
    return_reason: str
    reviewed_at: datetime | None
    source: str
    source_file: str
    events: list[ReviewEventView] = field(default_factory=list)
    revisions: int = 0  # how many revisions the week has

    @property
    def week(self) -> str:
        return week_label(self.week_start)

    @property
    def editable(self) -> bool:
        """The manager may still change it (a draft, or nothing saved yet)."""
        return self.state in ("", SummaryState.DRAFT)


def _current(session: Session, staff_id: int, week_start: date) -> WeeklySummary | None:
    return session.scalar(
        select(WeeklySummary)
        .where(WeeklySummary.staff_id == staff_id, WeeklySummary.week_start == week_start)
        .order_by(WeeklySummary.revision.desc())
        .limit(1)
    )


def board_state(row: WeeklySummary | None) -> BoardState:
    """How a week's current summary row shows on the board (None: nothing saved)."""
    if row is None:
        return BoardState.MISSING
    state = SummaryState(row.state)
    if state is SummaryState.SUBMITTED:
        return BoardState.LATE if row.late else BoardState.SUBMITTED
    return BoardState(state.value)


def prefill_visits(session: Session, staff_id: int, week_start: date) -> list[VisitLine]:
    """The week's visit logs as summary lines (one per log)."""
    first, last = week_days(week_start)
    rows = session.execute(
        select(VisitLog.day, VisitLog.customer_id, VisitLog.content, Customer.name)
        .join(Customer, Customer.id == VisitLog.customer_id)
        .where(VisitLog.staff_id == staff_id, VisitLog.day.between(first, last))
        .order_by(VisitLog.day, VisitLog.id)
    )
    return [VisitLine(day, cid, content[:500], name) for day, cid, content, name in rows]


def _view(
    session: Session,
    actor: Actor,
    person: Staff,
    week_start: date,
    row: WeeklySummary | None,
    due: datetime | None = None,
) -> SummaryView:
    """`due`: the week's deadline when the caller already has it (the roll-up makes a view
    per manager; working the deadline out loads settings and the calendar each time)."""
    if row is None:
        text = SummaryText()
        visits = prefill_visits(session, person.id, week_start)
    else:
        text = SummaryText(**{f: getattr(row, f) for f in TEXT_FIELDS})
        names = _customer_names(session, (v.customer_id for v in row.visits))
        visits = [
            VisitLine(v.day, v.customer_id, v.content, names.get(v.customer_id, ""))
            for v in row.visits
        ]
    events: list[ReviewEventView] = []
    revisions = 0
    if row is not None:
        rows = session.execute(
            select(ReviewEvent, User.display_name)
            .join(WeeklySummary, WeeklySummary.id == ReviewEvent.summary_id)
            .outerjoin(User, User.id == ReviewEvent.by_user)
            .where(WeeklySummary.staff_id == person.id, WeeklySummary.week_start == week_start)
            .order_by(ReviewEvent.at, ReviewEvent.id)
        )
        events = [ReviewEventView(e.kind, e.text, by or "", e.at) for e, by in rows]
        revisions = row.revision
    return SummaryView(
        id=row.id if row else None,
        staff_id=person.id,
        employee_no=person.employee_no,
        name=person.name,
        week_start=week_start,
        revision=row.revision if row else 0,
        state=row.state if row else "",
        board_state=board_state(row).value,
        text=text,
        visits=visits,
        checklist=plans_for(session, actor, person.id, week_start),
        next_plans=plans_for(session, actor, person.id, week_start + _WEEK),
        deadline=due or deadline(session, actor.branch_id, week_start),
        submitted_at=row.submitted_at if row else None,
        late=row.late if row else False,
        review_comment=row.review_comment if row else "",
        return_reason=row.return_reason if row else "",
        reviewed_at=row.reviewed_at if row else None,
        source=row.source if row else "",
        source_file=row.source_file if row else "",
        events=events,
        revisions=revisions,
    )


def get_summary(session: Session, actor: Actor, staff_id: int, week_start: date) -> SummaryView:
    """A person's summary for a week: the current revision, or a prefilled empty one."""
    person = _staff(session, actor, staff_id)
    week_start = week_of(week_start)
    return _view(session, actor, person, week_start, _current(session, staff_id, week_start))


def summary_by_id(session: Session, actor: Actor, summary_id: int) -> SummaryView:
    """One revision (older revisions stay readable)."""
    row = session.get(WeeklySummary, summary_id)
    if row is None or row.branch_id != actor.branch_id:
        raise NotFound(_("No such weekly summary."))
    person = _staff(session, actor, row.staff_id)
    return _view(session, actor, person, row.week_start, row)


def _check_text(text: SummaryText) -> SummaryText:
    for name in TEXT_FIELDS:
        if len(getattr(text, name)) > TEXT_LIMIT:
            raise ValidationError(
                _("{field} is longer than {limit} characters.").format(
                    field=_(TEXT_LABELS[name]), limit=TEXT_LIMIT
                ),
                field=name,
            )
    return SummaryText(**{f: getattr(text, f).strip() for f in TEXT_FIELDS})


def _set_content(
    session: Session,
    actor: Actor,
    row: WeeklySummary,
    text: SummaryText,
    visits: Sequence[VisitLine],
) -> None:
    text = _check_text(text)
    for name in TEXT_FIELDS:
        setattr(row, name, getattr(text, name))
    first, last = week_days(row.week_start)
    lines = []
    for position, line in enumerate(visits):
        customer = _own_customer(session, actor, row.staff_id, line.customer_id)
        if not first <= line.day <= last:
            raise ValidationError(
                _("The visit to {customer} on {day} is not in the week {week}.").format(
                    customer=customer.name, day=line.day.isoformat(), week=week_label(first)
                ),
                field="visits",
            )
        lines.append(
            SummaryVisit(
                position=position,
                day=line.day,
                customer_id=customer.id,
                content=line.content.strip()[:500],
            )
        )
    row.visits = lines


def _new_row(actor: Actor, staff_id: int, week_start: date, revision: int) -> WeeklySummary:
    return WeeklySummary(
        branch_id=actor.branch_id,
        staff_id=staff_id,
        week_start=week_start,
        revision=revision,
        state=SummaryState.DRAFT.value,
        created_by=actor.user_id,
    )


def save_draft(
    session: Session,
    actor: Actor,
    staff_id: int,
    week_start: date,
    text: SummaryText,
    visits: Sequence[VisitLine],
) -> SummaryView:
    """Keep what the manager wrote (the editor saves by itself as they type)."""
    person = _staff(session, actor, staff_id)
    week_start = week_of(week_start)
    row = _current(session, staff_id, week_start)
    if row is None:
        row = _new_row(actor, staff_id, week_start, 1)
        session.add(row)
    elif row.state != SummaryState.DRAFT:
        raise ValidationError(_not_editable(row))
    _set_content(session, actor, row, text, visits)
    session.flush()
    return _view(session, actor, person, week_start, row)


def _not_editable(row: WeeklySummary) -> str:
    if row.state == SummaryState.SUBMITTED:
        return _("This summary has been submitted; the supervisor can return it for revision.")
    if row.state == SummaryState.RETURNED:
        return _("This summary was returned: start a revision to change it.")
    return _("This summary has been approved and can no longer change.")


def _check_plans_explained(plans: Sequence[PlanView]) -> None:
    """Every planned visit not done must be explained (moved or dropped) before handing in."""
    open_plans = [p for p in plans if p.outcome == PlanOutcome.OPEN]
    if open_plans:
        raise ValidationError(
            _("Say why these planned visits did not happen (moved or dropped): {names}.").format(
                names=_(", ").join(p.customer_name for p in open_plans)
            ),
            field="checklist",
        )


def _stamp_submission(session: Session, actor: Actor, row: WeeklySummary) -> None:
    due = deadline(session, actor.branch_id, row.week_start)
    at = now_utc()
    row.state = SummaryState.SUBMITTED.value
    row.submitted_at = at
    row.deadline_at = due
    row.late = is_late(at, due)


def submit(session: Session, actor: Actor, staff_id: int, week_start: date) -> SummaryView:
    """Hand the draft in: stamps the time; after the deadline it is marked late but taken.
    Every planned visit not done must first be explained (moved or dropped, with a reason)."""
    person = _staff(session, actor, staff_id)
    week_start = week_of(week_start)
    row = _current(session, staff_id, week_start)
    if row is None:
        raise ValidationError(_("Save the summary before submitting it."))
    if row.state != SummaryState.DRAFT:
        raise ValidationError(_not_editable(row))
    _check_plans_explained(plans_for(session, actor, staff_id, week_start))
    _stamp_submission(session, actor, row)
    session.flush()
    return _view(session, actor, person, week_start, row)


def revise(session: Session, actor: Actor, staff_id: int, week_start: date) -> SummaryView:
    """Start revision n+1 of a returned summary, as a draft copied from it."""
    person = _staff(session, actor, staff_id)
    week_start = week_of(week_start)
    row = _current(session, staff_id, week_start)
    if row is None or row.state != SummaryState.RETURNED:
        raise ValidationError(_("Only a summary returned for revision can be revised."))
    new = _copy_as_new_revision(session, actor, row)
    _event(session, actor, new, ReviewKind.REVISE, "")
    session.flush()
    return _view(session, actor, person, week_start, new)


def _copy_as_new_revision(session: Session, actor: Actor, row: WeeklySummary) -> WeeklySummary:
    new = _new_row(actor, row.staff_id, row.week_start, row.revision + 1)
    for name in TEXT_FIELDS:
        setattr(new, name, getattr(row, name))
    new.visits = [
        SummaryVisit(position=v.position, day=v.day, customer_id=v.customer_id, content=v.content)
        for v in row.visits
    ]
    session.add(new)
    session.flush()
    return new


# --- the supervisor's review -----------------------------------------------------------


def _event(session: Session, actor: Actor, row: WeeklySummary, kind: ReviewKind, text: str):  # type: ignore[no-untyped-def]
    session.add(ReviewEvent(summary_id=row.id, kind=kind.value, text=text, by_user=actor.user_id))


def _reviewable(session: Session, actor: Actor, summary_id: int) -> WeeklySummary:
    audit.by(session, actor)
    require_supervisor(actor)
    row = session.get(WeeklySummary, summary_id)
    if row is None or row.branch_id != actor.branch_id:
        raise NotFound(_("No such weekly summary."))
    return row


def comment(session: Session, actor: Actor, summary_id: int, text: str) -> SummaryView:
    """The supervisor's 点评 on a summary handed in (kept with the review history)."""
    row = _reviewable(session, actor, summary_id)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the comment first."), field="comment")
    if row.state == SummaryState.DRAFT:
        raise ValidationError(_("A draft cannot be commented on until it is submitted."))
    row.review_comment = text
    row.reviewed_by = actor.user_id
    row.reviewed_at = now_utc()
    _event(session, actor, row, ReviewKind.COMMENT, text)
    session.flush()
    return summary_by_id(session, actor, row.id)


def return_for_revision(
    session: Session, actor: Actor, summary_id: int, reason: str
) -> SummaryView:
    row = _reviewable(session, actor, summary_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say what needs revising."), field="reason")
    if row.state != SummaryState.SUBMITTED:
        raise ValidationError(_("Only a submitted summary can be returned."))
    row.state = SummaryState.RETURNED.value
    row.return_reason = reason
    row.reviewed_by = actor.user_id
    row.reviewed_at = now_utc()
    _event(session, actor, row, ReviewKind.RETURN, reason)
    session.flush()
    return summary_by_id(session, actor, row.id)


def approve(session: Session, actor: Actor, summary_id: int, text: str = "") -> SummaryView:
    row = _reviewable(session, actor, summary_id)
    if row.state != SummaryState.SUBMITTED:
        raise ValidationError(_("Only a submitted summary can be approved."))
    row.state = SummaryState.APPROVED.value
    if text.strip():
        row.review_comment = text.strip()
    row.reviewed_by = actor.user_id
    row.reviewed_at = now_utc()
    _event(session, actor, row, ReviewKind.APPROVE, text.strip())
    session.flush()
    return summary_by_id(session, actor, row.id)


# --- a whole summary from a file -------------------------------------------------------


@dataclass(frozen=True)
class PlanOutcomeInput:
    plan_id: int
    outcome: str  # PlanOutcome: done | moved | dropped | open
    reason: str = ""
    moved_to: date | None = None


@dataclass(frozen=True)
class ImportedSummary:
    """Everything one filled template says about a manager's week."""

    staff_id: int
    week_start: date
    text: SummaryText
    visits: Sequence[VisitLine]
    outcomes: Sequence[PlanOutcomeInput]
    next_plans: Sequence[PlanInput]
    source_file: str = ""


class ImportAction(StrEnum):
    CREATED = "created"
    REPLACED = "replaced"  # the previous one was not yet reviewed
    KEPT_BOTH = "kept_both"  # the previous one was reviewed: a new revision beside it


@dataclass(frozen=True)
class ImportedOutcome:
    summary_id: int
    revision: int
    action: str  # ImportAction
    late: bool


def store_imported(session: Session, actor: Actor, data: ImportedSummary) -> ImportedOutcome:
    """Store a filled template as the submitted summary of its week. The caller holds the
    transaction: any error leaves nothing of the file stored.

    A summary not yet reviewed is replaced; a reviewed one is never overwritten: the file
    becomes revision n+1 and both are kept (the review history says so)."""
    _staff(session, actor, data.staff_id)
    week_start = week_of(data.week_start)
    row = _current(session, data.staff_id, week_start)
    if row is None:
        action = ImportAction.CREATED
        row = _new_row(actor, data.staff_id, week_start, 1)
        session.add(row)
    elif row.state in REVIEWED:
        action = ImportAction.KEPT_BOTH
        previous = row
        row = _new_row(actor, data.staff_id, week_start, previous.revision + 1)
        session.add(row)
        session.flush()
        _event(
            session,
            actor,
            row,
            ReviewKind.IMPORT,
            _("Imported from {file}; revision {revision} ({state}) is kept.").format(
                file=data.source_file, revision=previous.revision, state=board_label(previous.state)
            ),
        )
    else:
        action = ImportAction.REPLACED
    _set_content(session, actor, row, data.text, data.visits)
    row.source = "xlsx"
    row.source_file = data.source_file[:260]
    plans = {
        p.id: p
        for p in session.scalars(
            select(VisitPlan).where(
                VisitPlan.staff_id == data.staff_id, VisitPlan.week_start == week_start
            )
        )
    }
    for given in data.outcomes:
        plan = plans.get(given.plan_id)
        if plan is None:
            raise ValidationError(_("A planned visit in the file is not in the store."))
        outcome = PlanOutcome(given.outcome)
        if outcome in (PlanOutcome.MOVED, PlanOutcome.DROPPED):
            set_plan_outcome(session, actor, plan.id, outcome, given.reason, given.moved_to)
    # The same rule as submit(): a file is a submission (the importer names the cells first).
    _check_plans_explained(plans_for(session, actor, data.staff_id, week_start))
    # Next week's plan becomes what the file says. A plan the file repeats is kept as it
    # is (its id, which a template of next week may already carry, and any outcome).
    next_week = week_start + _WEEK
    kept = list(
        session.scalars(
            select(VisitPlan).where(
                VisitPlan.staff_id == data.staff_id, VisitPlan.week_start == next_week
            )
        )
    )
    for plan_input in data.next_plans:
        same = next(
            (
                p
                for p in kept
                if (p.customer_id, p.planned_day, p.purpose)
                == (plan_input.customer_id, plan_input.planned_day, plan_input.purpose.strip())
            ),
            None,
        )
        if same is not None:
            kept.remove(same)
        else:
            add_plan(session, actor, plan_input)
    for gone in kept:
        session.delete(gone)
    _stamp_submission(session, actor, row)
    session.flush()
    return ImportedOutcome(row.id, row.revision, action.value, row.late)


# --- the week's board ------------------------------------------------------------------


@dataclass(frozen=True)
class BoardLine:
    staff_id: int
    employee_no: str
    name: str
    state: str  # BoardState
    summary_id: int | None
    revision: int
    submitted_at: datetime | None
    late: bool
    updated_at: datetime | None
    reviewed_at: datetime | None


@dataclass(frozen=True)
class WeekStatus:
    week_start: date
    deadline: datetime
    rollup_due: datetime
    lines: list[BoardLine]
    rollup_produced_at: datetime | None

    @property
    def week(self) -> str:
        return week_label(self.week_start)

    @property
    def rollup_produced(self) -> bool:
        return self.rollup_produced_at is not None

    @property
    def rollup_on_time(self) -> bool:
        return self.rollup_produced_at is not None and self.rollup_produced_at <= self.rollup_due

    def count(self, state: str) -> int:
        return sum(1 for line in self.lines if line.state == state)


def _managers(session: Session, branch_id: int) -> list[Staff]:
    return list(
        session.scalars(
            select(Staff)
            .where(Staff.branch_id == branch_id, Staff.active.is_(True))
            .order_by(Staff.employee_no)
        )
    )


def week_status(session: Session, actor: Actor, week_start: date) -> WeekStatus:
    """Each active manager's summary for the week, for the review queue and the board."""
    require_supervisor(actor)
    week_start = week_of(week_start)
    current: dict[int, WeeklySummary] = {}
    for summary in session.scalars(
        select(WeeklySummary)
        .where(WeeklySummary.branch_id == actor.branch_id, WeeklySummary.week_start == week_start)
        .order_by(WeeklySummary.revision)
    ):
        current[summary.staff_id] = summary  # the highest revision wins
    lines = []
    for person in _managers(session, actor.branch_id):
        row = current.get(person.id)
        lines.append(
            BoardLine(
                person.id,
                person.employee_no,
                person.name,
                board_state(row).value,
                row.id if row else None,
                row.revision if row else 0,
                row.submitted_at if row else None,
                row.late if row else False,
                row.updated_at if row else None,
                row.reviewed_at if row else None,
            )
        )
    first_rollup = session.scalar(
        select(WeeklyRollup)
        .where(WeeklyRollup.branch_id == actor.branch_id, WeeklyRollup.week_start == week_start)
        .order_by(WeeklyRollup.produced_at)
        .limit(1)
    )
    return WeekStatus(
        week_start,
        deadline(session, actor.branch_id, week_start),
        rollup_due(session, actor.branch_id, week_start),
        lines,
        first_rollup.produced_at if first_rollup else None,
    )


NOT_HANDED_IN = frozenset({BoardState.MISSING, BoardState.DRAFT, BoardState.RETURNED})


def reminder_text(name: str, due: datetime, now: datetime | None = None) -> str:
    """A message to paste into a chat app for someone who has not handed in the week."""
    local = due.astimezone(due.tzinfo)
    when = _("{weekday} {time}").format(
        weekday=_(WEEKDAY_SHORT[local.weekday()]), time=local.strftime("%H:%M")
    )
    if now is not None and now > due:
        return _(
            "{name}: this week's weekly progress summary is past its deadline ({when}) and "
            "has not been submitted; please submit it as soon as possible."
        ).format(name=name, when=when)
    return _(
        "{name}: this week's weekly progress summary has not been submitted yet; "
        "please submit it by {when}."
    ).format(name=name, when=when)


def reminders(status: WeekStatus, now: datetime | None = None) -> list[tuple[BoardLine, str]]:
    """A ready reminder for each manager who has not handed the week in."""
    return [
        (line, reminder_text(line.name, status.deadline, now))
        for line in status.lines
        if line.state in NOT_HANDED_IN
    ]


def record_rollup(
    session: Session, actor: Actor, week_start: date, kind: str, filename: str, sha256: str
) -> None:
    """Note that the roll-up for a week was produced (the app shows whether it was on time)."""
    require_supervisor(actor)
    session.add(
        WeeklyRollup(
            branch_id=actor.branch_id,
            week_start=week_of(week_start),
            kind=kind,
            filename=filename[:260],
            sha256=sha256,
            produced_by=actor.user_id,
        )
    )


def summaries_for_week(session: Session, actor: Actor, week_start: date) -> list[SummaryView]:
    """The current summary of every active manager for the week (the roll-up's body);
    managers with nothing saved come back with `state` "" (missing)."""
    require_supervisor(actor)
    week_start = week_of(week_start)
    due = deadline(session, actor.branch_id, week_start)
    return [
        _view(session, actor, person, week_start, _current(session, person.id, week_start), due)
        for person in _managers(session, actor.branch_id)
    ]


# --- history for charts and the attendance ledger --------------------------------------


@dataclass(frozen=True)
class WeekRecord:
    staff_id: int
    week_start: date
    state: str  # BoardState
    late: bool
    visits: int  # visit logs written that week


def history(session: Session, actor: Actor, last_week: date, weeks: int = 12) -> list[WeekRecord]:
    """Each active manager's last `weeks` weeks up to `last_week`: state and visits."""
    require_supervisor(actor)
    last_week = week_of(last_week)
    first_week = last_week - (weeks - 1) * _WEEK
    people = _managers(session, actor.branch_id)
    current: dict[tuple[int, date], WeeklySummary] = {}
    for summary in session.scalars(
        select(WeeklySummary)
        .where(
            WeeklySummary.branch_id == actor.branch_id,
            WeeklySummary.week_start.between(first_week, last_week),
        )
        .order_by(WeeklySummary.revision)
    ):
        current[(summary.staff_id, summary.week_start)] = summary
    visits: dict[tuple[int, date], int] = defaultdict(int)
    for staff_id, day in session.execute(
        select(VisitLog.staff_id, VisitLog.day).where(
            VisitLog.branch_id == actor.branch_id,
            VisitLog.day.between(first_week, last_week + 6 * _DAY),
        )
    ):
        visits[(staff_id, week_of(day))] += 1
    records = []
    for person in people:
        for n in range(weeks):
            week = first_week + n * _WEEK
            row = current.get((person.id, week))
            records.append(
                WeekRecord(
                    person.id,
                    week,
                    board_state(row).value,
                    bool(row and row.late),
                    visits[(person.id, week)],
                )
            )
    return records


def late_submissions(
    session: Session, branch_id: int, staff_ids: Iterable[int], first: date, last: date
) -> list[tuple[int, date, datetime]]:
    """(staff, week, submitted_at) of each week handed in late whose deadline day falls in
    [first, last]: the attendance ledger charges them when the branch so chooses. Only the
    first submission of a week counts (a revision after a return is not late again)."""
    rows = session.execute(
        select(WeeklySummary.staff_id, WeeklySummary.week_start, WeeklySummary.submitted_at)
        .where(
            WeeklySummary.branch_id == branch_id,
            WeeklySummary.staff_id.in_(list(staff_ids)),
            WeeklySummary.revision == 1,
            WeeklySummary.late.is_(True),
            WeeklySummary.week_start.between(first - 6 * _DAY, last),
        )
        .order_by(WeeklySummary.week_start)
    )
    out = []
    for staff_id, week_start, submitted_at in rows:
        if submitted_at is not None and first <= due_day(session, branch_id, week_start) <= last:
            out.append((staff_id, week_start, submitted_at))
    return out
