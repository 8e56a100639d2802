"""The weekly summaries' two charts (matplotlib, Agg): for the roll-up PDF and the app.

  on_time_figure   a grid of managers (rows) × the last weeks (columns), each cell coloured
                   on time / late / not handed in, with each manager's on-time count at the
                   right: on A4 a grid reads better than 30 bar groups.
  visits_figure    visits logged per week, the branch's total (the last week darker).

Both take what `weekly.history()` returns (records with staff_id, week_start, state,
late, visits) and `names` {staff_id: name} in the order the rows should have; see
`weekly_reports.chart_history`. No pyplot, no Qt: a `Figure` on an Agg canvas has no
global state, so the UI may draw one from any thread (FigureCanvasQTAgg can take it over).
The same input gives the same PNG bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from app.i18n import N_, _
from app.reports.fonts import use_cjk_font_in_charts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 150
WIDTH_INCHES = 6.6
ROW_INCHES = 0.17  # one manager in the grid
GRID_EXTRA_INCHES = 1.1  # title, week labels and legend
VISITS_SIZE_INCHES = (WIDTH_INCHES, 2.5)

ON_TIME, LATE, NOT_IN = "on_time", "late", "not_in"
CELL_COLORS = {ON_TIME: "#5b9b5e", LATE: "#e3a33b", NOT_IN: "#c9504a"}
CELL_LABELS = {
    ON_TIME: N_("Handed in on time"),
    LATE: N_("Late (after the deadline)"),
    NOT_IN: N_("Not handed in"),
}
BAR_COLOR = "#9bb7d4"
LAST_BAR_COLOR = "#3a6ea5"
HANDED_IN_STATES = frozenset({"submitted", "late", "returned", "approved"})


class WeekRecordLike(Protocol):
    """What the charts read of `weekly.WeekRecord`."""

    @property
    def staff_id(self) -> int: ...
    @property
    def week_start(self) -> date: ...
    @property
    def state(self) -> str: ...
    @property
    def late(self) -> bool: ...
    @property
    def visits(self) -> int: ...


def cell_kind(record: WeekRecordLike) -> str:
    """on_time / late / not_in: a draft or nothing saved counts as not handed in."""
    if record.state not in HANDED_IN_STATES:
        return NOT_IN
    return LATE if record.late else ON_TIME


def week_tick(week_start: date) -> str:
    """W48 above 11/23: the ISO week and its Monday."""
    return f"W{week_start.isocalendar()[1]:02d}\n{week_start.month}/{week_start.day}"


def _weeks(records: Sequence[WeekRecordLike]) -> list[date]:
    return sorted({r.week_start for r in records})


def _rows(records: Sequence[WeekRecordLike], names: Mapping[int, str]) -> list[int]:
    rows = list(names)
    rows += sorted({r.staff_id for r in records} - set(names))
    return rows


def _figure(width: float, height: float) -> Figure:
    use_cjk_font_in_charts()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def on_time_size(people: int) -> tuple[float, float]:
    return WIDTH_INCHES, GRID_EXTRA_INCHES + ROW_INCHES * max(people, 5)


def on_time_figure(
    records: Sequence[WeekRecordLike], names: Mapping[int, str], *, title: str | None = None
) -> Figure:
    """Managers × weeks coloured on time / late / not handed in."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    weeks = _weeks(records)
    rows = _rows(records, names)
    fig = _figure(*on_time_size(len(rows)))
    ax = fig.add_subplot()
    ax.set_title(
        title if title is not None else _("Summaries handed in on time, by week"), fontsize=10.5
    )
    if not rows or not weeks:
        _nothing(ax, _("No managers"))
        return fig
    kinds = (ON_TIME, LATE, NOT_IN)
    code = {kind: n for n, kind in enumerate(kinds)}
    column = {week: n for n, week in enumerate(weeks)}
    row_of = {staff_id: n for n, staff_id in enumerate(rows)}
    grid = [[code[NOT_IN]] * len(weeks) for _row in rows]
    on_time = [0] * len(rows)
    for r in records:
        kind = cell_kind(r)
        grid[row_of[r.staff_id]][column[r.week_start]] = code[kind]
        if kind == ON_TIME:
            on_time[row_of[r.staff_id]] += 1
    cmap = ListedColormap([CELL_COLORS[k] for k in kinds])
    ax.pcolormesh(grid, cmap=cmap, vmin=-0.5, vmax=len(kinds) - 0.5, edgecolors="white", lw=1.2)
    ax.set_xlim(0, len(weeks))
    ax.set_ylim(len(rows), 0)  # the first manager at the top
    ax.set_xticks([n + 0.5 for n in range(len(weeks))], [week_tick(w) for w in weeks])
    ax.set_yticks([n + 0.5 for n in range(len(rows))], [names.get(s, str(s)) for s in rows])
    ax.tick_params(axis="both", length=0, labelsize=7.5)
    ax.xaxis.tick_top()
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    for n, count in enumerate(on_time):
        ax.text(
            len(weeks) + 0.15,
            n + 0.5,
            f"{count}/{len(weeks)}",
            va="center",
            ha="left",
            fontsize=7.5,
            color="#333333",
        )
    ax.legend(
        handles=[Patch(color=CELL_COLORS[k], label=_(CELL_LABELS[k])) for k in kinds],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        frameon=False,
        fontsize=8,
        handlelength=1.2,
    )
    _margins(fig, left=0.8, right=0.45, top=0.5, bottom=0.35, titled=bool(ax.get_title()))
    return fig


