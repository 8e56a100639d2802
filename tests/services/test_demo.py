"""The demo branch: complete, idempotent, and polite to the branches already in the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Store
from app.models import Base, Branch, Staff, User
from app.services import auth, calendar, staff
from app.services.auth import Actor, Role
from app.services.demo import DEMO_BRANCH, build_demo, ensure_demo
from app.services.errors import ServiceError

# 2026-11-27 01:00 in Shanghai is still the 26th in UTC: the demo must count in branch time.
SHANGHAI_MORNING = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(SHANGHAI_MORNING, tick=False):
        yield


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table.name: sorted(map(tuple, session.execute(select(table)).all()), key=repr)
        for table in Base.metadata.sorted_tables
    }


def demo_actor(session: Session) -> Actor:
    user = auth.find_user(session, "demo")
    assert user is not None
    return auth.actor_for(user)


def test_demo_on_an_empty_store(store: Store) -> None:
    with store.transaction() as session:
        ensure_demo(session)
    with store.transaction() as session:
        actor = auth.authenticate(session, "demo", "demo")
        assert actor is not None and actor.role is Role.SUPERVISOR
        branch = session.get(Branch, actor.branch_id)
        assert branch is not None
        assert (branch.name, branch.timezone, branch.rules_template) == (
            DEMO_BRANCH,
            "Asia/Shanghai",
            "office",
        )
        people = staff.list_staff(session, actor)
        assert [p.employee_no for p in people] == [f"A{n:03d}" for n in range(1, 13)]
        assert len({p.name for p in people}) == 12
        assert {p.position for p in people} == {"客户经理", "大客户经理", "营销经理"}
        assert all(staff.normalize_phone(p.phone) == p.phone for p in people)
        hire_dates = [p.hire_date for p in people]
        assert all(d is not None and d <= date(2026, 11, 27) for d in hire_dates)
        assert people[-1].hire_date == date(2026, 10, 20)  # 38 days before today in Shanghai
        for username in ("demo1", "demo2"):
            manager = auth.authenticate(session, username, "demo")
            assert manager is not None and manager.role is Role.MANAGER
            assert manager.staff_id is not None
        assert calendar.list_year(session, actor.branch_id, 2026).known
        assert calendar.day_info(session, actor.branch_id, date(2026, 10, 1)).name == "国庆节"


def test_second_run_changes_nothing(store: Store) -> None:
    with store.transaction() as session:
        first = build_demo(session)
    assert first.branch_created and first.staff_added == 12
    assert first.logins_created == ["demo1", "demo2"]
    with store.reading() as session:
        before = snapshot(session)
    with store.transaction() as session:
        second = build_demo(session)
    assert not second.changed and second.staff_unchanged == 12
    with store.reading() as session:
        assert snapshot(session) == before


def test_refresh_repairs_edited_demo_data(store: Store) -> None:
    with store.transaction() as session:
        ensure_demo(session)
    with store.transaction() as session:
        actor = demo_actor(session)
        row = staff.find_by_employee_no(session, actor.branch_id, "A003")
        assert row is not None
        row.name = "改过的名字"
        user = auth.find_user(session, "demo")
        assert user is not None
        user.password_hash = auth.hash_secret("changed")
    with store.transaction() as session:
        report = build_demo(session)
    assert report.changed and report.staff_updated == 1
    with store.transaction() as session:
        assert auth.authenticate(session, "demo", "demo") is not None
        row = staff.find_by_employee_no(session, demo_actor(session).branch_id, "A003")
        assert row is not None and row.name == "王芳"


def test_demo_beside_an_existing_branch(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        staff.add_staff(session, supervisor, staff.StaffInput("A001", "本店的人"))
    with store.transaction() as session:
        ensure_demo(session)
    with store.reading() as session:
        branches = list(session.scalars(select(Branch.name).order_by(Branch.id)))
        assert branches == ["测试网点", DEMO_BRANCH]
        own = staff.list_staff(session, supervisor)
        assert [(p.employee_no, p.name) for p in own] == [("A001", "本店的人")]
        assert len(staff.list_staff(session, demo_actor(session))) == 12
        assert session.scalar(select(User.branch_id).where(User.username == "boss")) == 1


def test_demo_user_name_taken_by_another_branch(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        rec = staff.add_staff(session, supervisor, staff.StaffInput("X1", "真实员工"))
        auth.create_user(session, supervisor, "demo", "真实员工", "pw1234", Role.MANAGER, rec.id)
    with pytest.raises(ServiceError, match="demo"), store.transaction() as session:
        ensure_demo(session)
    with store.reading() as session:
        assert session.scalar(select(Branch).where(Branch.name == DEMO_BRANCH)) is None
        assert len(list(session.scalars(select(Staff)))) == 1


def test_manager_sign_in_taken_elsewhere_is_skipped(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        rec = staff.add_staff(session, supervisor, staff.StaffInput("X1", "真实员工"))
        auth.create_user(session, supervisor, "demo1", "真实员工", "pw1234", Role.MANAGER, rec.id)
    with store.transaction() as session:
        report = build_demo(session)
    assert report.logins_created == ["demo2"] and report.logins_skipped == ["demo1"]
