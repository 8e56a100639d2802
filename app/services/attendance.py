"""Attendance (考勤制度), the store side: which rule a person follows on a date, rotas,
punches, requests and appeals, and each person's month as the day engine reads it.

The rules themselves are data (app.services.workrules) and the judging of a day is one
pure function (app.services.day_engine); this module loads their inputs, converting UTC
instants to the branch's wall clock. The month is loaded with SQLAlchemy Core selects,
not ORM objects: for a branch's month (thousands of punches) that is several times faster.

Roles: the supervisor sees and changes the whole branch; an account manager sees only
their own days, may punch in at the kiosk and file their own requests and appeals.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import (
    Appeal,
    AttendanceRequest,
    Branch,
    Punch,
    RotaOverride,
    RotaPattern,
    RuleAssignment,
    Staff,
    WorkRuleRecord,
)
from app.services import audit
from app.services.auth import (
    Actor,
    require_own_or_supervisor,
    require_supervisor,
    verify_secret,
)
from app.services.calendar import Reason, WorkCalendar
from app.services.clock import branch_today, now_utc
from app.services.day_engine import (
    ApprovedRequest,
    DayPlan,
    DayResult,
    DayStatus,
    MonthTotals,
    RequestKind,
    assign_punches,
    evaluate_month,
    month_totals,
)
from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.workrules import TEMPLATES, DayMode, WorkRule

# A kiosk press repeated this soon is the same punch (people press twice to be sure).
KIOSK_REPEAT = timedelta(minutes=2)
# A clock machine or PC a little fast is not "the future"; more than this is a mistake.
FUTURE_TOLERANCE = timedelta(minutes=10)
MAX_PROOF_BYTES = 10 * 1024 * 1024
FALLBACK_TEMPLATE = "office"  # for a branch set up as "custom" that has not made its rule
APPEAL_NOTE = "appeal_accepted"  # added to DayResult.notes when an appeal set the points

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)


class PunchSource(StrEnum):
    KIOSK = "kiosk"
    MANUAL = "manual"  # typed in by the supervisor, with a reason
    MEETING = "meeting"  # the morning meeting's sign-in
    IMPORT = "import"  # a clock machine's export


class RotaKind(StrEnum):
    REST = "rest"
    WORK = "work"


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class AppealStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


STATUS_LABELS = {
    DayStatus.NORMAL: N_("Normal day"),
    DayStatus.LATE: N_("Late arrival"),
    DayStatus.EARLY: N_("Early leave"),
    DayStatus.LATE_AND_EARLY: N_("Late and early"),
    DayStatus.MISSING_IN: N_("Missed check-in"),
    DayStatus.MISSING_OUT: N_("Missed check-out"),
    DayStatus.ABSENT: N_("Absent without leave"),
    DayStatus.LEAVE: N_("On leave"),
    DayStatus.TRIP: N_("Business trip"),
    DayStatus.FIELD: N_("Field work"),
    DayStatus.REST: N_("Rest day"),
    DayStatus.HOLIDAY: N_("Public holiday"),
}

REQUEST_KIND_LABELS = {
    RequestKind.LEAVE: N_("Leave"),
    RequestKind.TRIP: N_("Business trip"),
    RequestKind.FIELD: N_("Field work"),
    RequestKind.OVERTIME: N_("Overtime"),
    RequestKind.MAKEUP_PUNCH: N_("Make-up punch"),
    RequestKind.EXCUSE: N_("Force majeure excuse"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS[DayStatus(status)])


def request_kind_label(kind: str) -> str:
    return _(REQUEST_KIND_LABELS[RequestKind(kind)])


def minute_key(at: datetime) -> int:
    """Whole UTC minutes since 1970: the identity of a punch (same person, same minute)."""
    if at.tzinfo is None:
        raise ValueError("naive datetime given for an instant")
    return (at - _EPOCH) // _MINUTE


def _instant(day: date, at: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _branch(session: Session, actor: Actor) -> Branch:
    audit.by(session, actor)
    branch = session.get(Branch, actor.branch_id)
    if branch is None:
        raise NotFound(_("The branch no longer exists."))
    return branch


def _staff(session: Session, actor: Actor, staff_id: int) -> Staff:
    """The person, checked to be in the actor's branch and visible to the actor."""
    audit.by(session, actor)
    person = session.get(Staff, staff_id)
    if person is None or person.branch_id != actor.branch_id:
        raise NotFound(_("No such staff member."))
    require_own_or_supervisor(actor, person.branch_id, person.id)
    return person


# --- work rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRecord:
    """One of the rules a branch can use. `id` is None for a template the branch has
    not used yet; `name` is in the user's language."""

    id: int | None
    key: str
    name: str
    rule: WorkRule


def _parse_rule(rule_json: str) -> WorkRule:
    return WorkRule.from_json(json.loads(rule_json))


def _dump_rule(rule: WorkRule) -> str:
    return json.dumps(rule.to_json(), ensure_ascii=False, sort_keys=True)


def list_rules(session: Session, actor: Actor) -> list[RuleRecord]:
    """The branch's own rules, then the templates it has not used yet."""
    rows = session.scalars(
        select(WorkRuleRecord)
        .where(WorkRuleRecord.branch_id == actor.branch_id)
        .order_by(WorkRuleRecord.key)
    )
    own = [RuleRecord(r.id, r.key, _(r.name), _parse_rule(r.rule_json)) for r in rows]
    have = {r.key for r in own}
    return own + [
        RuleRecord(None, key, _(rule.name), rule)
        for key, rule in TEMPLATES.items()
        if key not in have
    ]


