"""Fuzzing the roster import (花名册): app.importers.staff.read_roster, then
app.services.staff.plan_import/apply_import against a real store.

The reader either refuses the whole file (ImportFileError naming it) or gives every row
clean data or a reason; the store takes a refused file without a trace.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.db import Store
from app.importers import ImportFileError
from app.importers.staff import COLUMNS, RosterImport, read_roster
from app.services import staff
from app.services.auth import Actor
from tests.fuzz.conftest import (
    BATCH,
    CSV_LAYOUTS,
    SEEDS,
    TEXT,
    CsvLayout,
    assert_only_changed,
    assert_unchanged,
    corrupt,
    csv_bytes,
    fuzz_settings,
    integrity,
    mutated,
    random_cell,
    random_layout,
    random_table,
    store_file,
    table_digests,
    write,
    xlsx_bytes,
    xml_safe,
)

GOOD_VALUES = {
    "employee_no": st.sampled_from(["A001", "A002", "Ａ００３", "a001", "B-7_x", "10086", "A001 "]),
    "name": st.sampled_from(["张三", "李四", " 王五 ", "欧阳娜娜", "Zhang San"]),
    "phone": st.sampled_from(
        ["13812345678", "138-1234-5678", "+86 13812345678", "010-12345678", ""]
    ),
    "hire_date": st.sampled_from(
        ["2020-01-05", "2020/1/5", "20200105", "2020年1月5日", "43835", ""]
    ),
    "position": st.sampled_from(["客户经理", "理财经理", "", "大堂经理"]),
}
JUNK_HEADERS = st.sampled_from(
    ["备注", "序号", "", "工 号", "ＮＡＭＥ", "employee no", "姓名*", "部门"]
)


def _value(key: str) -> st.SearchStrategy[str]:
    return st.one_of(GOOD_VALUES[key], GOOD_VALUES[key], TEXT)


@st.composite
def roster_rows(draw: st.DrawFn) -> list[list[str]]:
    """A header (right, damaged or wrong) and rows of mostly plausible, partly odd cells."""
    columns = [c for c in COLUMNS if c.required or draw(st.booleans())]
    columns = draw(st.permutations(columns))
    header = [draw(st.sampled_from(c.names)) for c in columns]
    keys: list[str | None] = [c.key for c in columns]
    damage = draw(st.sampled_from(["none", "none", "none", "drop", "repeat", "junk", "title"]))
    rows: list[list[str]] = []
    if damage == "drop" and header:
        i = draw(st.integers(min_value=0, max_value=len(header) - 1))
        del header[i], keys[i]
    elif damage == "repeat" and header:
        i = draw(st.integers(min_value=0, max_value=len(header) - 1))
        header.append(header[i])
        keys.append(keys[i])
    elif damage == "junk":
        i = draw(st.integers(min_value=0, max_value=len(header)))
        header.insert(i, draw(JUNK_HEADERS))
        keys.insert(i, None)
    elif damage == "title":
        rows.append([draw(st.sampled_from(["某某支行客户经理花名册", "", "2026年"]))])
    rows.append(header)
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        cells = [draw(_value(k)) if k else draw(TEXT) for k in keys]
        if draw(st.integers(min_value=0, max_value=5)) == 0:  # short or long rows
            cells = cells[: draw(st.integers(min_value=0, max_value=len(cells)))]
            cells += draw(st.lists(TEXT, max_size=2))
        rows.append(cells)
    return rows


def check_roster(path: Path) -> RosterImport | None:
    """The reader's promise for any file: refusal naming it, or a verdict on every row."""
    try:
        result = read_roster(path)
    except ImportFileError as exc:
        assert path.name in str(exc) or str(path) in str(exc)
        return None
    lines = [row.line for row in result.rows]
    assert lines == sorted(set(lines)) and all(line >= 2 for line in lines)
    seen = set()
    for row in result.rows:
        assert (row.data is None) != (row.error is None)
        if row.error is not None:
            assert row.error.strip()
            continue
        assert row.data is not None
        assert staff.clean(row.data) == row.data  # clean data is a fixed point of the rule
        assert row.data.employee_no not in seen
        seen.add(row.data.employee_no)
    return result


# --- the reader: 10,000 files per run --------------------------------------------------------

