"""`branchdesk weekly status|template|check`, `import weekly` and `export weekly`: the weekly
progress summaries (每周工作进度汇总表) from scripts. JSON keys are a contract.

Kept apart from app.cli (which is long enough) but built on its plumbing; imported when the
parser is built, so it stays as light as app.cli at import time.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    CliError,
    _acting_supervisor,
    _apply_import,
    _open,
    _print_json,
    _print_table,
    _write_atomic,
)
from app.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models import Branch
    from app.services.auth import Actor


def _week(text: str) -> date:
    from app.services.errors import ValidationError
    from app.services.weekly import parse_week

    try:
        return parse_week(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_weekly_commands(
    commands: Any,
    export_what: Any,
    import_what: Any,
    branch_opt: argparse.ArgumentParser,
    json_opt: argparse.ArgumentParser,
) -> None:
    week_opt = argparse.ArgumentParser(add_help=False)
    week_opt.add_argument(
        "--week",
        type=_week,
        metavar="YYYY-Www",
        help="the ISO week, e.g. 2026-W48 (default: this week)",
    )

    weekly = commands.add_parser("weekly", help="weekly progress summaries (每周工作进度汇总表)")
    weekly_cmds = weekly.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = weekly_cmds.add_parser(
        "status",
        parents=[branch_opt, json_opt, week_opt],
        help="who has submitted the week's summary, and whether the roll-up was produced",
    )
    status.set_defaults(handler=_status)
    template = weekly_cmds.add_parser(
        "template",
        parents=[branch_opt, week_opt],
        help="write a manager's Excel template for the week (name and week filled in)",
    )
    template.add_argument("--employee", required=True, metavar="NO", help="employee number (工号)")
    template.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")
    template.set_defaults(handler=_template)
    check = weekly_cmds.add_parser(
        "check",
        parents=[branch_opt, json_opt, week_opt],
        help="trip records, visit logs and summaries that disagree; service standard; birthdays",
    )
    check.set_defaults(handler=_check)

    imp = import_what.add_parser(
        "weekly",
        parents=[branch_opt, json_opt],
        help="filled weekly summary templates (XLSX files or folders of them)",
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_FOLDER")
    imp.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
    imp.add_argument(
        "--week", type=_week, metavar="YYYY-Www", help="refuse templates of any other week"
    )
    imp.set_defaults(handler=_import)

    export = export_what.add_parser(
        "weekly",
        parents=[branch_opt, week_opt],
        help="the branch roll-up for the market department, as PDF or XLSX",
    )
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf|FILE.xlsx")
    export.set_defaults(handler=_export)


def _chosen_week(session: Session, actor: Actor, week: date | None) -> date:
    from app.services import weekly

    return week if week is not None else weekly.current_week(session, actor)


def _local(instant: datetime | None, branch: Branch) -> str | None:
    """An instant as ISO 8601 in the branch's zone (with its offset), or None."""
    from app.services.clock import to_branch_time

    return to_branch_time(instant, branch.timezone).isoformat() if instant else None


def _status(args: argparse.Namespace) -> int:
    from app.services import weekly

    store = _open(args)
    try:
        with store.reading() as session:
            branch, actor = _acting_supervisor(session, args.branch_name)
            status = weekly.week_status(session, actor, _chosen_week(session, actor, args.week))
    finally:
        store.close()
    if args.json:
        _print_json(
            {
                "week": status.week,
                "deadline": _local(status.deadline, branch),
                "staff": [
                    {
                        "employee_no": line.employee_no,
                        "name": line.name,
                        "state": line.state,
                        "submitted_at": _local(line.submitted_at, branch),
                        "late": line.late,
                        "revision": line.revision,
                    }
                    for line in status.lines
                ],
                "rollup_produced": status.rollup_produced,
                "rollup_produced_at": _local(status.rollup_produced_at, branch),
                "rollup_due": _local(status.rollup_due, branch),
                "rollup_on_time": status.rollup_on_time,
            }
        )
        return EXIT_OK
    print(
        _("Weekly summaries for {week}, due {deadline}:").format(
            week=status.week,
            deadline=(_local(status.deadline, branch) or "")[:16].replace("T", " "),
        )
    )
    _print_table(
        [_("Employee no."), _("Name"), _("State"), _("Submitted at")],
        [
            [
                line.employee_no,
                line.name,
                weekly.board_label(line.state),
                (_local(line.submitted_at, branch) or "")[:16].replace("T", " "),
            ]
            for line in status.lines
        ],
    )
    if status.rollup_produced:
        print(
            _("Roll-up produced {at} ({timing}).").format(
                at=(_local(status.rollup_produced_at, branch) or "")[:16].replace("T", " "),
                timing=_("on time") if status.rollup_on_time else _("after the due time"),
            )
        )
    else:
        print(_("The roll-up for the market department has not been produced yet."))
    return EXIT_OK


