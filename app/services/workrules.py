"""Attendance work rules (考勤制度) as plain data, and the branch templates.

A rule says when the shift is, what counts as late or early, and what each case costs
(points and/or warnings). Rules are configurable per branch, never hard-coded: these
templates are only where a branch starts. Pure data: the day engine
(app/services/day_engine.py) applies them; the store keeps them as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import time
from enum import StrEnum
from typing import Any

from app.i18n import N_


class DayMode(StrEnum):
    CALENDAR = "calendar"  # the branch's working calendar (holidays, make-up days)
    EVERY_DAY = "every_day"  # bars, foot-spas: open daily, the rota says who rests
    WEEKDAYS = "weekdays"  # the chosen weekdays only


class WarningLevel(StrEnum):  # 口头 / 书面警告
    ORAL = "oral"
    WRITTEN = "written"


WARNING_LABELS = {
    WarningLevel.ORAL: N_("Oral warning"),
    WarningLevel.WRITTEN: N_("Written warning"),
}


@dataclass(frozen=True)
class Band:
    """From `min_minutes` on (inclusive: "15分钟以上" includes 15) this case costs
    `points` (a deduction, written as a positive number) and/or a warning. Of a rule's
    bands the highest one reached applies alone: it replaces the lower ones."""

    min_minutes: int
    points: int = 0
    warning: bool = False


@dataclass(frozen=True)
class WorkRule:
    key: str  # office | bar | foot-spa | a branch's own
    name: str  # shown to the user
    start: time
    end: time  # at or before `start`: the shift ends the next day and belongs to its start date
    breaks: tuple[tuple[time, time], ...] = ()  # unpaid, inside the shift
    grace_minutes: int = 0  # late minutes up to this are not late
    window_before_minutes: int = 240  # punches this long before the start count for the day
    window_after_minutes: int = 360  # and this long after the end
    day_mode: DayMode = DayMode.CALENDAR
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # with DayMode.WEEKDAYS; 0 = Monday
    late_bands: tuple[Band, ...] = ()
    early_bands: tuple[Band, ...] = ()
    missing_punch: Band = field(default_factory=lambda: Band(0))  # per missing punch
    # Oral warning per case; once a person's count of warning cases in a calendar month
    # (late arrivals, early leaves, missing punches whose band warns) exceeds this, each
    # further case is a written warning. None: never written.
    written_after: int | None = None
    exempt_late_per_month: int = 0  # the first N late arrivals in a month cost nothing

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("start", "end"):
            data[key] = getattr(self, key).strftime("%H:%M")
        data["breaks"] = [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in self.breaks]
        data["day_mode"] = self.day_mode.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkRule:
        def t(text: str) -> time:
            return time.fromisoformat(text)

        def band(b: dict[str, Any]) -> Band:
            return Band(int(b["min_minutes"]), int(b.get("points", 0)), bool(b.get("warning")))

        return cls(
            key=data["key"],
            name=data["name"],
            start=t(data["start"]),
            end=t(data["end"]),
            breaks=tuple((t(a), t(b)) for a, b in data.get("breaks", [])),
            grace_minutes=int(data.get("grace_minutes", 0)),
            window_before_minutes=int(data.get("window_before_minutes", 240)),
            window_after_minutes=int(data.get("window_after_minutes", 360)),
            day_mode=DayMode(data.get("day_mode", DayMode.CALENDAR)),
            weekdays=tuple(int(d) for d in data.get("weekdays", (0, 1, 2, 3, 4))),
            late_bands=tuple(band(b) for b in data.get("late_bands", [])),
            early_bands=tuple(band(b) for b in data.get("early_bands", [])),
            missing_punch=band(data.get("missing_punch", {"min_minutes": 0})),
            written_after=(
                None if data.get("written_after") is None else int(data["written_after"])
            ),
            exempt_late_per_month=int(data.get("exempt_late_per_month", 0)),
        )


_BAR_BANDS = (Band(15, points=3), Band(30, points=10))

TEMPLATES: dict[str, WorkRule] = {
    "office": WorkRule(
        key="office",
        name=N_("Office 09:00–18:00"),
        start=time(9, 0),
        end=time(18, 0),
        breaks=((time(12, 0), time(13, 0)),),
        grace_minutes=5,
        day_mode=DayMode.CALENDAR,
        late_bands=(Band(1, warning=True),),
        early_bands=(Band(1, warning=True),),
        written_after=3,
    ),
    "bar": WorkRule(
        key="bar",
        name=N_("Bar 20:00–01:00"),
        start=time(20, 0),
        end=time(1, 0),
        day_mode=DayMode.EVERY_DAY,
        late_bands=_BAR_BANDS,
        missing_punch=Band(0, points=2),
    ),
    "foot-spa": WorkRule(
        key="foot-spa",
        name=N_("Foot spa 12:00–24:00"),
        start=time(12, 0),
        end=time(0, 0),
        day_mode=DayMode.EVERY_DAY,
        late_bands=_BAR_BANDS,
        missing_punch=Band(0, points=2),
    ),
}
