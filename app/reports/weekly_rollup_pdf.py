"""周汇总: the branch roll-up of a week's summaries as an A4 PDF for the market department.

Page 1 on: the cover table (every manager: state, time handed in, on time?, visits, the
key problems and suggestions shortened to a few lines), then the two charts (on time over
the last weeks, visits per week), then each manager's summary in full on a page of its
own: the six texts, the visits done, last week's plan with outcomes, next week's plan and
the supervisor's comment. A manager who handed nothing in gets a short section saying so.

Takes the `Rollup` the service gathered; knows nothing of the store. The same roll-up
gives the same bytes (reportlab's invariant mode, deterministic charts).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from app.i18n import _
from app.reports import pdf_layout as layout
from app.reports import weekly_charts

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable, Image

    from app.services.weekly_reports import Rollup, RollupManager, RollupPlan

MM = layout.MM
MARGINS = layout.Margins(left=20 * MM, right=20 * MM, top=20 * MM, bottom=20 * MM)
CONTENT_WIDTH = layout.PAGE_WIDTH - MARGINS.left - MARGINS.right  # 170 mm
COVER_WIDTHS = tuple(w * MM for w in (14, 16, 17, 19, 11, 11, 41, 41))
VISIT_WIDTHS = tuple(w * MM for w in (22, 32, 116))
CHECKLIST_WIDTHS = tuple(w * MM for w in (30, 20, 45, 16, 59))
NEXT_WIDTHS = tuple(w * MM for w in (34, 22, 114))
PAD = 1.2 * MM
SMALL_SIZE, SMALL_LEADING = 8.5, 11.0
COVER_LINES = 3  # a problem or suggestion is cut to this many lines in the cover
EMPTY = "—"


def render_rollup_pdf(rollup: Rollup) -> bytes:
    """The roll-up as PDF bytes."""
    title = _("Weekly progress roll-up")
    story: list[Flowable] = [
        layout.para(title, "title"),
        layout.para(f"{rollup.branch} · {week_span(rollup)}", "subtitle"),
        _spacer(3 * MM),
        layout.para(summary_line(rollup)),
        # Not layout's h2: its keep-with-next would push a long table to the next page.
        _p(_("Roll-up overview"), "cover_heading"),
        _cover_table(rollup),
        *_charts(rollup),
    ]
    for manager in rollup.managers:
        story += _section(manager) if manager.handed_in else _missing_section(manager)
    furniture = layout.Furniture(header_left=f"{rollup.branch} · {title}", header_right=rollup.week)
    return layout.build_pdf(
        story,
        furniture,
        title=f"{title} {rollup.branch} {rollup.week}",
        subject=title,
        margins=MARGINS,
    )


# --- texts shared with the workbook ------------------------------------------------------


def week_span(rollup: Rollup) -> str:
    """2026-W48 (11/23–11/29)."""
    first, last = rollup.week_start, rollup.last_day
    return f"{rollup.week} ({first.month}/{first.day}–{last.month}/{last.day})"


def summary_line(rollup: Rollup) -> str:
    return _(
        "{total} account managers: {on_time} handed in on time, {late} late, {missing} not "
        "handed in. {visits} visits done this week. Summaries were due {due}."
    ).format(
        total=len(rollup.managers),
        on_time=rollup.on_time_count,
        late=rollup.late_count,
        missing=rollup.not_handed_in,
        visits=rollup.visit_total,
        due=format_time(rollup.deadline),
    )


def format_time(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at is not None else EMPTY


def short_time(at: datetime | None) -> str:
    return at.strftime("%m-%d %H:%M") if at is not None else EMPTY


def on_time_text(manager: RollupManager) -> str:
    if manager.on_time is None:
        return EMPTY
    return _("Yes") if manager.on_time else _("No")


def visits_text(manager: RollupManager) -> str:
    return str(manager.visit_count) if manager.handed_in else EMPTY


def day_text(day: date | None) -> str:
    return day.isoformat() if day is not None else EMPTY


def one_line(text: str) -> str:
    """A text of several lines run together, for a table cell of the cover."""
    parts = [p.strip() for p in text.splitlines() if p.strip()]
    return " ".join(parts)


# --- the cover ---------------------------------------------------------------------------


@cache
def _small_styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    cell = layout.style("cell")
    left = ParagraphStyle("rollup_small", parent=cell, fontSize=SMALL_SIZE, leading=SMALL_LEADING)
    return {
        "small": left,
        "small_center": ParagraphStyle("rollup_small_center", parent=left, alignment=TA_CENTER),
        "cover_heading": ParagraphStyle(
            "rollup_cover_heading", parent=layout.style("h2"), keepWithNext=0
        ),
        "missing": ParagraphStyle(
            "rollup_missing", parent=left, alignment=TA_CENTER, textColor=(0.6, 0.1, 0.1)
        ),
    }


def _p(text: str, name: str = "small") -> Flowable:
    return _plain_paragraph(text, _small_styles()[name])


def _text(text: str) -> Flowable:
    """A body paragraph (as `layout.para`)."""
    return _plain_paragraph(text, layout.style("body"))


def _plain_paragraph(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of plain text. A line without line breaks skips reportlab's markup
    parser (a fifth of a 60-page roll-up's time): it becomes the one text fragment the
    parser would have made of it."""
    from xml.sax.saxutils import escape

    cls = _paragraph_class()
    words = text.split()
    if "\n" in text or not words:
        return cls(escape(text).replace("\n", "<br/>"), style)  # type: ignore[no-any-return]
    fragment = _fragment(style).clone(text=" ".join(words))
    return cls(fragment.text, style, frags=[fragment])  # type: ignore[no-any-return]


