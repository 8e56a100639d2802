"""The monthly meeting report (会议月报): which meetings were held, and who attended.

A meeting counts as *held* when its minutes are finalized (or being amended after that),
or when its roll call is complete; *scheduled* is every meeting of the month that was not
cancelled. Attendance is counted over the held meetings only, one line of their roll call
being one expected attendance (人次): a manager's rate is attended / expected, where
attended means present or late; excused absences (notice in time, leave, trip) and
unexcused ones are counted apart, and both lower the rate.
"""

from __future__ import annotations

import calendar as gregorian
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.models import Branch, Meeting, MeetingAttendance, Staff
from app.services import meetings, rollcall
from app.services.auth import Actor, require_supervisor
from app.services.errors import ValidationError
from app.services.meetings import MeetingKind, MeetingStatus
from app.services.rollcall import ATTENDED, AWAY_WITH_REASON, AttendanceStatus

_STANDARD_KINDS = (
    MeetingKind.MORNING,
    MeetingKind.WEEKLY,
    MeetingKind.MONTHLY_GM,
    MeetingKind.ANALYSIS,
)


def _rate(attended: int, expected: int) -> float | None:
    return attended / expected if expected else None


@dataclass(frozen=True)
class KindLine:
    """One kind of meeting in the month."""

    kind: str
    label: str
    scheduled: int  # not cancelled
    held: int
    cancelled: int


@dataclass(frozen=True)
class ManagerLine:
    """One account manager's attendance over the month's held meetings (人次)."""

    staff_id: int
    employee_no: str
    name: str
    expected: int
    attended: int
    late: int
    excused: int
    unexcused: int

    @property
    def rate(self) -> float | None:
        return _rate(self.attended, self.expected)


@dataclass(frozen=True)
class WeekLine:
    """An ISO week, cut to the days that fall in the month."""

    iso_year: int
    week: int
    first: date
    last: date
    expected: int
    attended: int

    @property
    def rate(self) -> float | None:
        return _rate(self.attended, self.expected)

    @property
    def label(self) -> str:
        return _("Week {week}").format(week=self.week)


@dataclass(frozen=True)
class MeetingMonthReport:
    branch: str
    year: int
    month: int
    kinds: list[KindLine]
    managers: list[ManagerLine]
    weeks: list[WeekLine]

    @property
    def expected(self) -> int:
        return sum(m.expected for m in self.managers)

    @property
    def attended(self) -> int:
        return sum(m.attended for m in self.managers)

    @property
    def rate(self) -> float | None:
        return _rate(self.attended, self.expected)

    @property
    def held(self) -> int:
        return sum(k.held for k in self.kinds)

    @property
    def scheduled(self) -> int:
        return sum(k.scheduled for k in self.kinds)

    def chart_weeks(self) -> list[tuple[str, float]]:
        """(label, rate) for the weeks that had held meetings: the chart's input."""
        return [(w.label, w.attended / w.expected) for w in self.weeks if w.expected]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12 or not 1900 <= year <= 9999:
        raise ValidationError(
            _("{year}-{month}: not a month.").format(year=year, month=month), field="month"
        )
    return date(year, month, 1), date(year, month, gregorian.monthrange(year, month)[1])


def is_held(meeting: Meeting, lines: int, expected: int) -> bool:
    """Finalized minutes, or a complete roll call with at least one line."""
    if meeting.status in (MeetingStatus.FINALIZED, MeetingStatus.AMENDING):
        return True
    return meeting.status == MeetingStatus.SCHEDULED and lines > 0 and lines >= expected


def month_report(
    session: Session, actor: Actor, year: int, month: int, *, generate_first: bool = True
) -> MeetingMonthReport:
    """The report for one calendar month of the actor's branch (supervisor only).

    With `generate_first` the month's scheduled meetings are generated first (as the
    calendar does), so that a meeting nobody opened still counts as scheduled.
    """
    require_supervisor(actor)
    first, last = month_bounds(year, month)
    if generate_first:
        meetings.generate(session, actor.branch_id, first, last)
    branch = session.get(Branch, actor.branch_id)
    month_meetings = list(
        session.scalars(
            select(Meeting)
            .where(Meeting.branch_id == actor.branch_id, Meeting.day.between(first, last))
            .order_by(Meeting.day, Meeting.start_time, Meeting.id)
        )
    )
    lines_by_meeting: dict[int, list[MeetingAttendance]] = defaultdict(list)
    for line in session.scalars(
        select(MeetingAttendance).where(
            MeetingAttendance.meeting_id.in_([m.id for m in month_meetings])
        )
    ):
        lines_by_meeting[line.meeting_id].append(line)

    held_meetings = []
    per_kind: dict[str, list[int]] = {}  # kind -> [scheduled, held, cancelled]
    for meeting in month_meetings:
        counts = per_kind.setdefault(meeting.kind, [0, 0, 0])
        if meeting.status == MeetingStatus.CANCELLED:
            counts[2] += 1
            continue
        counts[0] += 1
        lines = lines_by_meeting.get(meeting.id, [])
        # Who should be on the roll call is only asked when it may be complete.
        expected = len(rollcall.expected_staff(session, meeting)) if lines else 0
        if is_held(meeting, len(lines), expected):
            counts[1] += 1
            held_meetings.append(meeting)

    kinds = [
        KindLine(k.value, meetings.kind_label(k.value), *per_kind.get(k.value, [0, 0, 0]))
        for k in MeetingKind
        if k in _STANDARD_KINDS or k.value in per_kind
    ]
    managers = _manager_lines(session, held_meetings, lines_by_meeting)
    weeks = _week_lines(first, last, held_meetings, lines_by_meeting)
    return MeetingMonthReport(branch.name if branch else "", year, month, kinds, managers, weeks)


def _manager_lines(
    session: Session,
    held: list[Meeting],
    lines_by_meeting: dict[int, list[MeetingAttendance]],
) -> list[ManagerLine]:
    tally: dict[int, list[int]] = {}  # staff id -> [expected, attended, late, excused, absent]
    for meeting in held:
        for line in lines_by_meeting.get(meeting.id, []):
            t = tally.setdefault(line.staff_id, [0, 0, 0, 0, 0])
            status = AttendanceStatus(line.status)
            t[0] += 1
            t[1] += status in ATTENDED
            t[2] += status is AttendanceStatus.LATE
            t[3] += status in AWAY_WITH_REASON
            t[4] += status is AttendanceStatus.ABSENT
    if not tally:
        return []
    people = session.scalars(select(Staff).where(Staff.id.in_(tally)).order_by(Staff.employee_no))
    return [ManagerLine(p.id, p.employee_no, p.name, *tally[p.id]) for p in people]


def _week_lines(
    first: date,
    last: date,
    held: list[Meeting],
    lines_by_meeting: dict[int, list[MeetingAttendance]],
) -> list[WeekLine]:
    tally: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for meeting in held:
        key = meeting.day.isocalendar()[:2]
        for line in lines_by_meeting.get(meeting.id, []):
            tally[key][0] += 1
            tally[key][1] += AttendanceStatus(line.status) in ATTENDED
    weeks = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        iso_year, week, _day = monday.isocalendar()
        expected, attended = tally.get((iso_year, week), (0, 0))
        weeks.append(
            WeekLine(
                iso_year,
                week,
                max(monday, first),
                min(monday + timedelta(days=6), last),
                expected,
                attended,
            )
        )
        monday += timedelta(days=7)
    return weeks
