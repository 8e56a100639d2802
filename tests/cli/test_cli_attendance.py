"""`import punches`, `attendance day|month` and `rules list|set`: the JSON contracts, exit
codes, re-imports that add nothing and dry runs that write nothing.

The clock is frozen on Monday 2026-11-02, 10:00 in Shanghai; the CLI runs in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from app.db import Store
from app.models import Punch
from app.services import attendance, staff
from app.services.auth import Actor
from tests.cli.conftest import Cli

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
PUNCHES = (
    "工号,姓名,打卡时间\n"
    "A001,张三,2026-10-29 08:52:10\n"
    "A001,张三,2026-10-29 18:03:00\n"
    "A001,张三,2026-10-30 09:12:00\n"
    "A001,张三,2026-10-30 18:00:30\n"
    "A002,李四,2026-10-30 08:40:00\n"
    "A002,李四,2026-02-30 09:00:00\n"
    "A009,钱七,2026-10-30 09:00:00\n"
    "A002,王五,2026-10-30 18:10:00\n"
)
DAY_KEYS = {
    "status",
    "late_minutes",
    "early_minutes",
    "points",
    "missing_punches",
    "warnings",
    "first_in",
    "last_out",
    "overtime_minutes",
    "leave_type",
    "leave_minutes",
    "exempted",
    "excused",
    "notes",
}
TOTAL_KEYS = {
    "weekly_late_points",
    "late_count",
    "late_minutes",
    "early_count",
    "early_minutes",
    "missing_punches",
    "absent_days",
    "leave_days",
    "overtime_minutes",
    "points",
    "warnings",
    "written_warnings",
}


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def roster(store: Store, supervisor: Actor) -> dict[str, int]:
    with store.transaction() as session:
        return {
            no: staff.add_staff(session, supervisor, staff.StaffInput(no, name)).id
            for no, name in (("A001", "张三"), ("A002", "李四"))
        }


def punch_file(tmp_path: Path, text: str = PUNCHES, name: str = "punches.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def punch_count(store: Store) -> int:
    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(Punch)) or 0


def test_import_punches_json_contract_and_reimport(
    cli: Cli, tmp_path: Path, store: Store, roster: dict[str, int]
) -> None:
    path = punch_file(tmp_path)
    first = cli("import", "punches", str(path), "--json")
    assert first.code == 0, first.err
    report = first.json
    assert set(report) == {"accepted", "duplicates", "rejected", "unknown_employees", "dry_run"}
    assert (report["accepted"], report["duplicates"], report["dry_run"]) == (5, 0, False)
    [rejected] = report["rejected"]
    assert rejected["line"] == 7 and "2026-02-30" in rejected["reason"]
    assert report["unknown_employees"] == [
        {"employee_no": "A009", "name": "钱七", "name_on_record": None, "lines": [8]},
        {"employee_no": "A002", "name": "王五", "name_on_record": "李四", "lines": [9]},
    ]
    assert punch_count(store) == 5
    again = cli("import", "punches", str(path), "--json")
    assert again.code == 0
    assert (again.json["accepted"], again.json["duplicates"]) == (0, 5)
    assert punch_count(store) == 5


def test_import_punches_dry_run_writes_nothing(
    cli: Cli, tmp_path: Path, store: Store, roster: dict[str, int]
) -> None:
    result = cli("import", "punches", str(punch_file(tmp_path)), "--dry-run", "--json")
    assert result.code == 0
    assert result.json["accepted"] == 5 and result.json["dry_run"] is True
    assert punch_count(store) == 0


def test_import_punches_in_words(
    cli: Cli, tmp_path: Path, store: Store, roster: dict[str, int]
) -> None:
    result = cli("--lang", "en", "import", "punches", str(punch_file(tmp_path)), "--dry-run")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == (
        "punches.csv: 5 punches imported, 0 already there, 1 rejected, 2 not matched to the roster."
    )
    assert lines[1].startswith("  line 7: “2026-02-30 09:00:00” is not a date and time")
    assert lines[2] == "  A009 钱七 is not on the roster (lines 8)."
    assert lines[3] == "  A002 is 李四 on the roster, not 王五 (lines 9)."
    assert lines[-1] == "Dry run: nothing was saved."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("wrong.csv", "编号,名字\n1,张三\n".encode()),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("empty.csv", b""),
        ("missing.csv", None),
    ],
)
def test_an_unusable_punch_file_exits_2_and_writes_nothing(
    cli: Cli,
    tmp_path: Path,
    store: Store,
    supervisor: Actor,
    roster: dict[str, int],
    name: str,
    content: bytes | None,
) -> None:
    with store.transaction() as session:
        at = datetime(2026, 10, 30, 1, 0, tzinfo=UTC)
        attendance.add_punch(session, supervisor, roster["A001"], at, "import")
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = cli("import", "punches", str(path), "--json")
    assert result.code == 2 and result.out == ""
    assert name in result.err
    assert punch_count(store) == 1


def test_import_needs_a_kind_of_file(cli: Cli, store: Store, supervisor: Actor) -> None:
    with pytest.raises(SystemExit) as exc:
        cli("import")
    assert exc.value.code == 2


def test_attendance_month_json_contract(
    cli: Cli, tmp_path: Path, store: Store, roster: dict[str, int]
) -> None:
    assert cli("import", "punches", str(punch_file(tmp_path))).code == 0
    result = cli("attendance", "month", "2026-10", "--json")
    assert result.code == 0, result.err
    report = result.json
    assert set(report) == {"month", "staff"} and report["month"] == "2026-10"
    assert [(p["employee_no"], p["name"]) for p in report["staff"]] == [
        ("A001", "张三"),
        ("A002", "李四"),
    ]
    mine = report["staff"][0]
    assert set(mine) == {"employee_no", "name", "days", "totals"}
    assert list(mine["days"]) == [f"2026-10-{d:02d}" for d in range(1, 32)]
    assert all(set(day) == DAY_KEYS for day in mine["days"].values())
    assert set(mine["totals"]) == TOTAL_KEYS
    assert mine["days"]["2026-10-01"]["status"] == "holiday"
    assert mine["days"]["2026-10-29"] == {
        "status": "normal",
        "late_minutes": 0,
        "early_minutes": 0,
        "points": 0,
        "missing_punches": 0,
        "warnings": [],
        "first_in": "2026-10-29T08:52:00",
        "last_out": "2026-10-29T18:03:00",
        "overtime_minutes": 0,
        "leave_type": "",
        "leave_minutes": 0,
        "exempted": False,
        "excused": False,
        "notes": [],
    }
    late = mine["days"]["2026-10-30"]
    assert (late["status"], late["late_minutes"], late["warnings"]) == ("late", 12, ["oral"])
    assert mine["totals"]["late_count"] == 1 and mine["totals"]["late_minutes"] == 12
    theirs = report["staff"][1]
    assert theirs["days"]["2026-10-30"]["status"] == "missing_out"


def test_attendance_month_for_some_staff_and_in_words(
    cli: Cli, tmp_path: Path, store: Store, roster: dict[str, int]
) -> None:
    assert cli("import", "punches", str(punch_file(tmp_path))).code == 0
    only = cli("attendance", "month", "2026-10", "--staff", "A002", "--json")
    assert [p["employee_no"] for p in only.json["staff"]] == ["A002"]
    unknown = cli("attendance", "month", "2026-10", "--staff", "A404", "--json")
    assert unknown.code == 2 and "A404" in unknown.err and unknown.out == ""
    text = cli("--lang", "en", "attendance", "month", "2026-10")
    assert text.code == 0
    assert text.out.splitlines()[0] == "2026-10, up to 2026-10-31:"
    assert "Late count" in text.out and "张三" in text.out
    future = cli("--lang", "en", "attendance", "month", "2026-12")
    assert future.out.strip() == "2026-12: no finished working days yet."
    with pytest.raises(SystemExit):
        cli("attendance", "month", "2026-13")


def test_attendance_day_json(
    cli: Cli, tmp_path: Path, store: Store, roster: dict[str, int]
) -> None:
    assert cli("import", "punches", str(punch_file(tmp_path))).code == 0
    result = cli("attendance", "day", "2026-10-30", "--json")
    assert result.code == 0, result.err
    report = result.json
    assert (report["date"], report["complete"]) == ("2026-10-30", True)
    first = report["staff"][0]
    assert set(first) == DAY_KEYS | {"employee_no", "name", "punches"}
    assert first["punches"] == ["2026-10-30T09:12:00", "2026-10-30T18:00:00"]
    assert first["status"] == "late"
    today = cli("attendance", "day", "2026-11-02", "--json")
    assert today.json["complete"] is False
    later = cli("attendance", "day", "2026-11-03", "--json")
    assert later.code == 2 and "2026-11-03" in later.err


def test_rules_set_and_list(cli: Cli, store: Store, roster: dict[str, int]) -> None:
    result = cli("rules", "set", "--rules", "bar", "--staff", "A002", "--from", "2026-10-01")
    assert result.code == 0, result.err
    assert "A002" in result.out
    whole = cli("rules", "set", "--rules", "foot-spa", "--json")
    assert whole.json == {
        "rules": "foot-spa",
        "name": whole.json["name"],
        "effective_from": "2026-11-02",
        "staff": None,
    }
    with store.reading() as session:
        assert attendance.rule_on(session, roster["A002"], date(2026, 10, 1)).key == "bar"
        assert attendance.rule_on(session, roster["A001"], date(2026, 10, 1)).key == "office"
        assert attendance.rule_on(session, roster["A001"], date(2026, 11, 2)).key == "foot-spa"
    listing = cli("rules", "list", "--json").json
    assert [(r["key"], r["in_store"]) for r in listing] == [
        ("bar", True),
        ("foot-spa", True),
        ("office", False),
    ]
    assert listing[0]["start"] == "20:00" and listing[0]["end"] == "01:00"
    unknown = cli("rules", "set", "--rules", "bar", "--staff", "A404")
    assert unknown.code == 2 and "A404" in unknown.err
    with pytest.raises(SystemExit):
        cli("rules", "set", "--rules", "karaoke")