def visits_figure(
    records: Sequence[WeekRecordLike], names: Mapping[int, str], *, title: str | None = None
) -> Figure:
    """Visits logged per week, the branch's total; the last week is drawn darker."""
    from matplotlib.ticker import MaxNLocator

    fig = _figure(*VISITS_SIZE_INCHES)
    ax = fig.add_subplot()
    ax.set_title(title if title is not None else _("Visits logged per week"), fontsize=10.5)
    weeks = _weeks(records)
    wanted = set(names) if names else None
    totals = {week: 0 for week in weeks}
    for r in records:
        if wanted is None or r.staff_id in wanted:
            totals[r.week_start] += r.visits
    _plain_axes(ax)
    if not weeks:
        _nothing(ax, _("No visits"))
        return fig
    values = [totals[w] for w in weeks]
    colors = [BAR_COLOR] * (len(weeks) - 1) + [LAST_BAR_COLOR]
    bars = ax.bar(range(len(weeks)), values, width=0.62, color=colors)
    ax.bar_label(bars, padding=2, fontsize=7.5)
    ax.set_xticks(range(len(weeks)), [week_tick(w) for w in weeks])
    ax.set_xlim(-0.6, max(len(weeks), 4) - 0.4)
    ax.set_ylim(0, max(1, *values) * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _margins(fig, left=0.45, right=0.1, top=0.15, bottom=0.42, titled=bool(ax.get_title()))
    return fig


def _margins(
    fig: Figure, *, left: float, right: float, top: float, bottom: float, titled: bool
) -> None:
    """Fixed margins in inches: `tight_layout` would draw the whole figure once more
    to measure it, which costs as much as drawing it."""
    width, height = fig.get_size_inches()
    top += 0.3 if titled else 0.0
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
    )


def to_png(fig: Figure, dpi: int = DPI) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def on_time_png(
    records: Sequence[WeekRecordLike],
    names: Mapping[int, str],
    *,
    title: str | None = None,
    dpi: int = DPI,
) -> bytes:
    return to_png(on_time_figure(records, names, title=title), dpi)


def visits_png(
    records: Sequence[WeekRecordLike],
    names: Mapping[int, str],
    *,
    title: str | None = None,
    dpi: int = DPI,
) -> bytes:
    return to_png(visits_figure(records, names, title=title), dpi)


def _plain_axes(ax: Any) -> None:
    ax.tick_params(labelsize=7.5)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _nothing(ax: Any, text: str) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=10,
        color="#777777",
    )
