"""The staff roster file (花名册): one account manager per row, checked by the staff rules.

Every row gets either clean data or the reason it was refused; nothing is written here.
The caller applies `RosterImport.good` in one transaction (app.services.staff.apply_import).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.i18n import _
from app.importers.tabular import Column, TableRow, parse_date, read_table
from app.services.errors import ValidationError
from app.services.staff import StaffInput, clean

COLUMNS = (
    Column("employee_no", ("工号", "employee_no", "员工编号")),
    Column("name", ("姓名", "name")),
    Column("phone", ("手机", "手机号", "电话", "phone"), required=False),
    Column("hire_date", ("入职日期", "hire_date"), required=False),
    Column("position", ("岗位", "职位", "position"), required=False),
)


@dataclass(frozen=True)
class RosterRow:
    line: int  # as the user sees it in Excel or a text editor; the header is line 1
    data: StaffInput | None
    error: str | None = None
    # What the file held, as text by column key: shows a rejected row as the user wrote it.
    cells: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class RosterImport:
    path: Path
    rows: list[RosterRow] = field(default_factory=list)

    @property
    def good(self) -> list[StaffInput]:
        return [row.data for row in self.rows if row.data is not None]

    @property
    def errors(self) -> list[RosterRow]:
        return [row for row in self.rows if row.error is not None]


def read_roster(path: Path) -> RosterImport:
    """Read and check a roster file. Raises ImportFileError when the file is unusable."""
    result = RosterImport(path)
    first_line: dict[str, int] = {}
    for table_row in read_table(path, COLUMNS):
        row = _check(table_row)
        employee_no = _ascii(table_row.text("employee_no"))
        if employee_no in first_line:
            row = replace(
                row,
                data=None,
                error=_("Employee number {no} already appears on line {line}.").format(
                    no=employee_no, line=first_line[employee_no]
                ),
            )
        elif employee_no:
            first_line[employee_no] = row.line
        result.rows.append(row)
    return result


def _ascii(text: str) -> str:
    # A Chinese IME types full-width digits and letters (Ａ００１, １３８…); they mean the same.
    return unicodedata.normalize("NFKC", text).strip()


def _check(row: TableRow) -> RosterRow:
    cells = {col.key: row.text(col.key) for col in COLUMNS}
    try:
        hire_date = parse_date(row.values.get("hire_date"))
    except ValueError as exc:
        return RosterRow(row.line, None, _("Hire date: {reason}").format(reason=exc), cells)
    try:
        data = clean(
            StaffInput(
                employee_no=_ascii(row.text("employee_no")),
                name=row.text("name"),
                phone=_ascii(row.text("phone")),
                hire_date=hire_date,
                position=row.text("position"),
            )
        )
    except ValidationError as exc:
        return RosterRow(row.line, None, str(exc), cells)
    return RosterRow(row.line, data, None, cells)
