"""`attendance month -o FILE.pdf|FILE.xlsx` (the 考勤表) and `attendance warnings -o FOLDER`
(one notice PDF per person warned): files written, names, JSON, exit codes.

The clock is frozen on Friday 2026-11-27, 10:00 in Shanghai; the CLI runs in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.db import Store
from app.services import attendance, staff
from app.services.auth import Actor
from tests.cli.conftest import Cli

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def late_month(store: Store, supervisor: Actor) -> None:
    """Office rule: 张三 late four times (written), 李四 once (oral), 王五 never."""
    with store.transaction() as session:
        ids = {
            no: staff.add_staff(session, supervisor, staff.StaffInput(no, name)).id
            for no, name in (("A001", "张三"), ("A002", "李四"), ("A003", "王五"))
        }
        for no, days in (("A001", (2, 3, 4, 5)), ("A002", (17,))):
            for d in days:
                for at in (time(9, 10), time(18)):
                    when = datetime.combine(date(2026, 11, d), at, tzinfo=SHANGHAI)
                    attendance.add_punch(session, supervisor, ids[no], when, "import")


@pytest.mark.usefixtures("late_month")
@pytest.mark.parametrize(("name", "magic"), [("考勤表.pdf", b"%PDF"), ("sheet.XLSX", b"PK")])
def test_month_writes_the_sheet(cli: Cli, tmp_path: Path, name: str, magic: bytes) -> None:
    path = tmp_path / "out" / name
    path.parent.mkdir()
    result = cli("attendance", "month", "2026-11", "-o", str(path))
    assert result.code == 0, result.err
    assert path.read_bytes().startswith(magic)
    assert str(path) in result.out


@pytest.mark.usefixtures("late_month")
def test_month_refuses_a_bad_suffix_or_month(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "sheet.txt"
    result = cli("attendance", "month", "2026-11", "-o", str(path))
    assert result.code == 2 and ".xlsx" in result.err and not path.exists()
    with pytest.raises(SystemExit) as exc:
        cli("attendance", "month", "2026-13", "-o", str(tmp_path / "x.pdf"))
    assert exc.value.code == 2
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.usefixtures("late_month")
def test_warnings_write_one_notice_per_person(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "notices"
    result = cli("attendance", "warnings", "2026-11", "-o", str(folder))
    assert result.code == 0, result.err
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["书面警告-A001-张三-2026-11.pdf", "口头警告-A002-李四-2026-11.pdf"]
    assert all((folder / n).read_bytes().startswith(b"%PDF") for n in names)
    assert all(n in result.out for n in names)

    again = cli("attendance", "warnings", "2026-11", "-o", str(folder), "--json")
    assert again.code == 0, again.err
    report = again.json
    assert report["month"] == "2026-11"
    assert [(n["employee_no"], n["level"], n["cases"]) for n in report["notices"]] == [
        ("A001", "written", 4),
        ("A002", "oral", 1),
    ]
    assert Path(report["notices"][0]["file"]).name == names[0]


@pytest.mark.usefixtures("late_month")
def test_warnings_for_a_quiet_month_write_nothing(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "october"
    result = cli("attendance", "warnings", "2026-10", "-o", str(folder), "--json")
    assert result.code == 0, result.err
    assert result.json == {"month": "2026-10", "notices": []}
    assert list(folder.iterdir()) == []
