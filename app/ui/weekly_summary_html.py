"""A weekly summary (每周工作进度汇总表) as HTML for a read-only QTextBrowser.

The review dialog shows two of these side by side (this week and last week). Qt's rich
text understands a subset of HTML 4 and CSS: tables with cellpadding, bgcolor and
simple `color`/`font-weight` styles work; flexbox and most borders do not. Every piece
of user text goes through `html.escape`, line breaks kept.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from html import escape

from app.i18n import N_, _
from app.services import weekly
from app.services.weekly import BoardState, PlanOutcome, PlanView, ReviewKind, SummaryView

# The review queue's colours, so the state reads the same in the table and the dialog.
STATE_COLORS = {
    BoardState.MISSING: "#c0392b",
    BoardState.LATE: "#d35400",
    BoardState.SUBMITTED: "#1f6feb",
    BoardState.APPROVED: "#1e8449",
    BoardState.RETURNED: "#7d3c98",
    BoardState.DRAFT: "#6b7280",
}
OUTCOME_COLORS = {
    PlanOutcome.DONE: "#1e8449",
    PlanOutcome.MOVED: "#d35400",
    PlanOutcome.DROPPED: "#6b7280",
    PlanOutcome.OPEN: "#c0392b",
}
EVENT_LABELS = {
    ReviewKind.COMMENT: N_("Review comment"),
    ReviewKind.RETURN: N_("Returned for revision"),
    ReviewKind.APPROVE: N_("Review passed"),
    ReviewKind.REVISE: N_("Revision started"),
    ReviewKind.IMPORT: N_("Imported from a file"),
}
MUTED = "#6b7280"
HEADER_BACKGROUND = "#eef2f7"


def state_color(state: str) -> str:
    return STATE_COLORS.get(BoardState(state), MUTED) if state else MUTED


def text_html(text: str) -> str:
    """User text, escaped, with its line breaks."""
    return escape(text).replace("\n", "<br>")


def local(instant: datetime | None, zone: tzinfo | None) -> datetime | None:
    if instant is None:
        return None
    return instant.astimezone(zone) if zone is not None else instant


def short_time(instant: datetime | None, zone: tzinfo | None) -> str:
    """ "11-27 16:05" in the branch's time zone; "—" for nothing."""
    at = local(instant, zone)
    return at.strftime("%m-%d %H:%M") if at is not None else "—"


def _day(day: date | None) -> str:
    if day is None:
        return "—"
    return _("{date} {weekday}").format(
        date=day.strftime("%m-%d"), weekday=_(weekly.WEEKDAY_SHORT[day.weekday()])
    )


def _section(title: str) -> str:
    return f'<h3 style="margin-top:14px; margin-bottom:4px; color:#1f2937;">{escape(title)}</h3>'


def _empty(text: str) -> str:
    return f'<p style="color:{MUTED};">{escape(text)}</p>'


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """Cells are HTML already (escape before)."""
    head = "".join(
        f'<th align="left" bgcolor="{HEADER_BACKGROUND}">{escape(h)}</th>' for h in headers
    )
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        '<table width="100%" cellspacing="0" cellpadding="4" border="1"'
        f' style="border-color:#d1d5db; border-collapse:collapse;">'
        f"<tr>{head}</tr>{body}</table>"
    )


def _plan_detail(plan: PlanView) -> str:
    outcome = PlanOutcome(plan.outcome)
    if outcome is PlanOutcome.DONE and plan.done_on is not None:
        return escape(_("Visited on {day}").format(day=_day(plan.done_on)))
    if outcome is PlanOutcome.MOVED and plan.moved_to is not None:
        if plan.reason:
            return text_html(
                _("Moved to {day}: {reason}").format(day=_day(plan.moved_to), reason=plan.reason)
            )
        return escape(_("Moved to {day}").format(day=_day(plan.moved_to)))
    return text_html(plan.reason)


def _plans(plans: list[PlanView], with_outcome: bool) -> str:
    headers = [_("Customer"), _("Planned day"), _("Purpose of the visit")]
    if with_outcome:
        headers += [_("Outcome"), _("Reason or detail")]
    rows = []
    for p in plans:
        row = [escape(p.customer_name), escape(_day(p.planned_day)), text_html(p.purpose)]
        if with_outcome:
            color = OUTCOME_COLORS.get(PlanOutcome(p.outcome), MUTED)
            row += [
                f'<span style="color:{color}; font-weight:600;">'
                f"{escape(weekly.outcome_label(p.outcome))}</span>",
                _plan_detail(p),
            ]
        rows.append(row)
    return _table(headers, rows)


