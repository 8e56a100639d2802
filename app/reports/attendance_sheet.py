"""考勤表: the monthly attendance sheet of a branch, as an A4 landscape PDF and as XLSX.

One line per person: a mark per day (symbols in `attendance_docs`), then the month's
totals; a 合计 line closes the table. Rest days and holidays are shaded, cell by cell,
so that a bar's rota rest days show as well as an office's weekends; a day header is
shaded when the day is off for everyone (or, with nobody's result, when it is a weekend).
The table splits across pages with its two header lines repeated; every page's header
names the branch and the month and every footer carries the legend, so a loose page
still reads on its own. Zero totals print blank in the PDF (the eye finds the cases);
the workbook keeps real numbers.

Same sheet, same bytes: reportlab's invariant mode, and openpyxl's workbook properties
pinned to the sheet's own date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from functools import cache, partial
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from app.i18n import N_, _, current_language
from app.reports import pdf_layout as layout
from app.reports.attendance_docs import (
    LEGEND,
    OFF_STATUSES,
    STATUS_LABELS,
    AttendanceSheet,
    SheetPerson,
    SheetTotals,
    symbol,
)
from app.reports.roster_xlsx import display_width
from app.services.day_engine import DayResult, DayStatus
from app.services.workrules import WARNING_LABELS, WarningLevel

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Flowable

MM = layout.MM
PAGE_WIDTH, PAGE_HEIGHT = layout.PAGE_HEIGHT, layout.PAGE_WIDTH  # A4 landscape
MARGINS = layout.Margins(left=10 * MM, right=10 * MM, top=14 * MM, bottom=16 * MM)
FRAME_WIDTH = PAGE_WIDTH - MARGINS.left - MARGINS.right  # 277 mm
NO_WIDTH, NAME_WIDTH = 12 * MM, 16 * MM
DAYS_WIDTH = 31 * 5.8 * MM  # shared by the month's days: wider columns in shorter months
TOTALS_WIDTH = FRAME_WIDTH - NO_WIDTH - NAME_WIDTH - DAYS_WIDTH  # ten columns of 6.9 mm
ROW_HEIGHT = 5.2 * MM
WEEKDAY_ROW_HEIGHT = 4.2 * MM
PAD = 0.4 * MM
MARK_SIZE, PAIR_MARK_SIZE = 7.5, 6.0  # "迟早" a size smaller to fit the day column
NAME_SIZE, NO_SIZE, NUMBER_SIZE, HEADER_SIZE = 8.0, 7.0, 7.5, 6.5
SMALLEST_SIZE = 5.0
LINE_SPACING = 1.15  # of a name broken into lines
OFF_SHADE = (0.86, 0.86, 0.86)  # darker than the header's: weekends must show at a glance
CASE_COLOR = (0.6, 0.05, 0.05)  # 迟/早/缺/旷 stand out on screen and stay dark in print
CASE_STATUSES = frozenset(
    {
        DayStatus.LATE,
        DayStatus.EARLY,
        DayStatus.LATE_AND_EARLY,
        DayStatus.MISSING_IN,
        DayStatus.MISSING_OUT,
        DayStatus.ABSENT,
    }
)

TOTAL_HEADERS = (
    N_("Late count"),
    N_("Late minutes"),
    N_("Early leave count"),
    N_("Early leave minutes"),
    N_("Missed punches"),
    N_("Absent days"),
    N_("Leave days"),
    N_("Overtime minutes"),
    N_("Points deducted"),
    N_("Warnings"),
)
WEEKDAY_INITIALS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))
SHEET_TITLE = N_("Attendance sheet")
DETAIL_TITLE = N_("Details")


def totals_row(totals: SheetTotals) -> tuple[int, ...]:
    """The totals in the order of TOTAL_HEADERS."""
    return (
        totals.late_count,
        totals.late_minutes,
        totals.early_count,
        totals.early_minutes,
        totals.missing_punches,
        totals.absent_days,
        totals.leave_days,
        totals.overtime_minutes,
        totals.points,
        totals.warnings,
    )


def month_days(sheet: AttendanceSheet) -> list[dt.date]:
    count = calendar.monthrange(sheet.year, sheet.month)[1]
    return [dt.date(sheet.year, sheet.month, d) for d in range(1, count + 1)]


def off_days(sheet: AttendanceSheet, days: list[dt.date]) -> set[dt.date]:
    """Days off for the whole branch: everyone with a result rests (or, with no result at
    all, a Saturday or Sunday). A working Saturday (调休) is therefore not shaded."""
    off: set[dt.date] = set()
    for day in days:
        statuses = [p.days[day].status for p in sheet.people if day in p.days]
        if statuses:
            if all(s in OFF_STATUSES for s in statuses):
                off.add(day)
        elif day.weekday() >= 5:
            off.add(day)
    return off


def _month_text(sheet: AttendanceSheet) -> str:
    return _("{month}/{year}").format(year=sheet.year, month=sheet.month)


def legend_text() -> str:
    return "   ".join(f"{mark} {_(label)}" for mark, label in LEGEND)


# ---------------------------------------------------------------------------- PDF


def render_sheet_pdf(sheet: AttendanceSheet) -> bytes:
    """The sheet as A4 landscape PDF bytes; the same sheet always gives the same bytes."""
    title = _(SHEET_TITLE)
    month = _month_text(sheet)
    subtitle = " · ".join(
        (
            sheet.branch,
            month,
            layout.labelled(_("Work rule"), sheet.rule_name),
            layout.labelled(_("Prepared on"), sheet.generated_on.isoformat()),
        )
    )
    from reportlab.platypus import Paragraph, Spacer

    title_style, subtitle_style = _title_styles()
    story: list[Flowable] = [
        Paragraph(escape(title), title_style),
        Paragraph(escape(layout.shorten(subtitle, FRAME_WIDTH, 10)), subtitle_style),
        Spacer(1, 2 * MM),
        _grid(sheet),
        Spacer(1, 3 * MM),
        *_legend_tables(),
    ]
    furniture = layout.Furniture(
        header_left=f"{sheet.branch} · {title}",
        header_right=f"{month} · {sheet.rule_name}",
        footer_left=legend_text(),
    )
    return _build_landscape(
        story,
        furniture,
        title=f"{title} {sheet.branch} {sheet.year}-{sheet.month:02d}",
        subject=title,
    )


def _grid(sheet: AttendanceSheet) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    days = month_days(sheet)
    off = off_days(sheet, days)
    day_width = DAYS_WIDTH / len(days)
    total_width = TOTALS_WIDTH / len(TOTAL_HEADERS)
    widths = [NO_WIDTH, NAME_WIDTH] + [day_width] * len(days) + [total_width] * len(TOTAL_HEADERS)
    first_day, first_total = 2, 2 + len(days)
    font = layout.font_name()
    grey = layout.GRID_COLOR

    header_cells, header_height = _headers(
        [
            (_("Employee no."), NO_WIDTH, HEADER_SIZE + 0.5),
            (_("Name"), NAME_WIDTH, HEADER_SIZE + 0.5),
            *((_(t), total_width, HEADER_SIZE) for t in TOTAL_HEADERS),
        ]
    )
    top: list[Any] = [*header_cells[:2], *(str(d.day) for d in days), *header_cells[2:]]
    second: list[Any] = ["", "", *(_(WEEKDAY_INITIALS[d.weekday()]) for d in days)]
    second += [""] * len(TOTAL_HEADERS)
    data: list[list[Any]] = [top, second]
    heights = [max(ROW_HEIGHT, header_height - WEEKDAY_ROW_HEIGHT), WEEKDAY_ROW_HEIGHT]
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, MARK_SIZE),
        ("FONTSIZE", (first_day, 1), (first_total - 1, 1), HEADER_SIZE),
        ("FONTSIZE", (0, 2), (0, -1), NO_SIZE),
        ("FONTSIZE", (1, 2), (1, -1), NAME_SIZE),
        ("FONTSIZE", (first_total, 2), (-1, -1), NUMBER_SIZE),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.3 * MM),
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 0), (1, 1)),
        *(("SPAN", (c, 0), (c, 1)) for c in range(first_total, len(widths))),
        ("BACKGROUND", (0, 0), (1, 1), layout.SHADE_COLOR),
        ("BACKGROUND", (first_total, 0), (-1, 1), layout.SHADE_COLOR),
        ("GRID", (0, 0), (-1, -1), 0.3, grey),
        ("BOX", (0, 0), (-1, -1), 0.9, grey),
        ("LINEAFTER", (1, 0), (1, -1), 0.9, grey),
        ("LINEBEFORE", (first_total, 0), (first_total, -1), 0.9, grey),
        ("LINEBELOW", (0, 1), (-1, 1), 0.9, grey),
    ]
    for c, day in enumerate(days, start=first_day):
        if day in off:
            commands.append(("BACKGROUND", (c, 0), (c, -1), OFF_SHADE))

    off_runs: dict[int, list[int]] = {}  # column -> rows of shaded cells outside off columns
    for r, person in enumerate(sheet.people, start=2):
        row, height = _person_cells(person, days, r, first_day, off, off_runs, commands)
        data.append(row)
        heights.append(height)
    total = sum((p.totals for p in sheet.people), SheetTotals())
    last = len(data)
    numbers = _numbers(totals_row(total), last, first_total, commands)
    data.append([_("Total"), "", *([""] * len(days)), *numbers])
    heights.append(ROW_HEIGHT)
    commands += [
        ("SPAN", (0, last), (1, last)),
        ("FONTSIZE", (0, last), (1, last), NAME_SIZE),
        ("LINEABOVE", (0, last), (-1, last), 0.9, grey),
    ]
    for c, rows in off_runs.items():
        for start, end in _runs(rows):
            commands.append(("BACKGROUND", (c, start), (c, end), OFF_SHADE))

    table = Table(data, colWidths=widths, rowHeights=heights, repeatRows=2)
    table.setStyle(TableStyle(commands))
    return table


def _legend_tables() -> list[Flowable]:
    """图例 as strips of boxed symbols, each followed by its meaning, then the shading; a
    second strip when the labels (English ones are longer) do not fit one line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font, size = layout.font_name(), 8.0
    items = [(mark, _(label)) for mark, label in LEGEND]
    items.append(("", _("Shaded: rest day or holiday. A blank total means none.")))
    head = layout.labelled(_("Legend"), "")
    head_width = stringWidth(head, font, size) + 2.5 * MM
    strips: list[list[tuple[str, str, float]]] = [[]]
    used = head_width
    for mark, label in items:
        width = stringWidth(label, font, size) + 2.5 * MM
        if strips[-1] and used + MARK_BOX + width > FRAME_WIDTH:
            strips.append([])
            used = head_width
        strips[-1].append((mark, label, width))
        used += MARK_BOX + width
    return [
        _legend_strip(head if i == 0 else "", strip, head_width) for i, strip in enumerate(strips)
    ]


