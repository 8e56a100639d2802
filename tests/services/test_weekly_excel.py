"""The Excel route of the weekly summary: template export, import, round trip, bad files."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.db import Store
from app.models import ReviewEvent, SummaryVisit, VisitPlan, WeeklySummary
from app.reports import weekly_template as tpl
from app.services import staff, weekly, weekly_excel
from app.services.auth import Actor
from app.services.errors import PermissionDenied
from app.services.weekly import CustomerInput, LogInput, PlanInput, SummaryText

W48 = date(2026, 11, 23)
W49 = date(2026, 11, 30)
WEDNESDAY = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
AT = datetime(2026, 11, 27, 9, 30, 0, tzinfo=UTC)  # 17:30:00 Shanghai: on time
AFTER = datetime(2026, 11, 27, 9, 30, 1, tzinfo=UTC)
S, V, C, P = tpl.SUMMARY_SHEET, tpl.VISITS_SHEET, tpl.CHECKLIST_SHEET, tpl.PLANS_SHEET


@dataclass
class Week:
    """张三's week: customers, a plan done (a log matches) and one not done."""

    zhang: Actor
    li: Actor
    customers: dict[str, int]
    done_plan: int  # 王总, logged on Tuesday
    open_plan: int  # 赵总, not visited


@pytest.fixture
def week(store: Store, supervisor: Actor, make_manager: Callable[..., Actor]) -> Week:
    zhang, li = make_manager("A001", "张三"), make_manager("A002", "李四")
    assert zhang.staff_id is not None and li.staff_id is not None
    ids: dict[str, int] = {}
    with time_machine.travel(WEDNESDAY, tick=False), store.transaction() as s:
        for owner, name in ((zhang, "王总"), (zhang, "赵总"), (zhang, "钱总"), (li, "孙总")):
            assert owner.staff_id is not None
            ids[name] = weekly.add_customer(s, owner, CustomerInput(owner.staff_id, name)).id
        sid = zhang.staff_id
        done = weekly.add_plan(
            s, zhang, PlanInput(sid, ids["王总"], W48, date(2026, 11, 24), "回访")
        )
        open_ = weekly.add_plan(s, zhang, PlanInput(sid, ids["赵总"], W48, None, "送生日礼"))
        weekly.add_log(s, zhang, LogInput(sid, ids["王总"], date(2026, 11, 24), "介绍理财产品"))
    return Week(zhang, li, ids, done.id, open_.id)


def export(store: Store, actor: Actor, staff_id: int, week_start: date = W48) -> bytes:
    with time_machine.travel(WEDNESDAY, tick=False), store.reading() as s:
        return weekly_excel.template_bytes(s, actor, staff_id, week_start)


def plan_row(sheet: Any, plan_id: int) -> int:
    for row in range(tpl.FIRST_ROW, sheet.max_row + 1):
        if sheet[f"{tpl.PLAN_ID_COLUMN}{row}"].value == plan_id:
            return row
    raise AssertionError(f"plan {plan_id} not in the checklist")


TEXTS = {
    "services": "开户 3 户\n代发工资 1 家",
    "needs_trends": "客户关注大额存单",
    "campaign_response": "“金秋理财”反响好",
    "problems": "网点排队时间长",
    "suggestions": "增加周末值班",
    "next_week_plan": "走访 5 户重点客户",
}


