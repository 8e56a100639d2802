"""A clock machine's export (考勤机导出): one punch per row, as CSV/TXT or XLSX.

Columns in any order: 工号 (or 考勤号码, 员工编号, employee_no), optionally 姓名, and the
time either in one column (打卡时间, 日期时间, timestamp) or in two (日期 + 时间). Times
are the branch's wall clock; each good row gets its UTC instant. A row that cannot be a
punch gets its line number and the reason; the whole file is refused (ImportFileError)
when it cannot be read as a punch list at all. Nothing is written here: the caller hands
`PunchFile.rows` to app.services.attendance.import_punches in one transaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.i18n import _
from app.importers import ImportFileError
from app.importers.tabular import (
    MAX_YEAR,
    MIN_YEAR,
    Cell,
    Column,
    TableRow,
    cell_text,
    is_blank,
    parse_date,
    read_table,
)
from app.services.attendance import FUTURE_TOLERANCE
from app.services.clock import DEFAULT_TZ, now_utc

COLUMNS = (
    Column("employee_no", ("工号", "考勤号码", "员工编号", "employee_no", "考勤号")),
    Column("name", ("姓名", "name", "员工姓名"), required=False),
    Column("when", ("打卡时间", "日期时间", "timestamp", "考勤时间", "签到时间"), required=False),
    Column("date", ("日期", "date", "打卡日期"), required=False),
    Column("time", ("时间", "time"), required=False),
)

_DATETIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*T?\s*"
    r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$"
)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_SERIAL_DAYS = (10000, 100000)  # 1927–2173, as tabular reads bare serial dates


@dataclass(frozen=True)
class PunchRow:
    line: int  # as the user sees it in Excel or a text editor; the header is line 1
    employee_no: str
    name: str
    at: datetime | None  # the instant (UTC); None when the row is refused
    local: datetime | None = None  # what the file says, the branch's wall clock
    error: str | None = None


@dataclass
class PunchFile:
    path: Path
    rows: list[PunchRow] = field(default_factory=list)

    @property
    def good(self) -> list[PunchRow]:
        return [row for row in self.rows if row.error is None]

    @property
    def errors(self) -> list[PunchRow]:
        return [row for row in self.rows if row.error is not None]


def read_punches(path: Path, tz: str = DEFAULT_TZ, now: datetime | None = None) -> PunchFile:
    """Read and check a punch file whose times are wall-clock times in `tz`.

    A punch later than `now` (default: the current time) is refused as in the future.
    Raises ImportFileError when the file is unusable (nothing of it may be imported).
    """
    table = read_table(path, COLUMNS)
    if not table:
        raise ImportFileError(_("{file} holds no punches.").format(file=path.name))
    found = set(table[0].values)  # every row has the keys of the columns found
    if "when" not in found and not {"date", "time"} <= found:
        raise ImportFileError(
            _(
                "{file} has no punch time. Expected the columns 工号 and 打卡时间 (date and "
                "time in one column), or 工号, 日期 and 时间; 姓名 is optional; in any order."
            ).format(file=path.name)
        )
    zone = ZoneInfo(tz)
    latest = (now or now_utc()) + FUTURE_TOLERANCE
    return PunchFile(path, [_check(row, zone, latest) for row in table])


def _check(row: TableRow, zone: ZoneInfo, latest: datetime) -> PunchRow:
    employee_no = unicodedata.normalize("NFKC", row.text("employee_no")).strip()
    name = row.text("name")
    if not employee_no:
        return PunchRow(row.line, "", name, None, None, _("The employee number (工号) is empty."))
    try:
        local = _moment(row)
    except ValueError as exc:
        return PunchRow(row.line, employee_no, name, None, None, str(exc))
    at = local.replace(tzinfo=zone).astimezone(UTC)
    if at > latest:
        return PunchRow(
            row.line,
            employee_no,
            name,
            None,
            local,
            _("{time} is in the future.").format(time=local.strftime("%Y-%m-%d %H:%M")),
        )
    return PunchRow(row.line, employee_no, name, at, local)


def _moment(row: TableRow) -> datetime:
    """The row's wall-clock time, from one date-and-time column or from 日期 + 时间."""
    when = row.values.get("when")
    day: date | None = None
    at: time | None = None
    midnight_ok = False
    if not is_blank(when):
        parsed = _parse_when(when)
        if isinstance(parsed, datetime):
            return parsed
        if isinstance(parsed, time):
            at = parsed  # a 打卡时间 column holding only the time, beside 日期
        else:
            day = parsed
            midnight_ok = isinstance(when, date)  # an Excel date-time cell at 00:00
    if day is None:
        day = parse_date(row.values.get("date"))
        if day is None:
            raise ValueError(_("The punch date is empty."))
    if at is None:
        time_cell = row.values.get("time")
        if not is_blank(time_cell):
            at = _parse_time(time_cell)
        elif midnight_ok:
            at = time(0)
        else:
            raise ValueError(_("The time of the punch is missing: write it like 2026-10-05 20:12."))
    return datetime.combine(day, at)


def _bad_moment(text: str) -> ValueError:
    return ValueError(
        _(
            "“{value}” is not a date and time: write it like 2026-10-05 20:12:00 "
            "(2026/10/5 20:12 works too)."
        ).format(value=text)
    )


def _parse_when(value: Cell) -> datetime | date | time:
    if isinstance(value, datetime | date | time):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value, cell_text(value))
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    m = _DATETIME.match(text)
    if m:
        year, month, day, hour, minute = (int(m[i]) for i in range(1, 6))
        second = int(m[6]) if m[6] else 0
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _bad_moment(text)
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError:
            raise _bad_moment(text) from None
    if _TIME.match(text):
        return _parse_time(text)
    try:
        parsed = parse_date(text)
    except ValueError:
        raise _bad_moment(text) from None
    if parsed is None:
        raise _bad_moment(text)
    return parsed


def _serial(value: float, text: str) -> datetime | time:
    """An Excel number that lost its date format: days since 1899-12-30, the fraction
    being the time of day; below 1 it is a time alone."""
    if 0 <= value < 1:
        return (datetime.min + timedelta(seconds=round(value * 86400))).time()
    if _SERIAL_DAYS[0] <= value < _SERIAL_DAYS[1]:
        return _EXCEL_EPOCH + timedelta(seconds=round(value * 86400))
    raise _bad_moment(text)


def _parse_time(value: Cell) -> time:
    if isinstance(value, datetime):
        return value.time()  # a time cell some programs write as 1899-12-30 20:12
    if isinstance(value, time):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        return (datetime.min + timedelta(seconds=round(value * 86400))).time()
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    m = _TIME.match(text)
    if m:
        try:
            return time(int(m[1]), int(m[2]), int(m[3]) if m[3] else 0)
        except ValueError:
            pass
    raise ValueError(
        _("“{value}” is not a time of day: write it like 20:12 or 20:12:05.").format(value=text)
    )
