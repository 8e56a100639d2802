"""A working-calendar file: the State Council's holidays and make-up working days for a year
(or the branch's own closures), one date per row, as CSV/TXT or XLSX.

The caller applies the good rows in one transaction (app.services.calendar.import_days).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.i18n import _
from app.importers.tabular import Column, TableRow, header_key, parse_date, read_table

COLUMNS = (
    Column("day", ("日期", "date")),
    Column("kind", ("类型", "kind")),
    Column("name", ("名称", "name"), required=False),
)

# Words people write in the kind column -> DayKind values of app.services.calendar.
KIND_WORDS = {
    "holiday": ("假日", "节假日", "休", "放假", "holiday"),
    "workday": ("调休", "班", "上班", "调休上班", "workday"),
    "closure": ("停业", "闭店", "closure"),
}
_KINDS = {header_key(word): kind for kind, words in KIND_WORDS.items() for word in words}
MAX_NAME = 100  # CalendarDay.name


@dataclass(frozen=True)
class CalendarRow:
    line: int
    day: date | None
    kind: str | None  # holiday | workday | closure
    name: str = ""
    error: str | None = None


@dataclass
class CalendarImport:
    path: Path
    rows: list[CalendarRow] = field(default_factory=list)

    @property
    def good(self) -> list[CalendarRow]:
        return [row for row in self.rows if row.error is None]

    @property
    def errors(self) -> list[CalendarRow]:
        return [row for row in self.rows if row.error is not None]


def read_calendar(path: Path) -> CalendarImport:
    """Read and check a calendar file. Raises ImportFileError when the file is unusable."""
    result = CalendarImport(path)
    first_line: dict[date, int] = {}
    for table_row in read_table(path, COLUMNS):
        row = _check(table_row)
        if row.day is not None and row.day in first_line:
            row = CalendarRow(
                row.line,
                None,
                None,
                row.name,
                _("The date {day} already appears on line {line}.").format(
                    day=row.day.isoformat(), line=first_line[row.day]
                ),
            )
        elif row.day is not None:
            first_line[row.day] = row.line
        result.rows.append(row)
    return result


def _check(row: TableRow) -> CalendarRow:
    name = row.text("name")
    try:
        day = parse_date(row.values.get("day"))
    except ValueError as exc:
        return CalendarRow(row.line, None, None, name, _("Date: {reason}").format(reason=exc))
    if day is None:
        return CalendarRow(row.line, None, None, name, _("The date is empty."))
    raw_kind = row.text("kind")
    kind = _KINDS.get(header_key(raw_kind))
    if kind is None:
        # The day is kept so that a repeated date on a later line is still noticed.
        return CalendarRow(row.line, day, None, name, _bad_kind(raw_kind))
    if len(name) > MAX_NAME:
        return CalendarRow(
            row.line,
            day,
            None,
            name,
            _("The name is longer than {n} characters.").format(n=MAX_NAME),
        )
    return CalendarRow(row.line, day, kind, name)


def _bad_kind(raw: str) -> str:
    words = {kind: "/".join(w) for kind, w in KIND_WORDS.items()}
    if not raw:
        return _(
            "The kind is empty: write {holiday} for a day off, {workday} for a make-up "
            "working day or {closure} for a branch closure."
        ).format(**words)
    return _(
        "Unknown kind “{kind}”: write {holiday} for a day off, {workday} for a make-up "
        "working day or {closure} for a branch closure."
    ).format(kind=raw, **words)