def _rule_record(session: Session, branch_id: int, key: str) -> WorkRuleRecord:
    """The branch's rule `key`, copied from the template the first time it is used."""
    record = session.scalar(
        select(WorkRuleRecord).where(
            WorkRuleRecord.branch_id == branch_id, WorkRuleRecord.key == key
        )
    )
    if record is not None:
        return record
    template = TEMPLATES.get(key)
    if template is None:
        raise ValidationError(
            _("Unknown work rule {key}. Rules: {keys}.").format(
                key=key, keys=", ".join(sorted(TEMPLATES))
            ),
            field="rules",
        )
    record = WorkRuleRecord(
        branch_id=branch_id, key=key, name=template.name, rule_json=_dump_rule(template)
    )
    session.add(record)
    session.flush()
    return record


def save_rule(session: Session, actor: Actor, rule: WorkRule) -> RuleRecord:
    """Add or change one of the branch's rules (keyed by `rule.key`)."""
    require_supervisor(actor)
    key, name = rule.key.strip(), rule.name.strip()
    if not key or len(key) > 32:
        raise ValidationError(_("A work rule needs a short key (at most 32 letters)."), "key")
    if not name or len(name) > 100:
        raise ValidationError(_("A work rule needs a name (at most 100 characters)."), "name")
    rule = replace(rule, key=key, name=name)
    record = session.scalar(
        select(WorkRuleRecord).where(
            WorkRuleRecord.branch_id == actor.branch_id, WorkRuleRecord.key == key
        )
    )
    if record is None:
        record = WorkRuleRecord(branch_id=actor.branch_id, key=key)
        session.add(record)
    record.name, record.rule_json = name, _dump_rule(rule)
    session.flush()
    return RuleRecord(record.id, key, _(name), rule)


@dataclass(frozen=True)
class RuleChange:
    key: str
    name: str
    effective_from: date
    staff_ids: tuple[int, ...] | None  # None: the whole branch


def set_rules(
    session: Session,
    actor: Actor,
    template_key: str,
    staff_ids: Sequence[int] | None = None,
    effective_from: date | None = None,
) -> RuleChange:
    """From `effective_from` (default: today in the branch) the listed people, or with
    `staff_ids=None` the whole branch, follow the branch's rule `template_key` (made from
    the template of that name the first time). Earlier dates keep the rule they had.

    Setting the same people and date again replaces that assignment.
    """
    require_supervisor(actor)
    branch = _branch(session, actor)
    record = _rule_record(session, branch.id, template_key.strip())
    start = effective_from or branch_today(branch.timezone)
    targets: list[int | None]
    if staff_ids is None:
        targets = [None]
    else:
        targets = list(dict.fromkeys(staff_ids))
        for staff_id in targets:
            assert staff_id is not None
            _staff(session, actor, staff_id)
    for staff_id in targets:
        who = (
            RuleAssignment.staff_id.is_(None)
            if staff_id is None
            else RuleAssignment.staff_id == staff_id
        )
        session.execute(
            delete(RuleAssignment).where(
                RuleAssignment.branch_id == branch.id, who, RuleAssignment.effective_from == start
            )
        )
        session.add(
            RuleAssignment(
                branch_id=branch.id, staff_id=staff_id, rule_id=record.id, effective_from=start
            )
        )
    session.flush()
    return RuleChange(
        record.key,
        _(record.name),
        start,
        None if staff_ids is None else tuple(t for t in targets if t is not None),
    )


@dataclass
class RuleBook:
    """A branch's rules and assignments, loaded once; `rule_on` is then a pure lookup."""

    default: WorkRule
    default_id: int | None
    rules: dict[int, WorkRule]
    # (effective_from, assignment id, rule id), sorted: the last one on or before a date wins
    branch_wide: list[tuple[date, int, int]]
    personal: dict[int, list[tuple[date, int, int]]]

    @classmethod
    def load(cls, session: Session, branch_id: int) -> RuleBook:
        branch = session.get(Branch, branch_id)
        template = branch.rules_template if branch is not None else FALLBACK_TEMPLATE
        rules, keys = {}, {}
        for rule_id, key, rule_json in session.execute(
            select(WorkRuleRecord.id, WorkRuleRecord.key, WorkRuleRecord.rule_json).where(
                WorkRuleRecord.branch_id == branch_id
            )
        ):
            rules[rule_id] = _parse_rule(rule_json)
            keys[key] = rule_id
        # The branch may have adjusted its starting template: its own copy wins.
        default_id = keys.get(template)
        if default_id is not None:
            default = rules[default_id]
        else:
            default = TEMPLATES.get(template) or TEMPLATES[FALLBACK_TEMPLATE]
        branch_wide: list[tuple[date, int, int]] = []
        personal: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
        for staff_id, start, assignment_id, rule_id in session.execute(
            select(
                RuleAssignment.staff_id,
                RuleAssignment.effective_from,
                RuleAssignment.id,
                RuleAssignment.rule_id,
            ).where(RuleAssignment.branch_id == branch_id)
        ):
            entry = (start, assignment_id, rule_id)
            (branch_wide if staff_id is None else personal[staff_id]).append(entry)
        branch_wide.sort()
        for entries in personal.values():
            entries.sort()
        return cls(default, default_id, rules, branch_wide, dict(personal))

    def rule_id_on(self, staff_id: int | None, day: date) -> int | None:
        """The id of the rule in force (None: the starting template, not yet copied)."""
        best: tuple[date, int, int] | None = None
        own = self.personal.get(staff_id, []) if staff_id is not None else []
        for entries in (own, self.branch_wide):
            for entry in entries:
                if entry[0] > day:
                    break
                # Latest date wins; on the same date the assignment made last.
                if best is None or entry[:2] > best[:2]:
                    best = entry
        return best[2] if best is not None else self.default_id

    def rule_on(self, staff_id: int | None, day: date) -> WorkRule:
        return self.rule(self.rule_id_on(staff_id, day))

    def segments(
        self, staff_id: int, first: date, last: date
    ) -> list[tuple[int | None, date, date]]:
        """(rule id, first, last) for each run of dates under one rule (a rule can change
        mid-month); the rule can only change on an assignment's date."""
        own = self.personal.get(staff_id, [])
        changes = sorted({e[0] for e in (*own, *self.branch_wide) if first < e[0] <= last})
        runs: list[tuple[int | None, date, date]] = []
        for start in (first, *changes):
            rule_id = self.rule_id_on(staff_id, start)
            if runs and runs[-1][0] == rule_id:
                continue
            if runs:
                runs[-1] = (runs[-1][0], runs[-1][1], start - _DAY)
            runs.append((rule_id, start, last))
        return runs

    def rule(self, rule_id: int | None) -> WorkRule:
        return self.rules[rule_id] if rule_id is not None else self.default


