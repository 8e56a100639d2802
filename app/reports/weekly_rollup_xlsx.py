"""周汇总 as a workbook: the cover sheet 汇总, then one sheet per manager ("A001 张三").

The cover keeps each text whole (a cell wraps it; Excel has no page to fill), unlike the
PDF's cover, which shortens them. Same roll-up, same bytes: the workbook's properties and
the zip entries' times are pinned (openpyxl would stamp the current time).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any

from app.i18n import _
from app.reports.attendance_sheet import _pin_zip_times, _workbook_bytes
from app.reports.roster_xlsx import display_width
from app.reports.weekly_rollup_pdf import (
    EMPTY,
    manager_heading,
    not_handed_in_text,
    on_time_text,
    summary_line,
    week_span,
)

if TYPE_CHECKING:
    from app.services.weekly_reports import Rollup, RollupManager

TEXT_FORMAT = "@"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "E8E8E8"
MISSING_FILL = "FBEFEF"
COVER_HEADER_ROW = 4
COVER_WIDTHS = (10, 10, 12, 17, 9, 9, 50, 50)
SHEET_NAME_LIMIT = 31
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(m: RollupManager, taken: set[str]) -> str:
    """ "A001 张三", cleaned of the characters Excel refuses, at most 31 characters and
    unique (case-insensitively, as Excel compares)."""
    base = BAD_SHEET_CHARS.sub("_", manager_heading(m)).strip().strip("'") or m.employee_no
    base = base[:SHEET_NAME_LIMIT]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _naive(at: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: the branch's wall-clock time, to the second."""
    return at.replace(tzinfo=None, microsecond=0) if at is not None else None


def render_rollup_xlsx(rollup: Rollup) -> bytes:
    from openpyxl import Workbook  # 0.2 s to import: only when a workbook is written

    book = Workbook()
    stamp = dt.datetime.combine(rollup.last_day, dt.time())
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "BranchDesk"
    title = _("Weekly progress roll-up")
    book.properties.title = f"{title} {rollup.branch} {rollup.week}"
    cover = book.active
    assert cover is not None
    _cover_sheet(cover, rollup, title)
    taken = {cover.title.lower()}
    for m in rollup.managers:
        _manager_sheet(book.create_sheet(sheet_name(m, taken)), m)
    return _pin_zip_times(_workbook_bytes(book))


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "h": Font(bold=True, size=12),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center", vertical="top", wrap_text=True),
        "head": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "fill": PatternFill("solid", fgColor=HEADER_FILL),
        "missing": PatternFill("solid", fgColor=MISSING_FILL),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "red": Font(color="993333"),
    }


def cover_headers() -> list[str]:
    return [
        _("Employee no."),
        _("Name"),
        _("State"),
        _("Submitted at"),
        _("On time?"),
        _("Number of visits"),
        _("Problems"),
        _("Suggestions"),
    ]


def _cover_sheet(ws: Any, rollup: Rollup, title: str) -> None:
    from openpyxl.utils import get_column_letter

    st = _styles()
    ws.title = _("Roll-up overview")
    ws.cell(1, 1, f"{title} · {rollup.branch} · {week_span(rollup)}").font = st["title"]
    ws.cell(2, 1, summary_line(rollup))
    h = COVER_HEADER_ROW
    for c, text in enumerate(cover_headers(), start=1):
        cell = ws.cell(h, c, text)
        cell.font, cell.alignment, cell.fill, cell.border = (
            st["bold"],
            st["head"],
            st["fill"],
            st["border"],
        )
    for r, m in enumerate(rollup.managers, start=h + 1):
        values: list[Any] = [
            m.employee_no,
            m.name,
            m.state_label,
            _naive(m.submitted_at),
            on_time_text(m) if m.on_time is not None else None,
            m.visit_count if m.handed_in else None,
            m.text("problems") if m.handed_in else None,
            m.text("suggestions") if m.handed_in else None,
        ]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            cell.border = st["border"]
            cell.alignment = st["wrap"] if c >= 7 else st["center"]
            if not m.handed_in:
                cell.fill = st["missing"]
        ws.cell(r, 1).number_format = TEXT_FORMAT
        ws.cell(r, 4).number_format = DATETIME_FORMAT
        if not m.handed_in:
            ws.cell(r, 3).font = st["red"]
    ws.freeze_panes = ws.cell(h + 1, 3)
    last = h + len(rollup.managers)
    ws.auto_filter.ref = f"A{h}:{get_column_letter(len(COVER_WIDTHS))}{max(last, h)}"
    widths = list(COVER_WIDTHS)
    widths[1] = max([widths[1]] + [display_width(m.name) + 2 for m in rollup.managers])
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    _print_setup(ws, landscape=True)
    ws.print_title_rows = f"{h}:{h}"


