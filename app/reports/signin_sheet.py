"""会议签到表: the sign-in sheet kept as evidence of a meeting, as an A4 PDF.

A page holds 30 lines in two side-by-side tables of 15 (the usual two-column 签到表):
a pen signature needs a box 12–13 mm tall, and 30 such rows in one column would not
fit on A4. Every page repeats the title, the meeting block and the table headers, so a
loose page still says which meeting it belongs to. Spare lines stay blank for guests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.i18n import _
from app.reports import pdf_layout as layout
from app.reports.meeting_docs import SignInRow, SignInSheet

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

MM = layout.MM
ROWS_PER_PAGE = 30
ROWS_PER_COLUMN = ROWS_PER_PAGE // 2
ROW_HEIGHT = 13 * MM  # room to sign by pen
HEADER_ROW_HEIGHT = 8 * MM
# 序号, 姓名, 到达时间, 签名, 备注: each half of the page is 91 mm wide
COLUMN_WIDTHS = (8 * MM, 19 * MM, 14 * MM, 30 * MM, 20 * MM)
NUMBER, NAME, ARRIVAL, SIGNATURE, NOTE = range(5)
GAP_WIDTH = 4 * MM
CELL_PADDING = 1 * MM
TEXT_SIZE, HEADER_SIZE, NOTE_SIZE, SMALLEST_SIZE = 10.5, 9.5, 9.0, 7.0
MARGINS = layout.Margins(left=12 * MM, right=12 * MM, top=14 * MM, bottom=18 * MM)
FRAME_WIDTH = layout.PAGE_WIDTH - MARGINS.left - MARGINS.right


def render_signin_sheet(sheet: SignInSheet) -> bytes:
    """The sheet as PDF bytes; the same sheet always gives the same bytes."""
    from reportlab.platypus import PageBreak

    story: list[Flowable] = []
    for start in range(0, max(len(sheet.rows), 1), ROWS_PER_PAGE):
        if start:
            story.append(PageBreak())
        story += _page(sheet, sheet.rows[start : start + ROWS_PER_PAGE], first_number=start + 1)
    title = _("Sign-in sheet")
    return layout.build_pdf(
        story,
        layout.Furniture(),
        title=f"{title} {sheet.branch} {sheet.title or sheet.kind_label} {sheet.date.isoformat()}",
        subject=sheet.kind_label,
        author=sheet.host,
        margins=MARGINS,
    )


def _page(sheet: SignInSheet, rows: list[SignInRow], first_number: int) -> list[Flowable]:
    """One page: the whole heading again, so that a loose page names its meeting."""
    from reportlab.platypus import Spacer

    story: list[Flowable] = [layout.para(_("Sign-in sheet"), "title")]
    if sheet.title:
        subtitle = layout.style("subtitle")
        story.append(
            layout.para(layout.shorten(sheet.title, FRAME_WIDTH, subtitle.fontSize), "subtitle")
        )
    story += [Spacer(1, 3 * MM), _meeting_block(sheet), Spacer(1, 4 * MM)]
    story.append(_rows_table(sheet, rows, first_number))
    return story


def _meeting_block(sheet: SignInSheet) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    width = FRAME_WIDTH / 3
    size = layout.style("cell").fontSize

    def cell(label: str, value: str) -> Flowable:
        # At most two lines each, so that the 30 rows below always fit on the page.
        text = layout.labelled(label, value)
        return layout.para(
            layout.shorten(text, 2 * (width - 2 * CELL_PADDING) - size, size), "cell"
        )

    table = Table(
        [
            [
                cell(_("Branch"), sheet.branch),
                cell(_("Meeting type"), sheet.kind_label),
                cell(_("Host"), sheet.host),
            ],
            [
                cell(_("Date"), layout.format_date(sheet.date)),
                cell(_("Time"), layout.format_time_range(sheet.start, sheet.end)),
                cell(_("Place"), sheet.place),
            ],
        ],
        colWidths=[width] * 3,
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 0.8 * MM),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8 * MM),
            ]
        )
    )
    return table


def _rows_table(sheet: SignInSheet, rows: list[SignInRow], first_number: int) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    headers = [_("No."), _("Name"), _("Arrival"), _("Signature"), _("Note")]
    header_size = min(
        layout.fit_font_size(text, width - 2 * CELL_PADDING, HEADER_SIZE, 0) or HEADER_SIZE
        for text, width in zip(headers, COLUMN_WIDTHS, strict=True)
    )
    columns = len(COLUMN_WIDTHS)
    data: list[list[Any]] = [[*headers, "", *headers]]
    data += [[""] * (2 * columns + 1) for _row in range(ROWS_PER_COLUMN)]
    commands: list[tuple[Any, ...]] = []
    for i, row in enumerate(rows):
        r = 1 + i % ROWS_PER_COLUMN
        col0 = 0 if i < ROWS_PER_COLUMN else columns + 1
        data[r][col0 : col0 + columns] = _row_cells(
            row, first_number + i, sheet.filled, _CellSizer(r, col0, commands)
        )

    table = Table(
        data,
        colWidths=[*COLUMN_WIDTHS, GAP_WIDTH, *COLUMN_WIDTHS],
        rowHeights=[HEADER_ROW_HEIGHT] + [ROW_HEIGHT] * ROWS_PER_COLUMN,
        repeatRows=1,
    )
    grey = layout.GRID_COLOR
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), layout.font_name(), TEXT_SIZE),
        ("FONTSIZE", (0, 0), (-1, 0), header_size),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for col0 in (0, columns + 1):
        area = ((col0, 0), (col0 + columns - 1, ROWS_PER_COLUMN))
        style += [
            ("GRID", *area, 0.6, grey),
            ("BOX", *area, 1.0, grey),
            ("BACKGROUND", (col0, 0), (col0 + columns - 1, 0), layout.SHADE_COLOR),
            ("ALIGN", (col0 + NOTE, 1), (col0 + NOTE, -1), "LEFT"),
        ]
    table.setStyle(TableStyle(style + commands))
    return table


class _CellSizer:
    """Fits text into the fixed cells of one row, collecting the style commands it needs."""

    def __init__(self, r: int, col0: int, commands: list[tuple[Any, ...]]) -> None:
        self.r, self.col0, self.commands = r, col0, commands

    def fit(self, text: str, column: int, size: float) -> Any:
        """Shrunk to one line if it can be, else wrapped small (and cut if even that fails)."""
        if not text:
            return ""
        width = COLUMN_WIDTHS[column] - 2 * CELL_PADDING
        fitted = layout.fit_font_size(text, width, size, SMALLEST_SIZE)
        if fitted is None:
            # Three lines of the smallest size fill the inside of a row.
            return layout.para(
                layout.shorten(text, 3 * width - 2 * SMALLEST_SIZE, SMALLEST_SIZE), "signin_small"
            )
        if fitted != TEXT_SIZE:  # the size the table style gives every cell
            cell = (self.col0 + column, self.r)
            self.commands.append(("FONTSIZE", cell, cell, fitted))
        return text


def _row_cells(row: SignInRow, number: int, filled: bool, sizer: _CellSizer) -> list[Any]:
    arrival: Any = ""
    signature: Any = ""
    if filled:
        arrival = sizer.fit(row.arrival, ARRIVAL, TEXT_SIZE)
        if row.signature_png:
            signature = layout.signature_image(
                row.signature_png,
                COLUMN_WIDTHS[SIGNATURE] - 2 * CELL_PADDING,
                ROW_HEIGHT - 2 * CELL_PADDING,
            ) or sizer.fit(_("(signature unreadable)"), SIGNATURE, 8.0)
    return [
        str(number),
        sizer.fit(row.name, NAME, TEXT_SIZE),
        arrival,
        signature,
        sizer.fit(row.note, NOTE, NOTE_SIZE),
    ]
