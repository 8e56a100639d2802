"""考勤表: symbols, totals, the landscape PDF grid over several pages, and the workbook."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import shutil
import subprocess

import pytest

from app import i18n
from app.reports.attendance_docs import (
    LEGEND,
    SYMBOLS,
    AttendanceSheet,
    SheetPerson,
    SheetTotals,
    symbol,
    totals_of,
)
from app.reports.attendance_sheet import (
    off_days,
    render_sheet_pdf,
    render_sheet_xlsx,
)
from app.services.day_engine import DayResult, DayStatus

S = DayStatus
JUNE = 2025, 6  # 1 June is a Sunday; 2 June the 端午 holiday
NEEDS_PDFTOTEXT = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)
NAMES = (  # noqa: SIM905 (a roster reads better as one string)
    "张伟 王芳 李娜 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴婷 徐强 孙丽 胡军 朱琳 高峰 林晓 何勇 郭佳 "
    "马超 罗敏 梁宇 宋涛 郑爽 谢晨 韩雪 唐亮 冯雷 于洁 董明 萧然 欧阳明月 司马光辉 曹颖 彭博 邓婕"
).split()


def d(day: int) -> dt.date:
    return dt.date(*JUNE, day)


def result(day: int, status: DayStatus, **kw: object) -> DayResult:
    return DayResult(d(day), status, **kw)  # type: ignore[arg-type]


def plain_month(special: dict[int, DayResult] | None = None) -> dict[dt.date, DayResult]:
    """June 2025 under the office rule: weekends rest, the 2nd a holiday, else normal."""
    days: dict[dt.date, DayResult] = {}
    for n in range(1, calendar.monthrange(*JUNE)[1] + 1):
        if special and n in special:
            days[d(n)] = special[n]
        elif n == 2:
            days[d(n)] = result(n, S.HOLIDAY)
        elif d(n).weekday() >= 5:
            days[d(n)] = result(n, S.REST)
        else:
            days[d(n)] = result(n, S.NORMAL)
    return days


def person(no: str, name: str, special: dict[int, DayResult] | None = None) -> SheetPerson:
    days = plain_month(special)
    return SheetPerson(no, name, days, totals_of(list(days.values())))


def sheet_of(people: list[SheetPerson]) -> AttendanceSheet:
    return AttendanceSheet(
        branch="城东支行营业部",
        year=JUNE[0],
        month=JUNE[1],
        rule_name="办公室 09:00–18:00",
        people=people,
        generated_on=dt.date(2025, 7, 1),
    )


def sample_people() -> list[SheetPerson]:
    return [
        person(
            "CM0001",
            "张伟",
            {
                3: result(3, S.LATE, late_minutes=12, warnings=("oral",)),
                4: result(4, S.LATE, late_minutes=35, warnings=("oral",)),
                10: result(10, S.ABSENT, missing_punches=2, points=5),
                16: result(16, S.LEAVE, leave_type="事假", leave_minutes=480),
            },
        ),
        person(
            "CM0002",
            "欧阳明月",
            {
                5: result(5, S.EARLY, early_minutes=20, warnings=("oral",)),
                6: result(6, S.LATE_AND_EARLY, late_minutes=10, early_minutes=30),
                9: result(9, S.MISSING_OUT, missing_punches=1),
                11: result(11, S.TRIP),
                12: result(12, S.FIELD),
                13: result(13, S.NORMAL, overtime_minutes=90),
            },
        ),
    ]


def many_people(count: int) -> list[SheetPerson]:
    return [
        person(
            f"CM{i + 1:04d}",
            NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i)),
            {3 + i % 20: result(3 + i % 20, S.LATE, late_minutes=5 + i)} if i % 3 == 0 else None,
        )
        for i in range(count)
    ]


# The totals' heads wrap in two lines: 迟到/次数, 迟到/分钟, …
HEADS = re.compile(
    r"迟到\s+迟到\s+早退\s+早退\s+缺卡\s+旷工\s+请假\s+加班\s+(扣分\s+)?警告.*\n.*\n"
    r".*次数\s+分钟\s+次数\s+分钟\s+次数\s+天数\s+天数\s+分钟\s+次数"
)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?!s)", pdf))


def pages_text(pdf: bytes) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return out.split("\f")[: page_count(pdf)]


# ---------------------------------------------------------------- symbols and totals


def test_every_status_has_a_symbol_and_every_symbol_a_legend_entry() -> None:
    assert set(SYMBOLS) == set(DayStatus)
    expected = {
        S.NORMAL: "√",
        S.LATE: "迟",
        S.EARLY: "早",
        S.LATE_AND_EARLY: "迟早",
        S.MISSING_IN: "缺",
        S.MISSING_OUT: "缺",
        S.ABSENT: "旷",
        S.LEAVE: "假",
        S.TRIP: "差",
        S.FIELD: "外",
        S.REST: "休",
        S.HOLIDAY: "节",
    }
    for status, mark in expected.items():
        assert symbol(result(3, status)) == mark
    assert {mark for mark, _label in LEGEND} == set(SYMBOLS.values())


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param([], SheetTotals(), id="nothing"),
        pytest.param(
            [result(3, S.NORMAL), result(7, S.REST), result(2, S.HOLIDAY)],
            SheetTotals(),
            id="normal, rest and holiday count nothing",
        ),
        pytest.param(
            [
                result(3, S.LATE, late_minutes=12, warnings=("oral",)),
                result(4, S.LATE, late_minutes=40, points=10, warnings=("written",)),
            ],
            SheetTotals(late_count=2, late_minutes=52, points=10, warnings=2),
            id="late twice",
        ),
        pytest.param(
            [result(5, S.LATE_AND_EARLY, late_minutes=10, early_minutes=30)],
            SheetTotals(late_count=1, late_minutes=10, early_count=1, early_minutes=30),
            id="late and early is one of each",
        ),
        pytest.param(
            [result(5, S.EARLY, early_minutes=15, warnings=("oral",))],
            SheetTotals(early_count=1, early_minutes=15, warnings=1),
            id="early",
        ),
        pytest.param(
            [result(9, S.MISSING_OUT, late_minutes=8, missing_punches=1, points=2)],
            SheetTotals(late_count=1, late_minutes=8, missing_punches=1, points=2),
            id="late in, no check-out: still a late arrival",
        ),
        pytest.param(
            [
                result(9, S.MISSING_IN, missing_punches=1),
                result(10, S.MISSING_OUT, missing_punches=1),
            ],
            SheetTotals(missing_punches=2),
            id="missed punches",
        ),
        pytest.param(
            [result(10, S.ABSENT, missing_punches=2, points=5)],
            SheetTotals(missing_punches=2, absent_days=1, points=5),
            id="absent",
        ),
        pytest.param(
            [
                result(16, S.LEAVE, leave_type="事假", leave_minutes=480),
                result(17, S.LEAVE, leave_type="病假", leave_minutes=480),
                result(18, S.NORMAL, leave_type="事假", leave_minutes=120),
            ],
            SheetTotals(leave_days=2),
            id="leave days count LEAVE days only",
        ),
        pytest.param(
            [result(11, S.TRIP), result(12, S.FIELD, overtime_minutes=60)],
            SheetTotals(overtime_minutes=60),
            id="trip and field work",
        ),
        pytest.param(
            [result(3, S.LATE, late_minutes=20, excused=True)],
            SheetTotals(),
            id="excused lateness is no case",
        ),
        pytest.param(
            [result(3, S.LATE, late_minutes=6, exempted=True)],
            SheetTotals(late_count=1, late_minutes=6),
            id="exempted lateness is a free case",
        ),
    ],
)
def test_totals_of(days: list[DayResult], expected: SheetTotals) -> None:
    assert totals_of(days) == expected


def test_totals_add_up() -> None:
    a = SheetTotals(late_count=1, late_minutes=5, points=3, warnings=1)
    b = SheetTotals(late_count=2, overtime_minutes=60, points=2)
    assert a + b == SheetTotals(
        late_count=3, late_minutes=5, overtime_minutes=60, points=5, warnings=1
    )


def test_off_days_follow_the_results_not_the_weekday() -> None:
    workday_saturday = result(7, S.NORMAL)  # 调休: a Saturday worked
    sheet = sheet_of([person("1", "甲", {7: workday_saturday}), person("2", "乙")])
    days = [d(n) for n in range(1, 31)]
    off = off_days(sheet, days)
    assert d(1) in off and d(2) in off  # Sunday; the holiday
    assert d(7) not in off  # somebody worked that Saturday
    assert d(3) not in off
    # Without any result a weekend is still shaded.
    empty = sheet_of([SheetPerson("3", "丙", {}, SheetTotals())])
    assert off_days(empty, days) == {day for day in days if day.weekday() >= 5}


# ---------------------------------------------------------------- PDF


@NEEDS_PDFTOTEXT
def test_pdf_shows_names_symbols_totals_and_page_count() -> None:
    pdf = render_sheet_pdf(sheet_of(sample_people()))
    assert pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf  # the Chinese font embedded
    (text,) = pages_text(pdf)
    for expected in (
        "考勤表",
        "城东支行营业部",
        "2025年6月",
        "办公室 09:00–18:00",
        "工号",
        "姓名",
        "张伟",
        "欧阳明月",
        "CM0001",
        "扣分",
        "图例",
        "第 1 页 共 1 页",
    ):
        assert expected in text, expected
    assert HEADS.search(text)
    zhang = next(line for line in text.splitlines() if "张伟" in line)
    marks = zhang.split()
    # 1 Jun Sunday 休, 2 Jun 节, 3–4 late, 10 absent, 16 leave; then the totals:
    # late 2 / 47 min, missed punches 2, absent 1, leave 1, points 5, warnings 2.
    assert marks[:6] == ["CM0001", "张伟", "休", "节", "迟", "迟"]
    assert marks[2 + 9] == "旷" and marks[2 + 15] == "假"
    assert marks[2 + 30 :] == ["2", "47", "2", "1", "1", "5", "2"]
    ouyang = next(line for line in text.splitlines() if "欧阳明月" in line).split()
    assert ouyang[2 + 4 : 2 + 6] == ["早", "迟早"] and ouyang[2 + 8] == "缺"
    assert ouyang[2 + 10 : 2 + 12] == ["差", "外"]
    total_line = next(line for line in text.splitlines() if line.split()[:1] == ["合计"])
    assert total_line.split()[1:] == ["3", "57", "2", "50", "3", "1", "1", "90", "5", "3"]
    # weekday initials under the day numbers: June 2025 starts on a Sunday
    assert re.search(r"日\s+一\s+二\s+三\s+四\s+五\s+六\s+日", text)


def test_pdf_is_a4_landscape_and_deterministic() -> None:
    sheet = sheet_of(sample_people())
    pdf = render_sheet_pdf(sheet)
    boxes = set(re.findall(rb"/MediaBox \[ ?([\d. ]+)\]", pdf))
    assert boxes, "no page size found"
    for box in boxes:
        _x0, _y0, width, height = (float(v) for v in box.split())
        assert (round(width), round(height)) == (842, 595)
    assert render_sheet_pdf(sheet) == pdf


@NEEDS_PDFTOTEXT
def test_fifty_staff_split_across_pages_with_the_header_repeated() -> None:
    pdf = render_sheet_pdf(sheet_of(many_people(50)))
    pages = pages_text(pdf)
    assert len(pages) >= 2
    seen = []
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "工号" in text and "姓名" in text and HEADS.search(text)
        assert "城东支行营业部 · 考勤表" in text  # every page names its sheet
        seen += re.findall(r"CM\d{4}", text)
    assert seen == [f"CM{i:04d}" for i in range(1, 51)]  # everyone once, in order
    assert "合计" in pages[-1]


@NEEDS_PDFTOTEXT
def test_long_names_are_never_cut() -> None:
    long_names = ["阿卜杜热合曼·艾力", "买买提江·阿不都热依木·托乎提"]
    people = [person(f"CM{i}", name) for i, name in enumerate(long_names)]
    (text,) = pages_text(render_sheet_pdf(sheet_of(people)))
    squeezed = re.sub(r"\s+", "", text)
    assert long_names[0] in squeezed
    # the longest one is broken into lines: each piece is there, and nothing is dropped
    assert "…" not in text
    for ch in long_names[1]:
        assert ch in squeezed


@NEEDS_PDFTOTEXT
def test_pdf_in_english() -> None:
    i18n.set_language("en")
    (text,) = pages_text(render_sheet_pdf(sheet_of(sample_people())))
    assert "Attendance sheet" in text and "6/2025" in text and "Page 1 of 1" in text
    assert "Mo" in text and "Su" in text


def test_a_month_of_28_days_and_a_person_without_results() -> None:
    people = [SheetPerson("CM9", "新员工", {}, SheetTotals())]
    sheet = AttendanceSheet("营业部", 2026, 2, "酒吧 20:00–01:00", people, dt.date(2026, 3, 1))
    assert render_sheet_pdf(sheet).startswith(b"%PDF-")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(render_sheet_xlsx(sheet))).worksheets[0]
    header = [c.value for c in ws[3]]
    assert header[2:30] == list(range(1, 29)) and header[30] == "迟到次数"


# ---------------------------------------------------------------- XLSX


def test_xlsx_has_the_grid_totals_legend_and_details() -> None:
    from openpyxl import load_workbook

    data = render_sheet_xlsx(sheet_of(sample_people()))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["考勤表", "明细"]
    grid = book["考勤表"]
    assert grid.freeze_panes == "C5"  # below the two header rows, right of the names
    header = [c.value for c in grid[3]]
    assert header[:3] == ["工号", "姓名", 1] and header[31] == 30
    assert header[32:] == [
        "迟到次数",
        "迟到分钟",
        "早退次数",
        "早退分钟",
        "缺卡次数",
        "旷工天数",
        "请假天数",
        "加班分钟",
        "扣分",
        "警告次数",
    ]
    assert all(c.font.bold for c in grid[3] if c.value is not None)
    assert [c.value for c in grid[4]][2:9] == ["日", "一", "二", "三", "四", "五", "六"]
    zhang = [c.value for c in grid[5]]
    assert zhang[:6] == ["CM0001", "张伟", "休", "节", "迟", "迟"]
    assert zhang[11] == "旷" and zhang[17] == "假"
    assert zhang[32:] == [2, 47, 0, 0, 2, 1, 1, 0, 5, 2]
    assert grid.cell(5, 5).alignment.horizontal == "center"
    assert grid.column_dimensions["C"].width < 5  # narrow day columns
    assert grid.cell(5, 3).fill.fgColor.rgb.endswith("EBEBEB")  # Sunday shaded
    total = [c.value for c in grid[7]]
    assert total[0] == "合计" and total[32:] == [3, 57, 2, 50, 3, 1, 1, 90, 5, 3]
    legend = {row[0]: row[1] for row in grid.iter_rows(min_row=9, max_col=2, values_only=True)}
    assert legend["迟"] == "迟到" and legend["旷"] == "旷工" and legend["节"] == "法定节假日"

    details = list(book["明细"].iter_rows(values_only=True))
    assert details[0][:6] == ("工号", "姓名", "日期", "星期", "符号", "状态")
    assert len(details) == 1 + 2 * 30  # every day of both people
    late = next(r for r in details if r[1] == "张伟" and r[4] == "迟")
    assert late[2] == dt.datetime(2025, 6, 3) and late[5] == "迟到"
    assert late[8] == 12 and late[14] == "口头警告"
    missing = next(r for r in details if r[1] == "欧阳明月" and r[4] == "缺")
    assert missing[5] == "缺卡（下班）" and missing[10] == 1
    absent = next(r for r in details if r[4] == "旷")
    assert absent[13] == 5  # points
    assert render_sheet_xlsx(sheet_of(sample_people())) == data  # deterministic


def test_a_branch_without_people_still_gives_documents() -> None:
    sheet = AttendanceSheet("营业部", 2025, 2, "办公室", [], dt.date(2025, 3, 1))
    assert render_sheet_pdf(sheet).startswith(b"%PDF-")
    assert render_sheet_xlsx(sheet).startswith(b"PK")
