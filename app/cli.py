"""Headless commands for scripts and for setting up a PC: init, demo, staff, calendar.

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
import io
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.i18n import N_, _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.db import Store
    from app.models import Branch
    from app.services.auth import Actor

EXIT_OK, EXIT_CHECK_FAILED, EXIT_UNUSABLE = 0, 1, 2
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


def run(args: argparse.Namespace) -> int:
    """Run the chosen command; returns the exit code."""
    from app.db import StoreError
    from app.importers import ImportFileError
    from app.services.errors import ServiceError

    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (CliError, StoreError, ImportFileError, ServiceError) as exc:
        print(f"branchdesk: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:
        # The reader went away (`branchdesk staff list | head`): not a failure of ours.
        # Point stdout at devnull so that Python's exit-time flush stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text}") from None


# --- plumbing --------------------------------------------------------------------------


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
    return open_store(url)


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


def _staff_import(args: argparse.Namespace) -> int:
    from app.importers.staff import read_roster
    from app.services.staff import apply_import

    roster = read_roster(args.file)  # first: an unusable file never opens the store
    store = _open(args)
    try:
        with store.sessions() as session:  # closing without a commit rolls everything back
            _branch, actor = _acting_supervisor(session, args.branch_name)
            outcome = apply_import(session, actor, roster.good)
            if not args.dry_run:
                session.commit()
    finally:
        store.close()
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
    store = _open(args)
    try:
        with store.sessions() as session:  # closing without a commit rolls everything back
            _branch, actor = _acting_supervisor(session, args.branch_name)
            accepted = import_days(session, actor, days.good)
            if not args.dry_run:
                session.commit()
    finally:
        store.close()
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
