"""Headless commands for scripts and for setting up a PC: init, demo, staff, calendar,
meetings, export (sign-in sheets, minutes, the monthly meeting report), verify, import
(a clock machine's punches), attendance (a day, a month) and rules (who follows which).

The CLI acts as the branch's supervisor. With several branches in the store, `--branch
NAME` chooses one; without it the first branch (lowest id) is used and stderr says so.
JSON output (`--json`) is a contract for scripts: UTF-8, keys never renamed.
Exit codes: 0 done, 1 a check found problems, 2 unusable input or a refusal (the reason
on stderr, nothing written).

Kept light at import time: `app.__main__` builds its parser from here even for the GUI,
so the store, the services and openpyxl are only imported by the command that needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.i18n import N_, _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.db import Store
    from app.models import Branch
    from app.services.auth import Actor

EXIT_OK, EXIT_CHECK_FAILED, EXIT_UNUSABLE = 0, 1, 2
T = TypeVar("T")
RULES = ("office", "bar", "foot-spa", "custom")  # app.services.setup.RulesTemplate

SOURCE_LABELS = {
    "package": N_("chinese-calendar package"),
    "user": N_("entered by hand"),
    "import": N_("imported from a file"),
}


class CliError(Exception):
    """A refusal or unusable input; the message is for the user (already translated)."""


# --- the command line ------------------------------------------------------------------


def add_commands(parser: argparse.ArgumentParser) -> None:
    """Add the subcommands to the global parser (which has --db, --lang, --version)."""
    branch_opt = argparse.ArgumentParser(add_help=False)
    branch_opt.add_argument(
        "--branch",
        dest="branch_name",
        metavar="NAME",
        help="the branch to act on when the store holds several (default: the first one)",
    )
    json_opt = argparse.ArgumentParser(add_help=False)
    json_opt.add_argument("--json", action="store_true", help="print JSON (UTF-8) for scripts")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help="set up a new store: the branch and its supervisor")
    init.add_argument("--branch", required=True, metavar="NAME", help="the branch's name")
    init.add_argument("--supervisor", required=True, metavar="USER", help="supervisor user name")
    init.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the supervisor's password from the first line of standard input",
    )
    init.add_argument("--rules", choices=RULES, default="office", help="work-rule template")
    init.add_argument("--address", default="", metavar="A")
    init.add_argument("--timezone", default="Asia/Shanghai", metavar="TZ")
    init.add_argument("--display-name", default="", metavar="N", help="supervisor's full name")
    init.set_defaults(handler=_init)

    demo = commands.add_parser("demo", help="create or refresh the demo branch 演示网点")
    demo.set_defaults(handler=_demo)

    backup = commands.add_parser(
        "backup", help="back up the data file (SQLite's backup API, integrity-checked)"
    )
    backup.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the backup here (default: the backups folder, thinned 12 daily, "
        "10 weekly, 9 monthly)",
    )
    backup.set_defaults(handler=_backup)

    check = commands.add_parser(
        "check",
        parents=[json_opt],
        help="check the data file: SQLite's integrity and foreign keys, and the rules' invariants",
    )
    check.set_defaults(handler=_check)

    restore = commands.add_parser(
        "restore",
        help="replace the data with a backup's (checked first; the current data is backed up)",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(handler=_restore)

    from app.cli_crypt import add_encryption_commands

    add_encryption_commands(commands)

    staff = commands.add_parser("staff", help="the roster of account managers")
    staff_cmds = staff.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = staff_cmds.add_parser("list", parents=[branch_opt, json_opt], help="show the roster")
    listing.add_argument("--all", action="store_true", help="include deactivated staff")
    listing.set_defaults(handler=_staff_list)
    imp = staff_cmds.add_parser(
        "import", parents=[branch_opt, json_opt], help="add or update staff from CSV/XLSX"
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
    imp.set_defaults(handler=_staff_import)
    export = staff_cmds.add_parser("export", parents=[branch_opt], help="write the roster XLSX")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")
    export.set_defaults(handler=_staff_export)

    cal = commands.add_parser("calendar", help="the working calendar (holidays, 调休)")
    cal_cmds = cal.add_subparsers(dest="action", metavar="ACTION", required=True)
    cal_list = cal_cmds.add_parser(
        "list", parents=[branch_opt, json_opt], help="a year's special days"
    )
    cal_list.add_argument("--year", type=int, required=True, metavar="Y")
    cal_list.set_defaults(handler=_calendar_list)
    cal_check = cal_cmds.add_parser(
        "check", parents=[branch_opt, json_opt], help="warn about years without holiday data"
    )
    cal_check.add_argument(
        "--today", type=_iso_date, metavar="YYYY-MM-DD", help="check as if today were this date"
    )
    cal_check.set_defaults(handler=_calendar_check)
    cal_imp = cal_cmds.add_parser(
        "import", parents=[branch_opt, json_opt], help="import holidays from CSV/XLSX"
    )
    cal_imp.add_argument("file", type=Path, metavar="FILE")
    cal_imp.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
    cal_imp.set_defaults(handler=_calendar_import)

    export_what = _add_meeting_commands(commands, branch_opt, json_opt)
    import_what = add_import_commands(commands, branch_opt, json_opt)
    _add_attendance_commands(commands, branch_opt, json_opt)

    from app.cli_weekly import add_weekly_commands

    add_weekly_commands(commands, export_what, import_what, branch_opt, json_opt)


def run(args: argparse.Namespace) -> int:
    """Run the chosen command; returns the exit code."""
    from sqlalchemy.exc import DBAPIError

    from app.db import StoreError, environment_fault
    from app.importers import ImportFileError
    from app.services.errors import ServiceError
    from app.storelock import StoreLockError

    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        with _writer_lock(args):
            return handler(args)
    except (CliError, StoreError, StoreLockError, ImportFileError, ServiceError) as exc:
        print(f"branchdesk: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:
        # The reader went away (`branchdesk staff list | head`): not a failure of ours.
        # Point stdout at devnull so that Python's exit-time flush stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (DBAPIError, OSError) as exc:
        if (message := environment_fault(exc)) is None:
            raise
        print(f"branchdesk: {message}", file=sys.stderr)
        return EXIT_UNUSABLE


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text}") from None


# --- plumbing --------------------------------------------------------------------------

# Commands that only read the store: they may run beside the open app. Every other
# command, and any added later, writes (listing meetings generates the scheduled ones),
# so it takes the store's writer lock first and is refused while the app is open.
READ_ONLY_COMMANDS = frozenset(
    {
        "backup",  # SQLite's backup API reads a consistent snapshot beside a writer
        "check",
        "verify",
        "staff list",
        "staff export",
        "calendar list",
        "calendar check",
        "export signin",
        "export minutes",
        "export audit",
        "attendance day",
        "attendance month",
        "attendance warnings",
        "rules list",
        "weekly status",
        "weekly template",
        "weekly check",
    }
)


def command_name(args: argparse.Namespace) -> str:
    """The words of the command line that chose the handler: "staff import", "restore"."""
    words = [args.command, getattr(args, "action", None) or getattr(args, "what", None)]
    return " ".join(w for w in words if w)


def _writer_lock(args: argparse.Namespace) -> contextlib.AbstractContextManager[object]:
    """One writer per store (issue 6): a writing command holds the store's writer lock
    while it runs, so it is refused while the app (or another writing command) has the
    store open, and a store on a network share needs --accept-network-risk. A --dry-run
    rolls back, so it only reads."""
    from app.config import resolve_store_url
    from app.db import sqlite_path
    from app.storelock import check_store_link, claim_for_writing

    check_store_link(args.db)
    path = sqlite_path(resolve_store_url(args.db))
    writes = command_name(args) not in READ_ONLY_COMMANDS and not getattr(args, "dry_run", False)
    if path is None or not writes or not path.parent.is_dir():
        # (A store in a folder that does not exist yet is open nowhere; and a command
        # refused for want of a store must not leave a new folder behind.)
        return contextlib.nullcontext()
    return claim_for_writing(path, accept_network_risk=getattr(args, "accept_network_risk", False))


def _open(args: argparse.Namespace, *, create: bool = False) -> Store:
    """The store from --db / BRANCHDESK_DB; only init and demo may create a new file."""
    from app.config import resolve_store_url
    from app.db import open_store, sqlite_path

    url = resolve_store_url(args.db)
    path = sqlite_path(url)
    if not create and path is not None and not path.exists():
        raise CliError(
            _(
                "There is no data file at {path}. Set one up with “branchdesk init” "
                "(or try “branchdesk demo”)."
            ).format(path=path)
        )
    from app.cli_crypt import passphrase_for  # an encrypted store: BRANCHDESK_PASSPHRASE

    return open_store(url, passphrase=passphrase_for(path))


def _acting_supervisor(session: Session, branch_name: str | None) -> tuple[Branch, Actor]:
    """The branch the command acts on and its supervisor, as whom the CLI acts."""
    from sqlalchemy import select

    from app.models import Branch, User
    from app.services.auth import Role, actor_for

    branches = list(session.scalars(select(Branch).order_by(Branch.id)))
    if not branches:
        raise CliError(
            _(
                "The data file holds no branch yet. Set one up with “branchdesk init” "
                "(or try “branchdesk demo”)."
            )
        )
    if branch_name:
        chosen = [b for b in branches if b.name == branch_name.strip()]
        if not chosen:
            raise CliError(
                _("There is no branch named {name}. Branches: {names}.").format(
                    name=branch_name, names=", ".join(b.name for b in branches)
                )
            )
        branch = chosen[0]
    else:
        branch = branches[0]
        if len(branches) > 1:
            print(
                _(
                    "Several branches in the data file; acting on {name} (choose with --branch)."
                ).format(name=branch.name),
                file=sys.stderr,
            )
    user = session.scalar(
        select(User)
        .where(
            User.branch_id == branch.id,
            User.role == Role.SUPERVISOR.value,
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    if user is None:
        raise CliError(
            _("The branch {name} has no active supervisor account.").format(name=branch.name)
        )
    return branch, actor_for(user)


def _print_json(data: Any) -> None:
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper):
        out.reconfigure(encoding="utf-8")  # JSON is UTF-8 whatever the console's code page
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [text + " " * (w - _width(text)) for text, w in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip())


def _rejected(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"line": row.line, "reason": row.error} for row in rows]


def _print_rejected(rows: list[Any]) -> None:
    for row in rows:
        print(_("  line {line}: {reason}").format(line=row.line, reason=row.error))


# --- init and demo ---------------------------------------------------------------------


def _read_password(args: argparse.Namespace) -> tuple[str, str | None]:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), None
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(_("Supervisor's password: "))
        return first, getpass.getpass(_("The password again: "))
    raise CliError(_("Give the supervisor's password on standard input with --password-stdin."))


def _init(args: argparse.Namespace) -> int:
    from app.services import setup

    password, repeat = _read_password(args)
    spec = setup.BranchSetup(
        branch_name=args.branch,
        supervisor_username=args.supervisor,
        supervisor_display_name=args.display_name,
        password=password,
        password_repeat=repeat,
        address=args.address,
        timezone=args.timezone,
        rules_template=args.rules,
    )
    setup.validate(spec)  # before the store is opened: a typo leaves no new file behind
    store = _open(args, create=True)
    try:
        with store.transaction() as session:
            actor = setup.initialize(session, spec)
    finally:
        store.close()
    print(
        _("Branch {branch} is set up in {where}; its supervisor {user} can sign in.").format(
            branch=spec.branch_name.strip(), where=store.location(), user=actor.username
        )
    )
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from app.services.demo import DEMO_PASSWORD, DEMO_USER, build_demo

    store = _open(args, create=True)
    try:
        with store.transaction() as session:
            report = build_demo(session)
    finally:
        store.close()
    if report.branch_created:
        print(_("Demo branch {branch} created.").format(branch=report.branch))
    elif report.changed:
        print(_("Demo branch {branch} refreshed.").format(branch=report.branch))
    else:
        print(_("Demo branch {branch} is already up to date.").format(branch=report.branch))
    print(
        _("Account managers: {added} added, {updated} updated, {unchanged} unchanged.").format(
            added=report.staff_added,
            updated=report.staff_updated,
            unchanged=report.staff_unchanged,
        )
    )
    if report.logins_created:
        print(
            _("Manager sign-ins created: {names}.").format(names=", ".join(report.logins_created))
        )
    if report.logins_skipped:
        print(
            _("Not created, the user names are taken in another branch: {names}.").format(
                names=", ".join(report.logins_skipped)
            )
        )
    if report.meetings_created or report.meetings_held or report.meetings_cancelled:
        print(
            _(
                "Meetings: {created} added to the calendar, {held} past meetings held, "
                "{finalized} minutes finalized."
            ).format(
                created=report.meetings_created,
                held=report.meetings_held,
                finalized=report.minutes_finalized,
            )
        )
    if report.punches_added or report.requests_added:
        print(
            _("Attendance: {punches} punches and {requests} requests added.").format(
                punches=report.punches_added, requests=report.requests_added
            )
        )
    if report.weekly_text():
        print(report.weekly_text())
    if report.years_seeded:
        print(
            _("Working calendar filled in for {years}.").format(
                years=", ".join(str(y) for y in report.years_seeded)
            )
        )
    print(
        _(
            "Sign in as {user} with the password {password}; the managers demo1 and demo2 "
            "use the same password."
        ).format(user=DEMO_USER, password=DEMO_PASSWORD)
    )
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    from app.backup import BackupError, backup_file, make_backup
    from app.config import resolve_store_url
    from app.db import sqlite_path

    source = sqlite_path(resolve_store_url(args.db))
    if source is None:
        raise CliError(_("Only a SQLite data file can be backed up here; back up the server."))
    if not source.exists():
        _open(args).close()  # says there is no data file, and how to make one
    from app.cli_crypt import passphrase_for

    passphrase = passphrase_for(source)
    try:
        if args.output is not None:
            target = backup_file(source, args.output, passphrase=passphrase)
        else:
            target = make_backup(source, source.parent / "backups", passphrase=passphrase)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    size = target.stat().st_size
    print(
        _("Backup written to {file} ({size} KB); its integrity check passed.").format(
            file=target, size=max(1, size // 1024)
        )
    )
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from app.services.integrity import check_store

    store = _open(args)
    try:
        problems = check_store(store)
    finally:
        store.close()
    if args.json:
        _print_json({"ok": not problems, "problems": problems})
    elif problems:
        print(_("{n} problem(s) found:").format(n=len(problems)))
        for line in problems:
            print("  " + line)
    else:
        print(_("The data file is intact; no problems found."))
    return EXIT_CHECK_FAILED if problems else EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from app.backup import BackupError, restore
    from app.config import resolve_store_url
    from app.db import sqlite_path

    target = sqlite_path(resolve_store_url(args.db))
    if target is None:
        raise CliError(_("Only a SQLite data file can be restored here; restore the server."))
    from app.cli_crypt import passphrase_for

    passphrase = passphrase_for(args.file, target)  # one branch passphrase for both
    try:
        info, safety = restore(args.file, target, target.parent / "backups", passphrase=passphrase)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    _open(args).close()  # an older backup is brought up to this version now
    print(
        _("Restored {file} into {store}: {branches}.").format(
            file=args.file, store=target, branches=", ".join(info.branches) or "-"
        )
    )
    print("  " + ", ".join(f"{table} {n}" for table, n in info.counts.items()))
    if safety is not None:
        print(_("The data as it was before is kept in {file}.").format(file=safety))
    return EXIT_OK


# --- staff -----------------------------------------------------------------------------


def _staff_list(args: argparse.Namespace) -> int:
    from app.services.staff import list_staff

    store = _open(args)
    try:
        with store.reading() as session:
            _branch, actor = _acting_supervisor(session, args.branch_name)
            records = list_staff(session, actor, include_inactive=args.all)
    finally:
        store.close()
    if args.json:
        _print_json(
            [
                {
                    "employee_no": r.employee_no,
                    "name": r.name,
                    "phone": r.phone,
                    "hire_date": r.hire_date.isoformat() if r.hire_date else None,
                    "position": r.position,
                    "active": r.active,
                    "has_pin": r.has_pin,
                }
                for r in records
            ]
        )
        return EXIT_OK
    if not records:
        print(_("No staff yet."))
        return EXIT_OK
    _print_table(
        [_("Employee no."), _("Name"), _("Phone"), _("Hire date"), _("Position"), _("Status")],
        [
            [
                r.employee_no,
                r.name,
                r.phone,
                r.hire_date.isoformat() if r.hire_date else "",
                r.position,
                _("active") if r.active else _("inactive"),
            ]
            for r in records
        ],
    )
    return EXIT_OK


def _apply_import(args: argparse.Namespace, apply: Callable[[Session, Actor], T]) -> T:
    """Run `apply` as the branch's supervisor in one transaction; --dry-run rolls it back."""
    store = _open(args)
    try:
        with store.sessions() as session:  # closing without a commit rolls everything back
            _branch, actor = _acting_supervisor(session, args.branch_name)
            result = apply(session, actor)
            if not args.dry_run:
                session.commit()
    finally:
        store.close()
    return result


