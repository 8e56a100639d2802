"""Reading a filled weekly summary template, without the store: layout, cells, bad files."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.importers import weekly_xlsx
from app.importers.weekly_xlsx import ChecklistRow, PlanRow, TemplateRejected, VisitRow
from app.reports import weekly_template as tpl

W48 = date(2026, 11, 23)
IDENTITY = tpl.TemplateIdentity(
    branch_id=1,
    branch_name="测试网点",
    staff_id=7,
    employee_no="A001",
    name="张三",
    week="2026-W48",
    produced_at="2026-11-25T02:00:00+00:00",
)


def content(**changes: Any) -> tpl.TemplateContent:
    base: dict[str, Any] = {
        "identity": IDENTITY,
        "week_start": W48,
        "deadline": "2026-11-27 17:30",
        "text": {"services": "开户 3 户", "problems": "排队长"},
        "visits": [(date(2026, 11, 24), "王总", "介绍理财产品")],
        "checklist": [
            tpl.ChecklistLine(11, date(2026, 11, 24), "王总", "回访", "done", None, ""),
            tpl.ChecklistLine(12, None, "赵总", "送礼", "moved", date(2026, 12, 2), "出差"),
            tpl.ChecklistLine(13, None, "钱总", "", "open", None, ""),
        ],
        "next_plans": [(date(2026, 12, 1), "赵总", "补拜访")],
        "customers": ["王总", "赵总", "钱总"],
    }
    base.update(changes)
    return tpl.TemplateContent(**base)


_TEMPLATE = tpl.render(content())


def edited(data: bytes, edits: dict[tuple[str, str], object]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for (sheet, cell), value in edits.items():
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes) -> weekly_xlsx.FilledTemplate:
    return weekly_xlsx.read_template_data("t.xlsx", data)


def problems(data: bytes) -> list[tuple[str, str]]:
    with pytest.raises(TemplateRejected) as caught:
        read(data)
    return [(p.sheet, p.cell) for p in caught.value.problems]


def test_a_rendered_template_reads_back() -> None:
    filled = read(_TEMPLATE)
    assert filled.identity == weekly_xlsx.Identity(
        1, "测试网点", 7, "A001", "张三", "2026-W48", "2026-11-25T02:00:00+00:00", 1
    )
    assert (filled.shown_employee_no, filled.shown_week) == ("A001", "2026-W48")
    assert filled.text["services"] == "开户 3 户" and filled.text["suggestions"] == ""
    assert filled.visits == [VisitRow(2, date(2026, 11, 24), "王总", "介绍理财产品")]
    assert filled.checklist == [
        ChecklistRow(2, 11, "done", None, ""),
        ChecklistRow(3, 12, "moved", date(2026, 12, 2), "出差"),
        ChecklistRow(4, 13, "", None, ""),
    ]
    assert filled.next_plans == [PlanRow(2, date(2026, 12, 1), "赵总", "补拜访")]


def test_cells_as_people_type_them() -> None:
    data = edited(
        _TEMPLATE,
        {
            (tpl.VISITS_SHEET, "A3"): "2026/11/25",  # text that reads as a date
            (tpl.VISITS_SHEET, "B3"): " 赵总 ",
            (tpl.VISITS_SHEET, "A4"): datetime(2026, 11, 26, 0, 0),
            (tpl.VISITS_SHEET, "B4"): "钱总",
            (tpl.SUMMARY_SHEET, "B12"): "第一行\r\n第二行",
            (tpl.PLANS_SHEET, "B3"): "王总",  # no date: a plan for some day of the week
        },
    )
    filled = read(data)
    assert [(v.day, v.customer) for v in filled.visits[1:]] == [
        (date(2026, 11, 25), "赵总"),
        (date(2026, 11, 26), "钱总"),
    ]
    assert filled.text["problems"] == "第一行\n第二行"
    assert filled.next_plans[1] == PlanRow(3, None, "王总", "")


@pytest.mark.parametrize(
    ("edits", "where"),
    [
        (
            {(tpl.VISITS_SHEET, "A5"): "明天", (tpl.VISITS_SHEET, "B5"): "王总"},
            [(tpl.VISITS_SHEET, "A5")],
        ),
        (
            {(tpl.VISITS_SHEET, "A5"): True, (tpl.VISITS_SHEET, "B5"): "王总"},
            [(tpl.VISITS_SHEET, "A5")],
        ),
        (
            {(tpl.VISITS_SHEET, "C6"): "只写了内容"},
            [(tpl.VISITS_SHEET, "A6"), (tpl.VISITS_SHEET, "B6")],
        ),
        ({(tpl.CHECKLIST_SHEET, "D3"): "完成了"}, [(tpl.CHECKLIST_SHEET, "D3")]),
        ({(tpl.CHECKLIST_SHEET, "E3"): "12月2日"}, [(tpl.CHECKLIST_SHEET, "E3")]),
        ({(tpl.CHECKLIST_SHEET, "G3"): "x12"}, [(tpl.CHECKLIST_SHEET, "G3")]),
        (
            {(tpl.PLANS_SHEET, "A5"): "下周一", (tpl.PLANS_SHEET, "B5"): "王总"},
            [(tpl.PLANS_SHEET, "A5")],
        ),
        ({(tpl.PLANS_SHEET, "C5"): "目的"}, [(tpl.PLANS_SHEET, "B5")]),
        ({(tpl.VISITS_SHEET, "A700"): date(2026, 11, 24)}, [(tpl.VISITS_SHEET, "A700")]),
    ],
    ids=[
        "text-in-date",
        "boolean-in-date",
        "row-without-date-and-customer",
        "unknown-outcome",
        "moved-to-not-a-date",
        "plan-id-tampered",
        "plan-text-in-date",
        "plan-without-customer",
        "too-many-rows",
    ],
)
def test_bad_cells(edits: dict[tuple[str, str], object], where: list[tuple[str, str]]) -> None:
    assert problems(edited(_TEMPLATE, edits)) == where


def test_missing_identity_or_sheets() -> None:
    data = _TEMPLATE
    book = load_workbook(io.BytesIO(data))
    book.security = None
    del book[tpl.IDENTITY_SHEET]
    out = io.BytesIO()
    book.save(out)
    assert problems(out.getvalue()) == [("", "")]

    book = load_workbook(io.BytesIO(data))
    book.security = None
    book[tpl.VISITS_SHEET].title = "拜访"
    del book[tpl.PLANS_SHEET]
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(TemplateRejected) as caught:
        read(out.getvalue())
    assert [(p.sheet, p.cell) for p in caught.value.problems] == [
        (tpl.VISITS_SHEET, ""),
        (tpl.PLANS_SHEET, ""),
    ]
    assert "拜访" in caught.value.problems[0].reason


def test_a_newer_format_is_named() -> None:
    version_row = tpl.IDENTITY_KEYS.index("format_version") + 1
    data = edited(_TEMPLATE, {(tpl.IDENTITY_SHEET, f"B{version_row}"): "2"})
    with pytest.raises(TemplateRejected, match="模板格式 2"):
        read(data)


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    with big.open("wb") as fh:
        fh.truncate(weekly_xlsx.MAX_FILE_BYTES + 1)
    with pytest.raises(TemplateRejected, match=r"big\.xlsx"):
        weekly_xlsx.read_template(big)
    with pytest.raises(TemplateRejected, match="文件夹"):
        weekly_xlsx.read_template(tmp_path)


@settings(max_examples=60, deadline=None)
@given(
    head=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    body=st.binary(max_size=2000),
)
def test_random_bytes_only_ever_raise_template_rejected(head: bytes, body: bytes) -> None:
    with pytest.raises(TemplateRejected) as caught:
        read(head + body)
    assert caught.value.problems and all(p.reason for p in caught.value.problems)


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=1, max_value=200), flip=st.integers(min_value=0, max_value=255))
def test_damaged_templates_only_ever_raise_template_rejected(cut: int, flip: int) -> None:
    data = bytearray(_TEMPLATE)
    position = len(data) * cut // 201
    data[position] ^= flip or 1
    try:
        read(bytes(data))
    except TemplateRejected as exc:
        assert exc.problems


def test_a_zip_claiming_an_unknown_version_is_refused_by_name() -> None:
    """zipfile raises NotImplementedError for it (found by tests/fuzz)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 6] = 159  # "version needed to extract": 15.9
    with pytest.raises(TemplateRejected, match=r"odd\.xlsx"):
        weekly_xlsx.read_template_data("odd.xlsx", bytes(data))
