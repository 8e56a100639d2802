"""The headless commands: exit codes, the JSON contract, nothing written on refusal.

Most tests call `app.__main__.main` in-process (same parser, same code, milliseconds);
a few run the real `python -m app` in a subprocess for what only a fresh process shows:
stdin/stdout plumbing, the language switch, and which libraries a command imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import Store, open_store
from app.models import Branch
from app.services import auth, staff
from app.services.auth import Actor
from tests.cli.conftest import Cli, Result

ROOT = Path(__file__).resolve().parents[2]
ROSTER = (
    "工号,姓名,手机,入职日期,岗位\n"
    "A001,张三,13812345678,2026-01-05,客户经理\n"
    "A002,李四,,2025/3/1,\n"
)
BAD_ROW = "A003,王五,12345,,\n"


def branchdesk(tmp_path: Path, db: Path, *args: str, stdin: str = "") -> Result:
    """The real program in a fresh process, with its user folders inside tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHDESK_")}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp_path / "xdg" / var.lower())
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def roster_of(store: Store, actor: Actor) -> list[tuple[str, str, str]]:
    with store.reading() as session:
        return [(p.employee_no, p.name, p.phone) for p in staff.list_staff(session, actor)]


# --- init ----------------------------------------------------------------------------


def test_init_then_refuse_an_initialised_store(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    args = ("init", "--branch", "城南支行", "--supervisor", "boss", "--password-stdin")
    first = branchdesk(tmp_path, db, *args, "--display-name", "王主管", stdin="secret1\n")
    assert first.code == 0, first.err
    assert "城南支行" in first.out
    again = branchdesk(tmp_path, db, *args, "--rules", "bar", stdin="other1\n")
    assert again.code == 2
    assert "已包含一个网点" in again.err and again.out == ""
    store = open_store(f"sqlite:///{db}")
    try:
        with store.transaction() as session:
            branches = list(session.scalars(select(Branch)))
            assert [(b.name, b.rules_template) for b in branches] == [("城南支行", "office")]
            assert auth.authenticate(session, "boss", "secret1") is not None
    finally:
        store.close()


@pytest.mark.parametrize(
    ("extra", "stdin"),
    [
        ((), "abc\n"),  # too short
        (("--timezone", "Mars/Olympus"), "secret1\n"),
        (("--branch", " "), "secret1\n"),
    ],
)
def test_init_with_bad_input_creates_no_file(
    cli: Cli, tmp_path: Path, extra: tuple[str, ...], stdin: str
) -> None:
    db = tmp_path / "new.sqlite3"
    base = ["init", "--branch", "城南支行", "--supervisor", "boss", "--password-stdin"]
    result = cli(*base, *extra, stdin=stdin, db=str(db))
    assert result.code == 2 and result.err.strip()
    assert not db.exists()


def test_init_needs_the_password_on_stdin(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    result = cli("--lang", "en", "init", "--branch", "X", "--supervisor", "boss", db=str(db))
    assert result.code == 2 and "--password-stdin" in result.err
    assert not db.exists()


# --- staff -----------------------------------------------------------------------------


def test_staff_import_json_contract_twice(tmp_path: Path, store: Store, supervisor: Actor) -> None:
    db = store.path
    assert db is not None
    path = write(tmp_path, "roster.csv", ROSTER + BAD_ROW)
    first = branchdesk(tmp_path, db, "staff", "import", str(path), "--json")
    assert first.code == 0, first.err
    report = first.json
    assert report == {
        "accepted": 2,
        "unchanged": 0,
        "rejected": [{"line": 4, "reason": report["rejected"][0]["reason"]}],
        "added": 2,
        "updated": 0,
        "dry_run": False,
    }
    assert "12345" in report["rejected"][0]["reason"]
    second = branchdesk(tmp_path, db, "staff", "import", str(path), "--json")
    assert second.code == 0
    assert {k: second.json[k] for k in ("accepted", "unchanged", "added", "updated")} == {
        "accepted": 0,
        "unchanged": 2,
        "added": 0,
        "updated": 0,
    }
    assert roster_of(store, supervisor) == [("A001", "张三", "13812345678"), ("A002", "李四", "")]


def test_staff_import_updates_and_reports_in_text(
    cli: Cli, tmp_path: Path, store: Store, supervisor: Actor
) -> None:
    assert cli("staff", "import", str(write(tmp_path, "a.csv", ROSTER))).code == 0
    changed = ROSTER.replace("李四,,", "李四,13912345678,") + BAD_ROW
    result = cli("--lang", "en", "staff", "import", str(write(tmp_path, "b.csv", changed)))
    assert result.code == 0
    assert result.out.splitlines()[0] == "b.csv: 0 added, 1 updated, 1 unchanged, 1 rejected."
    assert result.out.splitlines()[1].startswith("  line 4: Phone number “12345”")


def test_dry_run_writes_nothing(cli: Cli, tmp_path: Path, store: Store, supervisor: Actor) -> None:
    path = write(tmp_path, "roster.csv", ROSTER)
    result = cli("staff", "import", str(path), "--dry-run", "--json")
    assert result.code == 0
    assert result.json["added"] == 2 and result.json["dry_run"] is True
    assert roster_of(store, supervisor) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("wrong.csv", "编号,名字\n1,张三\n"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("empty.csv", b""),
        ("missing.csv", None),
    ],
)
def test_unusable_file_exits_2_and_changes_nothing(
    cli: Cli,
    tmp_path: Path,
    store: Store,
    supervisor: Actor,
    name: str,
    content: str | bytes | None,
) -> None:
    cli("staff", "import", str(write(tmp_path, "first.csv", ROSTER)))
    before = roster_of(store, supervisor)
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    result = cli("staff", "import", str(path), "--json")
    assert result.code == 2 and result.out == ""
    assert name in result.err
    assert roster_of(store, supervisor) == before


def test_staff_list_json_and_all(cli: Cli, tmp_path: Path, store: Store, supervisor: Actor) -> None:
    cli("staff", "import", str(write(tmp_path, "roster.csv", ROSTER)))
    with store.transaction() as session:
        a002 = staff.find_by_employee_no(session, supervisor.branch_id, "A002")
        assert a002 is not None
        staff.set_active(session, supervisor, a002.id, False)
    listed = cli("staff", "list", "--json").json
    assert listed == [
        {
            "employee_no": "A001",
            "name": "张三",
            "phone": "13812345678",
            "hire_date": "2026-01-05",
            "position": "客户经理",
            "active": True,
            "has_pin": False,
        }
    ]
    everyone = cli("staff", "list", "--json", "--all").json
    assert [(p["employee_no"], p["active"]) for p in everyone] == [("A001", True), ("A002", False)]
    table = cli("staff", "list", "--all").out.splitlines()
    assert table[0].split() == ["工号", "姓名", "手机", "入职日期", "岗位", "状态"]
    assert table[2].split() == ["A002", "李四", "2025-03-01", "停用"]


def test_staff_export_reads_back(cli: Cli, tmp_path: Path, store: Store, supervisor: Actor) -> None:
    from app.importers.staff import read_roster

    cli("staff", "import", str(write(tmp_path, "roster.csv", ROSTER)))
    out = tmp_path / "花名册.xlsx"
    result = cli("staff", "export", "-o", str(out))
    assert result.code == 0 and "2" in result.out
    assert [s.employee_no for s in read_roster(out).good] == ["A001", "A002"]


def test_staff_list_does_not_load_the_gui_or_report_libraries(
    tmp_path: Path, store: Store, supervisor: Actor
) -> None:
    script = (
        "import contextlib, io, json, sys\n"
        "from app.__main__ import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    code = main(sys.argv[1:])\n"
        "heavy = {'PySide6', 'matplotlib', 'reportlab', 'openpyxl', 'alembic'}\n"
        "loaded = sorted(heavy & {name.split('.')[0] for name in sys.modules})\n"
        "print(json.dumps({'code': code, 'staff': json.loads(out.getvalue()), 'loaded': loaded}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, "--db", str(store.path), "staff", "list", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"code": 0, "staff": [], "loaded": []}


def test_no_store_or_no_branch_exits_2(cli: Cli, tmp_path: Path, store: Store) -> None:
    missing = tmp_path / "missing.sqlite3"
    result = cli("--lang", "en", "staff", "list", "--json", db=str(missing))
    assert result.code == 2 and "There is no data file" in result.err
    assert not missing.exists()
    result = cli("--lang", "en", "staff", "list")  # the store exists, the branch does not
    assert result.code == 2 and "branchdesk init" in result.err


def test_several_branches_and_branch_option(cli: Cli, supervisor: Actor) -> None:
    assert cli("demo").code == 0
    first = cli("staff", "list", "--json")
    assert first.json == [] and "--branch" in first.err
    demo = cli("staff", "list", "--json", "--branch", "演示网点")
    assert len(demo.json) == 12 and demo.err == ""
    nope = cli("--lang", "en", "staff", "list", "--branch", "火星网点")
    assert nope.code == 2 and "测试网点, 演示网点" in nope.err


def test_demo_twice(cli: Cli) -> None:
    first = cli("--lang", "en", "demo")
    assert first.code == 0 and "Demo branch 演示网点 created." in first.out
    second = cli("--lang", "en", "demo")
    assert second.code == 0 and "already up to date" in second.out


# --- calendar --------------------------------------------------------------------------


def test_calendar_list(cli: Cli, supervisor: Actor) -> None:
    year = cli("calendar", "list", "--year", "2026", "--json").json
    assert (year["year"], year["known"], year["source"]) == (2026, True, "package")
    national = [d for d in year["days"] if d["name"] == "国庆节"]
    assert {
        "date": "2026-10-01",
        "kind": "holiday",
        "name": "国庆节",
        "source": "package",
        "working": False,
    } in national
    assert any(d["working"] and d["kind"] == "workday" for d in national)
    unknown = cli("calendar", "list", "--year", "2027", "--json")
    assert unknown.code == 0
    assert unknown.json == {"year": 2027, "known": False, "source": None, "days": []}
    text = cli("--lang", "en", "calendar", "list", "--year", "2027")
    assert text.code == 0 and "2027: no public holidays" in text.out


def test_calendar_check(cli: Cli, supervisor: Actor) -> None:
    late = cli("calendar", "check", "--today", "2026-11-27", "--json")
    assert late.code == 1
    assert late.json["ok"] is False
    [warning] = late.json["warnings"]
    assert (warning["year"], warning["days_left"]) == (2027, 35)
    assert "2027" in warning["message"] and "节假日" in warning["message"]  # Chinese by default
    early = cli("calendar", "check", "--today", "2026-06-01", "--json")
    assert early.code == 0 and early.json == {"ok": True, "warnings": []}


def test_calendar_check_in_english(tmp_path: Path, store: Store, supervisor: Actor) -> None:
    assert store.path is not None
    result = branchdesk(
        tmp_path, store.path, "--lang", "en", "calendar", "check", "--today", "2026-11-27"
    )
    assert result.code == 1
    assert result.out.startswith("2027 starts in 35 days and the working calendar has no")


def test_calendar_import(cli: Cli, tmp_path: Path, supervisor: Actor) -> None:
    path = write(
        tmp_path,
        "holidays-2027.csv",
        "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-06,班,春节\n2027-02-07,周末,\n",
    )
    dry = cli("calendar", "import", str(path), "--dry-run", "--json")
    assert dry.code == 0
    assert dry.json["accepted"] == 2 and dry.json["dry_run"] is True
    assert [r["line"] for r in dry.json["rejected"]] == [4]
    assert cli("calendar", "list", "--year", "2027", "--json").json["known"] is False
    done = cli("calendar", "import", str(path), "--json")
    assert done.json == {"accepted": 2, "rejected": dry.json["rejected"], "dry_run": False}
    year = cli("calendar", "list", "--year", "2027", "--json").json
    assert year["known"] is True
    assert [(d["date"], d["source"], d["working"]) for d in year["days"]] == [
        ("2027-01-01", "import", False),
        ("2027-02-06", "import", True),
    ]
    assert cli("calendar", "check", "--today", "2026-11-27").code == 0
    bad = cli("calendar", "import", str(write(tmp_path, "x.csv", "a,b\n1,2\n")))
    assert bad.code == 2 and "日期" in bad.err