def _staff_import(args: argparse.Namespace) -> int:
    from app.importers.staff import read_roster
    from app.services.staff import apply_import

    roster = read_roster(args.file)  # first: an unusable file never opens the store
    outcome = _apply_import(args, lambda session, actor: apply_import(session, actor, roster.good))
    if args.json:
        _print_json(
            {
                "accepted": outcome.accepted,
                "unchanged": outcome.unchanged,
                "rejected": _rejected(roster.errors),
                "added": outcome.added,
                "updated": outcome.updated,
                "dry_run": args.dry_run,
            }
        )
        return EXIT_OK
    print(
        _(
            "{file}: {added} added, {updated} updated, {unchanged} unchanged, {rejected} rejected."
        ).format(
            file=args.file.name,
            added=outcome.added,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            rejected=len(roster.errors),
        )
    )
    _print_rejected(roster.errors)
    if args.dry_run:
        print(_("Dry run: nothing was saved."))
    return EXIT_OK


def _staff_export(args: argparse.Namespace) -> int:
    from app.reports.roster_xlsx import write_roster
    from app.services.staff import list_staff

    store = _open(args)
    try:
        with store.reading() as session:
            _branch, actor = _acting_supervisor(session, args.branch_name)
            records = list_staff(session, actor, include_inactive=True)
    finally:
        store.close()
    try:
        write_roster(records, args.output)
    except OSError as exc:
        raise CliError(
            _("Cannot write {file}: {reason}").format(file=args.output, reason=exc.strerror or exc)
        ) from None
    print(_("Roster written to {file}: {n} staff.").format(file=args.output, n=len(records)))
    return EXIT_OK


