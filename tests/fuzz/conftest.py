"""Shared pieces of the fuzz tests: settings, byte mutations, file builders, store snapshots.

Every fuzz test is derandomized (the same inputs on every run, so CI never flakes on a
new example) and has no deadline (a slow machine is not a bug). BRANCHDESK_FUZZ_SCALE
multiplies every example count for a longer local soak, e.g. BRANCHDESK_FUZZ_SCALE=10;
BRANCHDESK_FUZZ_RANDOM=1 draws fresh inputs instead of the fixed ones.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from app.db import Store
from app.services import staff
from app.services.auth import Actor

FUZZ_SCALE = float(os.environ.get("BRANCHDESK_FUZZ_SCALE", "1"))
_FRESH = os.environ.get("BRANCHDESK_FUZZ_RANDOM", "") not in ("", "0")


def fuzz_settings(examples: int) -> settings:
    """`examples` inputs per run, the same ones every run (unless BRANCHDESK_FUZZ_RANDOM)."""
    return settings(
        max_examples=max(1, int(examples * FUZZ_SCALE)),
        deadline=None,
        derandomize=not _FRESH,
        database=None,
        print_blob=True,
        # A store per test is built once and reused by every example on purpose (each
        # example checks that it left the store as it found it); generated files are big.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


# --- byte mutations ---------------------------------------------------------------------

# Bytes that tend to matter to a CSV, XLSX or PDF reader.
SNIPPETS: tuple[bytes, ...] = (
    b"\x00",
    b"\xff",
    b"\r",
    b"\n",
    b"\r\n",
    b'"',
    b'""',
    b",",
    b"\t",
    b";",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"%PDF-1.4",
    b"%%EOF",
    "张三".encode(),
    "张三".encode("gbk"),
    "工号".encode("gbk"),
    b"\xe5\xbc",  # half of a UTF-8 Chinese character
    b"\x81",  # a lone GBK lead byte
    b"=SUM(A1:A9)",
    b'=HYPERLINK("http://x")',
    b"@cmd",
    b"9" * 40,
    b"A" * 5000,
    b"1899-12-31",
    b"2200-01-01 25:61",
    b"\x1b[31m",
    "\u202e\u200b".encode(),
)


@st.composite
def mutated(draw: st.DrawFn, base: bytes, max_ops: int = 3) -> bytes:
    """`base` with one to `max_ops` realistic corruptions: a byte changed, bytes inserted,
    deleted, repeated or cut off, a snippet spliced in."""
    data = bytearray(base)
    for _ in range(draw(st.integers(min_value=1, max_value=max_ops))):
        kind = draw(st.sampled_from(["set", "xor", "insert", "delete", "repeat", "cut", "splice"]))
        at = draw(st.integers(min_value=0, max_value=2**20)) % (len(data) + 1)
        if kind == "set" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "xor" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(min_value=1, max_value=255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=64))]
        elif kind == "repeat":
            data[at:at] = data[at : at + draw(st.integers(min_value=1, max_value=200))]
        elif kind == "cut":
            del data[at:]
        else:
            data[at:at] = draw(st.sampled_from(SNIPPETS))
    return bytes(data)


# Hypothesis pays about half a millisecond per example before the test runs; 10,000
# files per importer in a few seconds need a cheaper source. The bulk tests therefore let
# Hypothesis draw a seed and expand it with `random.Random` into BATCH files: the same
# seed always gives the same files, so a failure's seed reproduces it exactly.
BATCH = 4
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def corrupt(rnd: random.Random, base: bytes, max_ops: int = 3) -> bytes:
    """`base` with one to `max_ops` corruptions, like `mutated` but from a seed."""
    data = bytearray(base)
    for _ in range(rnd.randint(1, max_ops)):
        kind = rnd.choice(["set", "xor", "insert", "delete", "repeat", "cut", "splice"])
        at = rnd.randint(0, len(data))
        if kind == "set" and data:
            data[min(at, len(data) - 1)] = rnd.randrange(256)
        elif kind == "xor" and data:
            data[min(at, len(data) - 1)] ^= rnd.randint(1, 255)
        elif kind == "insert":
            data[at:at] = rnd.randbytes(rnd.randint(1, 16))
        elif kind == "delete":
            del data[at : at + rnd.randint(1, 64)]
        elif kind == "repeat":
            data[at:at] = data[at : at + rnd.randint(1, 200)]
        elif kind == "cut":
            del data[at:]
        else:
            data[at:at] = rnd.choice(SNIPPETS)
    return bytes(data)


_ALPHABETS = (
    "0123456789",
    "0123456789-/: .年月日号",
    "０１２３４５６７８９／：",
    "张三李四王五赵钱孙欧阳",
    "ABCabc_-xyz",
    " \t\u3000\u00a0\u200b\ufeff",
    '",;\n\r=+@#',
)


def random_text(rnd: random.Random) -> str:
    """A cell's text: an odd value people or programs really write, or random characters."""
    pick = rnd.random()
    if pick < 0.45:
        return rnd.choice(ODD_VALUES)
    if pick < 0.9:
        alphabet = rnd.choice(_ALPHABETS)
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20)))
    return "".join(
        chr(rnd.choice([rnd.randint(1, 0x7F), rnd.randint(0x80, 0xFFFF)]))
        for _ in range(rnd.randint(1, 12))
    )


