"""`weekly status|template|check`, `import weekly` and `export weekly`: JSON contracts, exit
codes, dry runs that write nothing.

The clock is frozen on Friday 2026-11-27, 16:00 in Shanghai (deadline 17:30 the same day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.db import Store
from app.models import WeeklySummary
from app.services import weekly
from app.services.auth import Actor
from app.services.weekly import CustomerInput, LogInput, SummaryText
from tests.cli.conftest import Cli

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 16:00 in Shanghai
W48 = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def week(store: Store, supervisor: Actor, make_manager: Callable[..., Actor]) -> dict[str, Actor]:
    """张三 submitted on time with one visit; 李四 has nothing yet."""
    zhang = make_manager("A001", "张三")
    li = make_manager("A002", "李四")
    assert zhang.staff_id is not None
    with store.transaction() as s:
        wang = weekly.add_customer(s, zhang, CustomerInput(zhang.staff_id, "王总", grade="key"))
        weekly.add_log(s, zhang, LogInput(zhang.staff_id, wang.id, date(2026, 11, 24), "理财回访"))
        view = weekly.get_summary(s, zhang, zhang.staff_id, W48)
        weekly.save_draft(
            s, zhang, zhang.staff_id, W48, SummaryText(problems="客户对利率敏感"), view.visits
        )
        weekly.submit(s, zhang, zhang.staff_id, W48)
    return {"zhang": zhang, "li": li}


def test_status_json_contract(cli: Cli, week: dict[str, Actor]) -> None:
    result = cli("weekly", "status", "--week", "2026-W48", "--json")
    assert result.code == 0, result.err
    data = result.json
    assert {"week", "deadline", "staff", "rollup_produced"} <= set(data)
    assert data["week"] == "2026-W48"
    assert data["deadline"] == "2026-11-27T17:30:00+08:00"
    assert data["rollup_produced"] is False
    assert [
        {k: p[k] for k in ("employee_no", "name", "state", "submitted_at")} for p in data["staff"]
    ] == [
        {
            "employee_no": "A001",
            "name": "张三",
            "state": "submitted",
            "submitted_at": "2026-11-27T16:00:00+08:00",
        },
        {"employee_no": "A002", "name": "李四", "state": "missing", "submitted_at": None},
    ]


def test_status_defaults_to_this_week_and_prints_a_table(cli: Cli, week: dict[str, Actor]) -> None:
    result = cli("--lang", "zh_CN", "weekly", "status")
    assert result.code == 0, result.err
    assert "2026-W48" in result.out and "李四" in result.out and "未提交" in result.out


def test_a_bad_week_is_refused(
    cli: Cli, week: dict[str, Actor], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli("weekly", "status", "--week", "48")
    assert exit_.value.code == 2
    assert "2026-W48" in capsys.readouterr().err


def test_template_import_round_trip(
    cli: Cli, week: dict[str, Actor], tmp_path: Path, store: Store
) -> None:
    out = tmp_path / "li.xlsx"
    result = cli("weekly", "template", "--employee", "A002", "--week", "2026-W48", "-o", str(out))
    assert result.code == 0, result.err
    assert out.exists()
    book = load_workbook(out)
    assert "汇总表" in book.sheetnames
    dry = cli("import", "weekly", str(tmp_path), "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert dry.json == {**dry.json, "accepted": 1, "rejected": [], "dry_run": True}
    with store.reading() as s:
        assert s.scalar(select(func.count()).select_from(WeeklySummary)) == 1
    done = cli("import", "weekly", str(out), "--json")
    assert done.code == 0, done.err
    assert done.json["accepted"] == 1 and done.json["files"][0]["employee_no"] == "A002"
    status = cli("weekly", "status", "--json").json
    assert [p["state"] for p in status["staff"]] == ["submitted", "submitted"]


def test_import_rejects_a_file_that_is_not_a_template(
    cli: Cli, week: dict[str, Actor], tmp_path: Path
) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_bytes(b"not a workbook at all")
    result = cli("import", "weekly", str(bad), "--json")
    assert result.code == 1
    [rejection] = result.json["rejected"]
    assert set(rejection) == {"file", "sheet", "cell", "reason"}
    assert rejection["file"].endswith("notes.xlsx")
    assert result.json["accepted"] == 0


def test_template_for_an_unknown_employee(cli: Cli, week: dict[str, Actor], tmp_path: Path) -> None:
    result = cli("weekly", "template", "--employee", "Z999", "-o", str(tmp_path / "x.xlsx"))
    assert result.code == 2 and "Z999" in result.err
    assert not (tmp_path / "x.xlsx").exists()


def test_check_json_and_exit_code(cli: Cli, week: dict[str, Actor]) -> None:
    # 张三's visit has a log but no trip record: a finding, so the check exits 1.
    result = cli("weekly", "check", "--week", "2026-W48", "--json")
    assert result.code == 1, result.err
    data = result.json
    assert data["week"] == "2026-W48"
    kinds = [f["kind"] for m in data["managers"] for f in m["findings"]]
    assert "visit_without_trip" in kinds


def test_export_weekly_pdf_and_xlsx_record_the_rollup(
    cli: Cli, week: dict[str, Actor], tmp_path: Path
) -> None:
    pdf = tmp_path / "rollup.pdf"
    result = cli("export", "weekly", "--week", "2026-W48", "-o", str(pdf))
    assert result.code == 0, result.err
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "rollup.xlsx"
    assert cli("export", "weekly", "-o", str(xlsx)).code == 0
    assert load_workbook(xlsx).sheetnames[0]
    status = cli("weekly", "status", "--json").json
    assert status["rollup_produced"] is True and status["rollup_on_time"] is True


def test_export_weekly_refuses_other_formats(
    cli: Cli, week: dict[str, Actor], tmp_path: Path
) -> None:
    result = cli("export", "weekly", "-o", str(tmp_path / "rollup.docx"))
    assert result.code == 2
    assert not (tmp_path / "rollup.docx").exists()


def test_attendance_month_counts_late_summary_points(
    cli: Cli, week: dict[str, Actor], store: Store, supervisor: Actor
) -> None:
    from app.services import settings

    zhang = week["zhang"]
    assert zhang.staff_id is not None
    w47 = date(2026, 11, 16)
    with store.transaction() as s:
        weekly.save_draft(s, zhang, zhang.staff_id, w47, SummaryText(), [])
        assert weekly.submit(s, zhang, zhang.staff_id, w47).late

    def a001() -> dict[str, int]:
        data = cli("attendance", "month", "2026-11", "--json").json
        return next(p for p in data["staff"] if p["employee_no"] == "A001")["totals"]

    before = a001()  # the branch has not chosen to charge late summaries
    assert before["weekly_late_points"] == 0
    with store.transaction() as s:
        settings.set_value(s, supervisor, "weekly_late_points", 5)
    after = a001()
    assert after["weekly_late_points"] == 5
    assert after["points"] == before["points"] + 5
    data = cli("attendance", "month", "2026-11", "--json").json
    other = next(p for p in data["staff"] if p["employee_no"] == "A002")
    assert other["totals"]["weekly_late_points"] == 0
