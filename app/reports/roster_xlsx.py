"""The staff roster as an Excel workbook, laid out so that the roster importer reads it back.

The headers are the Chinese ones the importer expects whatever the UI language: the file
is an office document that goes round Excel and comes back as an import.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from app.fileio import write_atomically
from app.services.staff import StaffRecord

HEADERS = ("工号", "姓名", "手机", "入职日期", "岗位", "状态")
STATUS_ACTIVE, STATUS_INACTIVE = "在职", "停用"
SHEET_TITLE = "花名册"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"  # keeps 13812345678 and 001 from turning into numbers in Excel
MIN_WIDTH, MAX_WIDTH = 6, 40


def write_roster(records: list[StaffRecord], path: Path) -> None:
    """Write the roster to `path` (replaced whole: a failed write leaves the old file)."""
    from openpyxl import Workbook  # 0.2 s to import: only when a workbook is written
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for rec in records:
        sheet.append(
            (
                rec.employee_no,
                rec.name,
                rec.phone,
                rec.hire_date,
                rec.position,
                STATUS_ACTIVE if rec.active else STATUS_INACTIVE,
            )
        )
    for row in sheet.iter_rows(min_row=2):
        row[0].number_format = TEXT_FORMAT
        row[2].number_format = TEXT_FORMAT
        row[3].number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEF", _widths(records), strict=True):
        sheet.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())


def _widths(records: list[StaffRecord]) -> list[float]:
    date_text = "2026-01-01"  # every date is shown this wide
    columns: list[list[str]] = [[h] for h in HEADERS]
    for rec in records:
        texts = (rec.employee_no, rec.name, rec.phone, date_text, rec.position, STATUS_INACTIVE)
        for column, text in zip(columns, texts, strict=True):
            column.append(text)
    return [min(MAX_WIDTH, max(MIN_WIDTH, *(display_width(t) for t in col)) + 2) for col in columns]


def display_width(text: str) -> int:
    """Columns a text takes in Excel: a Chinese character is about two Latin ones."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
