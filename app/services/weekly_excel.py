"""The Excel route of the weekly summary: a per-manager template to fill elsewhere, and
the import of one file or a folder of them.

Each file is taken whole or not at all: it is read (app.importers.weekly_xlsx), checked
against the store (who, which week, customers in that manager's book, every planned
visit done or explained), then stored by weekly.store_imported inside a SAVEPOINT, so a
file that fails leaves nothing and the good files beside it still go in. A dry run does
all of that, storing included, and rolls each SAVEPOINT back.

A manager may export and import only their own template; the supervisor anyone's in the
branch. A summary not yet reviewed is replaced; a reviewed one is kept and the file
becomes a new revision beside it (weekly.store_imported).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.i18n import _
from app.importers import weekly_xlsx as reader
from app.importers.weekly_xlsx import FilledTemplate, Problem, TemplateRejected
from app.models import Branch, Customer, Staff
from app.reports import weekly_template as tpl
from app.services import weekly
from app.services.auth import Actor, require_own_or_supervisor
from app.services.clock import now_utc
from app.services.errors import NotFound, ServiceError, ValidationError
from app.services.weekly import (
    ImportAction,
    ImportedSummary,
    PlanInput,
    PlanOutcome,
    PlanOutcomeInput,
    SummaryText,
    VisitLine,
)

_WEEK = timedelta(days=7)
VISIT_TEXT_LIMIT = 500  # SummaryVisit.content
PLAN_TEXT_LIMIT = 200  # VisitPlan.purpose and outcome_reason
MAX_PROBLEMS_LISTED = 8


@dataclass(frozen=True)
class AcceptedFile:
    file: str
    staff_id: int
    employee_no: str
    name: str
    week: str
    action: str  # weekly.ImportAction: created | replaced | kept_both
    revision: int
    late: bool

    def message(self, dry_run: bool = False) -> str:
        """What happened to the file, for the user (kept_both says so plainly)."""
        if self.action == ImportAction.KEPT_BOTH:
            text = (
                _(
                    "{file}: {name}'s summary for {week} has already been reviewed, so it "
                    "would be kept unchanged and this file would be added beside it as "
                    "revision {revision}."
                )
                if dry_run
                else _(
                    "{file}: {name}'s summary for {week} had already been reviewed, so it "
                    "was kept unchanged and this file was added beside it as revision "
                    "{revision}; the supervisor sees both."
                )
            )
        elif self.action == ImportAction.REPLACED:
            text = (
                _(
                    "{file}: would replace {name}'s summary for {week}, which has not been "
                    "reviewed yet."
                )
                if dry_run
                else _(
                    "{file}: replaced {name}'s summary for {week}, which had not been reviewed yet."
                )
            )
        else:
            text = (
                _("{file}: {name}'s summary for {week} would be imported and submitted.")
                if dry_run
                else _("{file}: {name}'s summary for {week} was imported and submitted.")
            )
        text = text.format(file=self.file, name=self.name, week=self.week, revision=self.revision)
        if self.late:
            text += " " + _("It is late: the deadline has passed.")
        return text


@dataclass(frozen=True)
class Rejection:
    file: str
    sheet: str  # "" when the whole file is refused
    cell: str  # e.g. "A5"; "" for a whole sheet or file
    reason: str

    @property
    def where(self) -> str:
        return "!".join(part for part in (self.sheet, self.cell) if part)

    @property
    def message(self) -> str:
        """The file, sheet and cell and the reason, in one line for the user."""
        if self.where:
            return _("{file}, {where}: {reason}").format(
                file=self.file, where=self.where, reason=self.reason
            )
        return _("{file}: {reason}").format(file=self.file, reason=self.reason)


@dataclass
class WeeklyImportReport:
    accepted: list[AcceptedFile] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)  # one per refused file


# --- the template ------------------------------------------------------------------------


def _branch(session: Session, actor: Actor) -> Branch:
    branch = session.get(Branch, actor.branch_id)
    if branch is None:
        raise NotFound(_("The branch no longer exists."))
    return branch


def template_name(session: Session, actor: Actor, staff_id: int, week_start: date) -> str:
    """每周工作进度汇总表_2026-W48_A001_张三.xlsx"""
    person = _person(session, actor, staff_id)
    return tpl.file_name(person.employee_no, person.name, weekly.week_label(week_start))


def _person(session: Session, actor: Actor, staff_id: int) -> Staff:
    person = session.get(Staff, staff_id)
    if person is None or person.branch_id != actor.branch_id:
        raise NotFound(_("No such staff member."))
    require_own_or_supervisor(actor, person.branch_id, person.id)
    return person


def template_bytes(session: Session, actor: Actor, staff_id: int, week_start: date) -> bytes:
    """A manager's template for a week as XLSX, prefilled with what the store has: the
    current summary or draft (else the week's visit logs), last week's plan as the
    checklist and the plan for the week after."""
    view = weekly.get_summary(session, actor, staff_id, week_start)  # checks who may
    branch = _branch(session, actor)
    customers = [c.name for c in weekly.list_customers(session, actor, staff_id)]
    # A prefilled line may name a customer retired since: keep it choosable.
    for name in [v.customer_name for v in view.visits] + [p.customer_name for p in view.next_plans]:
        if name and name not in customers:
            customers.append(name)
    due = view.deadline.astimezone(view.deadline.tzinfo)
    content = tpl.TemplateContent(
        identity=tpl.TemplateIdentity(
            branch_id=branch.id,
            branch_name=branch.name,
            staff_id=view.staff_id,
            employee_no=view.employee_no,
            name=view.name,
            week=view.week,
            produced_at=now_utc().isoformat(timespec="seconds"),
        ),
        week_start=view.week_start,
        deadline=due.strftime("%Y-%m-%d %H:%M"),
        text={f: getattr(view.text, f) for f in weekly.TEXT_FIELDS},
        visits=[(v.day, v.customer_name, v.content) for v in view.visits],
        checklist=[
            tpl.ChecklistLine(
                p.id, p.planned_day, p.customer_name, p.purpose, p.outcome, p.moved_to, p.reason
            )
            for p in view.checklist
        ],
        next_plans=[(p.planned_day, p.customer_name, p.purpose) for p in view.next_plans],
        customers=customers,
    )
    return tpl.render(content)


# --- the import --------------------------------------------------------------------------


def expand_paths(paths: Sequence[Path | str]) -> list[Path]:
    """Files as given; a folder becomes its *.xlsx files in name order, without Office's
    lock files (~$name.xlsx). A path that does not exist is kept: the import refuses it
    by name rather than losing it."""
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            out.extend(
                sorted(
                    (
                        p
                        for p in path.iterdir()
                        if p.suffix.lower() == ".xlsx"
                        and not p.name.startswith("~$")
                        and p.is_file()
                    ),
                    key=lambda p: p.name,
                )
            )
        else:
            out.append(path)
    return out


def import_files(
    session: Session,
    actor: Actor,
    paths: Sequence[Path | str],
    week_start: date | None = None,
    staff_id: int | None = None,
    dry_run: bool = False,
) -> WeeklyImportReport:
    """Import filled templates (files or folders). Each file is stored whole or not at
    all; `week_start`/`staff_id` refuse templates of any other week or manager; a dry run
    checks everything and stores nothing. The caller holds the transaction."""
    if staff_id is not None:
        _person(session, actor, staff_id)
    if week_start is not None:
        week_start = weekly.week_of(week_start)
    branch = _branch(session, actor)
    _start_transaction(session)
    report = WeeklyImportReport()
    for path in expand_paths(paths):
        label = str(path)
        try:
            filled = reader.read_template(path)
            data, person = _checked(session, actor, branch, filled, week_start, staff_id, path)
            outcome = _store(session, actor, data, dry_run)
        except TemplateRejected as exc:
            report.rejected.append(_rejection(label, exc.problems))
            continue
        except ServiceError as exc:  # refused while storing: nothing of the file is kept
            report.rejected.append(Rejection(label, "", "", str(exc)))
            continue
        report.accepted.append(
            AcceptedFile(
                label,
                person.id,
                person.employee_no,
                person.name,
                weekly.week_label(data.week_start),
                outcome.action,
                outcome.revision,
                outcome.late,
            )
        )
    return report


def _start_transaction(session: Session) -> None:
    """Make the caller's transaction real before the first SAVEPOINT.

    Python's sqlite3 driver opens a transaction only before its first INSERT, UPDATE or
    DELETE; a SAVEPOINT issued before that starts a transaction of its own, and its
    RELEASE commits it, so the caller's rollback would no longer undo the files already
    stored. An UPDATE that matches no row opens the transaction on every database and
    changes nothing. (SQLAlchemy's pysqlite recipe — driver autocommit and an explicit BEGIN —
    was tried and dropped: every read session then holds a snapshot, so a long-open
    reading session stops seeing other commits and keeps the WAL from being checkpointed.)"""
    session.execute(update(Branch).where(Branch.id == -1).values(name=Branch.name))


def _store(
    session: Session, actor: Actor, data: ImportedSummary, dry_run: bool
) -> weekly.ImportedOutcome:
    savepoint = session.begin_nested()
    try:
        outcome = weekly.store_imported(session, actor, data)
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return outcome


def _rejection(file: str, problems: list[Problem]) -> Rejection:
    """One line per file: the first problem's place, and the other places after it."""
    first = problems[0]
    reason = first.reason
    others = problems[1:]
    if others:
        shown = [p.where or p.reason for p in others[:MAX_PROBLEMS_LISTED]]
        more = len(others) - len(shown)
        listed = _(", ").join(shown) + ("…" if more else "")
        reason = _("{reason} ({n} more problem(s) in this file: {cells})").format(
            reason=reason, n=len(others), cells=listed
        )
    return Rejection(file, first.sheet, first.cell, reason)


def _summary_cell(key: str) -> tuple[str, str]:
    return tpl.SUMMARY_SHEET, reader.header_cell(key)


def _refuse(where: tuple[str, str], reason: str) -> TemplateRejected:
    return TemplateRejected([Problem(where[0], where[1], reason)])


def _who_and_when(
    session: Session,
    actor: Actor,
    branch: Branch,
    filled: FilledTemplate,
    week_start: date | None,
    staff_id: int | None,
) -> tuple[Staff, date]:
    ident = filled.identity
    at_no, at_week, at_branch = (
        _summary_cell("employee_no"),
        _summary_cell("week"),
        _summary_cell("branch"),
    )
    if ident.branch_id != branch.id or ident.branch_name != branch.name:
        raise _refuse(
            at_branch,
            _(
                "This template was made for another branch ({branch}); export the template "
                "from this branch."
            ).format(branch=ident.branch_name or "?"),
        )
    if filled.shown_employee_no != ident.employee_no:
        raise _refuse(
            at_no,
            _(
                "The employee number was changed to {found}, but the template was made for "
                "{expected}. Export a template for {found} instead of editing this cell."
            ).format(found=filled.shown_employee_no or "?", expected=ident.employee_no),
        )
    if filled.shown_week != ident.week:
        raise _refuse(
            at_week,
            _(
                "The week was changed to {found}, but the template was made for {expected}. "
                "Export a template for {found} instead of editing this cell."
            ).format(found=filled.shown_week or "?", expected=ident.week),
        )
    try:
        file_week = weekly.parse_week(ident.week)
    except ValidationError as exc:
        raise _refuse(at_week, str(exc)) from None
    if week_start is not None and file_week != week_start:
        raise _refuse(
            at_week,
            _("This template is for {found}, not for {expected}.").format(
                found=ident.week, expected=weekly.week_label(week_start)
            ),
        )
    person = session.scalar(
        select(Staff).where(Staff.branch_id == branch.id, Staff.employee_no == ident.employee_no)
    )
    if person is None:
        raise _refuse(
            at_no,
            _("Employee number {no} is not a staff member of this branch.").format(
                no=ident.employee_no or "?"
            ),
        )
    if not person.active:
        raise _refuse(
            at_no,
            _("{name} ({no}) is no longer active in this branch.").format(
                name=person.name, no=person.employee_no
            ),
        )
    if staff_id is not None and person.id != staff_id:
        chosen = session.get(Staff, staff_id)
        raise _refuse(
            at_no,
            _("This template is {name}'s ({no}), not {chosen}'s.").format(
                name=person.name, no=person.employee_no, chosen=chosen.name if chosen else "?"
            ),
        )
    if not actor.sees_whole_branch and person.id != actor.staff_id:
        raise _refuse(
            at_no,
            _(
                "An account manager can import only their own weekly summary; this template "
                "is {name}'s ({no})."
            ).format(name=person.name, no=person.employee_no),
        )
    return person, file_week


def _checked(
    session: Session,
    actor: Actor,
    branch: Branch,
    filled: FilledTemplate,
    week_start: date | None,
    staff_id: int | None,
    path: Path,
) -> tuple[ImportedSummary, Staff]:
    """The file as the store takes it, or TemplateRejected naming every bad cell."""
    person, week = _who_and_when(session, actor, branch, filled, week_start, staff_id)
    problems: list[Problem] = []
    book = {
        name: cid
        for cid, name in session.execute(
            select(Customer.id, Customer.name).where(Customer.owner_staff_id == person.id)
        )
    }

    def customer_id(sheet: str, row: int, name: str) -> int | None:
        cid = book.get(name)
        if cid is None:
            problems.append(
                Problem(
                    sheet,
                    f"B{row}",
                    _("{customer} is not in {name}'s book of customers.").format(
                        customer=name, name=person.name
                    ),
                )
            )
        return cid

    def too_long(sheet: str, cell: str, text: str, limit: int) -> bool:
        if len(text) <= limit:
            return False
        problems.append(
            Problem(
                sheet,
                cell,
                _("This text has {n} characters; at most {limit} fit here.").format(
                    n=len(text), limit=limit
                ),
            )
        )
        return True

    for key in weekly.TEXT_FIELDS:
        too_long(tpl.SUMMARY_SHEET, reader.text_cell(key), filled.text[key], weekly.TEXT_LIMIT)
    text = SummaryText(**{key: filled.text[key] for key in weekly.TEXT_FIELDS})

    first, last = weekly.week_days(week)
    visits = []
    for v in filled.visits:
        cid = customer_id(tpl.VISITS_SHEET, v.row, v.customer)
        in_week = first <= v.day <= last
        if not in_week:
            problems.append(_outside(tpl.VISITS_SHEET, v.row, v.day, week))
        long = too_long(tpl.VISITS_SHEET, f"C{v.row}", v.content, VISIT_TEXT_LIMIT)
        if cid is not None and in_week and not long:
            visits.append(VisitLine(v.day, cid, v.content, v.customer))

    outcomes = _outcomes(session, actor, person, week, filled, problems, too_long)

    next_week = week + _WEEK
    next_first, next_last = weekly.week_days(next_week)
    plans = []
    for p in filled.next_plans:
        cid = customer_id(tpl.PLANS_SHEET, p.row, p.customer)
        in_week = p.day is None or next_first <= p.day <= next_last
        if not in_week:
            assert p.day is not None
            problems.append(_outside(tpl.PLANS_SHEET, p.row, p.day, next_week))
        long = too_long(tpl.PLANS_SHEET, f"C{p.row}", p.purpose, PLAN_TEXT_LIMIT)
        if cid is not None and in_week and not long:
            plans.append(PlanInput(person.id, cid, next_week, p.day, p.purpose))

    if problems:
        raise TemplateRejected(problems)
    data = ImportedSummary(
        staff_id=person.id,
        week_start=week,
        text=text,
        visits=visits,
        outcomes=outcomes,
        next_plans=plans,
        source_file=path.name,
    )
    return data, person


def _outside(sheet: str, row: int, day: date, week: date) -> Problem:
    first, last = weekly.week_days(week)
    return Problem(
        sheet,
        f"A{row}",
        _("{day} is not in the week {week} ({first} to {last}).").format(
            day=day.isoformat(),
            week=weekly.week_label(week),
            first=first.isoformat(),
            last=last.isoformat(),
        ),
    )


def _outcomes(  # type: ignore[no-untyped-def]
    session: Session,
    actor: Actor,
    person: Staff,
    week: date,
    filled: FilledTemplate,
    problems: list[Problem],
    too_long,
) -> list[PlanOutcomeInput]:
    """The checklist: every plan of the week done (a log shows it) or explained."""
    sheet = tpl.CHECKLIST_SHEET
    plans = {p.id: p for p in weekly.plans_for(session, actor, person.id, week)}
    seen: set[int] = set()
    out = []
    for line in filled.checklist:
        plan = plans.get(line.plan_id)
        if plan is None or line.plan_id in seen:
            problems.append(
                Problem(
                    sheet,
                    f"{tpl.PLAN_ID_COLUMN}{line.row}",
                    _(
                        "This line is not one of {name}'s planned visits for {week} (it was "
                        "deleted, or copied from another template). Export a new template."
                    ).format(name=person.name, week=weekly.week_label(week)),
                )
            )
            continue
        seen.add(plan.id)
        done_by_log = plan.outcome == PlanOutcome.DONE
        before = len(problems)
        if line.outcome == "done" and not done_by_log:
            problems.append(
                Problem(
                    sheet,
                    f"D{line.row}",
                    _(
                        "Marked done, but there is no visit log for {customer} in {week}. "
                        "Write the visit log first, or choose {moved} or {dropped}."
                    ).format(
                        customer=plan.customer_name,
                        week=weekly.week_label(week),
                        moved=tpl.OUTCOME_MOVED,
                        dropped=tpl.OUTCOME_DROPPED,
                    ),
                )
            )
        elif line.outcome == "" and not done_by_log:
            problems.append(
                Problem(
                    sheet,
                    f"D{line.row}",
                    _(
                        "The planned visit to {customer} did not happen and is not explained: "
                        "choose {moved} (with the new date and a reason) or {dropped} (with a "
                        "reason)."
                    ).format(
                        customer=plan.customer_name,
                        moved=tpl.OUTCOME_MOVED,
                        dropped=tpl.OUTCOME_DROPPED,
                    ),
                )
            )
        elif line.outcome in ("moved", "dropped"):
            if line.outcome == "moved" and line.moved_to is None:
                problems.append(
                    Problem(sheet, f"E{line.row}", _("Give the day the visit was moved to."))
                )
            if not line.reason:
                problems.append(
                    Problem(
                        sheet,
                        f"F{line.row}",
                        _("Give the reason the visit was moved or dropped."),
                    )
                )
            too_long(sheet, f"F{line.row}", line.reason, PLAN_TEXT_LIMIT)
        if len(problems) > before:
            continue
        outcome = line.outcome or PlanOutcome.DONE.value
        out.append(
            PlanOutcomeInput(
                plan.id,
                outcome,
                line.reason if outcome in ("moved", "dropped") else "",
                line.moved_to if outcome == "moved" else None,
            )
        )
    for plan in plans.values():
        if plan.id not in seen and plan.outcome == PlanOutcome.OPEN:
            problems.append(
                Problem(
                    sheet,
                    "",
                    _(
                        "The planned visit to {customer} is missing from this sheet and "
                        "is not explained. Export a new template."
                    ).format(customer=plan.customer_name),
                )
            )
    return out