def _print_setup(ws: Any, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


MANAGER_WIDTHS = (14, 16, 40, 12, 40)
LINE_HEIGHT = 15  # points: one line of the default 11-point font


def text_lines(text: str, width: float) -> int:
    """Lines `text` takes wrapped in a column `width` characters wide (an estimate)."""
    usable = max(1.0, width - 2)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


def _manager_sheet(ws: Any, m: RollupManager) -> None:
    """Label/value lines, then the tables; five columns wide, texts merged across B:E."""
    from openpyxl.utils import get_column_letter

    st = _styles()
    row = 1
    ws.cell(row, 1, manager_heading(m)).font = st["title"]
    row += 1

    def pair(label: str, value: Any, number_format: str | None = None) -> None:
        nonlocal row
        ws.cell(row, 1, label).font = st["bold"]
        ws.cell(row, 1).alignment = st["wrap"]
        cell = ws.cell(row, 2, value)
        cell.alignment = st["wrap"]
        if number_format:
            cell.number_format = number_format
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        if isinstance(value, str):
            # Excel does not fit a merged cell's height to its text: say it ourselves.
            lines = text_lines(value, sum(MANAGER_WIDTHS[1:]))
            if lines > 1:
                ws.row_dimensions[row].height = LINE_HEIGHT * lines
        row += 1

    def heading(text: str) -> None:
        nonlocal row
        row += 1
        ws.cell(row, 1, text).font = st["h"]
        row += 1

    def table(head: list[str], lines: list[list[Any]], date_cols: tuple[int, ...] = ()) -> None:
        nonlocal row
        for c, text in enumerate(head, start=1):
            cell = ws.cell(row, c, text)
            cell.font, cell.fill, cell.border, cell.alignment = (
                st["bold"],
                st["fill"],
                st["border"],
                st["head"],
            )
        row += 1
        for line in lines:
            for c, value in enumerate(line, start=1):
                cell = ws.cell(row, c, value)
                cell.border, cell.alignment = st["border"], st["wrap"]
                if c in date_cols and isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
            row += 1

    pair(_("Employee no."), m.employee_no, TEXT_FORMAT)
    pair(_("State"), m.state_label)
    if not m.handed_in:
        ws.cell(row - 1, 2).font = st["red"]
        pair(_("Note"), not_handed_in_text(m))
        _finish(ws, get_column_letter)
        return
    pair(_("Submitted at"), _naive(m.submitted_at), DATETIME_FORMAT)
    pair(_("On time?"), on_time_text(m))
    pair(_("Revision"), m.revision)
    pair(_("Number of visits"), m.visit_count)
    heading(_("Weekly summary"))
    for _field, label, text in m.texts:
        pair(label, text or None)
    heading(_("Visits done this week"))
    table(
        [_("Date"), _("Customer"), _("Service provided")],
        [[v.day, v.customer, v.content] for v in m.visits],
        date_cols=(1,),
    )
    heading(_("Last week's plan for this week"))
    table(
        [_("Customer"), _("Planned day"), _("Visit purpose"), _("Outcome"), _("Reason or note")],
        [[p.customer, p.planned_day, p.purpose, p.outcome_label, p.detail] for p in m.checklist],
        date_cols=(2,),
    )
    heading(_("Visits planned for next week"))
    table(
        [_("Customer"), _("Planned day"), _("Visit purpose")],
        [[p.customer, p.planned_day, p.purpose] for p in m.next_plans],
        date_cols=(2,),
    )
    heading(_("Supervisor's comment"))
    pair(_("Supervisor's comment"), m.review_comment or None)
    pair(_("Review state"), m.review_label or EMPTY)
    if m.return_reason:
        pair(_("Returned because"), m.return_reason)
    _finish(ws, get_column_letter)


def _finish(ws: Any, get_column_letter: Any) -> None:
    for c, width in enumerate(MANAGER_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    _print_setup(ws, landscape=False)
