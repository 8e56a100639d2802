"""Fuzzing the weekly summary template import: app.importers.weekly_xlsx, then
app.services.weekly_excel.import_files against a real store.

openpyxl needs 5–20 ms to open a workbook, so 10,000 files a run would take minutes. The
work is split: 10,000 damaged workbooks go through the reader's own logic (_read_book,
everything after openpyxl) as in-memory books holding exactly what openpyxl hands over;
a few hundred damaged real files go through openpyxl; a few hundred go all the way into
a store, where a rejected file must leave every table as it was.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import given
from openpyxl import load_workbook

from app.db import Store
from app.importers import weekly_xlsx
from app.importers.weekly_xlsx import FilledTemplate, TemplateRejected
from app.reports import weekly_template as tpl
from app.services import weekly, weekly_excel
from app.services.auth import Actor
from app.services.weekly import CustomerInput, LogInput, PlanInput
from tests.fuzz.conftest import (
    BATCH,
    SEEDS,
    assert_only_changed,
    assert_unchanged,
    corrupt,
    fuzz_settings,
    random_cell,
    random_text,
    store_file,
    table_digests,
    write,
)

W48 = date(2026, 11, 23)
WEDNESDAY = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # before the deadline
_CELL = re.compile(r"^[A-Z]{1,3}[1-9]\d*$")

Grid = dict[str, list[list[object]]]


class Sheet:
    """What weekly_xlsx asks of an openpyxl read-only worksheet."""

    def __init__(self, rows: list[list[object]]) -> None:
        self.rows = rows

    def reset_dimensions(self) -> None:
        pass

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[object, ...]]:
        assert values_only
        return (tuple(row) for row in self.rows)


class Book:
    """What weekly_xlsx asks of an openpyxl read-only workbook."""

    def __init__(self, grid: Grid) -> None:
        self.sheets = {name: Sheet(rows) for name, rows in grid.items()}

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def __getitem__(self, name: str) -> Sheet:
        return self.sheets[name]


def grid_of(data: bytes) -> Grid:
    """Every sheet's values as openpyxl hands them to the reader."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return {
            name: [list(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }
    finally:
        book.close()


WORDS = [
    tpl.OUTCOME_DONE,
    tpl.OUTCOME_MOVED,
    tpl.OUTCOME_DROPPED,
    "王总",
    "赵总",
    "钱总",
    "孙总",
    "2026-11-25",
    "2026-12-02",
    "2026-W48",
    "2026-W49",
    "2026-W53",
    "A001",
    "A002",
    "11",
    "12",
    " 12 ",
    "²",  # a digit to str.isdigit, not to int()
    "١٢",  # Arabic-Indic digits
    "-1",
    "1e3",
    "#REF!",
    "#DIV/0!",
    "99999999999999999999999",
    tpl.MARKER,
    "2",
    "x" * 600,
]


def random_value(rnd: random.Random) -> object:
    pick = rnd.random()
    if pick < 0.45:
        return rnd.choice(WORDS)
    if pick < 0.6:
        return rnd.choice([11, 12.0, 12.5, 13, -4, 0, True, time(8, 30), datetime(2026, 11, 25)])
    if pick < 0.8:
        return random_cell(rnd)
    return random_text(rnd)


def damage_grid(rnd: random.Random, grid: Grid) -> Grid:
    """The book with one to four edits a person (or a program) might make."""
    grid = {name: [list(row) for row in rows] for name, rows in grid.items()}
    for _ in range(rnd.randint(1, 4)):
        names = list(grid)
        kind = rnd.choices(
            ["cell", "clear", "row", "sheet-gone", "sheet-renamed", "rows", "identity"],
            weights=[12, 3, 2, 1, 1, 1, 3],
        )[0]
        if not names:
            break
        name = rnd.choice(names)
        rows = grid[name]
        if kind in ("cell", "clear", "identity"):
            if kind == "identity" and tpl.IDENTITY_SHEET in grid:
                rows = grid[tpl.IDENTITY_SHEET]
            r, c = rnd.randint(0, len(rows) + 2), rnd.randint(0, 7)
            while len(rows) <= r:
                rows.append([])
            while len(rows[r]) <= c:
                rows[r].append(None)
            rows[r][c] = None if kind == "clear" else random_value(rnd)
        elif kind == "row" and rows:
            i = rnd.randrange(len(rows))
            rows.insert(rnd.randrange(len(rows)), list(rows[i]))  # a line copied
        elif kind == "sheet-gone":
            del grid[name]
        elif kind == "sheet-renamed":
            grid[name + rnd.choice(["1", " ", "(2)"])] = grid.pop(name)
        elif kind == "rows":
            rows.extend([[rnd.choice(WORDS)] * 3 for _ in range(rnd.choice([5, 700]))])
    return grid


def check_read(name: str, read: Any) -> FilledTemplate | None:
    """Only TemplateRejected, each problem with a reason and a place that exists."""
    try:
        return read()
    except TemplateRejected as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.reason.strip()
            assert problem.cell == "" or _CELL.match(problem.cell), problem
            if not problem.sheet:
                assert name in problem.reason, problem
        return None


# --- the reader's logic: 10,000 damaged books per run ----------------------------------------

BASE_TEMPLATE = tpl.render(
    tpl.TemplateContent(
        identity=tpl.TemplateIdentity(
            branch_id=1,
            branch_name="测试网点",
            staff_id=7,
            employee_no="A001",
            name="张三",
            week="2026-W48",
            produced_at="2026-11-25T02:00:00+00:00",
        ),
        week_start=W48,
        deadline="2026-11-27 17:30",
        text={"services": "开户 3 户", "problems": "排队长"},
        visits=[(date(2026, 11, 24), "王总", "介绍理财产品")],
        checklist=[
            tpl.ChecklistLine(11, date(2026, 11, 24), "王总", "回访", "done", None, ""),
            tpl.ChecklistLine(12, None, "赵总", "送礼", "moved", date(2026, 12, 2), "出差"),
            tpl.ChecklistLine(13, None, "钱总", "", "open", None, ""),
        ],
        next_plans=[(date(2026, 12, 1), "赵总", "补拜访")],
        customers=["王总", "赵总", "钱总"],
    )
)


@pytest.fixture(scope="module")
def base_grid() -> Grid:
    return grid_of(BASE_TEMPLATE)


def test_the_in_memory_book_reads_like_the_file(base_grid: Grid) -> None:
    real = weekly_xlsx.read_template_data("t.xlsx", BASE_TEMPLATE)
    assert weekly_xlsx._read_book("t.xlsx", Book(base_grid)) == real


BULK_EXAMPLES = 2500  # × BATCH books


@fuzz_settings(BULK_EXAMPLES)
@given(seed=SEEDS)
def test_ten_thousand_damaged_books(base_grid: Grid, seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(BATCH):
        book = Book(damage_grid(rnd, base_grid))
        check_read("t.xlsx", lambda book=book: weekly_xlsx._read_book("t.xlsx", book))


# --- real files through openpyxl ---------------------------------------------------------------


@fuzz_settings(400)
@given(seed=SEEDS)
def test_damaged_template_files(fuzz_dir: Path, seed: int) -> None:
    rnd = random.Random(seed)
    data = corrupt(rnd, BASE_TEMPLATE, max_ops=rnd.choice([1, 1, 2]))
    path = write(fuzz_dir, "week.xlsx", data)
    check_read("week.xlsx", lambda: weekly_xlsx.read_template(path))


# --- into a store --------------------------------------------------------------------------------


class Week:
    def __init__(self, store: Store, supervisor: Actor, zhang: Actor, data: bytes) -> None:
        self.store, self.supervisor, self.zhang, self.data = store, supervisor, zhang, data
        self.grid = grid_of(data)


@pytest.fixture
def week(store: Store, supervisor: Actor, make_manager: Any) -> Week:
    """张三's week 48: customers, one plan done (a log shows it), one open; his template
    exported and filled in (text, a visit, the open plan moved, a plan for next week)."""
    zhang = make_manager("A001", "张三")
    make_manager("A002", "李四")
    sid = zhang.staff_id
    assert sid is not None
    with time_machine.travel(WEDNESDAY, tick=False):
        with store.transaction() as s:
            ids = {
                n: weekly.add_customer(s, zhang, CustomerInput(sid, n)).id
                for n in ("王总", "赵总", "钱总")
            }
            weekly.add_plan(s, zhang, PlanInput(sid, ids["王总"], W48, date(2026, 11, 24), "回访"))
            open_ = weekly.add_plan(s, zhang, PlanInput(sid, ids["赵总"], W48, None, "送礼"))
            weekly.add_log(s, zhang, LogInput(sid, ids["王总"], date(2026, 11, 24), "介绍产品"))
        with store.reading() as s:
            blank = weekly_excel.template_bytes(s, zhang, sid, W48)
    book = load_workbook(io.BytesIO(blank))
    book[tpl.SUMMARY_SHEET]["B9"] = "开户 3 户"
    visits = book[tpl.VISITS_SHEET]
    visits["A3"], visits["B3"], visits["C3"] = datetime(2026, 11, 25), "钱总", "介绍基金"
    checklist = book[tpl.CHECKLIST_SHEET]
    for row in range(tpl.FIRST_ROW, checklist.max_row + 1):
        if checklist[f"{tpl.PLAN_ID_COLUMN}{row}"].value == open_.id:
            checklist[f"D{row}"], checklist[f"E{row}"] = tpl.OUTCOME_MOVED, datetime(2026, 12, 2)
            checklist[f"F{row}"] = "客户出差"
    plans = book[tpl.PLANS_SHEET]
    plans["A2"], plans["B2"], plans["C2"] = datetime(2026, 12, 1), "赵总", "补拜访"
    out = io.BytesIO()
    book.save(out)
    return Week(store, supervisor, zhang, out.getvalue())


def import_once(w: Week, path: Path, dry_run: bool = False) -> weekly_excel.WeeklyImportReport:
    with time_machine.travel(AT, tick=False), w.store.transaction() as s:
        return weekly_excel.import_files(s, w.zhang, [path], dry_run=dry_run)


def check_import(w: Week, path: Path) -> None:
    db = store_file(w.store)
    before = table_digests(db)
    report = import_once(w, path)
    assert len(report.accepted) + len(report.rejected) == 1
    if report.rejected:
        [rejection] = report.rejected
        assert rejection.file == str(path) and rejection.reason.strip()
        assert rejection.cell == "" or _CELL.match(rejection.cell)
        assert_unchanged(db, before)
    else:
        assert_only_changed(
            db,
            before,
            {"weekly_summary", "summary_visit", "visit_plan", "weekly_review_event"},
        )


def test_the_filled_template_goes_in(week: Week, fuzz_dir: Path) -> None:
    path = write(fuzz_dir, "week.xlsx", week.data)
    assert import_once(week, path, dry_run=True).accepted


@fuzz_settings(120)
@given(seed=SEEDS)
def test_damaged_books_into_a_store(
    week: Week, fuzz_dir: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # The file's bytes are the real template's; what openpyxl hands over is damaged.
    grid = damage_grid(random.Random(seed), week.grid)
    monkeypatch.setattr(
        weekly_xlsx,
        "read_template",
        lambda path: weekly_xlsx._read_book(path.name, Book(grid)),
    )
    check_import(week, write(fuzz_dir, "week.xlsx", week.data))


@fuzz_settings(60)
@given(seed=SEEDS)
def test_damaged_files_into_a_store(week: Week, fuzz_dir: Path, seed: int) -> None:
    rnd = random.Random(seed)
    check_import(week, write(fuzz_dir, "week.xlsx", corrupt(rnd, week.data, max_ops=1)))


def test_a_superscript_plan_number_names_its_cell(base_grid: Grid) -> None:
    # Found by test_ten_thousand_damaged_books: "²".isdigit() but int("²") fails, and the
    # whole file was refused as "not a workbook" instead of naming the cell.
    grid = {name: [list(row) for row in rows] for name, rows in base_grid.items()}
    grid[tpl.CHECKLIST_SHEET][1][6] = "²"
    with pytest.raises(TemplateRejected) as caught:
        weekly_xlsx._read_book("t.xlsx", Book(grid))
    [problem] = caught.value.problems
    assert (problem.sheet, problem.cell) == (tpl.CHECKLIST_SHEET, "G2")