# --- calendar --------------------------------------------------------------------------


def _calendar_list(args: argparse.Namespace) -> int:
    from app.services.calendar import DayKind, kind_label, list_year

    store = _open(args)
    try:
        with store.reading() as session:
            branch, _actor = _acting_supervisor(session, args.branch_name)
            listing = list_year(session, branch.id, args.year)
    finally:
        store.close()
    if args.json:
        _print_json(
            {
                "year": listing.year,
                "known": listing.known,
                "source": listing.source,
                "days": [
                    {
                        "date": d.day.isoformat(),
                        "kind": d.kind,
                        "name": d.name,
                        "source": d.source,
                        "working": d.kind == DayKind.WORKDAY,
                    }
                    for d in listing.days
                ],
            }
        )
        return EXIT_OK
    if listing.known:
        source = SOURCE_LABELS.get(listing.source or "", listing.source or "")
        print(
            _("{year}: public holidays are in the calendar ({source}).").format(
                year=listing.year, source=_(source) if source else "-"
            )
        )
    else:
        print(
            _(
                "{year}: no public holidays in the calendar; Monday–Friday counts as working."
            ).format(year=listing.year)
        )
    if listing.days:
        _print_table(
            [_("Date"), _("Kind"), _("Day name")],
            [[d.day.isoformat(), kind_label(d.kind), d.name] for d in listing.days],
        )
    return EXIT_OK


