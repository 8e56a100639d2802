"""The branch roll-up of a week's summaries (汇总) for the market department: PDF and XLSX.

The supervisor collects every manager's weekly progress summary and sends the roll-up
before the end of Friday. `rollup` gathers everything the documents show as plain data
(the renderers in `app/reports/weekly_rollup_*.py` never see the session); the labels are
translated here, once, so that the PDF, the workbook and the app say the same thing.
`export_rollup` writes a file and records that the week's roll-up was produced (the app
shows whether that happened before the end of Friday, `WeekStatus.rollup_on_time`).

Only the supervisor may produce it: it holds every manager's customers and problems.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.fileio import write_atomically
from app.i18n import _
from app.models import Branch
from app.services import weekly
from app.services.auth import Actor, require_supervisor
from app.services.errors import NotFound, ValidationError
from app.services.weekly import BoardState, PlanOutcome, PlanView, SummaryView, WeekRecord

HISTORY_WEEKS = 12
# Board states whose summary was handed in: the roll-up shows their content in full.
HANDED_IN = frozenset(
    {BoardState.SUBMITTED, BoardState.LATE, BoardState.RETURNED, BoardState.APPROVED}
)


class RollupKind(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"


@dataclass(frozen=True)
class RollupVisit:
    day: date
    customer: str
    content: str


@dataclass(frozen=True)
class RollupPlan:
    """A planned visit; `outcome_label` and `detail` are ready to print."""

    customer: str
    planned_day: date | None
    purpose: str
    outcome: str  # PlanOutcome
    outcome_label: str
    detail: str  # the reason, the day it was done or moved to


@dataclass(frozen=True)
class RollupManager:
    """One manager's week; times are in the branch's zone."""

    staff_id: int
    employee_no: str
    name: str
    state: str  # BoardState
    state_label: str
    submitted_at: datetime | None
    late: bool
    revision: int
    texts: list[tuple[str, str, str]]  # (field, label, text) in SummaryText order
    visits: list[RollupVisit]
    checklist: list[RollupPlan]  # last week's plan for this week
    next_plans: list[RollupPlan]
    review_comment: str
    review_label: str  # e.g. 已通过 2026-11-27 18:02 / 待审阅
    return_reason: str

    @property
    def handed_in(self) -> bool:
        return self.state in HANDED_IN

    @property
    def on_time(self) -> bool | None:
        """None when nothing was handed in."""
        return None if self.submitted_at is None else not self.late

    @property
    def visit_count(self) -> int:
        return len(self.visits)

    def text(self, name: str) -> str:
        return next((text for field_name, _label, text in self.texts if field_name == name), "")


@dataclass(frozen=True)
class ChartHistory:
    """Input of the two charts: `weekly.history` records and who they are (in order)."""

    records: list[WeekRecord]
    names: dict[int, str]  # staff_id -> name, in the roster's order


@dataclass(frozen=True)
class Rollup:
    branch: str
    week_start: date
    deadline: datetime  # branch time
    rollup_due: datetime  # branch time
    managers: list[RollupManager]
    history: ChartHistory

    @property
    def week(self) -> str:
        return weekly.week_label(self.week_start)

    @property
    def last_day(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def visit_total(self) -> int:
        return sum(m.visit_count for m in self.managers if m.handed_in)

    def count(self, *states: str) -> int:
        return sum(1 for m in self.managers if m.state in states)

    @property
    def on_time_count(self) -> int:
        return sum(1 for m in self.managers if m.on_time is True)

    @property
    def late_count(self) -> int:
        return sum(1 for m in self.managers if m.on_time is False)

    @property
    def not_handed_in(self) -> int:
        return sum(1 for m in self.managers if not m.handed_in)


@dataclass(frozen=True)
class RollupFile:
    path: Path
    kind: str  # RollupKind
    sha256: str


# --- gathering ---------------------------------------------------------------------------


def _branch(session: Session, actor: Actor) -> Branch:
    branch = session.get(Branch, actor.branch_id)
    if branch is None:
        raise NotFound(_("The branch no longer exists."))
    return branch


def _local(instant: datetime | None, zone: ZoneInfo) -> datetime | None:
    return instant.astimezone(zone) if instant is not None else None


def _plan(plan: PlanView) -> RollupPlan:
    outcome = PlanOutcome(plan.outcome)
    if outcome is PlanOutcome.DONE and plan.done_on is not None:
        detail = _("Visited on {day}").format(day=plan.done_on.isoformat())
    elif outcome is PlanOutcome.MOVED and plan.moved_to is not None:
        detail = _("Moved to {day}: {reason}").format(
            day=plan.moved_to.isoformat(), reason=plan.reason
        )
    else:
        detail = plan.reason
    return RollupPlan(
        plan.customer_name,
        plan.planned_day,
        plan.purpose,
        outcome.value,
        weekly.outcome_label(outcome),
        detail,
    )


def _review_label(view: SummaryView, zone: ZoneInfo) -> str:
    state = BoardState(view.board_state)
    reviewed = _local(view.reviewed_at, zone)
    if state in (BoardState.APPROVED, BoardState.RETURNED):
        label = weekly.board_label(state)
        if reviewed is not None:
            label = _("{state} {time}").format(
                state=label, time=reviewed.strftime("%Y-%m-%d %H:%M")
            )
        return label
    if state in (BoardState.SUBMITTED, BoardState.LATE):
        return _("Awaiting review")
    return ""


def _manager(view: SummaryView, zone: ZoneInfo) -> RollupManager:
    return RollupManager(
        staff_id=view.staff_id,
        employee_no=view.employee_no,
        name=view.name,
        state=view.board_state,
        state_label=weekly.board_label(view.board_state),
        submitted_at=_local(view.submitted_at, zone),
        late=view.late,
        revision=view.revision,
        texts=[
            (name, _(weekly.TEXT_LABELS[name]), getattr(view.text, name))
            for name in weekly.TEXT_FIELDS
        ],
        visits=[RollupVisit(v.day, v.customer_name, v.content) for v in view.visits],
        checklist=[_plan(p) for p in view.checklist],
        next_plans=[_plan(p) for p in view.next_plans],
        review_comment=view.review_comment,
        review_label=_review_label(view, zone),
        return_reason=view.return_reason,
    )


def chart_history(
    session: Session, actor: Actor, last_week: date, weeks: int = HISTORY_WEEKS
) -> ChartHistory:
    """The last `weeks` weeks up to `last_week` for the charts (the app's chart view too)."""
    require_supervisor(actor)
    records = weekly.history(session, actor, last_week, weeks)
    status = weekly.week_status(session, actor, last_week)
    return ChartHistory(records, {line.staff_id: line.name for line in status.lines})


def rollup(session: Session, actor: Actor, week_start: date) -> Rollup:
    """Everything the roll-up of a week shows, for the supervisor."""
    require_supervisor(actor)
    week_start = weekly.week_of(week_start)
    branch = _branch(session, actor)
    zone = ZoneInfo(branch.timezone)
    views = weekly.summaries_for_week(session, actor, week_start)
    records = weekly.history(session, actor, week_start, HISTORY_WEEKS)
    return Rollup(
        branch=branch.name,
        week_start=week_start,
        deadline=weekly.deadline(session, actor.branch_id, week_start).astimezone(zone),
        rollup_due=weekly.rollup_due(session, actor.branch_id, week_start).astimezone(zone),
        managers=[_manager(v, zone) for v in views],
        history=ChartHistory(records, {v.staff_id: v.name for v in views}),
    )


# --- documents ---------------------------------------------------------------------------


def rollup_pdf(session: Session, actor: Actor, week_start: date) -> bytes:
    from app.reports.weekly_rollup_pdf import render_rollup_pdf

    return render_rollup_pdf(rollup(session, actor, week_start))


def rollup_xlsx(session: Session, actor: Actor, week_start: date) -> bytes:
    from app.reports.weekly_rollup_xlsx import render_rollup_xlsx

    return render_rollup_xlsx(rollup(session, actor, week_start))


def rollup_kind(path: Path) -> RollupKind:
    """PDF or XLSX by the file's suffix; anything else is refused."""
    suffix = path.suffix.lower().lstrip(".")
    try:
        return RollupKind(suffix)
    except ValueError:
        raise ValidationError(
            _("Save the roll-up as a .pdf or .xlsx file, not {name}.").format(name=path.name),
            field="path",
        ) from None


def default_name(week_start: date, kind: str, branch: str = "") -> str:
    """A suggested file name: 城南支行-周汇总-2026-W48.pdf."""
    stem = _("Weekly roll-up")
    week = weekly.week_label(weekly.week_of(week_start))
    parts = [p for p in (branch, stem, week) if p]
    name = "-".join(parts)
    for bad in '\\/:*?"<>|':
        name = name.replace(bad, "_")
    return f"{name}.{RollupKind(kind).value}"


def export_rollup(session: Session, actor: Actor, week_start: date, path: Path) -> RollupFile:
    """Write the roll-up to `path` (.pdf or .xlsx), whole or not at all, and record that
    the week's roll-up was produced."""
    require_supervisor(actor)
    kind = rollup_kind(path)
    week_start = weekly.week_of(week_start)
    data = (
        rollup_pdf(session, actor, week_start)
        if kind is RollupKind.PDF
        else rollup_xlsx(session, actor, week_start)
    )
    write_atomically(path, data)
    digest = hashlib.sha256(data).hexdigest()
    weekly.record_rollup(session, actor, week_start, kind.value, path.name, digest)
    session.flush()
    return RollupFile(path, kind.value, digest)