MARK_BOX = 5.8 * MM


def _legend_strip(head: str, strip: list[tuple[str, str, float]], head_width: float) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    cells: list[str] = [head]
    widths = [head_width]
    for mark, label, width in strip:
        cells += [mark, label]
        widths += [MARK_BOX, width]
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), layout.font_name(), 8.0),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0.8 * MM),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * MM),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.3 * MM),
    ]
    for i, (mark, _label, _width) in enumerate(strip):
        c = 1 + 2 * i
        commands += [
            ("BOX", (c, 0), (c, 0), 0.3, layout.GRID_COLOR),
            ("ALIGN", (c, 0), (c, 0), "CENTER"),
            ("LEFTPADDING", (c, 0), (c, 0), 0),
            ("RIGHTPADDING", (c, 0), (c, 0), 0),
        ]
        if not mark:  # the shading's sample
            commands.append(("BACKGROUND", (c, 0), (c, 0), OFF_SHADE))
        elif len(mark) > 1:
            commands.append(("FONTSIZE", (c, 0), (c, 0), PAIR_MARK_SIZE))
    table = Table([cells], colWidths=widths, rowHeights=[ROW_HEIGHT + 0.6 * MM])
    table.setStyle(TableStyle(commands))
    table.hAlign = "LEFT"
    return table