def fill(data: bytes, w: Week, edit: Callable[[Any, Week], None] | None = None) -> bytes:
    """Fill the template as a manager would: text, one more visit, the checklist, next week."""
    book = load_workbook(io.BytesIO(data))
    summary = book[S]
    for key, (row, _label) in tpl.TEXT_ROWS.items():
        summary[f"B{row}"] = TEXTS[key]
    visits = book[V]
    visits["A3"], visits["B3"], visits["C3"] = datetime(2026, 11, 25), "钱总", "介绍基金"
    checklist = book[C]
    row = plan_row(checklist, w.open_plan)
    checklist[f"D{row}"], checklist[f"E{row}"], checklist[f"F{row}"] = (
        "改期",
        datetime(2026, 12, 2),
        "客户出差",
    )
    plans = book[P]
    plans["A2"], plans["B2"], plans["C2"] = datetime(2026, 12, 1), "赵总", "补拜访"
    plans["B3"], plans["C3"] = "王总", "送资料"
    if edit is not None:
        edit(book, w)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def import_(store: Store, actor: Actor, paths: list[Path], at: datetime = AT, **kw: Any):  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False), store.transaction() as s:
        return weekly_excel.import_files(s, actor, paths, **kw)


def counts(store: Store) -> tuple[int, ...]:
    with store.reading() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (WeeklySummary, SummaryVisit, VisitPlan, ReviewEvent)
        )


# --- the template -------------------------------------------------------------------------


def test_template_name_and_contents(store: Store, supervisor: Actor, week: Week) -> None:
    sid = week.zhang.staff_id
    assert sid is not None
    with store.reading() as s:
        name = weekly_excel.template_name(s, week.zhang, sid, W48)
    assert name == "每周工作进度汇总表_2026-W48_A001_张三.xlsx"
    book = load_workbook(io.BytesIO(export(store, week.zhang, sid)))
    assert book.sheetnames == [S, tpl.CUSTOMERS_SHEET, V, C, P, tpl.IDENTITY_SHEET]
    assert book[tpl.IDENTITY_SHEET].sheet_state == "veryHidden"
    assert book[tpl.CUSTOMERS_SHEET].sheet_state == "hidden"
    summary = book[S]
    assert [summary[f"B{r}"].value for r in range(2, 8)] == [
        "测试网点",
        "A001",
        "张三",
        "2026-W48",
        "2026-11-23 至 2026-11-29",
        "2026-11-27 17:30",
    ]
    assert summary.protection.sheet
    assert summary["B3"].protection.locked and not summary["B9"].protection.locked
    assert summary["B9"].alignment.wrap_text
    # Visits prefilled from the week's log, then empty unlocked rows with drop-downs.
    visits = book[V]
    assert (visits["A2"].value.date(), visits["B2"].value, visits["C2"].value) == (
        date(2026, 11, 24),
        "王总",
        "介绍理财产品",
    )
    assert not visits["B42"].protection.locked
    rules = {str(dv.sqref): dv for dv in visits.data_validations.dataValidation}
    assert rules["B2:B42"].formula1 == f"'{tpl.CUSTOMERS_SHEET}'!$A$1:$A$3"
    assert rules["A2:A42"].type == "date"
    assert [c.value for c in book[tpl.CUSTOMERS_SHEET]["A"]] == ["王总", "赵总", "钱总"]
    checklist = book[C]
    assert checklist.column_dimensions["G"].hidden
    done_row = plan_row(checklist, week.done_plan)
    assert checklist[f"D{done_row}"].value == "已完成"
    assert checklist[f"D{plan_row(checklist, week.open_plan)}"].value is None
    identity = {r[0].value: r[1].value for r in book[tpl.IDENTITY_SHEET].iter_rows()}
    assert identity["marker"] == tpl.MARKER and identity["employee_no"] == "A001"
    assert identity["week"] == "2026-W48" and identity["produced_at"].startswith("2026-11-25")


def test_a_manager_exports_only_their_own_template(store: Store, week: Week) -> None:
    assert week.zhang.staff_id is not None
    with store.reading() as s, pytest.raises(PermissionDenied):
        weekly_excel.template_bytes(s, week.li, week.zhang.staff_id, W48)


# --- the round trip -------------------------------------------------------------------------


