"""The audit trail (审计记录) as a workbook: one row per entry, newest first, with the full
before/after and the entry's hash, so a printed or mailed copy can be compared with the
store's chain later. Same entries, same bytes (the zip entries' times are pinned)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from app.i18n import _
from app.reports.attendance_sheet import _pin_zip_times, _workbook_bytes

if TYPE_CHECKING:
    from app.services.audit import EntryRecord

EPOCH = datetime(2000, 1, 1)
WIDTHS = (8, 18, 22, 12, 10, 8, 12, 70, 66)


def headers() -> list[str]:
    return [
        _("No."),
        _("Time"),
        _("By"),
        _("Record"),
        _("Action"),
        _("ID"),
        _("Concerns"),
        _("Changes"),
        _("SHA-256"),
    ]


def render_audit_xlsx(entries: Sequence[EntryRecord], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = _("Audit trail")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(headers())
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
    wrap = Alignment(wrap_text=True, vertical="top")
    for e in entries:
        ws.append(
            [
                e.seq,
                e.at.replace(tzinfo=None, microsecond=0),
                e.user_name,
                e.entity_label,
                e.action_label,
                e.entity_id,
                e.person,
                "\n".join(e.summary.split("; ")),
                e.hash,
            ]
        )
        row = ws.max_row
        ws.cell(row, 2).number_format = "yyyy-mm-dd hh:mm:ss"
        ws.cell(row, 8).alignment = wrap
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(WIDTHS))}{max(ws.max_row, 2)}"
    # Pinned to the newest entry's time: openpyxl would stamp "now" and change the bytes.
    stamp = entries[0].at.replace(tzinfo=None, microsecond=0) if entries else EPOCH
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "BranchDesk"
    book.properties.title = title
    return _pin_zip_times(_workbook_bytes(book))