def random_layout(rnd: random.Random) -> CsvLayout:
    return CsvLayout(
        rnd.choice(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "mixed"]),
        rnd.choice([",", ",", "\t", ";"]),
        rnd.choice(["\n", "\r\n", "\r"]),
        rnd.random() < 0.3,
    )


def random_table(
    rnd: random.Random,
    columns: Sequence[tuple[str, Sequence[str]]],
    good: Mapping[str, Sequence[str]],
    junk_headers: Sequence[str] = ("备注", "序号", "", "工 号", "部门", "ＮＡＭＥ"),
    max_rows: int = 8,
) -> list[list[str]]:
    """A header (right, damaged or wrong) over rows of mostly plausible, partly odd cells.

    `columns` are (key, accepted header names); `good` gives plausible values by key.
    """
    chosen = [c for i, c in enumerate(columns) if i < 2 or rnd.random() < 0.6]
    rnd.shuffle(chosen)
    header = [rnd.choice(names) for _key, names in chosen]
    keys: list[str | None] = [key for key, _names in chosen]
    damage = rnd.choice(["none", "none", "none", "drop", "repeat", "junk", "title", "case"])
    rows: list[list[str]] = []
    if damage == "drop" and header:
        i = rnd.randrange(len(header))
        del header[i], keys[i]
    elif damage == "repeat" and header:
        i = rnd.randrange(len(header))
        header.append(header[i])
        keys.append(keys[i])
    elif damage == "junk":
        i = rnd.randint(0, len(header))
        header.insert(i, rnd.choice(junk_headers))
        keys.insert(i, None)
    elif damage == "title":
        rows.append([rnd.choice(["某某支行花名册", "", "2026年", "考勤记录"])])
    elif damage == "case":
        header = [h.upper() + " " for h in header]
    rows.append(header)
    for _ in range(rnd.randint(0, max_rows)):
        cells = [
            rnd.choice(good[k])
            if k is not None and k in good and rnd.random() < 0.7
            else random_text(rnd)
            for k in keys
        ]
        if rnd.random() < 0.15:  # short or long rows
            cells = cells[: rnd.randint(0, len(cells))] + [random_text(rnd)] * rnd.randint(0, 2)
        rows.append(cells)
    return rows


# --- cells and files --------------------------------------------------------------------

ODD_VALUES = (
    "",
    " ",
    "\u3000",  # an ideographic space
    "　Ａ００１　",
    "=1+1",
    '=HYPERLINK("http://example.com","x")',
    "+86 138 1234 5678",
    "１３８１２３４５６７８",
    "1.38123E+10",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "1899-12-31",
    "2200-01-01",
    "9999-12-31 23:59:59",
    "0001-01-01",
    "99999",
    "100000",
    "-1",
    "1e308",
    "nan",
    "2026/10/5 24:00",
    "2026-10-05T08:61",
    "2026年10月5日 8:30",
    "08:30",
    "25:00",
    "\u202eA001",
    "张" * 51,
    "x" * 3000,
    "\ufeff工号",
    '"',
    "a\nb",
    "a\r\nb",
    "#N/A",
    "TRUE",
)
ODD_TEXT = st.sampled_from(ODD_VALUES)
TEXT = st.one_of(
    ODD_TEXT, st.text(max_size=12), st.text(alphabet="0123456789-/: .年月日", max_size=20)
)


@dataclass(frozen=True)
class CsvLayout:
    encoding: str  # utf-8, utf-8-sig, gb18030, utf-16 or mixed (one line in GBK)
    delimiter: str
    newline: str
    quote_all: bool


