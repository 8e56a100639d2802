"""The roster importer: clean rows, one reason per bad row, unusable files refused whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import i18n
from app.i18n import _
from app.importers import ImportFileError
from app.importers.staff import RosterRow, read_roster
from app.importers.tabular import cell_text
from app.services.staff import StaffInput, normalize_phone

HEADER = "工号,姓名,手机,入职日期,岗位\n"


def roster(tmp_path: Path, body: str, header: str = HEADER, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def test_good_rows_are_cleaned(tmp_path: Path) -> None:
    path = roster(
        tmp_path,
        " A001 , 张三 ,138 1234 5678,2026/1/5, 客户经理\n"
        "Ａ００２,李四,+86-139-1234-5678,,\n"
        "A003,王五,010-12345678,2026年3月1日,大客户经理\n",
    )
    result = read_roster(path)
    assert result.errors == []
    assert result.good == [
        StaffInput("A001", "张三", "13812345678", date(2026, 1, 5), "客户经理"),
        StaffInput("A002", "李四", "13912345678", None, ""),
        StaffInput("A003", "王五", "010-12345678", date(2026, 3, 1), "大客户经理"),
    ]
    assert [r.line for r in result.rows] == [2, 3, 4]


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    result = read_roster(roster(tmp_path, "张三,A001\n", header="姓名,工号\n"))
    assert result.good == [StaffInput("A001", "张三")]


BAD_ROWS = [
    # (row, the reason as the user reads it; {0} = the translated rule message where useful)
    ("A001,,13812345678,,", lambda: _("The name (姓名) is empty.")),
    (",张三,13812345678,,", lambda: _("The employee number (工号) is empty.")),
    ("A 01,张三,,,", lambda: "A 01"),
    ("A001,张三,12345,,", lambda: "12345"),
    ("A001,张三,1381234567x,,", lambda: "1381234567x"),
    ("A001,张三,,2026-13-01,", lambda: "2026-13-01"),
    ("A001,张三,,明年,", lambda: "明年"),
    ("A001," + "长" * 51 + ",,,", lambda: _("The name is longer than 50 characters.")),
    ("A001,张三,,," + "岗" * 51, lambda: _("The position is longer than 50 characters.")),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_each_bad_row_gets_its_reason(tmp_path: Path, row: str, reason: object) -> None:
    result = read_roster(roster(tmp_path, "A000,好人,,,\n" + row + "\n"))
    assert result.good == [StaffInput("A000", "好人")]
    [bad] = result.errors
    assert bad.line == 3 and bad.data is None
    assert bad.error is not None and reason() in bad.error  # type: ignore[operator]


def test_bad_date_names_value_and_expected_form(tmp_path: Path) -> None:
    i18n.set_language("en")
    [bad] = read_roster(roster(tmp_path, "A001,张三,,2026-02-30,\n")).errors
    assert bad.error is not None
    assert bad.error.startswith("Hire date: “2026-02-30” is not a date")
    assert "2026-01-05" in bad.error


def test_repeated_employee_no_rejects_the_later_row_naming_the_first(tmp_path: Path) -> None:
    i18n.set_language("en")
    result = read_roster(
        roster(tmp_path, "A001,张三,,,\nA002,李四,,,\n\nA001,张三丰,,,\nＡ００２,李思,,,\n")
    )
    assert [s.employee_no for s in result.good] == ["A001", "A002"]
    assert result.errors == [
        RosterRow(5, None, "Employee number A001 already appears on line 2."),
        RosterRow(6, None, "Employee number A002 already appears on line 3."),
    ]


def test_a_repeat_of_a_bad_row_is_still_a_repeat(tmp_path: Path) -> None:
    result = read_roster(roster(tmp_path, "A001,张三,123,,\nA001,张三,13812345678,,\n"))
    assert result.good == []
    assert [r.line for r in result.errors] == [2, 3]


def test_missing_columns_name_expected_and_found(tmp_path: Path) -> None:
    path = roster(tmp_path, "张三,13812345678\n", header="名字,手机\n", name="名单.csv")
    with pytest.raises(ImportFileError) as exc:
        read_roster(path)
    for part in ("名单.csv", "工号", "姓名", "名字", "手机"):
        assert part in str(exc.value)


def test_binary_and_empty_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    with pytest.raises(ImportFileError, match=r"photo\.csv"):
        read_roster(binary)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match=r"empty\.csv"):
        read_roster(empty)


def test_gbk_file_from_chinese_excel(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "A001,张三,13812345678,2026-1-5,营销经理\r\n").encode("gbk"))
    assert read_roster(path).good == [
        StaffInput("A001", "张三", "13812345678", date(2026, 1, 5), "营销经理")
    ]


def test_xlsx_with_numbers_for_employee_no_and_phone(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["工号", "姓名", "手机", "入职日期"])
    sheet.append([1001, "张三", 13812345678, date(2026, 1, 5)])
    sheet.append([1002.0, "李四", 13912345678.0, 46027])
    path = tmp_path / "r.xlsx"
    book.save(path)
    assert read_roster(path).good == [
        StaffInput("1001", "张三", "13812345678", date(2026, 1, 5)),
        StaffInput("1002", "李四", "13912345678", date(2026, 1, 5)),
    ]


# --- phone numbers: whatever way a mobile is written, it comes out as its 11 digits ----

MOBILES = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
DECORATIONS = [
    lambda m: m,
    lambda m: f"{m[:3]} {m[3:7]} {m[7:]}",
    lambda m: f"{m[:3]}-{m[3:7]}-{m[7:]}",
    lambda m: f"+86 {m}",
    lambda m: f"+86-{m[:3]}-{m[3:7]}-{m[7:]}",
    lambda m: f"86{m}",
    lambda m: f"(+86){m}",
    lambda m: f"（+86）{m[:3]} {m[3:]}",
    lambda m: int(m),
    lambda m: float(m),  # Excel keeps a number typed into a cell as a float
]


@given(MOBILES, st.sampled_from(DECORATIONS))
def test_mobile_numbers_normalise_and_round_trip(mobile: str, decorate: object) -> None:
    written = decorate(mobile)  # type: ignore[operator]
    normal = normalize_phone(cell_text(written))
    assert normal == mobile
    assert normalize_phone(normal) == normal


@given(
    st.sampled_from(["010", "021", "0755", "0571"]),
    st.text(alphabet="0123456789", min_size=7, max_size=8),
)
def test_landlines_keep_their_area_code(area: str, number: str) -> None:
    for written in (f"{area}-{number}", f"{area}{number}", f"({area}){number}"):
        normal = normalize_phone(written)
        assert normal.replace("-", "") == area + number
        assert normalize_phone(normal) == normal


def test_rows_keep_what_the_file_held(tmp_path: Path) -> None:
    result = read_roster(roster(tmp_path, "A001,张三,12345,2026-1-5,\nA001,李四,,,\n"))
    assert [r.cells for r in result.rows] == [
        {
            "employee_no": "A001",
            "name": "张三",
            "phone": "12345",
            "hire_date": "2026-1-5",
            "position": "",
        },
        {"employee_no": "A001", "name": "李四", "phone": "", "hire_date": "", "position": ""},
    ]
