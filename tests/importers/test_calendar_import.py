"""The calendar importer: kinds in the words people use, bad rows with reasons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app import i18n
from app.importers import ImportFileError
from app.importers.calendar_csv import CalendarRow, read_calendar


def calendar_file(tmp_path: Path, text: str, name: str = "cal.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("假日", "holiday"),
        ("节假日", "holiday"),
        ("休", "holiday"),
        ("放假", "holiday"),
        ("holiday", "holiday"),
        (" Holiday ", "holiday"),
        ("调休", "workday"),
        ("班", "workday"),
        ("上班", "workday"),
        ("调休上班", "workday"),
        ("WORKDAY", "workday"),
        ("停业", "closure"),
        ("闭店", "closure"),
        ("closure", "closure"),
    ],
)
def test_kind_words(tmp_path: Path, word: str, kind: str) -> None:
    result = read_calendar(calendar_file(tmp_path, f"日期,类型,名称\n2027-10-01,{word},国庆节\n"))
    assert result.rows == [CalendarRow(2, date(2027, 10, 1), kind, "国庆节")]


def test_a_year_of_holidays_with_english_headers_and_no_name(tmp_path: Path) -> None:
    text = "kind\tdate\n休\t2027/1/1\n班\t2027年1月4日\n"
    result = read_calendar(calendar_file(tmp_path, text, "cal.txt"))
    assert result.good == [
        CalendarRow(2, date(2027, 1, 1), "holiday", ""),
        CalendarRow(3, date(2027, 1, 4), "workday", ""),
    ]


def test_bad_rows(tmp_path: Path) -> None:
    i18n.set_language("en")
    text = (
        "日期,类型,名称\n"
        "2027-10-01,休,国庆节\n"
        "2027-10-32,休,坏日期\n"
        ",休,没有日期\n"
        "2027-10-02,周末,\n"
        "2027-10-03,,\n"
        "2027/10/1,班,重复\n"
        "2027-10-04,休," + "长" * 101 + "\n"
    )
    result = read_calendar(calendar_file(tmp_path, text))
    assert [r.line for r in result.good] == [2]
    errors = {r.line: r.error or "" for r in result.errors}
    assert errors[3].startswith("Date: “2027-10-32” is not a date")
    assert errors[4] == "The date is empty."
    assert errors[5].startswith("Unknown kind “周末”: write 假日/节假日/休/放假/holiday")
    assert errors[6].startswith("The kind is empty")
    assert errors[7] == "The date 2027-10-01 already appears on line 2."
    assert errors[8] == "The name is longer than 100 characters."
    assert all(r.kind is None for r in result.errors)


def test_xlsx_calendar_with_date_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "类型", "名称"])
    sheet.append([date(2027, 2, 6), "休", "春节"])
    path = tmp_path / "cal.xlsx"
    book.save(path)
    assert read_calendar(path).good == [CalendarRow(2, date(2027, 2, 6), "holiday", "春节")]


def test_wrong_columns(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as exc:
        read_calendar(calendar_file(tmp_path, "工号,姓名\nA001,张三\n", "staff.csv"))
    for part in ("staff.csv", "日期", "类型", "工号"):
        assert part in str(exc.value)
