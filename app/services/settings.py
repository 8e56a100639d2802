"""Every branch setting declared once: key, type, default, translatable label (as Picard)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import Setting
from app.services.auth import Actor, require_supervisor
from app.services.errors import ValidationError


@dataclass(frozen=True)
class Option:
    key: str
    type: type
    default: Any
    label: str  # N_() marked; translate when shown
    minimum: int | None = None
    maximum: int | None = None


OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        Option(
            "meeting_signatures_required",
            bool,
            True,
            N_("Finalizing needs the signatures of attendees, host and minute-taker"),
        ),
        Option(
            "leave_types",
            list,
            ["事假", "病假", "年假", "调休", "婚假", "丧假", "产假", "陪产假"],
            N_("Kinds of leave"),
        ),
        Option("idle_lock_minutes", int, 10, N_("Lock the window after idle minutes"), 1, 240),
        Option(
            "calendar_warn_days",
            int,
            60,
            N_("Warn this many days before a year without holiday data"),
            7,
            365,
        ),
        Option(
            "meeting_arrivals_as_punches",
            bool,
            False,
            N_("Meeting arrival times count as attendance punches"),
        ),
        Option(
            "weekly_deadline_weekday",
            int,
            5,
            N_("Weekly summaries are due on weekday (1 = Monday … 7 = Sunday)"),
            1,
            7,
        ),
        Option("weekly_deadline_time", time, time(17, 30), N_("Weekly summaries are due at")),
        Option(
            "weekly_rollup_time",
            time,
            time(18, 0),
            N_("The roll-up for the market department is due that day at"),
        ),
        Option(
            "weekly_late_points",
            int,
            0,
            N_("Points a late weekly summary costs (0 = none)"),
            0,
            100,
        ),
        Option(
            "service_days_key",
            int,
            30,
            N_("Visit each key customer at least every N days (0 = no standard)"),
            0,
            366,
        ),
        Option(
            "service_days_normal",
            int,
            0,
            N_("Visit each normal customer at least every N days (0 = no standard)"),
            0,
            366,
        ),
    )
}


def get(session: Session, branch_id: int, key: str) -> Any:
    option = OPTIONS[key]
    row = session.get(Setting, (branch_id, key))
    if row is None:
        return option.default
    try:
        value = json.loads(row.value)
        if option.type is time:
            value = time.fromisoformat(value)
    except (ValueError, TypeError):
        return option.default
    return value if isinstance(value, option.type) else option.default


def get_all(session: Session, branch_id: int) -> dict[str, Any]:
    return {key: get(session, branch_id, key) for key in OPTIONS}


def set_value(session: Session, actor: Actor, key: str, value: Any) -> None:
    require_supervisor(actor)
    option = OPTIONS[key]
    wrong_type = not isinstance(value, option.type) or (
        isinstance(value, bool) and option.type is not bool
    )
    if option.type is list:
        value = [str(v).strip() for v in value] if isinstance(value, list) else value
        if wrong_type or not value or not all(value) or len(set(value)) != len(value):
            raise ValidationError(
                _("{label}: give at least one name, each once.").format(label=_(option.label)),
                field=key,
            )
        wrong_type = False
    if option.type is time and wrong_type:
        raise ValidationError(
            _("{label}: enter a time of day such as 17:30.").format(label=_(option.label)),
            field=key,
        )
    out_of_range = not wrong_type and (
        (option.minimum is not None and value < option.minimum)
        or (option.maximum is not None and value > option.maximum)
    )
    if wrong_type or out_of_range:
        raise ValidationError(
            _("{label}: enter a whole number from {low} to {high}.").format(
                label=_(option.label), low=option.minimum, high=option.maximum
            ),
            field=key,
        )
    # A time of day is kept as "HH:MM": JSON has no time type.
    stored = json.dumps(value.strftime("%H:%M") if isinstance(value, time) else value)
    row = session.get(Setting, (actor.branch_id, key))
    if row is None:
        session.add(Setting(branch_id=actor.branch_id, key=key, value=stored))
    else:
        row.value = stored
