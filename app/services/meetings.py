"""The meeting calendar (会议制度): kinds, schedules, occurrences, changes, notices, delegation.

Meetings are generated from each branch's schedules on its working calendar: a morning
meeting every working day (none on a statutory holiday, one on a make-up Saturday), the
weekly meeting on Mondays that are working days, the monthly ones on a chosen weekday of
the month (moved to the next working day when that day is off). Generation is idempotent
and never fails for a year the holiday package does not know (Monday–Friday fallback).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum, StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import (
    AbsenceNotice,
    AgendaTemplate,
    Branch,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    Staff,
)
from app.services import audit
from app.services.auth import Actor, require_branch, require_supervisor
from app.services.calendar import WorkCalendar
from app.services.clock import branch_today, now_utc
from app.services.errors import NotFound, ServiceError, ValidationError


class MeetingKind(StrEnum):
    MORNING = "morning"
    WEEKLY = "weekly"
    MONTHLY_GM = "monthly_gm"
    ANALYSIS = "analysis"
    ADHOC = "adhoc"


KIND_LABELS = {
    MeetingKind.MORNING: N_("Morning meeting"),
    MeetingKind.WEEKLY: N_("Weekly meeting"),
    MeetingKind.MONTHLY_GM: N_("General manager's meeting"),
    MeetingKind.ANALYSIS: N_("Analysis meeting"),
    MeetingKind.ADHOC: N_("Ad-hoc meeting"),
}

# Weekly and monthly meetings need formal minutes by a named minute-taker (DOMAIN.md).
NEEDS_MINUTE_TAKER = {MeetingKind.WEEKLY, MeetingKind.MONTHLY_GM, MeetingKind.ANALYSIS}


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    FINALIZED = "finalized"
    AMENDING = "amending"  # a finalized meeting reopened for its next revision


STATUS_LABELS = {
    MeetingStatus.SCHEDULED: N_("Scheduled"),
    MeetingStatus.CANCELLED: N_("Cancelled"),
    MeetingStatus.FINALIZED: N_("Finalized"),
    MeetingStatus.AMENDING: N_("Being amended"),
}


class Recurrence(StrEnum):
    WORKING_DAYS = "working_days"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[MeetingKind(kind)])


def status_label(status: str) -> str:
    return _(STATUS_LABELS[MeetingStatus(status)])


DEFAULT_AGENDAS: dict[MeetingKind, list[str]] = {
    MeetingKind.MORNING: [
        N_("Company documents and spirit"),
        N_("Today's priorities"),
        N_("Business difficulties explained"),
    ],
    MeetingKind.WEEKLY: [
        N_("Company documents and spirit"),
        N_("Work reports by the account managers"),
        N_("Information and customer feedback"),
        N_("Next week's work"),
    ],
    MeetingKind.MONTHLY_GM: [
        N_("Company strategy"),
        N_("Key and group customer trends"),
        N_("Service experience"),
        N_("Questions and answers"),
    ],
    MeetingKind.ANALYSIS: [
        N_("Case analysis"),
        N_("Experience exchange"),
        N_("Questions and answers"),
    ],
    MeetingKind.ADHOC: [N_("Discussion")],
}


@dataclass(frozen=True)
class ScheduleSpec:
    kind: MeetingKind
    recurrence: Recurrence
    start: time
    end: time
    weekday: int | None = None
    week_of_month: int | None = None


DEFAULT_SCHEDULES = [
    ScheduleSpec(MeetingKind.MORNING, Recurrence.WORKING_DAYS, time(8, 30), time(8, 50)),
    ScheduleSpec(MeetingKind.WEEKLY, Recurrence.WEEKLY, time(8, 30), time(9, 0), weekday=0),
    # "Once a month": the last Friday afternoon and the last Thursday afternoon by default.
    ScheduleSpec(
        MeetingKind.MONTHLY_GM, Recurrence.MONTHLY, time(16, 0), time(17, 0), 4, week_of_month=-1
    ),
    ScheduleSpec(
        MeetingKind.ANALYSIS, Recurrence.MONTHLY, time(16, 0), time(17, 0), 3, week_of_month=-1
    ),
]


def ensure_defaults(session: Session, branch_id: int, host_name: str = "") -> None:
    """Give a branch the standard schedules and agenda templates it does not have yet."""
    have = set(
        session.scalars(select(MeetingSchedule.kind).where(MeetingSchedule.branch_id == branch_id))
    )
    for spec in DEFAULT_SCHEDULES:
        if spec.kind.value in have:
            continue
        session.add(
            MeetingSchedule(
                branch_id=branch_id,
                kind=spec.kind.value,
                recurrence=spec.recurrence.value,
                weekday=spec.weekday,
                week_of_month=spec.week_of_month,
                start_time=spec.start,
                end_time=spec.end,
                place=_("Meeting room"),
                host_name=host_name,
                active=True,
            )
        )
    templates = set(
        session.scalars(select(AgendaTemplate.kind).where(AgendaTemplate.branch_id == branch_id))
    )
    for kind, sections in DEFAULT_AGENDAS.items():
        if kind.value not in templates:
            session.add(
                AgendaTemplate(
                    branch_id=branch_id,
                    kind=kind.value,
                    sections_json=json.dumps([_(s) for s in sections], ensure_ascii=False),
                )
            )
    session.flush()


def agenda_sections(session: Session, branch_id: int, kind: str) -> list[str]:
    row = session.scalar(
        select(AgendaTemplate).where(
            AgendaTemplate.branch_id == branch_id, AgendaTemplate.kind == kind
        )
    )
    if row is None:
        return [_(s) for s in DEFAULT_AGENDAS[MeetingKind(kind)]]
    return list(json.loads(row.sections_json))


def set_agenda_sections(session: Session, actor: Actor, kind: str, sections: list[str]) -> None:
    require_supervisor(actor)
    clean = [s.strip() for s in sections if s.strip()]
    if not clean:
        raise ValidationError(_("An agenda needs at least one section."), field="sections")
    row = session.scalar(
        select(AgendaTemplate).where(
            AgendaTemplate.branch_id == actor.branch_id, AgendaTemplate.kind == kind
        )
    )
    if row is None:
        row = AgendaTemplate(branch_id=actor.branch_id, kind=MeetingKind(kind).value)
        session.add(row)
    row.sections_json = json.dumps(clean, ensure_ascii=False)


# --- which dates a schedule produces (pure) ---------------------------------------------


def occurrences(schedule: MeetingSchedule, cal: WorkCalendar, start: date, end: date) -> list[date]:
    """The dates in [start, end] on which `schedule` holds its meeting."""
    recurrence = Recurrence(schedule.recurrence)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    if recurrence is Recurrence.WORKING_DAYS:
        return [d for d in days if cal.info(d).working]
    if recurrence is Recurrence.WEEKLY:
        return [d for d in days if d.weekday() == schedule.weekday and cal.info(d).working]
    result = []
    month = date(start.year, start.month, 1)
    while month <= end:
        target = _nth_weekday(month, schedule.weekday or 0, schedule.week_of_month or 1)
        moved = _next_working_day_in_month(target, cal)
        if moved is not None and start <= moved <= end:
            result.append(moved)
        month = (month + timedelta(days=32)).replace(day=1)
    return result


def _nth_weekday(month: date, weekday: int, n: int) -> date:
    if n > 0:
        first = month + timedelta(days=(weekday - month.weekday()) % 7)
        candidate = first + timedelta(weeks=n - 1)
        if candidate.month == month.month:
            return candidate
    last_day = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return last_day - timedelta(days=(last_day.weekday() - weekday) % 7)


def _next_working_day_in_month(day: date, cal: WorkCalendar) -> date | None:
    probe = day
    while probe.month == day.month:
        if cal.info(probe).working:
            return probe
        probe += timedelta(days=1)
    # Nothing left in the month (a holiday to its end): the last working day before it.
    probe = day - timedelta(days=1)
    while probe.month == day.month:
        if cal.info(probe).working:
            return probe
        probe -= timedelta(days=1)
    return None


# --- generating and listing ------------------------------------------------------------


def generate(session: Session, branch_id: int, start: date, end: date) -> int:
    """Create the scheduled meetings in [start, end] that do not exist yet; returns how many.

    Untouched future meetings on dates the calendar no longer allows (holidays entered
    after they were generated) are removed again; anything with a roll call, notice,
    draft or change is kept.
    """
    cal = WorkCalendar.load(session, branch_id, range(start.year, end.year + 1))
    schedules = list(
        session.scalars(
            select(MeetingSchedule).where(
                MeetingSchedule.branch_id == branch_id, MeetingSchedule.active.is_(True)
            )
        )
    )
    existing = {
        (m.schedule_id, m.original_day): m
        for m in session.scalars(
            select(Meeting).where(
                Meeting.branch_id == branch_id,
                Meeting.schedule_id.is_not(None),
                Meeting.original_day.between(start, end),
            )
        )
    }
    created = 0
    for schedule in schedules:
        wanted = set(occurrences(schedule, cal, start, end))
        for day in sorted(wanted):
            if (schedule.id, day) in existing:
                continue
            session.add(
                Meeting(
                    branch_id=branch_id,
                    schedule_id=schedule.id,
                    kind=schedule.kind,
                    day=day,
                    original_day=day,
                    start_time=schedule.start_time,
                    end_time=schedule.end_time,
                    place=schedule.place,
                    host_name=schedule.host_name,
                    minute_taker_staff_id=schedule.minute_taker_staff_id,
                    status=MeetingStatus.SCHEDULED.value,
                )
            )
            created += 1
        for (schedule_id, old_day), meeting in existing.items():
            if (
                schedule_id == schedule.id
                and old_day not in wanted
                and _untouched(session, meeting)
            ):
                session.delete(meeting)
    session.flush()
    return created


def _untouched(session: Session, meeting: Meeting) -> bool:
    if meeting.status != MeetingStatus.SCHEDULED or meeting.draft_json or meeting.change_reason:
        return False
    has_rows = session.scalar(
        select(MeetingAttendance.id).where(MeetingAttendance.meeting_id == meeting.id).limit(1)
    ) or session.scalar(
        select(AbsenceNotice.id).where(AbsenceNotice.meeting_id == meeting.id).limit(1)
    )
    return not has_rows


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    kind: str
    title: str
    day: date
    start: time
    end: time
    place: str
    host: str
    status: str
    revision: int
    change_reason: str

    @property
    def label(self) -> str:
        return self.title or kind_label(self.kind)


def _summary(m: Meeting, host: str) -> MeetingSummary:
    return MeetingSummary(
        m.id,
        m.kind,
        m.title,
        m.day,
        m.start_time,
        m.end_time,
        m.place,
        host,
        m.status,
        m.revision,
        m.change_reason,
    )


def host_of(session: Session, meeting: Meeting) -> str:
    """The delegated host if one was named, else the scheduled host."""
    if meeting.delegated_host_staff_id is not None:
        staff = session.get(Staff, meeting.delegated_host_staff_id)
        if staff is not None:
            return staff.name
    return meeting.host_name


def list_meetings(
    session: Session, actor: Actor, start: date, end: date, *, generate_first: bool = True
) -> list[MeetingSummary]:
    """Meetings in [start, end], generating the scheduled ones first. Managers see the
    calendar too (they attend); minutes and roll calls stay with the supervisor."""
    if generate_first:
        generate(session, actor.branch_id, start, end)
    rows = session.scalars(
        select(Meeting)
        .where(Meeting.branch_id == actor.branch_id, Meeting.day.between(start, end))
        .order_by(Meeting.day, Meeting.start_time, Meeting.id)
    )
    return [_summary(m, host_of(session, m)) for m in rows]


def get(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    audit.by(session, actor)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.branch_id != actor.branch_id:
        raise NotFound(_("No such meeting."))
    require_branch(actor, meeting.branch_id)
    return meeting


def summary(session: Session, actor: Actor, meeting_id: int) -> MeetingSummary:
    meeting = get(session, actor, meeting_id)
    return _summary(meeting, host_of(session, meeting))


def require_editable(meeting: Meeting) -> None:
    """Finalized minutes are locked: every change goes through an amendment."""
    if meeting.status == MeetingStatus.FINALIZED:
        raise ServiceError(
            _("This meeting is finalized and locked. Use “Amend” to make a new revision.")
        )
    if meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError(_("This meeting was cancelled."))


# --- changing one occurrence ------------------------------------------------------------


def _check_times(start: time, end: time) -> None:
    if end <= start:
        raise ValidationError(_("The meeting must end after it starts."), field="end")


def create_adhoc(
    session: Session,
    actor: Actor,
    day: date,
    start: time,
    end: time,
    title: str,
    place: str = "",
    host_name: str = "",
    kind: str = MeetingKind.ADHOC,
    minute_taker_staff_id: int | None = None,
) -> MeetingSummary:
    require_supervisor(actor)
    _check_times(start, end)
    if not title.strip():
        raise ValidationError(_("Give the meeting a title."), field="title")
    meeting = Meeting(
        branch_id=actor.branch_id,
        kind=MeetingKind(kind).value,
        title=title.strip(),
        day=day,
        start_time=start,
        end_time=end,
        place=place.strip(),
        host_name=host_name.strip() or actor.display_name,
        minute_taker_staff_id=minute_taker_staff_id,
        status=MeetingStatus.SCHEDULED.value,
    )
    session.add(meeting)
    session.flush()
    return _summary(meeting, meeting.host_name)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason."), field="reason")
    return reason


def reschedule(
    session: Session,
    actor: Actor,
    meeting_id: int,
    day: date,
    start: time,
    end: time,
    reason: str,
) -> MeetingSummary:
    require_supervisor(actor)
    meeting = get(session, actor, meeting_id)
    require_editable(meeting)
    _check_times(start, end)
    meeting.change_reason = _reason(reason)
    meeting.day, meeting.start_time, meeting.end_time = day, start, end
    session.flush()
    return _summary(meeting, host_of(session, meeting))


def cancel(session: Session, actor: Actor, meeting_id: int, reason: str) -> MeetingSummary:
    require_supervisor(actor)
    meeting = get(session, actor, meeting_id)
    require_editable(meeting)
    meeting.change_reason = _reason(reason)
    meeting.status = MeetingStatus.CANCELLED.value
    session.flush()
    return _summary(meeting, host_of(session, meeting))


class Unset(Enum):
    """Marks an argument that was not given (where None has a meaning of its own)."""

    UNSET = "unset"


UNSET = Unset.UNSET


def set_people(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    host_name: str | None = None,
    minute_taker_staff_id: int | Unset | None = UNSET,
    place: str | None = None,
) -> None:
    """Change who hosts and takes the minutes; leave out what stays (None clears the
    minute-taker)."""
    require_supervisor(actor)
    meeting = get(session, actor, meeting_id)
    require_editable(meeting)
    if host_name is not None:
        meeting.host_name = host_name.strip()
    if not isinstance(minute_taker_staff_id, Unset):
        if minute_taker_staff_id is not None:
            _branch_staff(session, actor, minute_taker_staff_id)
        meeting.minute_taker_staff_id = minute_taker_staff_id
    if place is not None:
        meeting.place = place.strip()


def delegate_host(
    session: Session, actor: Actor, meeting_id: int, staff_id: int | None, note: str = ""
) -> None:
    """A supervisor who cannot attend names, in advance, who holds the meeting."""
    require_supervisor(actor)
    meeting = get(session, actor, meeting_id)
    require_editable(meeting)
    if staff_id is not None:
        _branch_staff(session, actor, staff_id)
    meeting.delegated_host_staff_id = staff_id
    meeting.delegation_note = note.strip()


def _branch_staff(session: Session, actor: Actor, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.branch_id != actor.branch_id:
        raise NotFound(_("No such staff member."))
    return staff


# --- absence notices ------------------------------------------------------------------


def notice_is_excused(notified_at: datetime, meeting_day: date, tz: str) -> bool:
    """ "Cannot attend" counts as excused only if given before the end of the previous day
    (in the branch's time zone); a notice on the meeting day itself is too late."""
    deadline = datetime.combine(meeting_day, time(0, 0), tzinfo=ZoneInfo(tz))
    return notified_at < deadline


@dataclass(frozen=True)
class NoticeInfo:
    staff_id: int
    reason: str
    notified_at: datetime
    excused: bool


def record_notice(
    session: Session,
    actor: Actor,
    meeting_id: int,
    staff_id: int,
    reason: str,
    notified_at: datetime | None = None,
) -> NoticeInfo:
    """Record that a manager said they cannot attend; `notified_at` defaults to now.

    A manager may give notice for themselves; the supervisor records it for anyone.
    """
    meeting = get(session, actor, meeting_id)
    require_editable(meeting)
    if not actor.sees_whole_branch and actor.staff_id != staff_id:
        require_supervisor(actor)
    _branch_staff(session, actor, staff_id)
    when = notified_at or now_utc()
    if when.tzinfo is None:
        raise ValidationError(_("The time of the notice needs a time zone."), "notified_at")
    notice = session.scalar(
        select(AbsenceNotice).where(
            AbsenceNotice.meeting_id == meeting_id, AbsenceNotice.staff_id == staff_id
        )
    )
    if notice is None:
        notice = AbsenceNotice(branch_id=actor.branch_id, meeting_id=meeting_id, staff_id=staff_id)
        session.add(notice)
    notice.reason, notice.notified_at = _reason(reason), when
    session.flush()
    return NoticeInfo(
        staff_id, notice.reason, when, notice_is_excused(when, meeting.day, _tz(session, actor))
    )


def withdraw_notice(session: Session, actor: Actor, meeting_id: int, staff_id: int) -> None:
    require_supervisor(actor)
    require_editable(get(session, actor, meeting_id))
    session.execute(
        delete(AbsenceNotice).where(
            AbsenceNotice.meeting_id == meeting_id, AbsenceNotice.staff_id == staff_id
        )
    )


def notices(session: Session, actor: Actor, meeting_id: int) -> dict[int, NoticeInfo]:
    """The meeting's notices; an account manager sees only their own (house rule 6)."""
    meeting = get(session, actor, meeting_id)
    tz = _tz(session, actor)
    query = select(AbsenceNotice).where(AbsenceNotice.meeting_id == meeting_id)
    if not actor.sees_whole_branch:
        query = query.where(AbsenceNotice.staff_id == (actor.staff_id or -1))
    return {
        n.staff_id: NoticeInfo(
            n.staff_id, n.reason, n.notified_at, notice_is_excused(n.notified_at, meeting.day, tz)
        )
        for n in session.scalars(query)
    }


def _tz(session: Session, actor: Actor) -> str:
    branch = session.get(Branch, actor.branch_id)
    return branch.timezone if branch else "Asia/Shanghai"


# --- the schedules themselves (Settings → Meetings) -------------------------------------


@dataclass(frozen=True)
class ScheduleInfo:
    id: int
    kind: str
    recurrence: str
    weekday: int | None
    week_of_month: int | None
    start: time
    end: time
    place: str
    host_name: str
    minute_taker_staff_id: int | None
    active: bool


def list_schedules(session: Session, actor: Actor) -> list[ScheduleInfo]:
    rows = session.scalars(
        select(MeetingSchedule)
        .where(MeetingSchedule.branch_id == actor.branch_id)
        .order_by(MeetingSchedule.id)
    )
    return [
        ScheduleInfo(
            s.id,
            s.kind,
            s.recurrence,
            s.weekday,
            s.week_of_month,
            s.start_time,
            s.end_time,
            s.place,
            s.host_name,
            s.minute_taker_staff_id,
            s.active,
        )
        for s in rows
    ]


def update_schedule(
    session: Session, actor: Actor, info: ScheduleInfo, today: date | None = None
) -> None:
    """Change a schedule; meetings it generated from `today` on that nobody has touched
    are made again under the new rule the next time the calendar is shown."""
    require_supervisor(actor)
    row = session.get(MeetingSchedule, info.id)
    if row is None or row.branch_id != actor.branch_id:
        raise NotFound(_("No such schedule."))
    _check_times(info.start, info.end)
    recurrence = Recurrence(info.recurrence)
    if recurrence is not Recurrence.WORKING_DAYS and info.weekday not in range(7):
        raise ValidationError(_("Choose the weekday."), field="weekday")
    if recurrence is Recurrence.MONTHLY and info.week_of_month not in (1, 2, 3, 4, -1):
        raise ValidationError(_("Choose which week of the month."), field="week_of_month")
    if info.minute_taker_staff_id is not None:
        _branch_staff(session, actor, info.minute_taker_staff_id)
    row.recurrence, row.weekday, row.week_of_month = (
        recurrence.value,
        info.weekday,
        info.week_of_month,
    )
    row.start_time, row.end_time = info.start, info.end
    row.place, row.host_name = info.place.strip(), info.host_name.strip()
    row.minute_taker_staff_id, row.active = info.minute_taker_staff_id, info.active
    since = today or branch_today(_tz(session, actor))
    for meeting in session.scalars(
        select(Meeting).where(Meeting.schedule_id == row.id, Meeting.day >= since)
    ):
        if _untouched(session, meeting):
            session.delete(meeting)
    session.flush()