def _person_cells(
    person: SheetPerson,
    days: list[dt.date],
    r: int,
    first_day: int,
    off: set[dt.date],
    off_runs: dict[int, list[int]],
    commands: list[tuple[Any, ...]],
) -> tuple[list[Any], float]:
    name, name_size, name_lines = _fit_lines(person.name, NAME_WIDTH - 2 * PAD, NAME_SIZE)
    number, no_size, no_lines = _fit_lines(person.employee_no, NO_WIDTH - 2 * PAD, NO_SIZE)
    for c, size, default in ((0, no_size, NO_SIZE), (1, name_size, NAME_SIZE)):
        if size != default:
            commands += [
                ("FONTSIZE", (c, r), (c, r), size),
                ("LEADING", (c, r), (c, r), size * LINE_SPACING),
            ]
    lines = max(name_lines, no_lines)
    height = max(ROW_HEIGHT, lines * SMALLEST_SIZE * LINE_SPACING + 1.5 * MM)
    row: list[Any] = [number, name]
    for c, day in enumerate(days, start=first_day):
        result = person.days.get(day)
        if result is None:
            row.append("")
            continue
        mark = symbol(result)
        row.append(mark)
        if len(mark) > 1:
            commands.append(("FONTSIZE", (c, r), (c, r), PAIR_MARK_SIZE))
        if result.status in CASE_STATUSES:
            commands.append(("TEXTCOLOR", (c, r), (c, r), CASE_COLOR))
        elif result.status in OFF_STATUSES and day not in off:
            off_runs.setdefault(c, []).append(r)
    row += _numbers(totals_row(person.totals), r, first_day + len(days), commands)
    return row, height