@pytest.mark.parametrize(("at", "late"), [(AT, False), (AFTER, True)], ids=["on-time", "late"])
def test_round_trip(
    store: Store, supervisor: Actor, week: Week, tmp_path: Path, at: datetime, late: bool
) -> None:
    sid = week.zhang.staff_id
    assert sid is not None
    path = write(tmp_path, "zhang.xlsx", fill(export(store, week.zhang, sid), week))
    report = import_(store, week.zhang, [path], at=at)
    assert report.rejected == []
    assert [
        (a.file, a.employee_no, a.week, a.action, a.revision, a.late) for a in report.accepted
    ] == [(str(path), "A001", "2026-W48", "created", 1, late)]
    with store.reading() as s:
        view = weekly.get_summary(s, supervisor, sid, W48)
    assert view.text == SummaryText(**TEXTS)
    ids = week.customers
    assert [(v.day, v.customer_id, v.content) for v in view.visits] == [
        (date(2026, 11, 24), ids["王总"], "介绍理财产品"),
        (date(2026, 11, 25), ids["钱总"], "介绍基金"),
    ]
    assert {(p.id, p.outcome, p.reason, p.moved_to) for p in view.checklist} == {
        (week.done_plan, "done", "", None),
        (week.open_plan, "moved", "客户出差", date(2026, 12, 2)),
    }
    assert [(p.planned_day, p.customer_name, p.purpose) for p in view.next_plans] == [
        (None, "王总", "送资料"),
        (date(2026, 12, 1), "赵总", "补拜访"),
    ]
    assert view.state == "submitted" and view.submitted_at == at and view.late is late
    assert view.source == "xlsx" and view.source_file == "zhang.xlsx"
    # What was imported comes back out in the next export.
    again = load_workbook(io.BytesIO(export(store, week.zhang, sid)))
    assert again[S]["B9"].value == TEXTS["services"]
    assert again[P]["B2"].value == "王总"


def test_reimport_replaces_until_reviewed_then_keeps_both(
    store: Store, supervisor: Actor, week: Week, tmp_path: Path
) -> None:
    sid = week.zhang.staff_id
    assert sid is not None
    template = export(store, week.zhang, sid)
    first = write(tmp_path, "first.xlsx", fill(template, week))

    def other_text(book: Any, _w: Week) -> None:
        book[S]["B12"] = "改过的问题"

    second = write(tmp_path, "second.xlsx", fill(template, week, other_text))
    assert import_(store, week.zhang, [first]).accepted[0].action == "created"
    replaced = import_(store, week.zhang, [second]).accepted[0]
    assert (replaced.action, replaced.revision) == ("replaced", 1)
    assert "尚未审阅" in replaced.message()
    with store.reading() as s:
        assert s.scalar(select(func.count()).select_from(WeeklySummary)) == 1
        view = weekly.get_summary(s, supervisor, sid, W48)
    assert view.text.problems == "改过的问题"
    assert view.id is not None
    with store.transaction() as s:
        weekly.approve(s, supervisor, view.id, "很好")
    kept = import_(store, week.zhang, [first]).accepted[0]
    assert (kept.action, kept.revision) == ("kept_both", 2)
    assert "已审阅" in kept.message() and "修订版 2" in kept.message()
    with store.reading() as s:
        old = weekly.summary_by_id(s, supervisor, view.id)
        new = weekly.get_summary(s, supervisor, sid, W48)
    assert (old.revision, old.state, old.text.problems) == (1, "approved", "改过的问题")
    assert (new.revision, new.state, new.text.problems) == (2, "submitted", TEXTS["problems"])
    assert [e.kind for e in new.events] == ["approve", "import"]


