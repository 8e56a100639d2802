"""Fuzzing the punch import (考勤机导出): app.importers.punches.read_punches, then
app.services.attendance.import_punches against a real store.

The reader either refuses the whole file (ImportFileError naming it) or gives every row
an instant or a reason; the store takes a refused file without a trace, and an accepted
one adds punches and nothing else.
"""

from __future__ import annotations

import random
from datetime import UTC
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.db import Store
from app.importers import ImportFileError
from app.importers.punches import COLUMNS, PunchFile, read_punches
from app.models import Punch
from app.services import attendance
from app.services.attendance import FUTURE_TOLERANCE
from app.services.auth import Actor
from tests.fuzz.conftest import (
    BATCH,
    NOW,
    SEEDS,
    CsvLayout,
    assert_only_changed,
    assert_unchanged,
    corrupt,
    csv_bytes,
    fuzz_settings,
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

TZ = "Asia/Shanghai"
COLUMN_NAMES = [(c.key, c.names) for c in COLUMNS]
GOOD = {
    "employee_no": ["A001", "A002", "A003", "Ａ００１", "A009", "", "a001"],
    "name": ["张三", "李四", "王五", " 张 三 ", "赵六", ""],
    "when": [
        "2026-10-05 08:25",
        "2026/10/5 8:25:30",
        "2026年10月5日 8:25",
        "2026-10-05T18:01:59.5",
        "46300.35",
        "0.35",
        "2026-10-05",
        "08:25",
        "2027-07-01 08:00",  # after "now": in the future
        "2026-03-29 02:30",
    ],
    "date": ["2026-10-05", "2026/10/5", "20261005", "46300", "2026-02-29"],
    "time": ["08:25", "8:25:30", "0.35", "24:00", "18:61"],
}
BASE = csv_bytes(
    [
        ["工号", "姓名", "打卡时间"],
        ["A001", "张三", "2026-10-05 08:25:00"],
        ["A002", "李四", "2026-10-05 08:31:12"],
        ["A001", "张三", "2026-10-05 18:02:40"],
    ],
    CsvLayout("utf-8", ",", "\r\n", False),
)
BASE_SPLIT = csv_bytes(
    [
        ["考勤号码", "姓名", "日期", "时间"],
        ["A001", "张三", "2026/10/5", "8:25"],
        ["A003", "王五", "2026/10/5", "8:40"],
    ],
    CsvLayout("gb18030", "\t", "\r\n", False),
)
BASE_XLSX = xlsx_bytes(
    [
        ["工号", "姓名", "日期", "时间"],
        ["A001", "张三", "2026-10-05", "08:25"],
        ["A002", "李四", 46300, 0.35],
    ]
)
BULK_EXAMPLES = 2500  # × BATCH files


def random_punches(rnd: random.Random) -> bytes:
    if rnd.random() < 0.5:
        return csv_bytes(random_table(rnd, COLUMN_NAMES, GOOD), random_layout(rnd))
    return corrupt(rnd, rnd.choice([BASE, BASE_SPLIT]))


def random_typed_punches(rnd: random.Random) -> bytes:
    rows: list[list[object]] = [
        [xml_safe(c) for c in row] for row in random_table(rnd, COLUMN_NAMES, GOOD, max_rows=5)
    ]
    for row in rows[1:]:
        for i in range(len(row)):
            if rnd.random() < 0.4:
                row[i] = random_cell(rnd)
    return xlsx_bytes(rows)


def check_punches(path: Path) -> PunchFile | None:
    """The reader's promise for any file: refusal naming it, or a verdict on every row."""
    try:
        result = read_punches(path, TZ, now=NOW)
    except ImportFileError as exc:
        assert path.name in str(exc) or str(path) in str(exc)
        return None
    assert result.rows
    lines = [row.line for row in result.rows]
    assert lines == sorted(set(lines)) and all(line >= 2 for line in lines)
    for row in result.rows:
        if row.error is not None:
            assert row.error.strip() and row.at is None
            continue
        assert row.employee_no and row.employee_no == row.employee_no.strip()
        assert row.at is not None and row.at.tzinfo is UTC and row.local is not None
        assert row.at <= NOW + FUTURE_TOLERANCE
        assert 1900 <= row.local.year <= 2199
    return result


# --- the reader: 10,000 files per run --------------------------------------------------------


@fuzz_settings(BULK_EXAMPLES)
@given(seed=SEEDS)
def test_ten_thousand_bad_punch_files(fuzz_dir: Path, seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(BATCH):
        check_punches(write(fuzz_dir, "punches.csv", random_punches(rnd)))


@fuzz_settings(100)
@given(seed=SEEDS)
def test_bad_xlsx_punch_files(fuzz_dir: Path, seed: int) -> None:
    rnd = random.Random(seed)
    for data in (random_typed_punches(rnd), corrupt(rnd, BASE_XLSX, max_ops=1)):
        check_punches(write(fuzz_dir, "punches.xlsx", data))


# --- the whole import against a store ---------------------------------------------------------


def punch_count(store: Store) -> int:
    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(Punch)) or 0


@fuzz_settings(150)
@given(
    data=st.one_of(
        SEEDS.map(lambda seed: random_punches(random.Random(seed))),
        mutated(BASE),
        mutated(BASE_SPLIT),
        mutated(BASE_XLSX, max_ops=1),
    )
)
def test_importing_into_a_store(
    team_store: tuple[Store, Actor], fuzz_dir: Path, data: bytes
) -> None:
    store, supervisor = team_store
    path = write(fuzz_dir, "punches.csv", data)
    db = store_file(store)
    before, count = table_digests(db), punch_count(store)
    try:
        with store.transaction() as session:
            punches = read_punches(path, TZ, now=NOW)
            result = attendance.import_punches(session, supervisor, punches.rows)
    except ImportFileError:
        assert_unchanged(db, before)
        return
    unknown = sum(len(u.lines) for u in result.unknown_employees)
    assert result.accepted + result.duplicates + len(result.rejected) + unknown == len(punches.rows)
    assert {r.line for r in result.rejected} == {r.line for r in punches.errors}
    assert punch_count(store) == count + result.accepted
    if result.accepted:
        assert_only_changed(db, before, {"punch"})
    else:
        assert_unchanged(db, before)