def _numbers(
    values: tuple[int, ...], r: int, first: int, commands: list[tuple[Any, ...]]
) -> list[str]:
    """Totals as text, blank for none; a long number (a month's overtime minutes) shrinks."""
    width = TOTALS_WIDTH / len(TOTAL_HEADERS) - 2 * PAD
    cells = []
    for c, n in enumerate(values, start=first):
        text = str(n) if n else ""
        if len(text) >= 4:  # three digits always fit
            size = layout.fit_font_size(text, width, NUMBER_SIZE, 0) or NUMBER_SIZE
            if size != NUMBER_SIZE:
                commands.append(("FONTSIZE", (c, r), (c, r), size))
        cells.append(text)
    return cells


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """[2, 3, 4, 7] -> [(2, 4), (7, 7)]: one style command per run of shaded cells."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


def _fit_lines(text: str, width: float, size: float) -> tuple[str, float, int]:
    """Never cut: shrunk to one line down to SMALLEST_SIZE, else broken into lines."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    fitted = layout.fit_font_size(text, width, size, SMALLEST_SIZE)
    if fitted is not None:
        return text, fitted, 1
    font = layout.font_name()
    lines = [""]
    for ch in text:
        if lines[-1] and stringWidth(lines[-1] + ch, font, SMALLEST_SIZE) > width:
            lines.append("")
        lines[-1] += ch
    return "\n".join(lines), SMALLEST_SIZE, len(lines)


