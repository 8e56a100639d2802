"""Roll call (点名) and signatures for one meeting; the counts 应到 / 实到 / 迟到 / 请假 / 缺席."""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import AttendanceRequest, Branch, Meeting, MeetingAttendance, Signature, Staff
from app.reports.meeting_docs import AttendanceCounts
from app.services import meetings, settings
from app.services.auth import Actor, require_supervisor
from app.services.errors import NotFound, ValidationError
from app.services.meetings import NoticeInfo


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"  # told the supervisor by the end of the previous day
    ABSENT = "absent"  # unexcused
    LEAVE = "leave"  # approved leave (attendance)
    TRIP = "trip"  # business trip or field work


STATUS_LABELS = {
    AttendanceStatus.PRESENT: N_("Present"),
    AttendanceStatus.LATE: N_("Late"),
    AttendanceStatus.EXCUSED: N_("Excused"),
    AttendanceStatus.ABSENT: N_("Absent"),
    AttendanceStatus.LEAVE: N_("On leave"),
    AttendanceStatus.TRIP: N_("On a trip"),
}

ATTENDED = {AttendanceStatus.PRESENT, AttendanceStatus.LATE}
AWAY_WITH_REASON = {AttendanceStatus.EXCUSED, AttendanceStatus.LEAVE, AttendanceStatus.TRIP}


def status_label(status: str | None) -> str:
    return _(STATUS_LABELS[AttendanceStatus(status)]) if status else _("Not marked")


def classify_arrival(start: time, arrival: time) -> AttendanceStatus:
    """Late means after the start minute: arriving at 08:30:59 for 08:30 is on time."""
    return (
        AttendanceStatus.LATE
        if arrival.replace(second=0, microsecond=0) > start
        else (AttendanceStatus.PRESENT)
    )


