"""Charts as PNG bytes (matplotlib, Agg): for the report PDFs and, later, the Reports page.

matplotlib is imported inside the functions (0.3–0.5 s) and pyplot is never used: a
`Figure` on an Agg canvas has no global state and no GUI backend, so a chart can be drawn
from any thread. Output is deterministic for the same input and matplotlib version (no
timestamp or software name in the PNG metadata).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from app.i18n import _
from app.reports.fonts import use_cjk_font_in_charts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BAR_COLOR = "#3a6ea5"
LOW_COLOR = "#d9822b"  # weeks below LOW_RATE stand out
LOW_RATE = 0.9
SIZE_INCHES = (6.6, 2.9)
DPI = 150


def attendance_by_week_png(
    weeks: list[tuple[str, float]], *, title: str | None = None, dpi: int = DPI
) -> bytes:
    """A bar chart of meeting attendance rates by week; `weeks` is [(label, rate 0–1)].

    An empty list gives a chart that says there is nothing to show.
    """
    fig = _figure()
    ax = fig.add_subplot()
    ax.set_title(title if title is not None else _("Attendance rate by week"), fontsize=11)
    ax.set_ylim(0, 110)
    ax.set_yticks([0, 20, 40, 60, 80, 100], [f"{n}%" for n in (0, 20, 40, 60, 80, 100)])
    ax.tick_params(labelsize=8.5)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if weeks:
        labels = [label for label, _rate in weeks]
        values = [rate * 100 for _label, rate in weeks]
        colors = [BAR_COLOR if rate >= LOW_RATE else LOW_COLOR for _label, rate in weeks]
        bars = ax.bar(range(len(weeks)), values, width=0.6, color=colors)
        ax.set_xticks(range(len(weeks)), labels)
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(
                f"{value:.1f}%",
                (bar.get_x() + bar.get_width() / 2, value),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_xlim(-0.6, max(len(weeks), 4) - 0.4)
    else:
        ax.set_xticks([])
        ax.text(
            0.5,
            0.5,
            _("No meetings held"),
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=10,
            color="#777777",
        )
    fig.tight_layout()
    return _png(fig, dpi)


def _figure(size: tuple[float, float] = SIZE_INCHES) -> Figure:
    use_cjk_font_in_charts()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


LATE_COLOR = "#c0504d"
LATE_SIZE_INCHES = (6.6, 6.2)  # two charts stacked: weeks above, people below
TOP_PEOPLE = 15


def late_by_week_png(
    weeks: list[tuple[str, int]], people: list[tuple[str, int]], *, dpi: int = DPI
) -> bytes:
    """Late arrivals per week (above) and per person (below, the TOP_PEOPLE with most, as
    horizontal bars so that names read level). `weeks` is [(label, count)] in order;
    `people` is [(name, count)] in any order: ties go by name, people without a
    late arrival are left out. Empty data gives charts that say so."""
    from matplotlib.ticker import MaxNLocator

    fig = _figure(LATE_SIZE_INCHES)
    week_ax, person_ax = fig.subplots(2, 1, gridspec_kw={"height_ratios": (2, 3)})

    week_ax.set_title(_("Late arrivals by week"), fontsize=11)
    _plain_axes(week_ax, "y")
    if weeks:  # weeks without a late arrival still show, as zero
        bars = week_ax.bar(
            range(len(weeks)), [count for _label, count in weeks], width=0.6, color=LATE_COLOR
        )
        week_ax.set_xticks(range(len(weeks)), [label for label, _count in weeks])
        week_ax.bar_label(bars, padding=2, fontsize=8)
        week_ax.set_xlim(-0.6, max(len(weeks), 4) - 0.4)
        week_ax.set_ylim(0, max(1, *(count for _label, count in weeks)) * 1.18)
        week_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        _nothing(week_ax)

    person_ax.set_title(
        _("Late arrivals by person (top {count})").format(count=TOP_PEOPLE), fontsize=11
    )
    _plain_axes(person_ax, "x")
    ranked = sorted(
        ((name, count) for name, count in people if count > 0), key=lambda p: (-p[1], p[0])
    )[:TOP_PEOPLE]
    if ranked:
        rows = list(range(len(ranked)))[::-1]  # the most at the top
        bars = person_ax.barh(
            rows, [count for _name, count in ranked], height=0.6, color=LATE_COLOR
        )
        person_ax.set_yticks(rows, [name for name, _count in ranked])
        person_ax.bar_label(bars, padding=2, fontsize=8)
        person_ax.set_ylim(-0.6, max(len(ranked), 5) - 0.4)
        person_ax.set_xlim(0, ranked[0][1] * 1.12)
        person_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        _nothing(person_ax)
    fig.tight_layout()
    return _png(fig, dpi)


def _plain_axes(ax: Any, grid_axis: str) -> None:
    ax.tick_params(labelsize=8.5)
    ax.grid(axis=grid_axis, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _nothing(ax: Any) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(
        0.5,
        0.5,
        _("No late arrivals"),
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=10,
        color="#777777",
    )
