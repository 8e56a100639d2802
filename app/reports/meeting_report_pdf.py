"""会议月报: the monthly meeting report as an A4 PDF (tables and the weekly attendance chart).

Takes the `MeetingMonthReport` the service computed; knows nothing of the store. The same
report gives the same bytes (reportlab's invariant mode, a deterministic chart).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from app.i18n import _
from app.reports import pdf_layout as layout
from app.reports.charts import SIZE_INCHES, attendance_by_week_png

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from app.services.meeting_report import MeetingMonthReport

MM = layout.MM
MARGINS = layout.Margins(left=20 * MM, right=20 * MM, top=20 * MM, bottom=20 * MM)
CONTENT_WIDTH = layout.PAGE_WIDTH - MARGINS.left - MARGINS.right  # 170 mm
KIND_WIDTHS = (58 * MM, 28 * MM, 28 * MM, 28 * MM, 28 * MM)
MANAGER_WIDTHS = (20 * MM, 30 * MM, 20 * MM, 20 * MM, 20 * MM, 20 * MM, 20 * MM, 20 * MM)
WEEK_WIDTHS = (30 * MM, 50 * MM, 30 * MM, 30 * MM, 30 * MM)
PAD = 1.5 * MM


def month_text(year: int, month: int) -> str:
    return _("{month}/{year}").format(year=year, month=month)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def render_meeting_report(report: MeetingMonthReport) -> bytes:
    """The report as PDF bytes."""
    title = _("Monthly meeting report")
    month = month_text(report.year, report.month)
    story: list[Flowable] = [
        layout.para(title, "title"),
        layout.para(f"{report.branch} · {month}", "subtitle"),
        _spacer(4 * MM),
        layout.para(_summary(report)),
        layout.para(_("Meetings held"), "h2"),
        _kinds_table(report),
        layout.para(_("Attendance by account manager"), "h2"),
        *_managers_table(report),
        _weeks(report),
        _spacer(4 * MM),
        layout.para(
            _(
                "A meeting counts as held when its minutes are finalized or its roll call is "
                "complete. Attendance counts the roll calls of held meetings: attended means "
                "present or late; excused absences (notice by the previous day, leave, trip) "
                "and unexcused absences both lower the rate."
            ),
            "cell",
        ),
    ]
    furniture = layout.Furniture(header_left=f"{report.branch} · {title}", header_right=month)
    return layout.build_pdf(
        story,
        furniture,
        title=f"{title} {report.branch} {report.year}-{report.month:02d}",
        subject=title,
        margins=MARGINS,
    )


def _summary(report: MeetingMonthReport) -> str:
    cancelled = sum(k.cancelled for k in report.kinds)
    return _(
        "{held} of {scheduled} scheduled meetings were held, {cancelled} cancelled. "
        "Attendance rate {rate} ({attended} of {expected} expected attendances)."
    ).format(
        held=report.held,
        scheduled=report.scheduled,
        cancelled=cancelled,
        rate=percent(report.rate),
        attended=report.attended,
        expected=report.expected,
    )


def _spacer(height: float) -> Flowable:
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _head(texts: list[str]) -> list[Flowable]:
    return [layout.para(t, "cell_center") for t in texts]


def _left(text: str) -> Flowable:
    return layout.para(text, "cell")


def _num(value: int | str) -> Flowable:
    return layout.para(str(value), "cell_center")


def _table(data: list[list[Any]], widths: tuple[float, ...], total_row: bool = False) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    grey = layout.GRID_COLOR
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, grey),
        ("BOX", (0, 0), (-1, -1), 1.0, grey),
        ("BACKGROUND", (0, 0), (-1, 0), layout.SHADE_COLOR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
    ]
    if total_row:
        style.append(("BACKGROUND", (0, -1), (-1, -1), layout.SHADE_COLOR))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _kinds_table(report: MeetingMonthReport) -> Flowable:
    data: list[list[Any]] = [
        _head([_("Meeting type"), _("Planned"), _("Took place"), _("Cancelled"), _("Held rate")])
    ]
    for k in report.kinds:
        rate = k.held / k.scheduled if k.scheduled else None
        data.append([_left(k.label), _num(k.scheduled), _num(k.held), _num(k.cancelled)])
        data[-1].append(_num(percent(rate)))
    cancelled = sum(k.cancelled for k in report.kinds)
    total_rate = report.held / report.scheduled if report.scheduled else None
    data.append(
        [
            _left(_("Total")),
            _num(report.scheduled),
            _num(report.held),
            _num(cancelled),
            _num(percent(total_rate)),
        ]
    )
    return _table(data, KIND_WIDTHS, total_row=True)


def _managers_table(report: MeetingMonthReport) -> list[Flowable]:
    if not report.managers:
        return [layout.para(_("No meetings with a roll call this month."))]
    header = [
        _("Employee no."),
        _("Name"),
        _("Expected"),
        _("Attended"),
        _("Late"),
        _("Excused absences"),
        _("Unexcused absences"),
        _("Attendance rate"),
    ]
    data: list[list[Any]] = [_head(header)]
    for m in report.managers:
        data.append(
            [
                _num(m.employee_no),
                _left(m.name),
                _num(m.expected),
                _num(m.attended),
                _num(m.late),
                _num(m.excused),
                _num(m.unexcused),
                _num(percent(m.rate)),
            ]
        )
    data.append(
        [
            _left(_("Total")),
            "",
            _num(report.expected),
            _num(report.attended),
            _num(sum(m.late for m in report.managers)),
            _num(sum(m.excused for m in report.managers)),
            _num(sum(m.unexcused for m in report.managers)),
            _num(percent(report.rate)),
        ]
    )
    return [_table(data, MANAGER_WIDTHS, total_row=True)]


def _weeks(report: MeetingMonthReport) -> Flowable:
    from reportlab.platypus import Image, KeepTogether

    png = attendance_by_week_png(report.chart_weeks(), title="")
    width = CONTENT_WIDTH
    height = width * SIZE_INCHES[1] / SIZE_INCHES[0]
    chart = Image(io.BytesIO(png), width=width, height=height)
    data: list[list[Any]] = [
        _head([_("Week"), _("Dates"), _("Expected"), _("Attended"), _("Attendance rate")])
    ]
    for w in report.weeks:
        dates = f"{w.first.month}/{w.first.day}–{w.last.month}/{w.last.day}"
        data.append(
            [
                _num(w.label),
                _num(dates),
                _num(w.expected),
                _num(w.attended),
                _num(percent(w.rate)),
            ]
        )
    heading = layout.para(_("Attendance rate by week"), "h2")
    return KeepTogether([heading, chart, _spacer(2 * MM), _table(data, WEEK_WIDTHS)])