@cache
def _fragment(style: ParagraphStyle) -> Any:
    """The fragment reportlab's parser makes of a plain word in `style`."""
    from reportlab.platypus import Paragraph

    return Paragraph("x", style).frags[0]


@cache
def _paragraph_class() -> type:
    from reportlab.platypus import Paragraph

    class OnceWrappedParagraph(Paragraph):  # type: ignore[misc]
        """Remembers its lines for the width last asked: a table wraps each cell two or
        three times (sizing, splitting at a page end, drawing), and breaking Chinese
        lines without reportlab's C accelerator is most of a long roll-up's time."""

        _wrapped_for: float | None = None

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            if self._wrapped_for == avail_width:
                return self.width, self.height
            size = super().wrap(avail_width, avail_height)
            self._wrapped_for = avail_width
            return size

    return OnceWrappedParagraph


def clip(text: str, width: float, lines: int = COVER_LINES, size: float = SMALL_SIZE) -> str:
    """`text` on one line, cut with an ellipsis so that it takes at most about `lines`
    lines of `width` (a cell's wrapping wastes a little of each line: keep a margin)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = one_line(text)
    font = layout.font_name()
    budget = width * lines * 0.9
    if stringWidth(text, font, size) <= budget:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with the ellipsis
    while low < high:
        mid = (low + high + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= budget:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def _cover_table(rollup: Rollup) -> Flowable:
    text_width = COVER_WIDTHS[6] - 2 * PAD
    head = [
        _("Employee no."),
        _("Name"),
        _("State"),
        _("Submitted at"),
        _("On time?"),
        _("Number of visits"),
        _("Problems"),
        _("Suggestions"),
    ]
    data: list[list[Any]] = [[_p(h, "small_center") for h in head]]
    missing_rows = []
    for row, m in enumerate(rollup.managers, start=1):
        state_style = "small_center" if m.handed_in else "missing"
        if not m.handed_in:
            missing_rows.append(row)
        data.append(
            [
                m.employee_no,
                _p(m.name, "small_center"),
                _p(m.state_label, state_style),
                short_time(m.submitted_at),
                on_time_text(m),
                visits_text(m),
                _p(clip(m.text("problems"), text_width) if m.handed_in else ""),
                _p(clip(m.text("suggestions"), text_width) if m.handed_in else ""),
            ]
        )
    extra = [("BACKGROUND", (0, r), (-1, r), (0.985, 0.94, 0.94)) for r in missing_rows]
    return _table(data, COVER_WIDTHS, extra, center=(0, 3, 4, 5))


def _table(
    data: list[list[Any]],
    widths: tuple[float, ...],
    extra: list[tuple[Any, ...]] | None = None,
    center: tuple[int, ...] = (),
) -> Flowable:
    """A grid with a shaded header row. Short fixed cells (dates, times, numbers) are
    plain strings in the table's font, not paragraphs: far cheaper to lay out."""
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
        ("FONTNAME", (0, 0), (-1, -1), layout.font_name()),
        ("FONTSIZE", (0, 0), (-1, -1), SMALL_SIZE),
        ("LEADING", (0, 0), (-1, -1), SMALL_LEADING),
        *(("ALIGN", (c, 1), (c, -1), "CENTER") for c in center),
        *(extra or []),
    ]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _spacer(height: float) -> Flowable:
    from reportlab.platypus import Spacer

    return Spacer(1, height)


# --- the charts --------------------------------------------------------------------------


def _image(png: bytes, size: tuple[float, float]) -> Image:
    from reportlab.platypus import Image

    width = CONTENT_WIDTH
    return Image(io.BytesIO(png), width=width, height=width * size[1] / size[0])