def _calendar_check(args: argparse.Namespace) -> int:
    from app.services.calendar import check

    store = _open(args)
    try:
        with store.reading() as session:
            branch, _actor = _acting_supervisor(session, args.branch_name)
            warnings = check(session, branch.id, today=args.today)
    finally:
        store.close()
    if args.json:
        _print_json(
            {
                "ok": not warnings,
                "warnings": [
                    {"year": w.year, "days_left": w.days_left, "message": w.message()}
                    for w in warnings
                ],
            }
        )
    elif warnings:
        for w in warnings:
            print(w.message())
    else:
        print(_("The working calendar needs no attention."))
    return EXIT_CHECK_FAILED if warnings else EXIT_OK


def _calendar_import(args: argparse.Namespace) -> int:
    from app.importers.calendar_csv import read_calendar
    from app.services.calendar import import_days

    days = read_calendar(args.file)  # first: an unusable file never opens the store
    accepted = _apply_import(args, lambda session, actor: import_days(session, actor, days.good))
    if args.json:
        _print_json(
            {"accepted": accepted, "rejected": _rejected(days.errors), "dry_run": args.dry_run}
        )
        return EXIT_OK
    print(
        _("{file}: {accepted} days imported, {rejected} rejected.").format(
            file=args.file.name, accepted=accepted, rejected=len(days.errors)
        )
    )
    _print_rejected(days.errors)
    if args.dry_run:
        print(_("Dry run: nothing was saved."))
    return EXIT_OK


# --- meetings, export, verify ----------------------------------------------------------

MAX_LIST_DAYS = 366


def _add_meeting_commands(
    commands: Any, branch_opt: argparse.ArgumentParser, json_opt: argparse.ArgumentParser
) -> Any:
    meetings_cmd = commands.add_parser("meetings", help="the meeting calendar (会议)")
    meeting_cmds = meetings_cmd.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = meeting_cmds.add_parser(
        "list",
        parents=[branch_opt, json_opt],
        help="meetings in a date range (default: this week), scheduled ones generated first",
    )
    listing.add_argument("--from", dest="start", type=_iso_date, metavar="YYYY-MM-DD")
    listing.add_argument("--to", dest="end", type=_iso_date, metavar="YYYY-MM-DD")
    listing.set_defaults(handler=_meetings_list)

    export_what = add_export_commands(commands, branch_opt)

    verify = commands.add_parser(
        "verify",
        parents=[branch_opt, json_opt],
        help="check that a minutes PDF is an untouched copy of finalized minutes",
    )
    verify.add_argument("file", type=Path, metavar="FILE.pdf")
    verify.set_defaults(handler=_verify)
    return export_what