def _headers(labels: list[tuple[str, float, float]]) -> tuple[list[Any], float]:
    """Column heads as wrapped paragraphs, from (text, column width, size): each at the
    size at which its longest word fits (English words are wider than a 6.9 mm column),
    and the height the tallest needs."""
    import math

    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    font = layout.font_name()
    cells: list[Any] = []
    tallest = 0.0
    for text, width, largest in labels:
        inner = width - 2 * PAD
        cjk = any(ord(ch) >= 0x2E80 for ch in text)  # any character may end a line
        units = text if cjk else text.split()  # else only spaces may: words stay whole
        widest = max(stringWidth(unit, font, 1) for unit in units)
        size = max(SMALLEST_SIZE - 1, min(largest, math.floor(inner / widest * 95) / 100))
        para = Paragraph(escape(text), _header_style(size, cjk))
        tallest = max(tallest, para.wrap(inner, 1000)[1])
        cells.append(para)
    return cells, tallest + 2 * MM


@cache
def _header_style(size: float, cjk: bool) -> Any:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        f"attendance_head_{size}_{cjk}",
        fontName=layout.font_name(),
        fontSize=size,
        leading=size * 1.15,
        alignment=TA_CENTER,
        wordWrap="CJK" if cjk else None,
    )


@cache
def _title_styles() -> tuple[Any, Any]:
    """Smaller than the portrait documents' title: a landscape page has rows to spare none."""
    from reportlab.lib.styles import ParagraphStyle

    title = ParagraphStyle(
        "attendance_title", parent=layout.style("title"), fontSize=16, leading=21, spaceAfter=0
    )
    subtitle = ParagraphStyle(
        "attendance_subtitle", parent=layout.style("subtitle"), fontSize=10, leading=14
    )
    return title, subtitle


def _draw_furniture(canv: Canvas, furniture: layout.Furniture, page: int, total: int) -> None:
    """pdf_layout's page furniture, on a landscape page (its own assumes portrait)."""
    font = layout.font_name()
    left, right = MARGINS.left, PAGE_WIDTH - MARGINS.right
    canv.saveState()
    canv.setFillColorRGB(*layout.FURNITURE_COLOR)
    canv.setStrokeColorRGB(*layout.FURNITURE_COLOR)
    canv.setLineWidth(0.4)
    y = PAGE_HEIGHT - MARGINS.top + 4 * MM
    size, room = 8, (right - left) / 2 - 2 * MM
    canv.setFont(font, size)
    canv.drawString(left, y + 1.5 * MM, layout.shorten(furniture.header_left, room, size))
    canv.drawRightString(right, y + 1.5 * MM, layout.shorten(furniture.header_right, room, size))
    canv.line(left, y, right, y)
    y = MARGINS.bottom - 9 * MM
    canv.line(left, y + 4 * MM, right, y + 4 * MM)
    size = 9
    page_label = layout.page_text(page, total)
    canv.setFont(font, size)
    # Wider spaces: with plain ones pdftotext reads "第 1 页 共 3 页" as "第1页共3页".
    canv.drawRightString(right, y, page_label, wordSpace=0.25 * size)
    label_width = canv.stringWidth(page_label, font, size) + 12 * MM
    canv.setFont(font, 7.5)
    canv.drawString(left, y, layout.shorten(furniture.footer_left, right - left - label_width, 7.5))
    canv.restoreState()


