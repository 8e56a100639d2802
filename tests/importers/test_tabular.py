"""The generic table reader: encodings, delimiters, headers, XLSX cells, empty rows, bad files."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import i18n
from app.importers import ImportFileError
from app.importers.tabular import Column, TableRow, cell_text, parse_date, read_table

COLUMNS = (
    Column("no", ("工号", "employee_no", "员工编号")),
    Column("name", ("姓名", "name")),
    Column("hire", ("入职日期", "hire_date"), required=False),
)


def write(tmp_path: Path, data: str | bytes, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "t.xlsx") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    text = f"工号{delimiter}姓名\r\nA001{delimiter}张三\r\nA002{delimiter}欧阳娜娜\r\n"
    path = write(tmp_path, text.encode(encoding))
    assert read_table(path, COLUMNS) == [
        TableRow(2, {"no": "A001", "name": "张三"}),
        TableRow(3, {"no": "A002", "name": "欧阳娜娜"}),
    ]


def test_a_comma_inside_a_tab_separated_file_is_text(tmp_path: Path) -> None:
    path = write(tmp_path, "工号\t姓名\nA001\t张三, 组长\n")
    assert read_table(path, COLUMNS)[0].values["name"] == "张三, 组长"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("姓名,工号", "张三,A001"),
        ("工号,姓名", "A001,张三"),
        ("\ufeff 工号 , 姓名 ", "A001,张三"),
        ("Employee_No,NAME", "A001,张三"),
        ("employee no,Name", "A001,张三"),
        ("EMPLOYEE-NO.,name", "A001,张三"),
        ("员工编号,姓名", "A001,张三"),
        ("工号*,姓名*", "A001,张三"),
        ("ｎａｍｅ,工号", "张三,A001"),  # full-width letters from a Chinese IME
        ("备注,姓名,部门,工号", "新人,张三,营业部,A001"),  # unknown columns are ignored
        ("工号,姓名,工号", "A001,张三,B002"),  # a repeated column: the first one counts
    ],
)
def test_header_names_aliases_and_order(tmp_path: Path, header: str, row: str) -> None:
    path = write(tmp_path, f"{header}\n{row}\n")
    assert read_table(path, COLUMNS) == [TableRow(2, {"no": "A001", "name": "张三"})]


def test_empty_rows_are_skipped_and_lines_keep_counting(tmp_path: Path) -> None:
    text = "工号,姓名,备注\n\nA001,张三,\n,,\n  ,\t, \n,,只有备注\nA002,李四\n"
    rows = read_table(write(tmp_path, text), COLUMNS)
    assert [(r.line, r.values["no"]) for r in rows] == [(3, "A001"), (7, "A002")]


def test_short_rows_leave_missing_cells_empty(tmp_path: Path) -> None:
    rows = read_table(write(tmp_path, "工号,姓名,入职日期\nA001\n"), COLUMNS)
    assert rows == [TableRow(2, {"no": "A001", "name": None, "hire": None})]


def test_a_title_row_above_the_header(tmp_path: Path) -> None:
    text = "城南支行客户经理花名册,,\n工号,姓名\nA001,张三\n"
    assert read_table(write(tmp_path, text), COLUMNS) == [
        TableRow(3, {"no": "A001", "name": "张三"})
    ]


def test_a_quoted_cell_over_two_lines_is_numbered_by_its_first_line(tmp_path: Path) -> None:
    text = '工号,姓名\nA001,"张三\n（组长）"\nA002,李四\n'
    rows = read_table(write(tmp_path, text), COLUMNS)
    assert [(r.line, r.values["no"]) for r in rows] == [(2, "A001"), (4, "A002")]


def test_header_only_gives_no_rows(tmp_path: Path) -> None:
    assert read_table(write(tmp_path, "工号,姓名\n"), COLUMNS) == []


def test_xlsx_cells_dates_numbers_and_empty_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        [
            ["员工花名册"],
            ["姓名", "工号", "入职日期"],
            ["张三", "A001", datetime(2026, 1, 5)],
            [None, None, None],
            ["李四", 1002, datetime(2026, 1, 6, 9, 30)],
            [" 王五 ", 1003.0, "2026/1/7"],
        ],
    )
    rows = read_table(path, COLUMNS)
    assert [r.line for r in rows] == [3, 5, 6]
    assert rows[0].values == {"no": "A001", "name": "张三", "hire": date(2026, 1, 5)}
    assert rows[1].values["hire"] == datetime(2026, 1, 6, 9, 30)
    assert rows[1].text("no") == "1002"
    assert rows[2].text("no") == "1003"
    assert rows[2].values["name"] == "王五"
    assert [parse_date(r.values["hire"]) for r in rows] == [
        date(2026, 1, 5),
        date(2026, 1, 6),
        date(2026, 1, 7),
    ]


# --- files that cannot be used --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (b"\n \n,,\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV"),
        (b"%PDF-1.7\n\x01\x02\x03\x04", "not a CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        (b"PK\x03\x04 not really a zip", "Excel workbook"),
        ("工号,姓名\n".encode() + b"\xff\xfe\xff\n", "UTF-8 or GBK"),
    ],
)
def test_unusable_files(tmp_path: Path, data: bytes, expected: str) -> None:
    i18n.set_language("en")
    with pytest.raises(ImportFileError, match=r"t\.csv") as exc:
        read_table(write(tmp_path, data), COLUMNS)
    assert expected in str(exc.value)


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError, match=r"report\.docx"):
        read_table(path, COLUMNS)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"nope\.csv"):
        read_table(tmp_path / "nope.csv", COLUMNS)
    with pytest.raises(ImportFileError):
        read_table(tmp_path, COLUMNS)


def test_missing_columns_name_the_expected_and_found_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "编号,名字,电话\n1,张三,13812345678\n", "staff.csv")
    with pytest.raises(ImportFileError) as exc:
        read_table(path, COLUMNS)
    message = str(exc.value)
    for part in ("staff.csv", "工号", "姓名", "入职日期", "编号", "名字", "电话"):
        assert part in message


def test_missing_column_message_in_english(tmp_path: Path) -> None:
    i18n.set_language("en")
    path = write(tmp_path, "工号,部门\nA001,营业部\n", "staff.csv")
    with pytest.raises(ImportFileError) as exc:
        read_table(path, COLUMNS)
    assert str(exc.value) == (
        "staff.csv does not have the expected columns: 姓名 missing. Required columns: 工号, 姓名;"
        " optional: 入职日期 (in any order). Found: 工号, 部门."
    )


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("2026/1/5", date(2026, 1, 5)),
        ("2026.1.5", date(2026, 1, 5)),
        ("20260105", date(2026, 1, 5)),
        ("2026年1月5日", date(2026, 1, 5)),
        ("2026 年 1 月 5 日", date(2026, 1, 5)),
        ("2026年01月05号", date(2026, 1, 5)),
        ("２０２６／１／５", date(2026, 1, 5)),
        ("2026-01-05 00:00:00", date(2026, 1, 5)),
        (" 2026-1-5 ", date(2026, 1, 5)),
        ("45658", date(2025, 1, 1)),
        (45658, date(2025, 1, 1)),
        (45658.0, date(2025, 1, 1)),
        (20260105, date(2026, 1, 5)),
        (date(2026, 1, 5), date(2026, 1, 5)),
        (datetime(2026, 1, 5, 18, 0), date(2026, 1, 5)),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_date_forms(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    ["2026-13-01", "2026-02-30", "2026-1/5", "5/1/2026", "明天", "2026", "1026-01-05", 1.5, True],
)
def test_parse_date_rejects_with_the_value_and_the_form(value: object) -> None:
    with pytest.raises(ValueError) as exc:
        parse_date(value)  # type: ignore[arg-type]
    assert cell_text(value) in str(exc.value)  # type: ignore[arg-type]
    assert "2026-01-05" in str(exc.value)


DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))
FORMATS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: d.strftime("%Y%m%d").zfill(8),
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: datetime(d.year, d.month, d.day, 8, 30),
]


@given(DATES, st.sampled_from(FORMATS))
def test_parse_date_round_trip(day: date, fmt: object) -> None:
    assert parse_date(fmt(day)) == day  # type: ignore[operator]


@given(st.dates(min_value=date(1927, 5, 18), max_value=date(2173, 10, 13)))
def test_parse_date_excel_serials(day: date) -> None:
    serial = (day - date(1899, 12, 30)) // timedelta(days=1)
    assert parse_date(serial) == day
    assert parse_date(str(serial)) == day


@given(st.text(max_size=20))
def test_parse_date_never_fails_otherwise(text: str) -> None:
    try:
        result = parse_date(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert result is None or isinstance(result, date)