def _charts(rollup: Rollup) -> list[Flowable]:
    """Both charts on one page: after the cover when they fit there, else on the next."""
    from reportlab.platypus import CondPageBreak, KeepTogether

    records, names = rollup.history.records, rollup.history.names
    weeks = len({r.week_start for r in records})
    grid_size = weekly_charts.on_time_size(len(names))
    grid = _image(weekly_charts.on_time_png(records, names, title=""), grid_size)
    visits_size = weekly_charts.VISITS_SIZE_INCHES
    visits = _image(weekly_charts.visits_png(records, names, title=""), visits_size)
    headings = 2 * (19 + 10 + 4)  # two h2 paragraphs: leading and space around
    needed = grid.drawHeight + visits.drawHeight + headings
    return [
        CondPageBreak(needed),
        KeepTogether(
            [
                layout.para(_("On-time submission, last {weeks} weeks").format(weeks=weeks), "h2"),
                grid,
            ]
        ),
        KeepTogether([layout.para(_("Visits per week, branch total"), "h2"), visits]),
    ]


# --- one manager -------------------------------------------------------------------------


def manager_heading(m: RollupManager) -> str:
    return f"{m.employee_no} {m.name}"


def status_line(m: RollupManager) -> str:
    parts = [layout.labelled(_("State"), m.state_label)]
    if m.submitted_at is not None:
        parts.append(layout.labelled(_("Submitted at"), format_time(m.submitted_at)))
        parts.append(layout.labelled(_("On time?"), on_time_text(m)))
    if m.revision > 1:
        parts.append(_("Revision {revision}").format(revision=m.revision))
    parts.append(layout.labelled(_("Number of visits"), visits_text(m)))
    return "　".join(parts)


def _section(m: RollupManager) -> list[Flowable]:
    from reportlab.platypus import PageBreak

    story: list[Flowable] = [
        PageBreak(),
        layout.para(manager_heading(m), "h2"),
        layout.para(status_line(m), "cell"),
    ]
    for _field, label, text in m.texts:
        story.append(layout.para(label, "h3"))
        story.append(_text(text or EMPTY))
    story.append(layout.para(_("Visits done this week"), "h3"))
    if m.visits:
        data: list[list[Any]] = [
            [_p(h, "small_center") for h in (_("Date"), _("Customer"), _("Service provided"))]
        ]
        data += [[v.day.isoformat(), _p(v.customer), _p(v.content or EMPTY)] for v in m.visits]
        story.append(_table(data, VISIT_WIDTHS, center=(0,)))
    else:
        story.append(layout.para(_("No visits this week.")))
    story.append(layout.para(_("Last week's plan for this week"), "h3"))
    story.append(_checklist(m.checklist))
    story.append(layout.para(_("Visits planned for next week"), "h3"))
    story.append(_next_plans(m.next_plans))
    story.append(layout.para(_("Supervisor's comment"), "h3"))
    story.append(_text(m.review_comment or EMPTY))
    review = [layout.labelled(_("Review state"), m.review_label or EMPTY)]
    if m.return_reason:
        review.append(layout.labelled(_("Returned because"), m.return_reason))
    story.append(layout.para("　".join(review), "cell"))
    return story


def _checklist(plans: list[RollupPlan]) -> Flowable:
    if not plans:
        return layout.para(_("No visits were planned."))
    head = (_("Customer"), _("Planned day"), _("Visit purpose"), _("Outcome"), _("Reason or note"))
    data: list[list[Any]] = [[_p(h, "small_center") for h in head]]
    for p in plans:
        data.append(
            [
                _p(p.customer),
                day_text(p.planned_day),
                _p(p.purpose or EMPTY),
                p.outcome_label,
                _p(p.detail or EMPTY),
            ]
        )
    return _table(data, CHECKLIST_WIDTHS, center=(1, 3))


def _next_plans(plans: list[RollupPlan]) -> Flowable:
    if not plans:
        return layout.para(_("No visits planned yet."))
    head = (_("Customer"), _("Planned day"), _("Visit purpose"))
    data: list[list[Any]] = [[_p(h, "small_center") for h in head]]
    for p in plans:
        data.append([_p(p.customer), day_text(p.planned_day), _p(p.purpose or EMPTY)])
    return _table(data, NEXT_WIDTHS, center=(1,))


def not_handed_in_text(m: RollupManager) -> str:
    if m.state == "draft":
        return _("Not submitted: the summary is still a draft.")
    return _("Not submitted: no summary was handed in for this week.")


def _missing_section(m: RollupManager) -> list[Flowable]:
    from reportlab.platypus import CondPageBreak

    return [
        CondPageBreak(40 * MM),
        layout.para(manager_heading(m), "h2"),
        layout.para(layout.labelled(_("State"), m.state_label), "cell"),
        layout.para(not_handed_in_text(m), "notice"),
    ]
