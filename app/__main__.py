"""`python -m app` / `branchdesk`: parse the command line, then start the GUI or run a CLI command.

Kept light: neither Qt nor the ORM is imported before it is needed, so `--version`
and the CLI stay fast and the login window appears quickly.
"""

from __future__ import annotations

import argparse
import os
import sys

from app import __version__


def build_parser() -> argparse.ArgumentParser:
    from app.cli import add_commands

    parser = argparse.ArgumentParser(
        prog="branchdesk", description="BranchDesk 网点管家 — a branch supervisor's desktop."
    )
    parser.add_argument("--version", action="version", version=f"branchdesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="the store: an SQLite file or an SQLAlchemy URL (default: BRANCHDESK_DB, "
        "else the user data folder)",
    )
    parser.add_argument("--lang", metavar="LANG", help="user interface language: zh_CN or en")
    parser.add_argument(
        "--accept-network-risk",
        action="store_true",
        help="open a data file on a network share (SMB/NFS) for writing although SQLite's "
        "locking is unreliable there and the data can be corrupted",
    )
    add_commands(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    from app import i18n

    args = build_parser().parse_args(argv)
    i18n.set_language(args.lang or os.environ.get("BRANCHDESK_LANG"))
    if getattr(args, "command", None):
        from app.cli import run

        return run(args)
    from app.ui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