@cache
def _landscape_canvas_class() -> type:
    from reportlab.pdfgen.canvas import Canvas

    class LandscapeCanvas(Canvas):
        """Holds every page back until the end, so that each can say "of y"."""

        def __init__(self, *args: Any, furniture: layout.Furniture, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._furniture = furniture
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                _draw_furniture(self, self._furniture, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return LandscapeCanvas


def _build_landscape(
    story: list[Flowable], furniture: layout.Furniture, *, title: str, subject: str
) -> bytes:
    """layout.build_pdf on A4 landscape: same invariant mode, same settings."""
    from reportlab import rl_config
    from reportlab.platypus import SimpleDocTemplate

    rl_config.useA85 = 0  # as build_pdf: the bytes depend on it, so set on every build
    layout._chinese_line_breaking()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGINS.left,
        rightMargin=MARGINS.right,
        topMargin=MARGINS.top,
        bottomMargin=MARGINS.bottom,
        invariant=1,
        pageCompression=1,
        title=title,
        subject=subject,
        creator="BranchDesk",
        lang="zh-CN" if current_language() == "zh_CN" else "en",
    )
    doc.build(story, canvasmaker=partial(_landscape_canvas_class(), furniture=furniture))
    return buf.getvalue()


# ---------------------------------------------------------------------------- XLSX

DAY_COLUMN_WIDTH = 3.6
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
SHADE_FILL = "EBEBEB"
CASE_FONT_COLOR = "990D0D"
HEADER_ROW = 3  # title and subtitle above


def render_sheet_xlsx(sheet: AttendanceSheet) -> bytes:
    """The same grid as a workbook: 考勤表 (frozen at the first day column, legend below)
    and 明细 (one line per person and day)."""
    from openpyxl import Workbook  # 0.2 s to import: only when a workbook is written

    book = Workbook()
    # Pinned: openpyxl stamps the current time into docProps, and the bytes must not vary.
    stamp = dt.datetime.combine(sheet.generated_on, dt.time())
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "BranchDesk"
    book.properties.title = f"{_(SHEET_TITLE)} {sheet.branch} {sheet.year}-{sheet.month:02d}"
    grid = book.active
    assert grid is not None
    _grid_sheet(grid, sheet)
    _detail_sheet(book.create_sheet(_(DETAIL_TITLE)), sheet)
    return _pin_zip_times(_workbook_bytes(book))


def _workbook_bytes(book: Any) -> bytes:
    """Saved through ExcelWriter: `Workbook.save` would stamp the current time as modified."""
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


def _grid_sheet(ws: Any, sheet: AttendanceSheet) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    days = month_days(sheet)
    off = off_days(sheet, days)
    first_day, first_total = 3, 3 + len(days)  # 1-based columns
    last_col = first_total + len(TOTAL_HEADERS) - 1
    bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center")
    wrap = Alignment(horizontal="center", vertical="center", wrap_text=True)
    shade = PatternFill("solid", fgColor=SHADE_FILL)
    case_font = Font(color=CASE_FONT_COLOR)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    ws.title = _(SHEET_TITLE)
    ws.cell(1, 1, f"{_(SHEET_TITLE)} · {sheet.branch} · {_month_text(sheet)}").font = Font(
        bold=True, size=14
    )
    ws.cell(
        2,
        1,
        " · ".join(
            (
                layout.labelled(_("Work rule"), sheet.rule_name),
                layout.labelled(_("Prepared on"), sheet.generated_on.isoformat()),
            )
        ),
    )
    h = HEADER_ROW
    headers = [_("Employee no."), _("Name"), *(d.day for d in days)]
    headers += [_(t) for t in TOTAL_HEADERS]
    for c, value in enumerate(headers, start=1):
        cell = ws.cell(h, c, value)
        cell.font, cell.alignment, cell.border = bold, wrap, border
    for c, day in enumerate(days, start=first_day):
        cell = ws.cell(h + 1, c, _(WEEKDAY_INITIALS[day.weekday()]))
        cell.font, cell.alignment, cell.border = bold, center, border
    for c in (1, 2, *range(first_total, last_col + 1)):
        ws.merge_cells(start_row=h, start_column=c, end_row=h + 1, end_column=c)
    ws.row_dimensions[h].height = 30

    row = h + 2
    for person in sheet.people:
        ws.cell(row, 1, person.employee_no).number_format = TEXT_FORMAT
        ws.cell(row, 2, person.name)
        for c, day in enumerate(days, start=first_day):
            result = person.days.get(day)
            cell = ws.cell(row, c, symbol(result) if result else None)
            cell.alignment, cell.border = center, border
            if result is None:
                continue
            if result.status in CASE_STATUSES:
                cell.font = case_font
            if result.status in OFF_STATUSES or day in off:
                cell.fill = shade
        for c, n in enumerate(totals_row(person.totals), start=first_total):
            cell = ws.cell(row, c, n)
            cell.alignment, cell.border = center, border
        ws.cell(row, 1).border = ws.cell(row, 2).border = border
        row += 1
    total = sum((p.totals for p in sheet.people), SheetTotals())
    ws.cell(row, 1, _("Total")).font = bold
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    for c, n in enumerate(totals_row(total), start=first_total):
        cell = ws.cell(row, c, n)
        cell.font, cell.alignment, cell.border = bold, center, border
    for c, day in enumerate(days, start=first_day):
        if day in off:
            for r in (h, h + 1, row):
                ws.cell(r, c).fill = shade

    row += 2
    ws.cell(row, 1, _("Legend")).font = bold
    for mark, label in LEGEND:
        row += 1
        ws.cell(row, 1, mark).alignment = center
        ws.cell(row, 2, _(label))
    row += 1
    ws.cell(row, 1).fill = shade
    ws.cell(row, 2, _("Rest day or holiday"))

    ws.freeze_panes = ws.cell(h + 2, first_day)
    ws.column_dimensions["A"].width = max(
        [8] + [display_width(p.employee_no) + 2 for p in sheet.people]
    )
    ws.column_dimensions["B"].width = max([8] + [display_width(p.name) + 2 for p in sheet.people])
    for c in range(first_day, first_total):
        ws.column_dimensions[get_column_letter(c)].width = DAY_COLUMN_WIDTH
    for c in range(first_total, last_col + 1):
        ws.column_dimensions[get_column_letter(c)].width = 7
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{h}:{h + 1}"


DETAIL_HEADERS = (
    N_("Employee no."),
    N_("Name"),
    N_("Date"),
    N_("Weekday"),
    N_("Mark"),
    N_("Status"),
    N_("Check-in"),
    N_("Check-out"),
    N_("Late minutes"),
    N_("Early leave minutes"),
    N_("Missed punches"),
    N_("Overtime minutes"),
    N_("Leave type"),
    N_("Points deducted"),
    N_("Warning"),
    N_("Exempt or excused"),
    N_("Note"),
)
DETAIL_WIDTHS = (10, 10, 12, 6, 6, 12, 17, 17, 8, 8, 8, 8, 10, 8, 12, 12, 40)


def _detail_sheet(ws: Any, sheet: AttendanceSheet) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append([_(h) for h in DETAIL_HEADERS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    weekdays = [_(w) for w in layout.WEEKDAYS]
    for person in sheet.people:
        for day in sorted(person.days):
            result = person.days[day]
            ws.append(
                [
                    person.employee_no,
                    person.name,
                    day,
                    weekdays[day.weekday()],
                    symbol(result),
                    _(STATUS_LABELS[result.status]),
                    result.first_in,
                    result.last_out,
                    result.late_minutes,
                    result.early_minutes,
                    result.missing_punches,
                    result.overtime_minutes,
                    result.leave_type,
                    result.points,
                    "、".join(_warning_label(w) for w in result.warnings),
                    _exemption(result),
                    "；".join(result.notes),
                ]
            )
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = TEXT_FORMAT
        row[2].number_format = DATE_FORMAT
        row[6].number_format = row[7].number_format = DATETIME_FORMAT
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    for c, width in enumerate(DETAIL_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width


def _warning_label(value: str) -> str:
    try:
        return _(WARNING_LABELS[WarningLevel(value)])
    except ValueError:
        return value


def _exemption(result: DayResult) -> str:
    if result.excused:
        return _("Excused (force majeure)")
    if result.exempted:
        return _("Within the free allowance")
    return ""


def _pin_zip_times(data: bytes) -> bytes:
    """openpyxl writes the zip entries with the current time: rewrite them with a fixed
    one, so that the same sheet gives the same bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
