"""Changing one's own password, and the supervisor resetting a manager's password or PIN."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.db import Store
from app.models import Staff, User
from app.services import auth, setup, staff
from app.services.auth import AccountLocked, Actor
from app.services.errors import NotFound, PermissionDenied, ValidationError

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def sign_in(store: Store, username: str, password: str) -> Actor | None:
    with store.transaction() as s:
        return auth.authenticate(s, username, password)


def test_change_own_password(store: Store, supervisor: Actor) -> None:
    with store.transaction() as s:
        auth.change_password(s, supervisor, "secret1", "new-secret", "new-secret")
    assert sign_in(store, "boss", "secret1") is None
    assert sign_in(store, "boss", "new-secret") is not None


def test_manager_changes_own_password(store: Store, make_manager: Callable[..., Actor]) -> None:
    a = make_manager("A001", "张三")
    with store.transaction() as s:
        auth.change_password(s, a, "pw1234", "abcd", "abcd")
    assert sign_in(store, "uA001", "abcd") is not None


@pytest.mark.parametrize(
    ("current", "new", "repeat", "field"),
    [
        ("wrong", "new-secret", "new-secret", "current"),
        ("secret1", "abc", "abc", "password"),
        ("secret1", "new-secret", "new-secreT", "password_repeat"),
        ("secret1", "secret1", "secret1", "password"),
    ],
)
def test_change_password_refusals_change_nothing(
    store: Store, supervisor: Actor, current: str, new: str, repeat: str, field: str
) -> None:
    with pytest.raises(ValidationError) as caught, store.transaction() as s:
        auth.change_password(s, supervisor, current, new, repeat)
    assert caught.value.field == field
    assert str(caught.value)  # a message for the user
    assert sign_in(store, "boss", "secret1") is not None


def test_supervisor_resets_a_managers_password_by_staff_or_user(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    a = make_manager("A001", "张三")
    with store.transaction() as s:
        auth.reset_password(s, supervisor, "fresh1", "fresh1", staff_id=a.staff_id)
    assert sign_in(store, "uA001", "pw1234") is None
    assert sign_in(store, "uA001", "fresh1") is not None
    with store.transaction() as s:
        auth.reset_password(s, supervisor, "fresh2", None, user_id=a.user_id)
    assert sign_in(store, "uA001", "fresh2") is not None


def test_reset_ends_a_lockout(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    a = make_manager("A001", "张三")
    with time_machine.travel(T0, tick=False):
        for _n in range(auth.LOCKOUT_ATTEMPTS):
            assert sign_in(store, "uA001", "wrong") is None
        with pytest.raises(AccountLocked):
            sign_in(store, "uA001", "pw1234")
        with store.transaction() as s:
            auth.reset_password(s, supervisor, "fresh1", "fresh1", staff_id=a.staff_id)
        with store.reading() as s:
            user = s.get(User, a.user_id)
            assert user is not None
            assert (user.failed_logins, user.first_failed_at, user.locked_until) == (0, None, None)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert sign_in(store, "uA001", "fresh1") is not None


def test_reset_refusals(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    a = make_manager("A001", "张三")
    b = make_manager("B002", "李四")
    with store.transaction() as s:
        no_sign_in = staff.add_staff(s, supervisor, staff.StaffInput("C003", "王五"))
    cases: list[tuple[Actor, dict[str, int | None], type[Exception]]] = [
        (a, {"staff_id": b.staff_id}, PermissionDenied),  # a manager may not reset
        (a, {"staff_id": a.staff_id}, PermissionDenied),  # not even their own
        (supervisor, {"user_id": supervisor.user_id}, PermissionDenied),  # own: change it
        (supervisor, {"staff_id": no_sign_in.id}, NotFound),
        (supervisor, {"user_id": 99_999}, NotFound),
    ]
    for actor, target, error in cases:
        with pytest.raises(error), store.transaction() as s:
            auth.reset_password(s, actor, "fresh1", "fresh1", **target)  # type: ignore[arg-type]
    with pytest.raises(ValidationError), store.transaction() as s:
        auth.reset_password(s, supervisor, "x", "x", staff_id=a.staff_id)
    assert sign_in(store, "uA001", "pw1234") is not None
    assert sign_in(store, "uB002", "pw1234") is not None


def test_reset_refused_across_branches(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    a = make_manager("A001", "张三")
    with store.transaction() as s:
        branch = setup.current_branch(s, supervisor)
        other = Actor(
            user_id=supervisor.user_id,
            branch_id=branch.id + 1,
            username="other",
            display_name="别的主管",
            role=auth.Role.SUPERVISOR,
        )
    with pytest.raises(NotFound), store.transaction() as s:
        auth.reset_password(s, other, "fresh1", "fresh1", staff_id=a.staff_id)


def test_supervisor_resets_a_kiosk_pin(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    a = make_manager("A001", "张三")
    assert a.staff_id is not None
    with store.transaction() as s:
        staff.set_pin(s, supervisor, a.staff_id, "1234")
        staff.set_pin(s, supervisor, a.staff_id, "5678")
    with store.reading() as s:
        pin_hash = s.scalar(select(Staff.pin_hash).where(Staff.id == a.staff_id))
    assert auth.verify_secret(pin_hash, "5678")
    assert not auth.verify_secret(pin_hash, "1234")
    with pytest.raises(PermissionDenied), store.transaction() as s:
        staff.set_pin(s, a, a.staff_id, "0000")


def test_a_reset_is_in_the_audit_trail_without_the_hash(
    store: Store, supervisor: Actor, make_manager: Callable[..., Actor]
) -> None:
    from app.services import audit

    a = make_manager("A001", "张三")
    with store.transaction() as s:
        auth.reset_password(s, supervisor, "fresh1", "fresh1", staff_id=a.staff_id)
    with store.reading() as s:
        newest = audit.list_entries(s, supervisor, entity="app_user", limit=1)[0]
        new_hash = s.scalar(select(User.password_hash).where(User.id == a.user_id))
    assert newest.entity_id == a.user_id and "boss" in newest.user_name
    assert new_hash is not None and new_hash not in repr(newest)
