"""口头 / 书面警告通知: the printable warning notice for one account manager, A4 portrait.

The notice lists the cases (date and what happened), cites the attendance rules, and
leaves lines for the issuer's and the employee's signatures: the signed paper is what
goes into the personnel file. The same notice gives the same bytes (pdf_layout's
invariant mode), so a reprint can be proven identical.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.i18n import N_, _
from app.reports import pdf_layout as layout
from app.reports.attendance_docs import WarningNotice
from app.services.workrules import WarningLevel

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

__all__ = ["WarningNotice", "render_warning_notice"]

MM = layout.MM
MARGINS = layout.Margins(left=25 * MM, right=25 * MM, top=25 * MM, bottom=25 * MM)
CONTENT_WIDTH = layout.PAGE_WIDTH - MARGINS.left - MARGINS.right  # 160 mm
INFO_WIDTHS = (22 * MM, 58 * MM, 22 * MM, 58 * MM)
CASE_WIDTHS = (14 * MM, 52 * MM, 94 * MM)
SIGN_WIDTHS = (26 * MM, 54 * MM, 26 * MM, 54 * MM)
SIGN_ROW_HEIGHT = 14 * MM  # room to sign by pen
PAD = 1.5 * MM

TITLES = {
    WarningLevel.ORAL: N_("Oral warning notice"),
    WarningLevel.WRITTEN: N_("Written warning notice"),
}
DECISIONS = {
    WarningLevel.ORAL: N_(
        "You are hereby given an oral warning. Keep to the working hours: arrive and leave "
        "on time and clock in and out truthfully."
    ),
    WarningLevel.WRITTEN: N_(
        "As these cases exceed the permitted number, you are hereby given a written "
        "warning. This notice is kept in your attendance file; serious cases affect the "
        "performance assessment."
    ),
}


def render_warning_notice(notice: WarningNotice) -> bytes:
    """The notice as PDF bytes; raises ValueError for an unknown level."""
    from reportlab.platypus import Spacer

    level = WarningLevel(notice.level)
    title = _(TITLES[level])
    story: list[Flowable] = [
        layout.para(title, "title"),
        Spacer(1, 5 * MM),
        _info_table(notice),
        Spacer(1, 6 * MM),
        layout.para(_("{name}:").format(name=notice.name)),
        layout.para(
            _(
                "The attendance records for {month} show the following breaches of the "
                "attendance rules:"
            ).format(month=notice.month),
            "indented",
        ),
        Spacer(1, 2 * MM),
        _cases_table(notice),
        Spacer(1, 5 * MM),
        layout.para(
            _(
                "Under the Account Manager Attendance Rules: a slight case of late arrival "
                "or early leave gets an oral warning; beyond the set count, a written warning."
            ),
            "indented",
        ),
        layout.para(_(DECISIONS[level]), "indented"),
        layout.para(
            _(
                "Where a case was caused by force majeure (e.g. traffic), reported promptly "
                "and can be proven, explain it to your supervisor: once verified it is excused."
            ),
            "indented",
        ),
        Spacer(1, 10 * MM),
        _signatures(notice),
    ]
    furniture = layout.Furniture(
        header_left=f"{notice.branch} · {title}",
        header_right=f"{notice.name} · {notice.employee_no}",
    )
    return layout.build_pdf(
        story,
        furniture,
        title=f"{title} {notice.branch} {notice.name} {notice.issued_on.isoformat()}",
        subject=title,
        author=notice.issuer,
        margins=MARGINS,
    )


def _info_table(notice: WarningNotice) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    data = [
        [_("Branch"), layout.para(notice.branch, "cell"), _("Month"), notice.month],
        [_("Name"), layout.para(notice.name, "cell"), _("Employee no."), notice.employee_no],
    ]
    table = Table(data, colWidths=INFO_WIDTHS)
    table.setStyle(
        TableStyle(
            [
                *_grid_style(),
                ("BACKGROUND", (0, 0), (0, -1), layout.SHADE_COLOR),
                ("BACKGROUND", (2, 0), (2, -1), layout.SHADE_COLOR),
            ]
        )
    )
    return table


def _cases_table(notice: WarningNotice) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    data: list[list[Any]] = [[_("No."), _("Date"), _("What happened")]]
    for number, (day, what) in enumerate(sorted(notice.cases, key=lambda c: c[0]), start=1):
        data.append([str(number), layout.format_date(day), layout.para(what, "cell")])
    if not notice.cases:
        data.append(["", "", ""])
    table = Table(data, colWidths=CASE_WIDTHS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *_grid_style(),
                ("BACKGROUND", (0, 0), (-1, 0), layout.SHADE_COLOR),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ]
        )
    )
    return table


def _signatures(notice: WarningNotice) -> Flowable:
    """Issuer and employee each sign on a line and date it; the issue date is printed."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    data: list[list[Any]] = [
        [_("Issued by"), notice.issuer, _("Date issued"), layout.format_date(notice.issued_on)],
        [_("Issuer's signature"), "", "", ""],
        [layout.para(_("I have read this notice."), "body"), "", "", ""],
        [_("Employee's signature"), "", _("Date"), ""],
    ]
    table = Table(
        data,
        colWidths=SIGN_WIDTHS,
        rowHeights=[None, SIGN_ROW_HEIGHT, None, SIGN_ROW_HEIGHT],
    )
    grey = layout.GRID_COLOR
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), layout.font_name(), layout.BODY_SIZE),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
                ("SPAN", (0, 2), (-1, 2)),
                ("TOPPADDING", (0, 2), (-1, 2), 6 * MM),
                # The lines to sign and date on.
                ("LINEBELOW", (1, 1), (1, 1), 0.6, grey),
                ("LINEBELOW", (1, 3), (1, 3), 0.6, grey),
                ("LINEBELOW", (3, 3), (3, 3), 0.6, grey),
            ]
        )
    )
    return KeepTogether([table])


def _grid_style() -> list[tuple[Any, ...]]:
    grey = layout.GRID_COLOR
    return [
        ("FONT", (0, 0), (-1, -1), layout.font_name(), layout.style("cell").fontSize),
        ("GRID", (0, 0), (-1, -1), 0.5, grey),
        ("BOX", (0, 0), (-1, -1), 1.0, grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
    ]