CSV_LAYOUTS = st.builds(
    CsvLayout,
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "mixed"]),
    st.sampled_from([",", "\t", ";"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)


def csv_bytes(rows: Sequence[Sequence[str]], layout: CsvLayout) -> bytes:
    """The rows as a text file the way spreadsheet programs and clock machines write them."""
    lines = []
    for cells in rows:
        if layout.quote_all:
            cells = ['"' + c.replace('"', '""') + '"' for c in cells]
        lines.append(layout.delimiter.join(cells))
    if layout.encoding == "mixed":
        encoded = [
            line.encode("gb18030" if i == len(lines) // 2 else "utf-8", errors="replace")
            for i, line in enumerate(lines)
        ]
        return layout.newline.encode().join(encoded)
    text = layout.newline.join(lines)
    return text.encode(layout.encoding, errors="replace")


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """A one-sheet workbook holding `rows` as typed cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xml_safe(text: str) -> str:
    # openpyxl refuses the control characters XML cannot hold; a real file cannot have them.
    return "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch != "\ufffe"))


XLSX_CELLS: st.SearchStrategy[object] = st.one_of(
    st.none(),
    TEXT.map(xml_safe),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.times(),
    st.sampled_from(["=1/0", "=A1", "=TODAY()", "=NOW()"]),  # formulas: no cached value
)


def random_cell(rnd: random.Random) -> object:
    """A typed XLSX cell: a number, date, time, boolean, formula or odd text."""
    return rnd.choice(
        [
            lambda: None,
            lambda: xml_safe(random_text(rnd)),
            lambda: rnd.randint(-(10**15), 10**15),
            lambda: rnd.choice([0.5, 43835.0, 43835.75, 1e300, -1.0, 2958466.0, 13812345678.0]),
            lambda: rnd.random() < 0.5,
            lambda: datetime(
                rnd.randint(1900, 9999),
                rnd.randint(1, 12),
                rnd.randint(1, 28),
                rnd.randint(0, 23),
                rnd.randint(0, 59),
            ),
            lambda: date(rnd.randint(1900, 9999), rnd.randint(1, 12), rnd.randint(1, 28)),
            lambda: time(rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59)),
            lambda: rnd.choice(["=1/0", "=A1", "=TODAY()", "=NOW()", '="A"&"001"']),
        ]
    )()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture
def fuzz_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder in memory (/dev/shm) when there is one: opening a file on a busy CI disk
    costs ~1 ms, ten times the reading; the fuzz tests write tens of thousands of files."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="branchdesk-fuzz-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def store_url(fuzz_dir: Path) -> str:
    """The `store` fixture's file, in memory too: the kill test proves durability; here
    each example's commit needs no fsync to a disk."""
    return f"sqlite:///{fuzz_dir / 'store.sqlite3'}"


# --- store snapshots ----------------------------------------------------------------------


def table_digests(path: Path) -> dict[str, tuple[int, str]]:
    """Every table's row count and a SHA-256 of all its rows, read with plain sqlite3 (so
    whatever the application layer thinks, this is what is in the file); covers tables
    added later, such as the audit trail."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            n
            for (n,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        out = {}
        for name in names:
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{name}"'))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            out[name] = (len(rows), digest)
        return out
    finally:
        db.close()


def integrity(path: Path) -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(r for (r,) in db.execute("PRAGMA integrity_check"))
    finally:
        db.close()


def changed_tables(
    before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]
) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


# Tables an accepted import may touch besides its own: the audit trail.
AUDIT_TABLES = frozenset({"audit_entry"})  # app/models/audit.py


def assert_unchanged(path: Path, before: dict[str, tuple[int, str]]) -> None:
    after = table_digests(path)
    assert changed_tables(before, after) == set(), "a rejected file changed the store"
    assert integrity(path) == "ok"


def assert_only_changed(
    path: Path, before: dict[str, tuple[int, str]], allowed: set[str]
) -> dict[str, tuple[int, str]]:
    after = table_digests(path)
    stray = changed_tables(before, after) - allowed - AUDIT_TABLES
    assert stray == set(), f"an import changed {sorted(stray)}"
    assert integrity(path) == "ok"
    return after


def store_file(store: Store) -> Path:
    path = store.path
    assert path is not None
    return path


# --- stores with people -----------------------------------------------------------------

TEAM = (("A001", "张三"), ("A002", "李四"), ("A003", "王五"))


@pytest.fixture
def team_store(store: Store, supervisor: Actor) -> Iterator[tuple[Store, Actor]]:
    """The test branch with three account managers on the roster."""
    with store.transaction() as session:
        for no, name in TEAM:
            staff.add_staff(session, supervisor, staff.StaffInput(no, name, "13812345678"))
    yield store, supervisor


# A fixed "now" for the punch reader: every punch of 2026 is in the past.
NOW = datetime(2027, 6, 30, 4, 0, tzinfo=UTC)