@dataclass(frozen=True)
class RollCallRow:
    staff_id: int
    employee_no: str
    name: str
    status: str | None
    arrival: time | None
    note: str
    notice: NoticeInfo | None
    signed: bool
    # Unmarked and away on approved leave / trip / field work for the whole meeting:
    # the request in words, e.g. "请假（年假）".
    away: str | None = None

    @property
    def status_text(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class RollCall:
    meeting_id: int
    start: time
    rows: list[RollCallRow]
    counts: AttendanceCounts
    unmarked: int

    @property
    def complete(self) -> bool:
        return self.unmarked == 0


def count(statuses: list[str | None]) -> tuple[AttendanceCounts, int]:
    """The live counts; everyone expected is 应到, unmarked people are in none of the others."""
    c = Counter(AttendanceStatus(s) if s else None for s in statuses)
    counts = AttendanceCounts(
        expected=len(statuses),
        present=sum(c[s] for s in ATTENDED),
        late=c[AttendanceStatus.LATE],
        excused=sum(c[s] for s in AWAY_WITH_REASON),
        absent=c[AttendanceStatus.ABSENT],
    )
    return counts, c[None]


def expected_staff(session: Session, meeting: Meeting) -> list[Staff]:
    """Who should attend: active staff hired by the meeting day, plus anyone already
    on this roll call (a person deactivated later stays in the meeting's history)."""
    marked = select(MeetingAttendance.staff_id).where(MeetingAttendance.meeting_id == meeting.id)
    query = (
        select(Staff)
        .where(
            Staff.branch_id == meeting.branch_id,
            or_(
                (Staff.active.is_(True))
                & (or_(Staff.hire_date.is_(None), Staff.hire_date <= meeting.day)),
                Staff.id.in_(marked),
            ),
        )
        .order_by(Staff.employee_no)
    )
    return list(session.scalars(query))


def roll_call(session: Session, actor: Actor, meeting_id: int) -> RollCall:
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    rows = _rows(session, actor, meeting)
    counts, unmarked = count([r.status for r in rows])
    return RollCall(meeting.id, meeting.start_time, rows, counts, unmarked)


def _rows(session: Session, actor: Actor, meeting: Meeting) -> list[RollCallRow]:
    marks = {a.staff_id: a for a in meeting.attendance}
    notice_map = meetings.notices(session, actor, meeting.id)
    signed = set(
        session.scalars(
            select(Signature.staff_id).where(
                Signature.meeting_id == meeting.id, Signature.role == "attendee"
            )
        )
    )
    people = expected_staff(session, meeting)
    away = _away(session, meeting, [s.id for s in people if s.id not in marks])
    result = []
    for staff in people:
        mark = marks.get(staff.id)
        result.append(
            RollCallRow(
                staff.id,
                staff.employee_no,
                staff.name,
                mark.status if mark else None,
                mark.arrival if mark else None,
                mark.note if mark else "",
                notice_map.get(staff.id),
                staff.id in signed,
                away[staff.id][1] if staff.id in away else None,
            )
        )
    return result


def _meeting_instants(meeting: Meeting, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(meeting.day, meeting.start_time, tzinfo=tz)
    end = datetime.combine(meeting.day, meeting.end_time, tzinfo=tz)
    if end <= start:  # ends after midnight
        end += timedelta(days=1)
    return start.astimezone(UTC), end.astimezone(UTC)


def _branch_zone(session: Session, branch_id: int) -> ZoneInfo:
    branch = session.get(Branch, branch_id)
    return ZoneInfo(branch.timezone if branch is not None else "Asia/Shanghai")


def _away(
    session: Session, meeting: Meeting, staff_ids: list[int]
) -> dict[int, tuple[AttendanceStatus, str]]:
    """staff id -> (LEAVE or TRIP, the request in words) for whoever has an approved leave,
    trip or field work covering the whole meeting: that excuses the absence by itself."""
    # Imported here: attendance's labels; the module must not be loaded with this one.
    from app.services.attendance import RequestStatus, request_kind_label
    from app.services.day_engine import RequestKind

    if not staff_ids:
        return {}
    start, end = _meeting_instants(meeting, _branch_zone(session, meeting.branch_id))
    kinds = (RequestKind.LEAVE, RequestKind.TRIP, RequestKind.FIELD)
    found: dict[int, tuple[AttendanceStatus, str]] = {}
    for staff_id, kind, leave_type in session.execute(
        select(AttendanceRequest.staff_id, AttendanceRequest.kind, AttendanceRequest.leave_type)
        .where(
            AttendanceRequest.staff_id.in_(staff_ids),
            AttendanceRequest.status == RequestStatus.APPROVED.value,
            AttendanceRequest.kind.in_([k.value for k in kinds]),
            AttendanceRequest.start <= start,
            AttendanceRequest.end >= end,
        )
        .order_by(AttendanceRequest.start, AttendanceRequest.id)
    ):
        if staff_id in found:
            continue
        words = request_kind_label(kind)
        if leave_type:
            words = _("{kind} ({leave_type})").format(kind=words, leave_type=leave_type)
        status = AttendanceStatus.LEAVE if kind == RequestKind.LEAVE else AttendanceStatus.TRIP
        found[staff_id] = (status, words)
    return found


def mark(
    session: Session,
    actor: Actor,
    meeting_id: int,
    staff_id: int,
    status: str | None,
    arrival: time | None = None,
    note: str | None = None,
) -> None:
    """Set one person's line; `status=None` clears it. A given arrival time decides
    present or late by itself; "excused" needs a notice given in time."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    meetings.require_editable(meeting)
    staff = session.get(Staff, staff_id)
    if staff is None or staff.branch_id != actor.branch_id:
        raise NotFound(_("No such staff member."))
    row = session.scalar(
        select(MeetingAttendance).where(
            MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.staff_id == staff_id
        )
    )
    if status is None:
        if row is not None:
            session.delete(row)
        return
    value = AttendanceStatus(status)
    if value in ATTENDED and arrival is not None:
        value = classify_arrival(meeting.start_time, arrival)
    if value is AttendanceStatus.LATE and arrival is None:
        raise ValidationError(_("Enter the arrival time of a late arrival."), field="arrival")
    if value not in ATTENDED:
        arrival = None
    if value is AttendanceStatus.EXCUSED:
        notice = meetings.notices(session, actor, meeting_id).get(staff_id)
        if notice is None or not notice.excused:
            raise ValidationError(
                _(
                    "{name} did not give notice by the end of the previous day: "
                    "record the notice first, or mark an unexcused absence."
                ).format(name=staff.name),
                field="status",
            )
    if row is None:
        row = MeetingAttendance(branch_id=actor.branch_id, meeting_id=meeting_id, staff_id=staff_id)
        session.add(row)
    row.status, row.arrival = value.value, arrival
    if note is not None:
        row.note = note.strip()
    session.flush()
    if arrival is not None and settings.get(
        session, actor.branch_id, "meeting_arrivals_as_punches"
    ):
        _arrival_punch(session, actor, meeting, staff_id, arrival)


def _arrival_punch(
    session: Session, actor: Actor, meeting: Meeting, staff_id: int, arrival: time
) -> None:
    """The meeting's sign-in also counts as an attendance punch (a branch setting)."""
    # Imported here: attendance must stay loadable without the meeting modules.
    from app.services import attendance
    from app.services.clock import now_utc

    at = datetime.combine(meeting.day, arrival, tzinfo=_branch_zone(session, actor.branch_id))
    at = at.astimezone(UTC)
    # A time typed ahead of the meeting is not a punch yet; add_punch would refuse it.
    if at > now_utc() + attendance.FUTURE_TOLERANCE:
        return
    # The same minute punched already is no error: add_punch keeps one.
    attendance.add_punch(session, actor, staff_id, at, attendance.PunchSource.MEETING.value)


def mark_rest_present(session: Session, actor: Actor, meeting_id: int) -> int:
    """Everyone not yet marked: on leave / on a trip where an approved request covers the
    meeting, excused where notice came in time, else present."""
    call = roll_call(session, actor, meeting_id)
    unmarked = [row for row in call.rows if row.status is None]
    away = _away(session, meetings.get(session, actor, meeting_id), [r.staff_id for r in unmarked])
    for row in unmarked:
        excused = row.notice is not None and row.notice.excused
        status = AttendanceStatus.EXCUSED if excused else AttendanceStatus.PRESENT
        if row.staff_id in away:
            status = away[row.staff_id][0]
        mark(session, actor, meeting_id, row.staff_id, status)
    return len(unmarked)


# --- signatures -----------------------------------------------------------------------


class SignerRole(StrEnum):
    ATTENDEE = "attendee"
    HOST = "host"
    MINUTE_TAKER = "minute_taker"


ROLE_LABELS = {
    SignerRole.ATTENDEE: N_("Attendee"),
    SignerRole.HOST: N_("Host"),
    SignerRole.MINUTE_TAKER: N_("Minute-taker"),
}

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 512 * 1024


@dataclass(frozen=True)
class SignatureInfo:
    role: str
    staff_id: int | None
    name: str
    png: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def save_signature(
    session: Session,
    actor: Actor,
    meeting_id: int,
    role: str,
    png: bytes,
    staff_id: int | None = None,
) -> SignatureInfo:
    """One signature per signer per meeting; signing again replaces it (redo)."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    meetings.require_editable(meeting)
    if not _is_png(png):
        raise ValidationError(_("The signature is not a PNG image of a sensible size."))
    kind = SignerRole(role)
    if kind is SignerRole.HOST:
        name, key = meetings.host_of(session, meeting), "host"
        staff_id = meeting.delegated_host_staff_id
    elif kind is SignerRole.MINUTE_TAKER:
        staff_id = meeting.minute_taker_staff_id
        if staff_id is None:
            raise ValidationError(_("Name the minute-taker first."), field="minute_taker")
        name, key = _staff_name(session, staff_id), "minute_taker"
    else:
        if staff_id is None:
            raise ValidationError(_("Choose who is signing."))
        name, key = _staff_name(session, staff_id), str(staff_id)
    if not name:
        raise ValidationError(_("Name the host first."), field="host")
    row = session.scalar(
        select(Signature).where(
            Signature.meeting_id == meeting_id, Signature.role == kind, Signature.signer_key == key
        )
    )
    if row is None:
        row = Signature(branch_id=actor.branch_id, meeting_id=meeting_id, role=kind.value)
        session.add(row)
    row.signer_key, row.staff_id, row.name, row.png = key, staff_id, name, png
    session.flush()
    return SignatureInfo(kind.value, staff_id, name, png)


def _is_png(data: bytes) -> bool:
    """A PNG that decodes (Pillow comes with reportlab): a broken one would spoil the PDFs."""
    if not data.startswith(PNG_MAGIC) or len(data) > MAX_SIGNATURE_BYTES:
        return False
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return False
    return True


def clear_signature(
    session: Session, actor: Actor, meeting_id: int, role: str, staff_id: int | None = None
) -> None:
    require_supervisor(actor)
    meetings.require_editable(meetings.get(session, actor, meeting_id))
    key = str(staff_id) if SignerRole(role) is SignerRole.ATTENDEE else role
    row = session.scalar(
        select(Signature).where(
            Signature.meeting_id == meeting_id, Signature.role == role, Signature.signer_key == key
        )
    )
    if row is not None:
        session.delete(row)


def signatures(session: Session, actor: Actor, meeting_id: int) -> list[SignatureInfo]:
    require_supervisor(actor)
    meetings.get(session, actor, meeting_id)
    rows = session.scalars(
        select(Signature).where(Signature.meeting_id == meeting_id).order_by(Signature.id)
    )
    return [SignatureInfo(r.role, r.staff_id, r.name, r.png) for r in rows]


def _staff_name(session: Session, staff_id: int) -> str:
    staff = session.get(Staff, staff_id)
    return staff.name if staff else ""


def staff_on(session: Session, branch_id: int, day: date) -> list[Staff]:
    """Active staff on a day (for pickers: minute-taker, delegated host, action owners)."""
    return list(
        session.scalars(
            select(Staff)
            .where(
                Staff.branch_id == branch_id,
                Staff.active.is_(True),
                or_(Staff.hire_date.is_(None), Staff.hire_date <= day),
            )
            .order_by(Staff.employee_no)
        )
    )