def rule_on(session: Session, staff_id: int, day: date) -> WorkRule:
    """The rule `staff_id` follows on `day` (see RuleAssignment)."""
    branch_id = session.scalar(select(Staff.branch_id).where(Staff.id == staff_id))
    if branch_id is None:
        raise NotFound(_("No such staff member."))
    return RuleBook.load(session, branch_id).rule_on(staff_id, day)


# --- rota -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RotaEntry:
    kind: RotaKind
    start: time | None = None  # both or neither: the person's own shift that day
    end: time | None = None


@dataclass(frozen=True)
class Rota:
    pattern: dict[int, RotaEntry]  # weekday (0 = Monday) -> entry
    overrides: dict[date, RotaEntry]


def _entry(kind: str, start: time | None, end: time | None) -> RotaEntry:
    try:
        rota_kind = RotaKind(kind)
    except ValueError:
        raise ValidationError(
            _("A rota day is either “rest” or “work”, not {kind}.").format(kind=kind), "kind"
        ) from None
    if (start is None) != (end is None):
        raise ValidationError(_("Give both the start and the end of the shift, or neither."))
    if rota_kind is RotaKind.REST and start is not None:
        raise ValidationError(_("A rest day has no shift times."))
    if start is not None and start == end:
        raise ValidationError(_("The shift cannot start and end at the same time."))
    return RotaEntry(rota_kind, start, end)


def set_rota_day(
    session: Session,
    actor: Actor,
    staff_id: int,
    weekday: int,
    kind: str,
    start: time | None = None,
    end: time | None = None,
) -> None:
    """Every `weekday` (0 = Monday) the person rests or works (optionally their own hours)."""
    require_supervisor(actor)
    _staff(session, actor, staff_id)
    if weekday not in range(7):
        raise ValidationError(_("The weekday must be 0 (Monday) to 6 (Sunday)."), "weekday")
    entry = _entry(kind, start, end)
    row = session.scalar(
        select(RotaPattern).where(RotaPattern.staff_id == staff_id, RotaPattern.weekday == weekday)
    )
    if row is None:
        row = RotaPattern(branch_id=actor.branch_id, staff_id=staff_id, weekday=weekday)
        session.add(row)
    row.kind, row.start_time, row.end_time = entry.kind.value, entry.start, entry.end
    session.flush()


