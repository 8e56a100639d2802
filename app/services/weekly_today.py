"""The customer visits of one day, for the morning console and the Today page.

A day's visits are its trip records (出行记录表, written before going out) plus the
visits planned for that day in last week's plan (下周客户拜访计划) that have no trip
record yet (and were not already moved, dropped or done earlier in the week): a planned
visit and the trip written for it are one visit, not two.

Roles: the supervisor sees the branch; an account manager only their own visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Customer, Staff, TripRecord, VisitLog, VisitPlan
from app.services.auth import Actor

VisitSource = Literal["trip", "plan"]


@dataclass(frozen=True)
class TodayVisit:
    staff_id: int
    employee_no: str
    name: str
    customer_name: str
    purpose: str
    planned_out: time | None
    planned_back: time | None
    source: VisitSource  # "trip": a trip record; "plan": planned, no trip record yet
    logged: bool  # a visit log for that person, customer and day exists


def _order(visit: TodayVisit) -> tuple[bool, time, str, str]:
    # Timed visits first, by time out; untimed ones (plans usually) after them.
    return (
        visit.planned_out is None,
        visit.planned_out or time(0),
        visit.employee_no,
        visit.customer_name,
    )


def visits_on(session: Session, actor: Actor, day: date) -> list[TodayVisit]:
    """The visits on `day` (see the module docstring), by time out then employee number."""
    if actor.sees_whole_branch:
        only: int | None = None
    elif actor.staff_id is None:
        return []  # a manager sign-in without a staff record has no visits
    else:
        only = actor.staff_id

    def scoped(query, column):  # type: ignore[no-untyped-def]
        return query if only is None else query.where(column == only)

    people = {
        sid: (no, name)
        for sid, no, name in session.execute(
            scoped(
                select(Staff.id, Staff.employee_no, Staff.name).where(
                    Staff.branch_id == actor.branch_id
                ),
                Staff.id,
            )
        )
    }
    customers = {
        cid: name
        for cid, name in session.execute(
            scoped(
                select(Customer.id, Customer.name).where(Customer.branch_id == actor.branch_id),
                Customer.owner_staff_id,
            )
        )
    }
    logged = {
        (sid, cid)
        for sid, cid in session.execute(
            scoped(
                select(VisitLog.staff_id, VisitLog.customer_id).where(
                    VisitLog.branch_id == actor.branch_id, VisitLog.day == day
                ),
                VisitLog.staff_id,
            )
        )
    }
    # A plan is done by any visit log of that person and customer in its week
    # (weekly.plans_for's rule): one seen earlier in the week is no visit today.
    week_start = day - timedelta(days=day.weekday())
    done_this_week = {
        (sid, cid)
        for sid, cid in session.execute(
            scoped(
                select(VisitLog.staff_id, VisitLog.customer_id).where(
                    VisitLog.branch_id == actor.branch_id,
                    VisitLog.day.between(week_start, week_start + timedelta(days=6)),
                ),
                VisitLog.staff_id,
            )
        )
    }
    visits: list[TodayVisit] = []
    tripped: set[tuple[int, int]] = set()
    trips = session.scalars(
        scoped(
            select(TripRecord).where(
                TripRecord.branch_id == actor.branch_id, TripRecord.day == day
            ),
            TripRecord.staff_id,
        )
    )
    for trip in trips:
        if trip.staff_id not in people:
            continue
        key = (trip.staff_id, trip.customer_id)
        tripped.add(key)
        no, name = people[trip.staff_id]
        visits.append(
            TodayVisit(
                trip.staff_id,
                no,
                name,
                customers.get(trip.customer_id, ""),
                trip.purpose,
                trip.planned_out,
                trip.planned_back,
                "trip",
                key in logged,
            )
        )
    plans = session.scalars(
        scoped(
            select(VisitPlan).where(
                VisitPlan.branch_id == actor.branch_id,
                VisitPlan.planned_day == day,
                VisitPlan.outcome == "",  # a visit already moved or dropped is not on
            ),
            VisitPlan.staff_id,
        ).order_by(VisitPlan.id)
    )
    for plan in plans:
        key = (plan.staff_id, plan.customer_id)
        if plan.staff_id not in people or key in tripped:
            continue
        if key in done_this_week and key not in logged:
            continue
        tripped.add(key)  # the same customer planned twice that day is one visit
        no, name = people[plan.staff_id]
        visits.append(
            TodayVisit(
                plan.staff_id,
                no,
                name,
                customers.get(plan.customer_id, ""),
                plan.purpose,
                None,
                None,
                "plan",
                key in logged,
            )
        )
    visits.sort(key=_order)
    return visits