COLUMN_NAMES = [(c.key, c.names) for c in COLUMNS]
GOOD = {
    "employee_no": ["A001", "A002", "Ａ００３", "a001", "B-7_x", "10086", "A001 ", "A 1"],
    "name": ["张三", "李四", " 王五 ", "欧阳娜娜", "Zhang San"],
    "phone": ["13812345678", "138-1234-5678", "+86 13812345678", "010-12345678", "", "12345"],
    "hire_date": ["2020-01-05", "2020/1/5", "20200105", "2020年1月5日", "43835", "", "2020-02-30"],
    "position": ["客户经理", "理财经理", "", "大堂经理"],
}
BASE = csv_bytes(
    [
        ["工号", "姓名", "手机", "入职日期", "岗位"],
        ["A001", "张三", "13812345678", "2020-01-05", "客户经理"],
        ["A002", "李四", "010-12345678", "2021/3/1", "理财经理"],
        ["A003", "王五", "", "", ""],
    ],
    CsvLayout("utf-8-sig", ",", "\r\n", False),
)
BASE_GBK = BASE.removeprefix(b"\xef\xbb\xbf").decode().encode("gbk")
BULK_EXAMPLES = 2500  # × BATCH files


def random_roster(rnd: random.Random) -> bytes:
    """Half generated tables in every layout, half corrupted bytes of a good file."""
    if rnd.random() < 0.5:
        return csv_bytes(random_table(rnd, COLUMN_NAMES, GOOD), random_layout(rnd))
    return corrupt(rnd, rnd.choice([BASE, BASE_GBK, BASE.replace(b",", b"\t")]))


@fuzz_settings(BULK_EXAMPLES)
@given(seed=SEEDS)
def test_ten_thousand_bad_rosters(fuzz_dir: Path, seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(BATCH):
        check_roster(write(fuzz_dir, "roster.csv", random_roster(rnd)))


@fuzz_settings(200)
@given(rows=roster_rows(), layout=CSV_LAYOUTS)
def test_generated_csv_rosters(fuzz_dir: Path, rows: list[list[str]], layout: CsvLayout) -> None:
    # Fewer, but shrinkable: a failure here comes back as the smallest table that fails.
    check_roster(write(fuzz_dir, "roster.csv", csv_bytes(rows, layout)))


# --- XLSX: typed cells and damaged zips (openpyxl is slow: fewer) ----------------------------


BASE_XLSX = xlsx_bytes(
    [
        ["工号", "姓名", "手机", "入职日期", "岗位"],
        ["A001", "张三", 13812345678, "2020-01-05", "客户经理"],
        [1002, "李四", "010-12345678", 43835, None],
    ]
)


def random_typed_roster(rnd: random.Random) -> bytes:
    """A workbook: a generated table, some cells turned into numbers, dates and formulas."""
    rows: list[list[object]] = [
        [xml_safe(c) for c in row] for row in random_table(rnd, COLUMN_NAMES, GOOD, max_rows=5)
    ]
    for row in rows[1:]:
        for i in range(len(row)):
            if rnd.random() < 0.3:
                row[i] = random_cell(rnd)
    return xlsx_bytes(rows)


@fuzz_settings(100)
@given(seed=SEEDS)
def test_bad_xlsx_rosters(fuzz_dir: Path, seed: int) -> None:
    rnd = random.Random(seed)
    for data in (random_typed_roster(rnd), corrupt(rnd, BASE_XLSX, max_ops=1)):
        check_roster(write(fuzz_dir, "roster.xlsx", data))


# --- the whole import against a store: refused files leave no trace -----------------------


@fuzz_settings(150)
@given(
    data=st.one_of(
        SEEDS.map(lambda seed: random_roster(random.Random(seed))),
        mutated(BASE),
        mutated(BASE_XLSX, max_ops=1),
    )
)
def test_importing_into_a_store(
    store: Store, supervisor: Actor, fuzz_dir: Path, data: bytes
) -> None:
    path = write(fuzz_dir, "roster.csv", data)
    db = store_file(store)
    before = table_digests(db)
    try:
        with store.transaction() as session:
            roster = read_roster(path)
            plans = staff.plan_import(session, supervisor, roster.good)
            outcome = staff.apply_import(session, supervisor, roster.good)
    except ImportFileError:
        assert_unchanged(db, before)
        return
    assert outcome.added + outcome.updated + outcome.unchanged == len(plans) == len(roster.good)
    if outcome.accepted == 0:
        assert_unchanged(db, before)
        return
    assert_only_changed(db, before, {"staff"})
    with store.reading() as session:
        for row in roster.good:
            person = staff.find_by_employee_no(session, supervisor.branch_id, row.employee_no)
            assert person is not None and person.name == row.name


def test_a_store_stays_sound(store: Store, supervisor: Actor) -> None:
    # The helpers themselves: a plain store passes, digests are stable.
    db = store_file(store)
    assert integrity(db) == "ok"
    assert table_digests(db) == table_digests(db)
