"""The roster workbook: its layout, and that the roster importer reads it back unchanged."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from app.importers.staff import read_roster
from app.reports.roster_xlsx import HEADERS, write_roster
from app.services.staff import StaffInput, StaffRecord

RECORDS = [
    StaffRecord(1, "A001", "张三", "13812345678", date(2019, 3, 1), "大客户经理", True, True),
    StaffRecord(2, "007", "欧阳娜娜", "010-12345678", None, "", False, False),
    StaffRecord(3, "B-12_x", "Li Wei", "", date(2026, 1, 5), "营销经理", True, False),
]


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "花名册.xlsx"
    write_roster(RECORDS, path)
    result = read_roster(path)
    assert result.errors == []
    assert result.good == [
        StaffInput(r.employee_no, r.name, r.phone, r.hire_date, r.position) for r in RECORDS
    ]
    assert [r.line for r in result.rows] == [2, 3, 4]


def test_layout(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "roster.xlsx"
    write_roster(RECORDS, path)
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["D2"].value == datetime(2019, 3, 1)  # a real date, shown as one
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["A3"].value == "007" and sheet["A3"].number_format == "@"
    assert sheet["C2"].value == "13812345678"
    assert [sheet[f"F{n}"].value for n in (2, 3)] == ["在职", "停用"]
    widths = {col: sheet.column_dimensions[col].width for col in "ABCDEF"}
    assert widths["B"] >= 10  # 欧阳娜娜: four wide characters
    assert widths["D"] >= 10  # 2019-03-01
    assert all(6 <= w <= 42 for w in widths.values())
    assert not list(tmp_path.glob("*.part"))


def test_empty_roster_still_has_its_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_roster([], path)
    assert read_roster(path).rows == []