def test_folder_two_good_one_bad_and_dry_run(
    store: Store, supervisor: Actor, week: Week, tmp_path: Path
) -> None:
    assert week.zhang.staff_id is not None and week.li.staff_id is not None
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a_zhang.xlsx", fill(export(store, supervisor, week.zhang.staff_id), week))
    li_book = load_workbook(io.BytesIO(export(store, supervisor, week.li.staff_id)))
    li_book[V]["A2"], li_book[V]["B2"] = datetime(2026, 11, 26), "孙总"
    li_bytes = io.BytesIO()
    li_book.save(li_bytes)
    write(folder, "b_li.xlsx", li_bytes.getvalue())
    write(folder, "c_bad.xlsx", b"not a workbook")
    write(folder, "~$a_zhang.xlsx", b"lock")  # Excel's lock file: skipped
    write(folder, "notes.txt", b"x")
    assert [p.name for p in weekly_excel.expand_paths([folder])] == [
        "a_zhang.xlsx",
        "b_li.xlsx",
        "c_bad.xlsx",
    ]
    before = counts(store)
    dry = import_(store, supervisor, [folder], dry_run=True)
    assert (len(dry.accepted), len(dry.rejected)) == (2, 1)
    assert counts(store) == before
    assert "将" in dry.accepted[0].message(dry_run=True)
    report = import_(store, supervisor, [folder])
    assert [a.name for a in report.accepted] == ["张三", "李四"]
    assert [(Path(r.file).name, r.sheet, r.cell) for r in report.rejected] == [
        ("c_bad.xlsx", "", "")
    ]
    assert "c_bad.xlsx" in report.rejected[0].message
    with store.reading() as s:
        assert weekly.week_status(s, supervisor, W48).count("submitted") == 2


# --- bad input -------------------------------------------------------------------------------


def _set(sheet: str, cell: str, value: object) -> Callable[[Any, Week], None]:
    def edit(book: Any, _w: Week) -> None:
        book[sheet][cell] = value

    return edit


def _identity(
    key: str, value: str, also: tuple[str, str] | None = None
) -> Callable[[Any, Week], None]:
    def edit(book: Any, _w: Week) -> None:
        sheet = book[tpl.IDENTITY_SHEET]
        sheet[f"B{tpl.IDENTITY_KEYS.index(key) + 1}"] = value
        if also:
            book[S][also[0]] = also[1]

    return edit


def _checklist(outcome: str | None, moved_to: object, reason: str | None, plan: str = "open"):  # type: ignore[no-untyped-def]
    def edit(book: Any, w: Week) -> None:
        sheet = book[C]
        row = plan_row(sheet, w.open_plan if plan == "open" else w.done_plan)
        sheet[f"D{row}"], sheet[f"E{row}"], sheet[f"F{row}"] = outcome, moved_to, reason

    return edit


def _rename(old: str, new: str | None) -> Callable[[Any, Week], None]:
    def edit(book: Any, _w: Week) -> None:
        book.security = None
        if new is None:
            del book[old]
        else:
            book[old].title = new

    return edit


def _checklist_cell(column: str) -> Callable[[Week, Any], str]:
    def cell(w: Week, book: Any) -> str:
        return f"{column}{plan_row(book[C], w.open_plan)}"

    return cell