def _template(args: argparse.Namespace) -> int:
    from app.services import staff, weekly_excel

    store = _open(args)
    try:
        with store.reading() as session:
            branch, actor = _acting_supervisor(session, args.branch_name)
            person = staff.find_by_employee_no(session, branch.id, args.employee.strip())
            if person is None:
                raise CliError(
                    _("There is no employee number {no} in {branch}.").format(
                        no=args.employee, branch=branch.name
                    )
                )
            week = _chosen_week(session, actor, args.week)
            data = weekly_excel.template_bytes(session, actor, person.id, week)
    finally:
        store.close()
    _write_atomic(args.output, data)
    print(
        _("Template for {name} ({no}), {week}, written to {file}.").format(
            name=person.name, no=person.employee_no, week=_week_label(week), file=args.output
        )
    )
    return EXIT_OK


def _week_label(week: date) -> str:
    from app.services.weekly import week_label

    return week_label(week)


def _check(args: argparse.Namespace) -> int:
    from app.services import weekly_check

    store = _open(args)
    try:
        with store.reading() as session:
            _branch, actor = _acting_supervisor(session, args.branch_name)
            result = weekly_check.check_week(
                session, actor, _chosen_week(session, actor, args.week)
            )
    finally:
        store.close()
    problems = sum(len(m.findings) for m in result.managers) + len(result.service)
    if args.json:
        _print_json(weekly_check.to_json(result))
    else:
        lines = weekly_check.summary_lines(result)
        print(
            _("Consistency check for {week}: {n} problem(s).").format(
                week=_week_label(result.week_start), n=problems
            )
        )
        for line in lines:
            print("  " + line)
        for gap in result.service:
            print("  " + weekly_check.service_line(gap))
        if result.birthdays:
            print(_("Birthdays in the coming week:"))
            for birthday in result.birthdays:
                print("  " + weekly_check.birthday_line(birthday))
    return EXIT_CHECK_FAILED if problems else EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from app.services import weekly_excel

    paths = weekly_excel.expand_paths(args.paths)
    report = _apply_import(
        args,
        lambda session, actor: weekly_excel.import_files(
            session, actor, paths, week_start=args.week, dry_run=args.dry_run
        ),
    )
    if args.json:
        _print_json(
            {
                "accepted": len(report.accepted),
                "rejected": [
                    {"file": r.file, "sheet": r.sheet, "cell": r.cell, "reason": r.reason}
                    for r in report.rejected
                ],
                "files": [
                    {
                        "file": a.file,
                        "employee_no": a.employee_no,
                        "name": a.name,
                        "week": a.week,
                        "action": a.action,
                        "revision": a.revision,
                        "late": a.late,
                    }
                    for a in report.accepted
                ],
                "dry_run": args.dry_run,
            }
        )
    else:
        print(
            _("{accepted} file(s) accepted, {rejected} rejected.").format(
                accepted=len(report.accepted), rejected=len(report.rejected)
            )
        )
        for a in report.accepted:
            what = _action_text(a.action, a.revision)
            print(f"  {a.file}: {a.employee_no} {a.name} {a.week} — {what}")
        for r in report.rejected:
            where = "!".join(part for part in (r.sheet, r.cell) if part)
            print(f"  {r.file}{' ' + where if where else ''}: {r.reason}")
        if args.dry_run:
            print(_("Dry run: nothing was saved."))
    return EXIT_CHECK_FAILED if report.rejected else EXIT_OK


def _action_text(action: str, revision: int) -> str:
    if action == "kept_both":
        return _(
            "the summary there was already reviewed and is kept; this file is revision {n}"
        ).format(n=revision)
    if action == "replaced":
        return _("replaced the summary not yet reviewed")
    return _("imported")


def _export(args: argparse.Namespace) -> int:
    from app.services import weekly_reports

    weekly_reports.rollup_kind(args.output)  # a .docx is refused before the store opens
    store = _open(args)
    try:
        with store.transaction() as session:  # the roll-up is recorded as produced
            _branch, actor = _acting_supervisor(session, args.branch_name)
            week = _chosen_week(session, actor, args.week)
            weekly_reports.export_rollup(session, actor, week, args.output)
    except OSError as exc:
        raise CliError(
            _("Cannot write {file}: {reason}").format(file=args.output, reason=exc.strerror or exc)
        ) from None
    finally:
        store.close()
    print(
        _("Roll-up for {week} written to {file}.").format(week=_week_label(week), file=args.output)
    )
    return EXIT_OK