def clear_rota_day(session: Session, actor: Actor, staff_id: int, weekday: int) -> bool:
    require_supervisor(actor)
    _staff(session, actor, staff_id)
    result = session.execute(
        delete(RotaPattern).where(RotaPattern.staff_id == staff_id, RotaPattern.weekday == weekday)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def set_override(
    session: Session,
    actor: Actor,
    staff_id: int,
    day: date,
    kind: str,
    start: time | None = None,
    end: time | None = None,
) -> None:
    """On `day` the person rests or works whatever the calendar and pattern say (换班)."""
    require_supervisor(actor)
    _staff(session, actor, staff_id)
    entry = _entry(kind, start, end)
    row = session.scalar(
        select(RotaOverride).where(RotaOverride.staff_id == staff_id, RotaOverride.day == day)
    )
    if row is None:
        row = RotaOverride(branch_id=actor.branch_id, staff_id=staff_id, day=day)
        session.add(row)
    row.kind, row.start_time, row.end_time = entry.kind.value, entry.start, entry.end
    session.flush()


def remove_override(session: Session, actor: Actor, staff_id: int, day: date) -> bool:
    require_supervisor(actor)
    _staff(session, actor, staff_id)
    result = session.execute(
        delete(RotaOverride).where(RotaOverride.staff_id == staff_id, RotaOverride.day == day)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _load_rotas(
    session: Session, staff_ids: Sequence[int], first: date, last: date
) -> dict[int, Rota]:
    patterns: dict[int, dict[int, RotaEntry]] = defaultdict(dict)
    overrides: dict[int, dict[date, RotaEntry]] = defaultdict(dict)
    if staff_ids:
        for staff_id, weekday, kind, start, end in session.execute(
            select(
                RotaPattern.staff_id,
                RotaPattern.weekday,
                RotaPattern.kind,
                RotaPattern.start_time,
                RotaPattern.end_time,
            ).where(RotaPattern.staff_id.in_(staff_ids))
        ):
            patterns[staff_id][weekday] = RotaEntry(RotaKind(kind), start, end)
        for staff_id, day, kind, start, end in session.execute(
            select(
                RotaOverride.staff_id,
                RotaOverride.day,
                RotaOverride.kind,
                RotaOverride.start_time,
                RotaOverride.end_time,
            ).where(RotaOverride.staff_id.in_(staff_ids), RotaOverride.day.between(first, last))
        ):
            overrides[staff_id][day] = RotaEntry(RotaKind(kind), start, end)
    return {
        staff_id: Rota(patterns.get(staff_id, {}), overrides.get(staff_id, {}))
        for staff_id in set(patterns) | set(overrides)
    }


def rota_of(session: Session, actor: Actor, staff_id: int) -> Rota:
    """A person's weekly pattern and every override they have."""
    _staff(session, actor, staff_id)
    return _load_rotas(session, [staff_id], date.min, date.max).get(staff_id, Rota({}, {}))


# --- plans: what each date asks of a person ------------------------------------------

_NO_ROTA = Rota({}, {})


def plan_day(day: date, rule: WorkRule, calendar: WorkCalendar, rota: Rota = _NO_ROTA) -> DayPlan:
    """One date for one person, from (strongest first) a rota override, the branch's
    closure, the rule's day mode on the working calendar, and the weekly pattern.

    Under the calendar day mode, statutory holidays and make-up working days (调休) follow
    the calendar; the pattern only moves ordinary weekdays and weekends (a part-timer's
    free Friday). Under the other modes the pattern says who rests when.
    """
    override = rota.overrides.get(day)
    if override is not None:
        if override.kind is RotaKind.REST:
            return DayPlan(day, working=False)
        return DayPlan(day, working=True, start=override.start, end=override.end)
    info = calendar.info(day)
    if info.reason is Reason.CLOSURE:
        return DayPlan(day, working=False, holiday=True)
    if rule.day_mode is DayMode.CALENDAR:
        if info.reason is Reason.HOLIDAY:
            return DayPlan(day, working=False, holiday=True)
        if info.reason is Reason.MAKEUP_WORKDAY:
            return DayPlan(day, working=True)
        working = info.working
    elif rule.day_mode is DayMode.EVERY_DAY:
        working = True
    else:
        working = day.weekday() in rule.weekdays
    entry = rota.pattern.get(day.weekday())
    if entry is not None:
        if entry.kind is RotaKind.REST:
            return DayPlan(day, working=False)
        return DayPlan(day, working=True, start=entry.start, end=entry.end)
    return DayPlan(day, working=working)


def _dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def plans_for(
    session: Session, actor: Actor, staff_id: int, first: date, last: date
) -> list[DayPlan]:
    """The person's DayPlans from `first` to `last`, each under the rule of its date."""
    person = _staff(session, actor, staff_id)
    if last < first:
        return []
    book = RuleBook.load(session, person.branch_id)
    calendar = WorkCalendar.load(session, person.branch_id, range(first.year, last.year + 1))
    rota = _load_rotas(session, [staff_id], first, last).get(staff_id, _NO_ROTA)
    return [plan_day(d, book.rule_on(staff_id, d), calendar, rota) for d in _dates(first, last)]


# --- punches --------------------------------------------------------------------------


@dataclass(frozen=True)
class PunchResult:
    """What `add_punch` did: stored it, or ignored it as a punch already there."""

    punch_id: int | None
    duplicate: bool = False  # the same person already has a punch in that minute
    repeat: bool = False  # a kiosk press within two minutes of the previous one

    @property
    def stored(self) -> bool:
        return self.punch_id is not None


def _check_not_future(at: datetime) -> None:
    if at > now_utc() + FUTURE_TOLERANCE:
        raise ValidationError(_("A punch cannot be in the future."), "at")


def add_punch(
    session: Session,
    actor: Actor,
    staff_id: int,
    at: datetime,
    source: str,
    reason: str | None = None,
    note: str = "",
) -> PunchResult:
    """Record one punch. At the kiosk a manager punches for themselves; every other source
    is the supervisor's, and a punch typed in by hand must say why (it must be real)."""
    audit.by(session, actor)
    try:
        kind = PunchSource(source)
    except ValueError:
        raise ValidationError(_("Unknown punch source: {source}").format(source=source)) from None
    if kind is not PunchSource.KIOSK:
        require_supervisor(actor)
    person = _staff(session, actor, staff_id)
    if at.tzinfo is None:
        raise ValueError("naive datetime given for a punch")
    reason = (reason or "").strip()
    if kind is PunchSource.MANUAL and not reason:
        raise ValidationError(_("Say why this punch is entered by hand."), "reason")
    if len(reason) > 200 or len(note) > 200:
        raise ValidationError(_("The reason and the note may have at most 200 characters."))
    _check_not_future(at)
    key = minute_key(at)
    same = session.scalar(select(Punch).where(Punch.staff_id == person.id, Punch.minute_key == key))
    if same is not None and same.voided_at is None:
        return PunchResult(None, duplicate=True)
    if kind is PunchSource.KIOSK:
        near = session.scalar(
            select(Punch.id).where(
                Punch.staff_id == person.id,
                Punch.minute_key.between(key - 2, key + 2),
                Punch.at.between(at - KIOSK_REPEAT, at + KIOSK_REPEAT),
                Punch.voided_at.is_(None),
            )
        )
        if near is not None:
            return PunchResult(None, repeat=True)
    punch = same or Punch(branch_id=person.branch_id, staff_id=person.id, minute_key=key)
    if same is None:
        session.add(punch)
    # Entered again on purpose after being voided: the punch counts again, as entered now.
    punch.at, punch.source, punch.reason, punch.note = at, kind.value, reason, note.strip()
    punch.created_by, punch.voided_at, punch.void_reason, punch.voided_by = (
        actor.user_id,
        None,
        "",
        None,
    )
    session.flush()
    return PunchResult(punch.id)


def void_punch(session: Session, actor: Actor, punch_id: int, reason: str) -> None:
    """Correct a wrong punch: it stops counting but stays on record with who and why."""
    audit.by(session, actor)
    require_supervisor(actor)
    punch = session.get(Punch, punch_id)
    if punch is None or punch.branch_id != actor.branch_id:
        raise NotFound(_("No such punch."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why this punch is wrong."), "reason")
    if punch.voided_at is None:
        punch.voided_at, punch.voided_by = now_utc(), actor.user_id
    punch.void_reason = reason[:200]
    session.flush()


@dataclass(frozen=True)
class PunchRecord:
    id: int
    staff_id: int
    at: datetime  # UTC
    source: str
    reason: str
    note: str
    voided: bool = False
    void_reason: str = ""


def punches_of(
    session: Session,
    actor: Actor,
    staff_id: int,
    start: datetime,
    end: datetime,
    *,
    include_voided: bool = False,
) -> list[PunchRecord]:
    """A person's stored punches with start <= at < end, oldest first (voided ones only
    when asked for: they no longer count)."""
    _staff(session, actor, staff_id)
    query = (
        select(
            Punch.id,
            Punch.staff_id,
            Punch.at,
            Punch.source,
            Punch.reason,
            Punch.note,
            Punch.voided_at.is_not(None),
            Punch.void_reason,
        )
        .where(
            Punch.staff_id == staff_id,
            Punch.minute_key >= minute_key(start),
            Punch.minute_key <= minute_key(end),
            Punch.at >= start,
            Punch.at < end,
        )
        .order_by(Punch.at)
    )
    if not include_voided:
        query = query.where(Punch.voided_at.is_(None))
    return [PunchRecord(*row) for row in session.execute(query)]


# --- importing a clock machine's punches ----------------------------------------------


class PunchRowLike(Protocol):
    """One line of a punch file as app.importers.punches reads it."""

    @property
    def line(self) -> int: ...
    @property
    def employee_no(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def at(self) -> datetime | None: ...
    @property
    def error(self) -> str | None: ...


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True)
class UnknownEmployee:
    """Punches not imported because the 工号 is not on the roster (`name_on_record` is
    None) or belongs to someone else by name; listed so that nobody's punches vanish."""

    employee_no: str
    name: str  # as the file has it
    name_on_record: str | None
    lines: tuple[int, ...]


@dataclass(frozen=True)
class PunchImportResult:
    accepted: int
    duplicates: int  # already stored, or twice in the file
    rejected: list[RejectedRow]
    unknown_employees: list[UnknownEmployee]


def _name_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def import_punches(
    session: Session, actor: Actor, rows: Iterable[PunchRowLike]
) -> PunchImportResult:
    """Store a punch file's good rows; the caller's transaction makes it all-or-nothing.

    A punch already stored (same person, same minute) is counted as a duplicate, so
    importing the same file again adds nothing. Rows of unknown employees, or whose
    name does not match the roster's, are listed and not imported.
    """
    require_supervisor(actor)
    audit.by(session, actor)
    roster = {
        no: (staff_id, name)
        for staff_id, no, name in session.execute(
            select(Staff.id, Staff.employee_no, Staff.name).where(
                Staff.branch_id == actor.branch_id
            )
        )
    }
    rejected: list[RejectedRow] = []
    unknown: dict[tuple[str, str], list[int]] = {}
    wanted: dict[tuple[int, int], datetime] = {}
    in_file_repeats = 0
    for row in rows:
        if row.error is not None or row.at is None:
            rejected.append(RejectedRow(row.line, row.error or _("The punch time is empty.")))
            continue
        staff_id_name = roster.get(row.employee_no)
        file_name = row.name.strip()
        if staff_id_name is None or (
            file_name and _name_key(file_name) != _name_key(staff_id_name[1])
        ):
            unknown.setdefault((row.employee_no, file_name), []).append(row.line)
            continue
        key = (staff_id_name[0], minute_key(row.at))
        if key in wanted:
            in_file_repeats += 1
        else:
            wanted[key] = row.at
    stored = _stored_minutes(session, wanted)
    new = [(key, at) for key, at in wanted.items() if key not in stored]
    if new:
        created = now_utc()
        inserted = session.execute(
            insert(Punch.__table__).returning(Punch.__table__.c.id),  # type: ignore[arg-type]
            [
                {
                    "branch_id": actor.branch_id,
                    "staff_id": staff_id,
                    "at": at,
                    "minute_key": key,
                    "source": PunchSource.IMPORT.value,
                    "note": "",
                    "reason": "",
                    "created_by": actor.user_id,
                    "created_at": created,
                }
                for (staff_id, key), at in new
            ],
        )
        audit.record_bulk_inserts(session, "punch", list(inserted.scalars()))
    unknown_list = [
        UnknownEmployee(
            no,
            name,
            roster[no][1] if no in roster else None,
            tuple(lines),
        )
        for (no, name), lines in sorted(unknown.items(), key=lambda item: item[1][0])
    ]
    return PunchImportResult(
        accepted=len(new),
        duplicates=len(wanted) - len(new) + in_file_repeats,
        rejected=rejected,
        unknown_employees=unknown_list,
    )


def _stored_minutes(session: Session, wanted: dict[tuple[int, int], Any]) -> set[tuple[int, int]]:
    """Which of the (staff id, minute) pairs are already stored."""
    if not wanted:
        return set()
    by_staff: dict[int, list[int]] = defaultdict(list)
    for staff_id, key in wanted:
        by_staff[staff_id].append(key)
    stored: set[tuple[int, int]] = set()
    for staff_id, keys in by_staff.items():
        stored.update(
            (staff_id, key)
            for key in session.scalars(
                select(Punch.minute_key).where(
                    Punch.staff_id == staff_id, Punch.minute_key.between(min(keys), max(keys))
                )
            )
        )
    return stored


# --- requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRecord:
    id: int
    staff_id: int
    kind: str
    leave_type: str
    start: datetime  # UTC
    end: datetime
    reason: str
    status: str
    entered_after: bool
    has_proof: bool
    created_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    decision_comment: str


def _request_record(r: AttendanceRequest) -> RequestRecord:
    return RequestRecord(
        r.id,
        r.staff_id,
        r.kind,
        r.leave_type,
        r.start,
        r.end,
        r.reason,
        r.status,
        r.entered_after,
        r.proof is not None,
        r.created_at,
        r.decided_by,
        r.decided_at,
        r.decision_comment,
    )


def create_request(
    session: Session,
    actor: Actor,
    staff_id: int,
    kind: str,
    start: datetime,
    end: datetime,
    reason: str,
    leave_type: str = "",
    proof: bytes | None = None,
    proof_filename: str = "",
) -> RequestRecord:
    """File a request (pending). A manager files their own; the supervisor anyone's.
    A make-up punch is one instant (`end` is ignored). One recorded after it began is
    flagged `entered_after`: leave is asked for in advance, emergencies explained later."""
    audit.by(session, actor)
    _staff(session, actor, staff_id)
    try:
        request_kind = RequestKind(kind)
    except ValueError:
        raise ValidationError(_("Unknown kind of request: {kind}").format(kind=kind)) from None
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("naive datetime given for a request")
    if request_kind is RequestKind.MAKEUP_PUNCH:
        end = start
        _check_not_future(start)
    elif end <= start:
        raise ValidationError(_("The end must be after the start."), "end")
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say what the request is for."), "reason")
    if len(reason) > 500:
        raise ValidationError(_("The reason may have at most 500 characters."), "reason")
    leave_type = leave_type.strip() if request_kind is RequestKind.LEAVE else ""
    if len(leave_type) > 16:
        raise ValidationError(_("The leave type may have at most 16 characters."), "leave_type")
    if proof is not None and len(proof) > MAX_PROOF_BYTES:
        raise ValidationError(_("The proof may be at most 10 MB."), "proof")
    now = now_utc()
    request = AttendanceRequest(
        branch_id=actor.branch_id,
        staff_id=staff_id,
        kind=request_kind.value,
        leave_type=leave_type,
        start=start,
        end=end,
        reason=reason,
        status=RequestStatus.PENDING.value,
        entered_after=now > start,
        proof=proof,
        proof_filename=proof_filename.strip()[:200] if proof is not None else "",
        created_by=actor.user_id,
        created_at=now,
        decision_comment="",
    )
    session.add(request)
    session.flush()
    return _request_record(request)


def _decide(
    session: Session, actor: Actor, request_id: int, status: RequestStatus, comment: str
) -> RequestRecord:
    audit.by(session, actor)
    require_supervisor(actor)
    request = session.get(AttendanceRequest, request_id)
    if request is None or request.branch_id != actor.branch_id:
        raise NotFound(_("No such request."))
    if request.status != RequestStatus.PENDING.value:
        raise ValidationError(_("This request has been decided already."))
    if len(comment) > 500:
        raise ValidationError(_("The comment may have at most 500 characters."), "comment")
    request.status = status.value
    request.decided_by, request.decided_at = actor.user_id, now_utc()
    request.decision_comment = comment.strip()
    session.flush()
    return _request_record(request)


def approve_request(
    session: Session, actor: Actor, request_id: int, comment: str = ""
) -> RequestRecord:
    return _decide(session, actor, request_id, RequestStatus.APPROVED, comment)


def reject_request(session: Session, actor: Actor, request_id: int, comment: str) -> RequestRecord:
    """Refuse a request; the person is told why."""
    if not comment.strip():
        raise ValidationError(_("Say why the request is rejected."), "comment")
    return _decide(session, actor, request_id, RequestStatus.REJECTED, comment)


def list_requests(
    session: Session, actor: Actor, status: str | None = None, staff_id: int | None = None
) -> list[RequestRecord]:
    """Requests, newest first; a manager sees only their own."""
    query = select(AttendanceRequest).where(AttendanceRequest.branch_id == actor.branch_id)
    if not actor.sees_whole_branch:
        if staff_id is not None and staff_id != actor.staff_id:
            raise PermissionDenied(_("An account manager can only see their own records."))
        staff_id = actor.staff_id if actor.staff_id is not None else -1
    if staff_id is not None:
        query = query.where(AttendanceRequest.staff_id == staff_id)
    if status is not None:
        query = query.where(AttendanceRequest.status == RequestStatus(status).value)
    query = query.order_by(AttendanceRequest.start.desc(), AttendanceRequest.id.desc())
    return [_request_record(r) for r in session.scalars(query)]


# --- appeals --------------------------------------------------------------------------


def file_appeal(session: Session, actor: Actor, staff_id: int, work_date: date, reason: str) -> int:
    """A person disputes a day's result (申诉); returns the appeal's id."""
    audit.by(session, actor)
    _staff(session, actor, staff_id)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ValidationError(_("Say why the day's result is wrong (at most 500 characters)."))
    appeal = Appeal(
        branch_id=actor.branch_id,
        staff_id=staff_id,
        work_date=work_date,
        reason=reason,
        status=AppealStatus.PENDING.value,
        decision="",
        created_at=now_utc(),
    )
    session.add(appeal)
    session.flush()
    return appeal.id


def decide_appeal(
    session: Session,
    actor: Actor,
    appeal_id: int,
    accept: bool,
    decision: str,
    points_after: int | None = None,
) -> None:
    """Accept (the day's points become `points_after`, when given) or reject an appeal."""
    audit.by(session, actor)
    require_supervisor(actor)
    appeal = session.get(Appeal, appeal_id)
    if appeal is None or appeal.branch_id != actor.branch_id:
        raise NotFound(_("No such appeal."))
    if appeal.status != AppealStatus.PENDING.value:
        raise ValidationError(_("This appeal has been decided already."))
    if not decision.strip():
        raise ValidationError(_("Write down the decision."), "decision")
    if points_after is not None and points_after < 0:
        raise ValidationError(_("Points are a deduction: 0 or more."), "points_after")
    appeal.status = (AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED).value
    appeal.decision = decision.strip()[:500]
    appeal.points_after = points_after if accept else None
    appeal.decided_by, appeal.decided_at = actor.user_id, now_utc()
    session.flush()


# --- the month ------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMonth:
    staff_id: int
    employee_no: str
    name: str
    days: list[DayResult]  # evaluated dates only: none before hiring, none from today on
    totals: MonthTotals


@dataclass(frozen=True)
class StaffDay:
    staff_id: int
    employee_no: str
    name: str
    result: DayResult
    punches: list[datetime]  # the work date's punches, branch wall-clock time


@dataclass(frozen=True)
class _Person:
    id: int
    employee_no: str
    name: str
    hire_date: date | None


def _month_bounds(year: int, month_: int) -> tuple[date, date]:
    try:
        first = date(year, month_, 1)
    except ValueError:
        raise ValidationError(
            _("There is no month {month} in {year}.").format(month=month_, year=year)
        ) from None
    following = date(year + (month_ == 12), month_ % 12 + 1, 1)
    return first, following - _DAY


def _people(
    session: Session, actor: Actor, staff_ids: Sequence[int] | None, lo: int, hi: int
) -> list[_Person]:
    """Whose days to show: the listed people (each checked), or for the supervisor the
    active staff and anyone deactivated who punched in the window [lo, hi) (minute keys);
    a manager without a list gets themselves."""
    columns = (Staff.id, Staff.employee_no, Staff.name, Staff.hire_date, Staff.branch_id)
    if staff_ids is None and not actor.sees_whole_branch:
        if actor.staff_id is None:
            raise PermissionDenied(_("An account manager can only see their own records."))
        staff_ids = [actor.staff_id]
    if staff_ids is not None:
        wanted = list(dict.fromkeys(staff_ids))
        rows = {
            row[0]: row for row in session.execute(select(*columns).where(Staff.id.in_(wanted)))
        }
        for staff_id in wanted:
            row = rows.get(staff_id)
            if row is None or row[4] != actor.branch_id:
                raise NotFound(_("No such staff member."))
            require_own_or_supervisor(actor, row[4], staff_id)
        people = [_Person(r[0], r[1], r[2], r[3]) for r in (rows[i] for i in wanted)]
    else:
        all_rows = list(
            session.execute(
                select(*columns, Staff.active).where(Staff.branch_id == actor.branch_id)
            )
        )
        inactive = [row[0] for row in all_rows if not row[5]]
        punched = set()
        if inactive:
            punched = set(
                session.scalars(
                    select(Punch.staff_id)
                    .where(
                        Punch.staff_id.in_(inactive),
                        Punch.minute_key >= lo,
                        Punch.minute_key < hi,
                        Punch.voided_at.is_(None),
                    )
                    .distinct()
                )
            )
        people = [
            _Person(row[0], row[1], row[2], row[3])
            for row in all_rows
            if row[5] or row[0] in punched
        ]
    return sorted(people, key=lambda p: p.employee_no)


def _local_clock(tz: ZoneInfo, lo: datetime, hi: datetime) -> Callable[[int], datetime]:
    """minute key -> the branch's naive wall-clock time. With one UTC offset over the
    window (no DST change: always so for China), a sum instead of a zone lookup each."""
    offset = lo.astimezone(tz).utcoffset()
    if offset is not None and offset == hi.astimezone(tz).utcoffset():
        base = datetime(1970, 1, 1) + offset
        return lambda key: base + timedelta(minutes=key)
    return lambda key: (_EPOCH + timedelta(minutes=key)).astimezone(tz).replace(tzinfo=None)


@dataclass
class _MonthInputs:
    """Everything the engine needs for some people and dates, loaded in a few selects."""

    tz: ZoneInfo
    book: RuleBook
    calendar: WorkCalendar
    rotas: dict[int, Rota]
    punches: dict[int, list[datetime]]
    requests: dict[int, list[ApprovedRequest]]
    appeals: dict[tuple[int, date], int]
    # The same dates under the same rule without a rota plan the same for everyone.
    shared_plans: dict[tuple[int | None, date, date], list[DayPlan]] = field(default_factory=dict)

    def plans(self, staff_id: int, rule_id: int | None, first: date, last: date) -> list[DayPlan]:
        rule = self.book.rule(rule_id)
        rota = self.rotas.get(staff_id)
        if rota is not None:
            return [plan_day(d, rule, self.calendar, rota) for d in _dates(first, last)]
        key = (rule_id, first, last)
        plans = self.shared_plans.get(key)
        if plans is None:
            plans = [plan_day(d, rule, self.calendar) for d in _dates(first, last)]
            self.shared_plans[key] = plans
        return plans


def _load_inputs(
    session: Session, branch: Branch, staff_ids: list[int], first: date, last: date
) -> _MonthInputs:
    tz = ZoneInfo(branch.timezone)
    # A day's punches may fall on the next morning (a bar's 20:00–01:00 shift and its
    # window), or the evening before; the engine assigns them to work dates.
    lo = _instant(first - _DAY, time(0), tz)
    hi = _instant(last + 2 * _DAY, time(0), tz)
    clock = _local_clock(tz, lo, hi)
    punches: dict[int, list[datetime]] = defaultdict(list)
    requests: dict[int, list[ApprovedRequest]] = defaultdict(list)
    appeals: dict[tuple[int, date], int] = {}
    if staff_ids:
        for staff_id, key in session.execute(
            select(Punch.staff_id, Punch.minute_key).where(
                Punch.staff_id.in_(staff_ids),
                Punch.minute_key >= minute_key(lo),
                Punch.minute_key < minute_key(hi),
                Punch.voided_at.is_(None),
            )
        ):
            punches[staff_id].append(clock(key))
        for staff_id, kind, start, end, leave_type in session.execute(
            select(
                AttendanceRequest.staff_id,
                AttendanceRequest.kind,
                AttendanceRequest.start,
                AttendanceRequest.end,
                AttendanceRequest.leave_type,
            ).where(
                AttendanceRequest.staff_id.in_(staff_ids),
                AttendanceRequest.status == RequestStatus.APPROVED.value,
                AttendanceRequest.start < hi,
                AttendanceRequest.end >= lo,
            )
        ):
            requests[staff_id].append(
                ApprovedRequest(
                    RequestKind(kind),
                    start.astimezone(tz).replace(tzinfo=None),
                    end.astimezone(tz).replace(tzinfo=None),
                    leave_type,
                )
            )
        for staff_id, work_date, points_after in session.execute(
            select(Appeal.staff_id, Appeal.work_date, Appeal.points_after).where(
                Appeal.staff_id.in_(staff_ids),
                Appeal.status == AppealStatus.ACCEPTED.value,
                Appeal.points_after.is_not(None),
                Appeal.work_date.between(first, last),
            )
        ):
            if points_after is not None:
                appeals[(staff_id, work_date)] = points_after
    return _MonthInputs(
        tz=tz,
        book=RuleBook.load(session, branch.id),
        calendar=WorkCalendar.load(session, branch.id, range(first.year, last.year + 1)),
        rotas=_load_rotas(session, staff_ids, first - _DAY, last + _DAY),
        punches=punches,
        requests=requests,
        appeals=appeals,
    )


def _evaluate_person(
    person: _Person, inputs: _MonthInputs, first: date, last: date
) -> list[DayResult]:
    """The person's results from `first` to `last` (one calendar month), none before hiring."""
    if person.hire_date is not None and person.hire_date > first:
        first = person.hire_date
    if last < first:
        return []
    punches = inputs.punches.get(person.id, [])
    requests = inputs.requests.get(person.id, [])
    results: list[DayResult] = []
    # A rule changed mid-month is applied from its date; the engine's monthly counts
    # (exemption, escalation) then start again with the new rule.
    for rule_id, start, end in inputs.book.segments(person.id, first, last):
        plans = inputs.plans(person.id, rule_id, start, end)
        results.extend(evaluate_month(inputs.book.rule(rule_id), plans, punches, requests))
    if inputs.appeals:
        results = [
            replace(r, points=points, notes=(*r.notes, APPEAL_NOTE))
            if (points := inputs.appeals.get((person.id, r.work_date))) is not None
            else r
            for r in results
        ]
    return results


def _window_keys(branch: Branch, first: date, last: date) -> tuple[int, int]:
    tz = ZoneInfo(branch.timezone)
    return (
        minute_key(_instant(first - _DAY, time(0), tz)),
        minute_key(_instant(last + 2 * _DAY, time(0), tz)),
    )


def month(
    session: Session,
    actor: Actor,
    staff_ids: Sequence[int] | None,
    year: int,
    month: int,
    *,
    today: date | None = None,
) -> list[StaffMonth]:
    """Each person's days of the month, judged by the day engine, with the month's totals.

    Only finished days are judged: dates before `today` (default: today in the branch),
    so a day in progress never shows a missing check-out. `staff_ids=None`: everyone the
    actor may see. A manager asking for someone else gets PermissionDenied.
    """
    branch = _branch(session, actor)
    first, last = _month_bounds(year, month)
    people = _people(session, actor, staff_ids, *_window_keys(branch, first, last))
    if today is None:
        today = branch_today(branch.timezone)
    last = min(last, today - _DAY)
    inputs = _load_inputs(session, branch, [p.id for p in people], first, last)
    result = []
    for person in people:
        days = _evaluate_person(person, inputs, first, last)
        result.append(
            StaffMonth(person.id, person.employee_no, person.name, days, month_totals(days))
        )
    return result


def day(
    session: Session, actor: Actor, work_date: date, *, staff_ids: Sequence[int] | None = None
) -> list[StaffDay]:
    """Everyone's result for one work date (today's included, while it is still going on),
    judged in its month so that the month's counts (exemption, warnings) are right."""
    branch = _branch(session, actor)
    today = branch_today(branch.timezone)
    if work_date > today:
        raise ValidationError(
            _("{date} has not come yet.").format(date=work_date.isoformat()), "date"
        )
    first = work_date.replace(day=1)
    people = _people(session, actor, staff_ids, *_window_keys(branch, work_date, work_date))
    inputs = _load_inputs(session, branch, [p.id for p in people], first, work_date)
    rows = []
    for person in people:
        results = _evaluate_person(person, inputs, first, work_date)
        if not results or results[-1].work_date != work_date:
            continue  # not yet hired
        rule = inputs.book.rule_on(person.id, work_date)
        rota = inputs.rotas.get(person.id, _NO_ROTA)
        around = [
            plan_day(d, rule, inputs.calendar, rota)
            for d in (work_date - _DAY, work_date, work_date + _DAY)
        ]
        assigned = assign_punches(
            rule,
            around,
            inputs.punches.get(person.id, []),
            requests=inputs.requests.get(person.id, []),
        )
        rows.append(
            StaffDay(
                person.id,
                person.employee_no,
                person.name,
                results[-1],
                sorted(assigned.get(work_date, [])),
            )
        )
    return rows


# --- the kiosk --------------------------------------------------------------------------


class KioskKind(StrEnum):
    """Which button was pressed; stored as the punch's note (the engine pairs punches by
    time, not by button, so a wrong button costs nothing)."""

    IN = "in"
    OUT = "out"


@dataclass(frozen=True)
class KioskPunch:
    """What a kiosk press did: `result` says stored, or ignored as a repeat/duplicate."""

    staff_id: int
    employee_no: str
    name: str
    at: datetime  # UTC
    kind: str
    result: PunchResult


def kiosk_punch(
    session: Session, actor: Actor, employee_no: str, pin: str, kind: str
) -> KioskPunch:
    """A punch at the kiosk (打卡机): the person proves who they are with their 工号 and
    PIN. `actor` is whoever opened the kiosk window; the punch is at the current time."""
    try:
        which = KioskKind(kind)
    except ValueError:
        raise ValidationError(_("Unknown punch kind: {kind}").format(kind=kind)) from None
    number = unicodedata.normalize("NFKC", employee_no).strip()
    if not number:
        raise ValidationError(_("Enter your employee number."), "employee_no")
    if not pin:
        raise ValidationError(_("Enter your PIN."), "pin")
    person = session.scalar(
        select(Staff).where(Staff.branch_id == actor.branch_id, Staff.employee_no == number)
    )
    if person is None or not person.active:
        raise ValidationError(_("Unknown employee number {no}.").format(no=number), "employee_no")
    if person.pin_hash is None:
        raise ValidationError(
            _("{name} has no kiosk PIN yet; ask the supervisor to set one.").format(
                name=person.name
            ),
            "pin",
        )
    if not verify_secret(person.pin_hash, pin):
        raise ValidationError(_("Wrong PIN."), "pin")
    at = now_utc()
    result = add_punch(session, actor, person.id, at, PunchSource.KIOSK.value, note=which.value)
    return KioskPunch(person.id, person.employee_no, person.name, at, which.value, result)