BAD_CELLS: list[
    tuple[str, Callable[[Any, Week], None], str, str | Callable[[Week, Any], str], str]
] = [
    # (id, edit, sheet, cell, words in the reason)
    ("text-in-date-cell", _set(V, "A5", "下周三"), V, "A5", "不是日期"),
    (
        "date-outside-week",
        lambda b, w: (_set(V, "A5", datetime(2026, 12, 1))(b, w), _set(V, "B5", "王总")(b, w)),
        V,
        "A5",
        "2026-W48",
    ),
    ("visit-without-date", _set(V, "B5", "王总"), V, "A5", "日期"),
    (
        "unknown-customer",
        lambda b, w: (_set(V, "A5", datetime(2026, 11, 26))(b, w), _set(V, "B5", "孙总")(b, w)),
        V,
        "B5",
        "孙总",
    ),
    ("visit-text-too-long", lambda b, w: _set(V, "C3", "长" * 501)(b, w), V, "C3", "500"),
    ("summary-text-too-long", _set(S, "B12", "问" * (weekly.TEXT_LIMIT + 1)), S, "B12", "4000"),
    ("plan-date-outside-next-week", _set(P, "A3", datetime(2026, 11, 24)), P, "A3", "2026-W49"),
    ("plan-unknown-customer", _set(P, "B3", "陌生人"), P, "B3", "陌生人"),
    ("plan-text-in-date", _set(P, "A3", "周一上午"), P, "A3", "不是日期"),
    ("done-without-log", _checklist("已完成", None, None), C, _checklist_cell("D"), "服务日志"),
    ("left-blank", _checklist(None, None, None), C, _checklist_cell("D"), "赵总"),
    (
        "moved-without-date",
        _checklist("改期", None, "客户出差"),
        C,
        _checklist_cell("E"),
        "改期后的日期",
    ),
    (
        "moved-without-reason",
        _checklist("改期", datetime(2026, 12, 2), None),
        C,
        _checklist_cell("F"),
        "原因",
    ),
    ("dropped-without-reason", _checklist("取消", None, None), C, _checklist_cell("F"), "原因"),
    ("unknown-outcome", _checklist("做了一半", None, None), C, _checklist_cell("D"), "做了一半"),
    ("moved-to-text", _checklist("改期", "下周", "出差"), C, _checklist_cell("E"), "不是日期"),
    (
        "plan-id-tampered",
        lambda b, w: _set(C, f"G{plan_row(b[C], w.done_plan)}", 99999)(b, w),
        C,
        lambda w, b: f"G{plan_row(b[C], 99999)}",
        "导出",
    ),
    ("week-cell-edited", _set(S, "B5", "2026-W49"), S, "B5", "2026-W49"),
    ("employee-cell-edited", _set(S, "B3", "A002"), S, "B3", "A002"),
    ("unknown-employee", _identity("employee_no", "Z999", ("B3", "Z999")), S, "B3", "Z999"),
    ("another-branch", _identity("branch_name", "别的网点"), S, "B2", "别的网点"),
    ("sheet-renamed", _rename(V, "拜访"), V, "", "拜访"),
    ("sheet-deleted", _rename(P, None), P, "", P),
]


@pytest.mark.parametrize(
    ("edit", "sheet", "cell", "words"),
    [case[1:] for case in BAD_CELLS],
    ids=[case[0] for case in BAD_CELLS],
)
def test_bad_cells_are_refused_naming_the_cell(
    store: Store,
    week: Week,
    tmp_path: Path,
    edit: Callable[[Any, Week], None],
    sheet: str,
    cell: str | Callable[[Week, Any], str],
    words: str,
) -> None:
    assert week.zhang.staff_id is not None
    data = fill(export(store, week.zhang, week.zhang.staff_id), week, edit)
    path = write(tmp_path, "bad.xlsx", data)
    before = counts(store)
    report = import_(store, week.zhang, [path])
    assert report.accepted == []
    [rejection] = report.rejected
    if callable(cell):
        cell = cell(week, load_workbook(io.BytesIO(data)))
    assert (rejection.file, rejection.sheet, rejection.cell) == (str(path), sheet, cell)
    assert words in rejection.reason
    assert sheet in rejection.message and "bad.xlsx" in rejection.message
    assert counts(store) == before


def test_several_bad_cells_are_all_named(store: Store, week: Week, tmp_path: Path) -> None:
    assert week.zhang.staff_id is not None

    def edit(book: Any, _w: Week) -> None:
        book[V]["A5"], book[V]["A6"], book[V]["B6"] = "昨天", "前天", "王总"

    path = write(
        tmp_path, "bad.xlsx", fill(export(store, week.zhang, week.zhang.staff_id), week, edit)
    )
    [rejection] = import_(store, week.zhang, [path]).rejected
    assert (rejection.sheet, rejection.cell) == (V, "A5")
    assert "本周拜访!A6" in rejection.reason and "本周拜访!B5" in rejection.reason