def _header(view: SummaryView, zone: tzinfo | None) -> str:
    first, last = weekly.week_days(view.week_start)
    title = _("{name} · {week} ({first} – {last})").format(
        name=view.name,
        week=view.week,
        first=first.strftime("%m-%d"),
        last=last.strftime("%m-%d"),
    )
    state = view.board_state
    badge = (
        f'<span style="color:{state_color(state)}; font-weight:700;">'
        f"{escape(weekly.board_label(state))}</span>"
    )
    facts = [badge]
    if view.revision > 1:
        facts.append(escape(_("revision {n}").format(n=view.revision)))
    if view.submitted_at is not None:
        when = short_time(view.submitted_at, zone)
        if view.late:
            facts.append(
                f'<span style="color:{STATE_COLORS[BoardState.LATE]};">'
                + escape(_("submitted {time}, after the deadline").format(time=when))
                + "</span>"
            )
        else:
            facts.append(escape(_("submitted {time}, on time").format(time=when)))
    facts.append(
        f'<span style="color:{MUTED};">'
        + escape(_("due {time}").format(time=short_time(view.deadline, zone)))
        + "</span>"
    )
    return (
        f'<h2 style="margin-bottom:2px;">{escape(title)}</h2>'
        f'<p style="margin-top:0;">{escape(view.employee_no)} · {" · ".join(facts)}</p>'
    )


def _review(view: SummaryView, zone: tzinfo | None) -> str:
    parts = []
    if view.return_reason and view.board_state == BoardState.RETURNED:
        parts.append(
            f'<p style="color:{STATE_COLORS[BoardState.RETURNED]};"><b>'
            + escape(_("Returned for revision:"))
            + "</b> "
            + text_html(view.return_reason)
            + "</p>"
        )
    if view.review_comment:
        parts.append(
            "<p><b>"
            + escape(_("Supervisor's comment:"))
            + "</b> "
            + text_html(view.review_comment)
            + "</p>"
        )
    if view.reviewed_at is not None and parts:
        parts.append(
            f'<p style="color:{MUTED};">'
            + escape(_("Reviewed {time}").format(time=short_time(view.reviewed_at, zone)))
            + "</p>"
        )
    return "".join(parts)


def render(view: SummaryView) -> str:
    """The whole summary: header, the six texts, visits, last week's plan, next week's."""
    zone = view.deadline.tzinfo  # the deadline is in the branch's zone
    out = [_header(view, zone)]
    if not view.state:
        out.append(
            f'<p style="color:{STATE_COLORS[BoardState.MISSING]};">'
            + escape(_("Nothing has been saved for this week yet."))
            + "</p>"
        )
    review = _review(view, zone)
    if review:
        out.append(
            f'<table width="100%" cellpadding="6" bgcolor="#fbf7ee"><tr><td>{review}</td></tr>'
            "</table>"
        )
    out.append(_section(_("Visits done ({n})").format(n=len(view.visits))))
    if view.visits:
        out.append(
            _table(
                [_("Date"), _("Customer"), _("What was done")],
                [
                    [escape(_day(v.day)), escape(v.customer_name), text_html(v.content)]
                    for v in view.visits
                ],
            )
        )
    else:
        out.append(_empty(_("No visits this week.")))
    for name in weekly.TEXT_FIELDS:
        out.append(_section(_(weekly.TEXT_LABELS[name])))
        text = getattr(view.text, name)
        out.append(f"<p>{text_html(text)}</p>" if text.strip() else _empty(_("(empty)")))
    out.append(_section(_("Last week's plan for this week")))
    out.append(
        _plans(view.checklist, with_outcome=True)
        if view.checklist
        else _empty(_("No visits were planned for this week."))
    )
    out.append(_section(_("Visits planned for next week")))
    out.append(
        _plans(view.next_plans, with_outcome=False)
        if view.next_plans
        else _empty(_("No visits planned yet."))
    )
    if view.source_file:
        out.append(
            f'<p style="color:{MUTED};">'
            + escape(_("Imported from {file}").format(file=view.source_file))
            + "</p>"
        )
    return "".join(out)


def event_label(kind: str) -> str:
    try:
        return _(EVENT_LABELS[ReviewKind(kind)])
    except ValueError:
        return kind


def render_events(view: SummaryView) -> str:
    """The review history, oldest first: when, who, what, and the text."""
    zone = view.deadline.tzinfo
    if not view.events:
        return _empty(_("No review yet."))
    rows = []
    for e in view.events:
        rows.append(
            [
                escape(short_time(e.at, zone)),
                escape(e.by),
                f"<b>{escape(event_label(e.kind))}</b>",
                text_html(e.text),
            ]
        )
    return _table([_("Time"), _("By"), _("Action"), _("Text")], rows)