def add_export_commands(commands: Any, branch_opt: argparse.ArgumentParser) -> Any:
    """`branchdesk export WHAT -o FILE`: one subcommand per document; returns the group's
    subparsers so that later documents (e.g. `export weekly`) are added the same way."""
    export = commands.add_parser("export", help="write a document: sign-in sheet, minutes, report")
    what = export.add_subparsers(dest="what", metavar="WHAT", required=True)

    signin = what.add_parser(
        "signin", parents=[branch_opt], help="a meeting's sign-in sheet (会议签到表) as PDF"
    )
    signin.add_argument("--meeting", required=True, type=int, metavar="ID")
    signin.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    signin.add_argument(
        "--filled", action="store_true", help="with arrival times and signatures (default: blank)"
    )
    signin.set_defaults(handler=_export_signin)

    mins = what.add_parser(
        "minutes", parents=[branch_opt], help="a meeting's finalized minutes (会议纪要) as PDF"
    )
    mins.add_argument("--meeting", required=True, type=int, metavar="ID")
    mins.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    mins.add_argument(
        "--revision", type=int, metavar="N", help="this revision (default: the latest)"
    )
    mins.set_defaults(handler=_export_minutes)

    report = what.add_parser(
        "meetings", parents=[branch_opt], help="the monthly meeting report (会议月报) as PDF"
    )
    report.add_argument("--month", required=True, type=_year_month, metavar="YYYY-MM")
    report.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    report.set_defaults(handler=_export_meeting_report)

    trail = what.add_parser(
        "audit",
        parents=[branch_opt],
        help="the audit trail (审计记录): who changed what and when, as XLSX",
    )
    trail.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")
    trail.add_argument("--since", type=_iso_date, metavar="YYYY-MM-DD", help="from this day on")
    trail.add_argument("--until", type=_iso_date, metavar="YYYY-MM-DD", help="up to this day")
    trail.set_defaults(handler=_export_audit)
    return what