def test_inactive_manager_is_refused(
    store: Store, supervisor: Actor, week: Week, tmp_path: Path
) -> None:
    assert week.zhang.staff_id is not None
    path = write(tmp_path, "z.xlsx", fill(export(store, week.zhang, week.zhang.staff_id), week))
    with store.transaction() as s:
        staff.set_active(s, supervisor, week.zhang.staff_id, False)
    [rejection] = import_(store, supervisor, [path]).rejected
    assert (rejection.sheet, rejection.cell) == (S, "B3") and "张三" in rejection.reason


@pytest.mark.parametrize("who", ["another-week", "another-manager", "manager-imports-anothers"])
def test_another_week_or_manager_is_refused(
    store: Store, supervisor: Actor, week: Week, tmp_path: Path, who: str
) -> None:
    assert week.zhang.staff_id is not None and week.li.staff_id is not None
    path = write(tmp_path, "z.xlsx", fill(export(store, supervisor, week.zhang.staff_id), week))
    before = counts(store)
    if who == "another-week":
        report = import_(store, supervisor, [path], week_start=W49)
        expected = (S, "B5", "2026-W49")
    elif who == "another-manager":
        report = import_(store, supervisor, [path], staff_id=week.li.staff_id)
        expected = (S, "B3", "李四")
    else:
        report = import_(store, week.li, [path])
        expected = (S, "B3", "张三")
    [rejection] = report.rejected
    assert (rejection.sheet, rejection.cell) == expected[:2] and expected[2] in rejection.reason
    assert counts(store) == before


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<x/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (61 * 1024 * 1024))
    return out.getvalue()


def _plain_workbook() -> bytes:
    book = Workbook()
    book.active["A1"] = "工号"  # type: ignore[index]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _encrypted(store: Store, w: Week) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    assert w.zhang.staff_id is not None
    plain = io.BytesIO(fill(export(store, w.zhang, w.zhang.staff_id), w))
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", out)
    return out.getvalue()


FILE_CASES: list[tuple[str, Callable[[Store, Week], bytes], str]] = [
    ("empty", lambda s, w: b"", "空文件"),
    ("random-bytes", lambda s, w: random.Random(1).randbytes(3000), "不是"),
    ("csv-renamed", lambda s, w: "工号,姓名\nA001,张三\n".encode(), "不是"),
    ("plain-workbook", lambda s, w: _plain_workbook(), "不是"),
    ("oversized", lambda s, w: b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024), "5 MB"),
    ("zip-bomb", lambda s, w: _zip_bomb(), "MB"),
    ("damaged-zip", lambda s, w: _plain_workbook()[:2000], "无法"),
    ("old-xls", lambda s, w: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    ("password-protected", _encrypted, "密码"),
]


@pytest.mark.parametrize(
    ("make", "words"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_bad_files_are_refused(
    store: Store, week: Week, tmp_path: Path, make: Callable[[Store, Week], bytes], words: str
) -> None:
    path = write(tmp_path, "file.xlsx", make(store, week))
    before = counts(store)
    report = import_(store, week.zhang, [path])
    assert report.accepted == []
    [rejection] = report.rejected
    assert (rejection.file, rejection.sheet, rejection.cell) == (str(path), "", "")
    assert words in rejection.reason and "file.xlsx" in rejection.reason
    assert counts(store) == before


def test_missing_and_locked_files(
    store: Store, week: Week, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = write(tmp_path, "locked.xlsx", b"PK\x03\x04")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.xlsx":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = import_(store, week.zhang, [tmp_path / "gone.xlsx", locked])
    assert [(Path(r.file).name, r.sheet, r.cell) for r in report.rejected] == [
        ("gone.xlsx", "", ""),
        ("locked.xlsx", "", ""),
    ]
    assert "不存在" in report.rejected[0].reason and "Excel" in report.rejected[1].reason


# --- nothing but rejections, and nothing stored -----------------------------------------------


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.binary(max_size=4000), head=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"])
)
def test_random_bytes_are_only_ever_rejected(
    store: Store, week: Week, tmp_path: Path, data: bytes, head: bytes
) -> None:
    path = write(tmp_path, "random.xlsx", head + data)
    before = counts(store)
    report = import_(store, week.zhang, [path])
    assert report.accepted == [] and len(report.rejected) == 1
    assert counts(store) == before


CELLS = [
    (S, "B3"),
    (S, "B5"),
    (S, "B9"),
    (V, "A3"),
    (V, "B3"),
    (V, "A9"),
    (C, "D2"),
    (C, "E2"),
    (C, "G2"),
    (C, "G3"),
    (P, "A2"),
    (P, "B2"),
    (tpl.IDENTITY_SHEET, "B2"),
    (tpl.IDENTITY_SHEET, "B8"),
]
VALUES = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)),
    st.sampled_from(["已完成", "改期", "取消", "王总", "孙总", "2026-11-25", "2026-W48", "A001"]),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(st.tuples(st.sampled_from(CELLS), VALUES), min_size=1, max_size=4))
