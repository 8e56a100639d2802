"""The clock-machine punch importer: every encoding and layout, Excel cells, one reason
per bad row, and unusable files refused whole (nothing written)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app import i18n
from app.db import Store
from app.importers import ImportFileError
from app.importers.punches import PunchRow, read_punches
from app.models import Punch
from app.services import attendance, staff
from app.services.auth import Actor

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 6, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
BODY = [("A001", "张三", "2026-10-05 08:55:12"), ("A002", "李四", "2026/10/5 20:12")]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, tz: str = "Asia/Shanghai") -> list[PunchRow]:
    return read_punches(path, tz, now=NOW).rows


def instant(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(UTC)


EXPECTED = [
    (2, "A001", "张三", instant(date(2026, 10, 5), time(8, 55, 12))),
    (3, "A002", "李四", instant(date(2026, 10, 5), time(20, 12))),
]


def plain(rows: list[PunchRow]) -> list[tuple[int, str, str, datetime | None]]:
    assert [r.error for r in rows] == [None] * len(rows)
    return [(r.line, r.employee_no, r.name, r.at) for r in rows]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "name"),
    [
        ("utf-8", ",", "punches.csv"),
        ("utf-8-sig", ",", "punches.csv"),
        ("gbk", ",", "punches.csv"),
        ("gb18030", "\t", "punches.txt"),
        ("utf-8", "\t", "punches.txt"),
    ],
)
def test_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str, name: str) -> None:
    lines = [delimiter.join(("工号", "姓名", "打卡时间"))]
    lines += [delimiter.join(row) for row in BODY]
    path = write(tmp_path, name, "\r\n".join(lines) + "\r\n", encoding)
    assert plain(read(path)) == EXPECTED


@pytest.mark.parametrize(
    "header",
    [
        "打卡时间,姓名,工号",
        "日期时间,name,考勤号码",
        "timestamp,姓名,employee_no",
        "Timestamp,Name,Employee No",
    ],
)
def test_headers_in_any_order(tmp_path: Path, header: str) -> None:
    body = "".join(f"{when},{name},{no}\n" for no, name, when in BODY)
    assert plain(read(write(tmp_path, "p.csv", header + "\n" + body))) == EXPECTED


def test_a_title_row_and_no_names(tmp_path: Path) -> None:
    text = "考勤记录 2026年10月\n员工编号,打卡时间\nA001,2026-10-05 08:55:12\n"
    [row] = read(write(tmp_path, "p.csv", text))
    assert (row.line, row.employee_no, row.name, row.at) == (3, "A001", "", EXPECTED[0][3])


def test_separate_date_and_time(tmp_path: Path) -> None:
    text = "日期,时间,工号,姓名\n2026-10-05,08:55:12,A001,张三\n2026/10/5,20:12,A002,李四\n"
    assert plain(read(write(tmp_path, "p.csv", text))) == EXPECTED


def test_a_time_only_punch_column_beside_the_date(tmp_path: Path) -> None:
    text = "工号,姓名,日期,打卡时间\nA001,张三,2026年10月5日,8:55:12\nA002,李四,20261005,20:12\n"
    assert plain(read(write(tmp_path, "p.csv", text))) == EXPECTED


def test_full_width_digits_and_colons(tmp_path: Path) -> None:
    text = "工号,姓名,打卡时间\nＡ００１,张三,２０２６－１０－０５ ０８：５５：１２\n"
    [row] = read(write(tmp_path, "p.csv", text))
    assert (row.employee_no, row.at, row.error) == ("A001", EXPECTED[0][3], None)


def test_excel_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["工号", "姓名", "打卡时间", "日期", "时间"])
    sheet.append([1001, "张三", datetime(2026, 10, 5, 8, 55, 12), None, None])  # date-time
    sheet.append(["A002", "李四", None, date(2026, 10, 5), time(20, 12)])  # date + time cells
    sheet.append(["A003", "王五", 46300.5, None, None])  # a serial number: 2026-10-05 12:00
    sheet.append(["A004", "赵六", "2026-10-05 07:30", None, None])  # text
    sheet.append(["A005", "钱七", None, "2026-10-05", 0.75])  # a time as a fraction of a day
    sheet.append(["A006", "孙八", datetime(2026, 10, 5, 0, 0), None, None])  # exactly midnight
    path = tmp_path / "punches.xlsx"
    book.save(path)
    assert plain(read(path)) == [
        (2, "1001", "张三", instant(date(2026, 10, 5), time(8, 55, 12))),
        (3, "A002", "李四", instant(date(2026, 10, 5), time(20, 12))),
        (4, "A003", "王五", instant(date(2026, 10, 5), time(12, 0))),
        (5, "A004", "赵六", instant(date(2026, 10, 5), time(7, 30))),
        (6, "A005", "钱七", instant(date(2026, 10, 5), time(18, 0))),
        (7, "A006", "孙八", instant(date(2026, 10, 5), time(0, 0))),
    ]


def test_times_are_read_in_the_branchs_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "工号,打卡时间\nA001,2026-10-05 08:55:12\n")
    [row] = read(path, tz="Europe/Berlin")
    assert row.at == datetime(2026, 10, 5, 6, 55, 12, tzinfo=UTC)  # CEST, UTC+2
    assert row.local == datetime(2026, 10, 5, 8, 55, 12)


BAD_ROWS = [
    ("A001,2026-02-30 09:00", "2026-02-30 09:00"),
    ("A001,2026-13-01 09:00", "2026-13-01 09:00"),
    ("A001,2026-10-05 25:10", "2026-10-05 25:10"),
    ("A001,明天早上", "明天早上"),
    ("A001,2026-10-05", "2026-10-05 20:12"),  # a date without a time: the hint shows the form
    ("A001,2026-10-07 09:00", "2026-10-07 09:00"),  # tomorrow in Shanghai
    ("A001,", None),
    (",2026-10-05 09:00", None),
]


@pytest.mark.parametrize(("row", "named"), BAD_ROWS)
def test_each_bad_row_gets_its_line_and_reason(tmp_path: Path, row: str, named: str | None) -> None:
    i18n.set_language("en")
    path = write(tmp_path, "p.csv", "工号,打卡时间\nA009,2026-10-05 08:00\n" + row + "\n")
    good, bad = read(path)
    assert good.error is None
    assert bad.line == 3 and bad.at is None and bad.error
    if named is not None:
        assert named in bad.error


def test_the_reasons_in_words(tmp_path: Path) -> None:
    i18n.set_language("en")
    text = (
        "工号,日期,时间\n"
        ",2026-10-05,09:00\n"
        "A001,,09:00\n"
        "A001,2026-10-05,\n"
        "A001,2026-10-05,9点\n"
        "A001,2026-02-30,09:00\n"
        "A001,2026-10-06,12:09\n"  # within the ten minutes a clock may run fast
        "A001,2026-10-06,12:11\n"
    )
    rows = read(write(tmp_path, "p.csv", text))
    assert [(r.line, r.error) for r in rows] == [
        (2, "The employee number (工号) is empty."),
        (3, "The punch date is empty."),
        (4, "The time of the punch is missing: write it like 2026-10-05 20:12."),
        (5, "“9点” is not a time of day: write it like 20:12 or 20:12:05."),
        (6, rows[4].error),
        (7, None),
        (8, "2026-10-06 12:11 is in the future."),
    ]
    assert rows[4].error is not None and rows[4].error.startswith("“2026-02-30” is not a date")


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\r\n  \r\n", "empty"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        ("wrong.csv", "编号,名字,时刻\n1,张三,9:00\n".encode(), "工号"),
        ("no_time.csv", "工号,姓名\nA001,张三\n".encode(), "打卡时间"),
        ("date_only.csv", "工号,日期\nA001,2026-10-05\n".encode(), "日期 and 时间"),
        ("header_only.csv", "工号,打卡时间\n".encode(), "no punches"),
    ],
)
def test_unusable_files_are_refused_whole(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    i18n.set_language("en")
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=says) as exc:
        read(path)
    assert name in str(exc.value)


def test_the_wrong_layout_names_the_expected_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "工号,名字\nA001,张三\n")
    with pytest.raises(ImportFileError) as exc:
        read(path)
    assert all(column in str(exc.value) for column in ("工号", "打卡时间", "日期", "时间"))


def test_nothing_is_written_when_the_file_is_unusable(
    tmp_path: Path, store: Store, supervisor: Actor
) -> None:
    with store.transaction() as session:
        person = staff.add_staff(session, supervisor, staff.StaffInput("A001", "张三"))
        attendance.add_punch(
            session, supervisor, person.id, instant(date(2026, 10, 5), time(9)), "import"
        )
    bad = write(tmp_path, "p.csv", "工号,打卡时间\nA001,2026-10-05 18:00\n" + "\x00" * 5)
    with pytest.raises(ImportFileError), store.transaction() as session:
        attendance.import_punches(session, supervisor, read(bad))
    good = write(tmp_path, "q.csv", "工号,打卡时间\nA001,2026-10-05 18:00\nA001,2026-10-05 09:00\n")
    with store.transaction() as session:
        result = attendance.import_punches(session, supervisor, read(good))
    assert (result.accepted, result.duplicates) == (1, 1)
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Punch)) == 2
