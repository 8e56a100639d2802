"""First run, sign-in and role enforcement."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from app.db import Store
from app.models import Branch, CalendarYear, User
from app.services import auth, setup
from app.services.auth import Actor, Role
from app.services.errors import PermissionDenied, ServiceError, ValidationError

SUPERVISOR_PASSWORD = "secret1"  # as in tests/conftest.py


def _setup(**overrides: str) -> setup.BranchSetup:
    values = dict(
        branch_name="东城支行",
        supervisor_username="zhang",
        supervisor_display_name="张主管",
        password="abcd1234",
        password_repeat="abcd1234",
    )
    values.update(overrides)
    return setup.BranchSetup(**values)  # type: ignore[arg-type]


def test_initialize_creates_branch_supervisor_and_calendar(store: Store) -> None:
    with store.transaction() as session:
        actor = setup.initialize(session, _setup(rules_template="bar", address="东城区1号"))
    assert actor.role is Role.SUPERVISOR
    with store.reading() as session:
        branch = session.scalars(select(Branch)).one()
        assert (branch.name, branch.timezone, branch.rules_template) == (
            "东城支行",
            "Asia/Shanghai",
            "bar",
        )
        user = session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert "abcd1234" not in user.password_hash
        years = set(session.scalars(select(CalendarYear.year)))
        assert {2004, 2025, 2026} <= years and 2027 not in years


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"branch_name": "  "}, "branch_name"),
        ({"supervisor_username": ""}, "username"),
        ({"supervisor_username": "zhang san"}, "username"),
        ({"password": "ab", "password_repeat": "ab"}, "password"),
        ({"password_repeat": "different"}, "password_repeat"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"rules_template": "casino"}, "rules_template"),
    ],
)
def test_initialize_rejects_bad_input_and_writes_nothing(
    store: Store, overrides: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as err, store.transaction() as session:
        setup.initialize(session, _setup(**overrides))
    assert err.value.field == field
    assert str(err.value)  # a message for the user
    with store.reading() as session:
        assert not setup.is_initialized(session)


def test_initialize_refuses_an_initialised_store(store: Store, supervisor: Actor) -> None:
    with pytest.raises(ServiceError), store.transaction() as session:
        setup.initialize(session, _setup(supervisor_username="other"))
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_authenticate(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        assert auth.authenticate(session, "boss", "wrong") is None
        assert auth.authenticate(session, "nobody", SUPERVISOR_PASSWORD) is None
        actor = auth.authenticate(session, " BOSS ", SUPERVISOR_PASSWORD)
    assert actor is not None and actor.user_id == supervisor.user_id
    with store.reading() as session:
        assert session.get(User, actor.user_id).last_login_at is not None  # type: ignore[union-attr]


def test_deactivated_user_cannot_sign_in(store: Store, supervisor: Actor) -> None:
    with store.transaction() as session:
        session.get(User, supervisor.user_id).active = False  # type: ignore[union-attr]
    with store.transaction() as session:
        assert auth.authenticate(session, "boss", SUPERVISOR_PASSWORD) is None


def test_password_is_rehashed_when_parameters_rise(store: Store, supervisor: Actor) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    previous = auth.use_hasher(stronger)
    try:
        with store.transaction() as session:
            assert auth.authenticate(session, "boss", SUPERVISOR_PASSWORD) is not None
        with store.reading() as session:
            stored = session.get(User, supervisor.user_id).password_hash  # type: ignore[union-attr]
        assert not stronger.check_needs_rehash(stored)
    finally:
        auth.use_hasher(previous)


def test_verify_password_for_unlock(store: Store, supervisor: Actor) -> None:
    with store.reading() as session:
        assert auth.verify_password(session, supervisor, SUPERVISOR_PASSWORD)
        assert not auth.verify_password(session, supervisor, "nope")


def test_create_user_rules(store: Store, supervisor: Actor, make_manager) -> None:  # type: ignore[no-untyped-def]
    manager = make_manager("A001", "李四")
    with pytest.raises(PermissionDenied), store.transaction() as session:
        auth.create_user(session, manager, "x", "x", "pw1234", Role.MANAGER, manager.staff_id)
    with pytest.raises(ValidationError), store.transaction() as session:
        auth.create_user(session, supervisor, "uA001", "dup", "pw1234", Role.MANAGER, 1)
    with pytest.raises(ValidationError), store.transaction() as session:
        auth.create_user(session, supervisor, "lonely", "x", "pw1234", Role.MANAGER, None)
    with store.transaction() as session:
        admin = auth.create_user(session, supervisor, "it", "IT", "pw1234", Role.ADMIN)
        assert auth.actor_for(admin).sees_whole_branch


def test_role_labels_are_translated() -> None:
    assert auth.role_label("supervisor") == "主管"
    assert auth.role_label("manager") == "客户经理"