def _year_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month in the form YYYY-MM: {text}") from None
    return year, month


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (app.fileio), with the reason for the user."""
    from app.fileio import write_atomically

    try:
        write_atomically(path, data)
    except OSError as exc:
        raise CliError(
            _("Cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
        ) from None


def _meeting_id_checked(session: Session, actor: Actor, meeting_id: int, branch: Branch) -> None:
    from app.services import meetings
    from app.services.errors import NotFound

    try:
        meetings.get(session, actor, meeting_id)
    except NotFound:
        raise CliError(
            _(
                "There is no meeting with the id {id} in {branch}. "
                "List them with “branchdesk meetings list”."
            ).format(id=meeting_id, branch=branch.name)
        ) from None


def _hhmm(value: Any) -> str:
    return value.strftime("%H:%M") if value else ""


def _meetings_list(args: argparse.Namespace) -> int:
    from app.services import meetings
    from app.services.clock import branch_today

    store = _open(args)
    try:
        with store.transaction() as session:  # generating the scheduled ones writes
            branch, actor = _acting_supervisor(session, args.branch_name)
            today = branch_today(branch.timezone)
            start = args.start or today - timedelta(days=today.weekday())
            end = args.end or (start + timedelta(days=6))
            if end < start:
                raise CliError(
                    _("The end date {end} is before the start date {start}.").format(
                        start=start, end=end
                    )
                )
            if (end - start).days >= MAX_LIST_DAYS:
                raise CliError(_("List at most {days} days at a time.").format(days=MAX_LIST_DAYS))
            rows = meetings.list_meetings(session, actor, start, end)
    finally:
        store.close()
    if args.json:
        _print_json(
            [
                {
                    "id": m.id,
                    "kind": m.kind,
                    "kind_label": meetings.kind_label(m.kind),
                    "title": m.title,
                    "date": m.day.isoformat(),
                    "start": _hhmm(m.start),
                    "end": _hhmm(m.end),
                    "place": m.place,
                    "host": m.host,
                    "status": m.status,
                    "status_label": meetings.status_label(m.status),
                    "revision": m.revision,
                    "change_reason": m.change_reason,
                }
                for m in rows
            ]
        )
        return EXIT_OK
    print(
        _("{start} – {end}: {n} meetings.").format(
            start=start.isoformat(), end=end.isoformat(), n=len(rows)
        )
    )
    if rows:
        _print_table(
            [_("ID"), _("Date"), _("Time"), _("Meeting"), _("Place"), _("Host"), _("Status")],
            [
                [
                    str(m.id),
                    m.day.isoformat(),
                    f"{_hhmm(m.start)}–{_hhmm(m.end)}",
                    m.label,
                    m.place,
                    m.host,
                    meetings.status_label(m.status)
                    + (f"（{m.change_reason}）" if m.change_reason else ""),
                ]
                for m in rows
            ],
        )
    return EXIT_OK


def _export_signin(args: argparse.Namespace) -> int:
    from app.services import minutes

    store = _open(args)
    try:
        with store.reading() as session:
            branch, actor = _acting_supervisor(session, args.branch_name)
            _meeting_id_checked(session, actor, args.meeting, branch)
            pdf = minutes.signin_sheet_pdf(session, actor, args.meeting, filled=args.filled)
    finally:
        store.close()
    _write_atomic(args.output, pdf)
    print(_("Sign-in sheet written to {file}.").format(file=args.output))
    return EXIT_OK


def _export_minutes(args: argparse.Namespace) -> int:
    from app.services import minutes

    store = _open(args)
    try:
        with store.reading() as session:
            branch, actor = _acting_supervisor(session, args.branch_name)
            _meeting_id_checked(session, actor, args.meeting, branch)
            finalized = [r.revision for r in minutes.revisions(session, actor, args.meeting)]
            if not finalized:
                raise CliError(
                    _("Meeting {id} has no finalized minutes yet.").format(id=args.meeting)
                )
            revision = args.revision if args.revision is not None else finalized[-1]
            if revision not in finalized:
                raise CliError(
                    _("Meeting {id} has no revision {revision}; finalized: {revisions}.").format(
                        id=args.meeting,
                        revision=revision,
                        revisions=", ".join(str(r) for r in finalized),
                    )
                )
            pdf = minutes.minutes_pdf(session, actor, args.meeting, revision)
    finally:
        store.close()
    _write_atomic(args.output, pdf)
    print(
        _("Minutes (revision {revision}) written to {file}.").format(
            revision=revision, file=args.output
        )
    )
    return EXIT_OK


def _export_meeting_report(args: argparse.Namespace) -> int:
    from app.reports.meeting_report_pdf import month_text, render_meeting_report
    from app.services.meeting_report import month_report

    year, month = args.month
    store = _open(args)
    try:
        with store.transaction() as session:  # the month's scheduled meetings are generated
            _branch, actor = _acting_supervisor(session, args.branch_name)
            report = month_report(session, actor, year, month)
    finally:
        store.close()
    pdf = render_meeting_report(report)
    _write_atomic(args.output, pdf)
    print(
        _("Meeting report for {month} written to {file}.").format(
            month=month_text(year, month), file=args.output
        )
    )
    return EXIT_OK


def _export_audit(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from app.services import audit

    def day_start(day: date | None, zone: str) -> datetime | None:
        return None if day is None else datetime.combine(day, time(), ZoneInfo(zone))

    store = _open(args)
    try:
        with store.reading() as session:
            branch, actor = _acting_supervisor(session, args.branch_name)
            until = args.until + timedelta(days=1) if args.until else None
            data = audit.export_xlsx(
                session,
                actor,
                since=day_start(args.since, branch.timezone),
                until=day_start(until, branch.timezone),
            )
    finally:
        store.close()
    _write_atomic(args.output, data)
    print(_("Audit trail written to {file}.").format(file=args.output))
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from app.services import meetings, minutes

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CliError(
            _("Cannot read {file}: {reason}").format(file=args.file, reason=exc.strerror or exc)
        ) from None
    store = _open(args)
    try:
        with store.reading() as session:
            _branch, actor = _acting_supervisor(session, args.branch_name)
            result = minutes.verify_pdf(session, actor, data)
            about = (
                meetings.summary(session, actor, result.meeting_id)
                if result.meeting_id is not None
                else None
            )
    finally:
        store.close()
    verdict = minutes.Verdict(result.verdict)
    code = {
        minutes.Verdict.MATCH: EXIT_OK,
        minutes.Verdict.ALTERED: EXIT_CHECK_FAILED,
        minutes.Verdict.UNKNOWN: EXIT_CHECK_FAILED,
        minutes.Verdict.NOT_PDF: EXIT_UNUSABLE,
    }[verdict]
    if args.json:
        _print_json(
            {
                "verdict": verdict.value,
                "meeting_id": result.meeting_id,
                "revision": result.revision,
                "fingerprint": result.fingerprint,
            }
        )
    elif verdict is minutes.Verdict.NOT_PDF:
        print(f"branchdesk: {args.file}: {result.message()}", file=sys.stderr)
    else:
        print(result.message())
        if about is not None:
            print(
                _("Meeting {id}: {title}, {date} {start}.").format(
                    id=about.id,
                    title=about.label,
                    date=about.day.isoformat(),
                    start=_hhmm(about.start),
                )
            )
    return code


# --- import, attendance, rules ---------------------------------------------------------


def add_import_commands(
    commands: Any, branch_opt: argparse.ArgumentParser, json_opt: argparse.ArgumentParser
) -> Any:
    """`branchdesk import WHAT FILE`: one subcommand per kind of file; returns the group's
    subparsers so that later kinds (e.g. `import weekly`) are added the same way."""
    group = commands.add_parser("import", help="import a file: a clock machine's punches")
    what = group.add_subparsers(dest="what", metavar="WHAT", required=True)
    punches = what.add_parser(
        "punches",
        parents=[branch_opt, json_opt],
        help="punches exported by a clock machine (CSV/TXT/XLSX); times in the branch's zone",
    )
    punches.add_argument("file", type=Path, metavar="FILE")
    punches.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
    punches.set_defaults(handler=_import_punches)
    return what


def _add_attendance_commands(
    commands: Any, branch_opt: argparse.ArgumentParser, json_opt: argparse.ArgumentParser
) -> None:
    attendance = commands.add_parser("attendance", help="attendance results (考勤)")
    att_cmds = attendance.add_subparsers(dest="action", metavar="ACTION", required=True)
    day = att_cmds.add_parser(
        "day", parents=[branch_opt, json_opt], help="everyone's result for one work date"
    )
    day.add_argument("date", type=_iso_date, metavar="YYYY-MM-DD")
    day.add_argument("--staff", nargs="+", metavar="NO", help="only these employee numbers")
    day.set_defaults(handler=_attendance_day)
    month = att_cmds.add_parser(
        "month",
        parents=[branch_opt, json_opt],
        help="each person's days and totals for a month (finished days only)",
    )
    month.add_argument("month", type=_year_month, metavar="YYYY-MM")
    month.add_argument("--staff", nargs="+", metavar="NO", help="only these employee numbers")
    month.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE.pdf|FILE.xlsx",
        help="write the month's attendance sheet (考勤表, everyone) instead of printing",
    )
    month.set_defaults(handler=_attendance_month)
    warnings = att_cmds.add_parser(
        "warnings",
        parents=[branch_opt, json_opt],
        help="write a warning notice (警告通知) PDF for each person warned in a month",
    )
    warnings.add_argument("month", type=_year_month, metavar="YYYY-MM")
    warnings.add_argument("-o", "--output", required=True, type=Path, metavar="FOLDER")
    warnings.set_defaults(handler=_attendance_warnings)

    rules = commands.add_parser("rules", help="work rules (考勤规则) and who follows which")
    rule_cmds = rules.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = rule_cmds.add_parser("list", parents=[branch_opt, json_opt], help="the rules")
    listing.set_defaults(handler=_rules_list)
    set_cmd = rule_cmds.add_parser(
        "set",
        parents=[branch_opt, json_opt],
        help="from a date on, the whole branch (or the listed staff) follow a rule",
    )
    set_cmd.add_argument("--rules", required=True, choices=sorted(_rule_templates()))
    set_cmd.add_argument("--staff", nargs="+", metavar="NO", help="only these employee numbers")
    set_cmd.add_argument(
        "--from",
        dest="effective_from",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the first date under the rule (default: today)",
    )
    set_cmd.set_defaults(handler=_rules_set)


def _rule_templates() -> tuple[str, ...]:
    return tuple(r for r in RULES if r != "custom")


def _staff_ids(session: Session, branch: Branch, numbers: list[str] | None) -> list[int] | None:
    """The ids of the given employee numbers (None: no list given)."""
    from app.services.staff import find_by_employee_no

    if numbers is None:
        return None
    ids = []
    for number in numbers:
        person = find_by_employee_no(session, branch.id, number.strip())
        if person is None:
            raise CliError(
                _("There is no employee number {no} in {branch}.").format(
                    no=number, branch=branch.name
                )
            )
        ids.append(person.id)
    return ids


def _import_punches(args: argparse.Namespace) -> int:
    from app.importers.punches import read_punches
    from app.services.attendance import PunchImportResult, import_punches

    def apply(session: Session, actor: Actor) -> PunchImportResult:
        from app.services.setup import current_branch

        # The file's times are the branch's wall clock; an unusable file raises here,
        # before anything is written.
        punches = read_punches(args.file, current_branch(session, actor).timezone)
        return import_punches(session, actor, punches.rows)

    result = _apply_import(args, apply)
    unknown = [
        {
            "employee_no": u.employee_no,
            "name": u.name,
            "name_on_record": u.name_on_record,
            "lines": list(u.lines),
        }
        for u in result.unknown_employees
    ]
    if args.json:
        _print_json(
            {
                "accepted": result.accepted,
                "duplicates": result.duplicates,
                "rejected": [{"line": r.line, "reason": r.reason} for r in result.rejected],
                "unknown_employees": unknown,
                "dry_run": args.dry_run,
            }
        )
        return EXIT_OK
    print(
        _(
            "{file}: {accepted} punches imported, {duplicates} already there, "
            "{rejected} rejected, {unknown} not matched to the roster."
        ).format(
            file=args.file.name,
            accepted=result.accepted,
            duplicates=result.duplicates,
            rejected=len(result.rejected),
            unknown=sum(len(u.lines) for u in result.unknown_employees),
        )
    )
    for row in result.rejected:
        print(_("  line {line}: {reason}").format(line=row.line, reason=row.reason))
    for u in result.unknown_employees:
        lines = ", ".join(str(n) for n in u.lines)
        if u.name_on_record is None:
            print(
                _("  {no} {name} is not on the roster (lines {lines}).").format(
                    no=u.employee_no, name=u.name, lines=lines
                )
            )
        else:
            print(
                _("  {no} is {record} on the roster, not {name} (lines {lines}).").format(
                    no=u.employee_no, record=u.name_on_record, name=u.name, lines=lines
                )
            )
    if args.dry_run:
        print(_("Dry run: nothing was saved."))
    return EXIT_OK


def _time_text(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _day_json(result: Any) -> dict[str, Any]:
    return {
        "status": result.status.value,
        "late_minutes": result.late_minutes,
        "early_minutes": result.early_minutes,
        "points": result.points,
        "missing_punches": result.missing_punches,
        "warnings": list(result.warnings),
        "first_in": _time_text(result.first_in),
        "last_out": _time_text(result.last_out),
        "overtime_minutes": result.overtime_minutes,
        "leave_type": result.leave_type,
        "leave_minutes": result.leave_minutes,
        "exempted": result.exempted,
        "excused": result.excused,
        "notes": list(result.notes),
    }


def _attendance_month(args: argparse.Namespace) -> int:
    from dataclasses import asdict, replace

    from app.services import attendance
    from app.services.attendance_reports import weekly_late_points

    year, month = args.month
    if args.output is not None:
        return _attendance_sheet_file(args)
    store = _open(args)
    try:
        with store.reading() as session:
            branch, actor = _acting_supervisor(session, args.branch_name)
            ids = _staff_ids(session, branch, args.staff)
            people = attendance.month(session, actor, ids, year, month)
            # Late weekly summaries cost points too (when the branch so chooses), as in the
            # ledger, the ranking and the sheet.
            late = weekly_late_points(session, branch.id, [p.staff_id for p in people], year, month)
    finally:
        store.close()
    people = [
        replace(p, totals=replace(p.totals, points=p.totals.points + late.get(p.staff_id, 0)))
        for p in people
    ]
    label = f"{year:04d}-{month:02d}"
    if args.json:
        _print_json(
            {
                "month": label,
                "staff": [
                    {
                        "employee_no": p.employee_no,
                        "name": p.name,
                        "days": {d.work_date.isoformat(): _day_json(d) for d in p.days},
                        "totals": {
                            **asdict(p.totals),
                            "weekly_late_points": late.get(p.staff_id, 0),
                        },
                    }
                    for p in people
                ],
            }
        )
        return EXIT_OK
    judged = max((p.days[-1].work_date for p in people if p.days), default=None)
    if judged is None:
        print(_("{month}: no finished working days yet.").format(month=label))
        return EXIT_OK
    print(_("{month}, up to {date}:").format(month=label, date=judged.isoformat()))
    _print_table(
        [
            _("Employee no."),
            _("Name"),
            _("Late count"),
            _("Late minutes"),
            _("Early leave count"),
            _("Early leave minutes"),
            _("Missed punches"),
            _("Absent days"),
            _("Leave days"),
            _("Overtime minutes"),
            _("Points deducted"),
            _("Warnings"),
        ],
        [
            [
                p.employee_no,
                p.name,
                *(
                    str(v)
                    for v in (
                        p.totals.late_count,
                        p.totals.late_minutes,
                        p.totals.early_count,
                        p.totals.early_minutes,
                        p.totals.missing_punches,
                        p.totals.absent_days,
                        p.totals.leave_days,
                        p.totals.overtime_minutes,
                        p.totals.points,
                        p.totals.warnings,
                    )
                ),
            ]
            for p in people
        ],
    )
    return EXIT_OK


SHEET_SUFFIXES = (".pdf", ".xlsx")


def _attendance_sheet_file(args: argparse.Namespace) -> int:
    """`attendance month -o FILE`: the 考勤表 as PDF or XLSX, chosen by the suffix."""
    from app.reports import attendance_sheet
    from app.services import attendance_reports

    path: Path = args.output
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise CliError(
            _("Cannot write {file}: the name must end in .pdf or .xlsx.").format(file=path)
        )
    year, month = args.month
    store = _open(args)
    try:
        with store.reading() as session:
            _branch, actor = _acting_supervisor(session, args.branch_name)
            sheet = attendance_reports.attendance_sheet(session, actor, year, month)
    finally:
        store.close()
    if suffix == ".pdf":
        data = attendance_sheet.render_sheet_pdf(sheet)
    else:
        data = attendance_sheet.render_sheet_xlsx(sheet)
    _write_atomic(path, data)
    if args.json:
        _print_json({"month": f"{year:04d}-{month:02d}", "file": str(path)})
    else:
        print(_("Wrote {file}.").format(file=path))
    return EXIT_OK


NOTICE_FILE_LEVELS = {"oral": N_("Oral warning"), "written": N_("Written warning")}


def _safe_file_part(text: str) -> str:
    """A name as part of a file name: characters no file system accepts become "_"."""
    return "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in text).strip()


def _attendance_warnings(args: argparse.Namespace) -> int:
    """`attendance warnings YYYY-MM -o FOLDER`: one notice PDF per person warned."""
    from app.reports.warning_notice import render_warning_notice
    from app.services import attendance_reports

    year, month = args.month
    label = f"{year:04d}-{month:02d}"
    folder: Path = args.output
    if folder.exists() and not folder.is_dir():
        raise CliError(_("{folder} is not a folder.").format(folder=folder))
    store = _open(args)
    try:
        with store.reading() as session:
            _branch, actor = _acting_supervisor(session, args.branch_name)
            notices = attendance_reports.warning_notices(session, actor, year, month)
    finally:
        store.close()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(
            _("Cannot write {file}: {reason}").format(file=folder, reason=exc.strerror or exc)
        ) from None
    written = []
    for notice in notices:
        name = "-".join(
            _safe_file_part(part)
            for part in (
                _(NOTICE_FILE_LEVELS[notice.level]),
                notice.employee_no,
                notice.name,
                label,
            )
        )
        path = folder / f"{name}.pdf"
        _write_atomic(path, render_warning_notice(notice))
        written.append((notice, path))
    if args.json:
        _print_json(
            {
                "month": label,
                "notices": [
                    {
                        "employee_no": n.employee_no,
                        "name": n.name,
                        "level": n.level,
                        "cases": len(n.cases),
                        "file": str(path),
                    }
                    for n, path in written
                ],
            }
        )
        return EXIT_OK
    if not written:
        print(_("{month}: nobody was warned.").format(month=label))
    for _notice, path in written:
        print(_("Wrote {file}.").format(file=path))
    return EXIT_OK


def _attendance_day(args: argparse.Namespace) -> int:
    from app.services import attendance
    from app.services.clock import branch_today

    store = _open(args)
    try:
        with store.reading() as session:
            branch, actor = _acting_supervisor(session, args.branch_name)
            ids = _staff_ids(session, branch, args.staff)
            rows = attendance.day(session, actor, args.date, staff_ids=ids)
            complete = args.date < branch_today(branch.timezone)
    finally:
        store.close()
    if args.json:
        _print_json(
            {
                "date": args.date.isoformat(),
                "complete": complete,
                "staff": [
                    {
                        "employee_no": r.employee_no,
                        "name": r.name,
                        **_day_json(r.result),
                        "punches": [_time_text(p) for p in r.punches],
                    }
                    for r in rows
                ],
            }
        )
        return EXIT_OK
    print(args.date.isoformat() + ("" if complete else _(" (the day is not over yet)")))
    _print_table(
        [
            _("Employee no."),
            _("Name"),
            _("Status"),
            _("Check-in"),
            _("Check-out"),
            _("Late minutes"),
            _("Early leave minutes"),
            _("Points deducted"),
        ],
        [
            [
                r.employee_no,
                r.name,
                attendance.status_label(r.result.status),
                r.result.first_in.strftime("%H:%M") if r.result.first_in else "",
                r.result.last_out.strftime("%H:%M") if r.result.last_out else "",
                str(r.result.late_minutes),
                str(r.result.early_minutes),
                str(r.result.points),
            ]
            for r in rows
        ],
    )
    return EXIT_OK


def _rules_list(args: argparse.Namespace) -> int:
    from app.services import attendance

    store = _open(args)
    try:
        with store.reading() as session:
            _branch, actor = _acting_supervisor(session, args.branch_name)
            rules = attendance.list_rules(session, actor)
    finally:
        store.close()
    if args.json:
        _print_json(
            [
                {
                    "key": r.key,
                    "name": r.name,
                    "start": _hhmm(r.rule.start),
                    "end": _hhmm(r.rule.end),
                    "day_mode": r.rule.day_mode.value,
                    "in_store": r.id is not None,
                    "rule": r.rule.to_json(),
                }
                for r in rules
            ]
        )
        return EXIT_OK
    _print_table(
        [_("Key"), _("Work rule"), _("Shift")],
        [[r.key, r.name, f"{_hhmm(r.rule.start)}–{_hhmm(r.rule.end)}"] for r in rules],
    )
    return EXIT_OK


def _rules_set(args: argparse.Namespace) -> int:
    from app.services import attendance

    store = _open(args)
    try:
        with store.transaction() as session:
            branch, actor = _acting_supervisor(session, args.branch_name)
            ids = _staff_ids(session, branch, args.staff)
            change = attendance.set_rules(
                session, actor, args.rules, ids, effective_from=args.effective_from
            )
    finally:
        store.close()
    if args.json:
        _print_json(
            {
                "rules": change.key,
                "name": change.name,
                "effective_from": change.effective_from.isoformat(),
                "staff": args.staff,
            }
        )
        return EXIT_OK
    who = ", ".join(args.staff) if args.staff else _("the whole branch")
    print(
        _("From {date}, {who} follow the rule {name}.").format(
            date=change.effective_from.isoformat(), who=who, name=change.name
        )
    )
    return EXIT_OK