def test_random_cell_values_never_break_the_import(
    store: Store, week: Week, tmp_path: Path, edits: list[tuple[tuple[str, str], object]]
) -> None:
    assert week.zhang.staff_id is not None

    def edit(book: Any, _w: Week) -> None:
        for (sheet, cell), value in edits:
            if isinstance(value, str):
                value = "".join(ch for ch in value if ch.isprintable())  # XML cannot hold \x00
            book[sheet][cell] = value

    path = write(
        tmp_path, "cells.xlsx", fill(export(store, week.zhang, week.zhang.staff_id), week, edit)
    )
    before = counts(store)
    report = import_(store, week.zhang, [path], dry_run=True)
    assert len(report.accepted) + len(report.rejected) == 1
    for rejection in report.rejected:
        assert rejection.reason and rejection.file == str(path)
    assert counts(store) == before


def test_a_file_failing_while_stored_leaves_nothing_and_the_next_goes_in(
    store: Store, supervisor: Actor, week: Week, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert week.zhang.staff_id is not None and week.li.staff_id is not None
    zhang = write(tmp_path, "a.xlsx", fill(export(store, supervisor, week.zhang.staff_id), week))
    li = write(tmp_path, "b.xlsx", export(store, supervisor, week.li.staff_id))
    real_add_plan = weekly.add_plan

    def add_plan(session: Any, actor: Actor, data: PlanInput) -> Any:
        # store_imported has written the summary, its visits and outcomes by now
        if data.staff_id == week.zhang.staff_id:
            raise weekly.ValidationError("磁盘满了")
        return real_add_plan(session, actor, data)

    monkeypatch.setattr(weekly, "add_plan", add_plan)
    before = counts(store)
    report = import_(store, supervisor, [zhang, li])
    assert [(Path(r.file).name, r.reason) for r in report.rejected] == [("a.xlsx", "磁盘满了")]
    assert [a.name for a in report.accepted] == ["李四"]
    with store.reading() as s:
        assert weekly.get_summary(s, supervisor, week.zhang.staff_id, W48).id is None
        plan = s.get(VisitPlan, week.open_plan)
        assert plan is not None and plan.outcome == ""  # the outcome written was rolled back
    assert counts(store)[0] == before[0] + 1


def test_the_callers_rollback_undoes_the_whole_import(
    store: Store, supervisor: Actor, week: Week, tmp_path: Path
) -> None:
    assert week.zhang.staff_id is not None
    path = write(tmp_path, "a.xlsx", fill(export(store, supervisor, week.zhang.staff_id), week))
    before = counts(store)
    with (
        time_machine.travel(AT, tick=False),
        pytest.raises(RuntimeError),
        store.transaction() as s,
    ):
        assert weekly_excel.import_files(s, supervisor, [path]).accepted
        raise RuntimeError("the user cancelled")
    assert counts(store) == before
