"""Sign-in hardening: 5 wrong passwords within 15 minutes lock the account for 15 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.db import Store
from app.services import auth
from app.services.auth import AccountLocked, Actor

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def attempt(store: Store, password: str, at: datetime) -> Actor | None:
    with time_machine.travel(at, tick=False), store.transaction() as s:
        return auth.authenticate(s, "boss", password)


def test_four_wrong_then_right_signs_in_and_resets(store: Store, supervisor: Actor) -> None:
    for n in range(4):
        assert attempt(store, "wrong", T0 + timedelta(minutes=n)) is None
    assert attempt(store, "secret1", T0 + timedelta(minutes=5)) is not None
    # The count started again: four more wrong ones do not lock either.
    for n in range(4):
        assert attempt(store, "wrong", T0 + timedelta(minutes=6 + n)) is None
    assert attempt(store, "secret1", T0 + timedelta(minutes=11)) is not None


def test_five_wrong_within_15_minutes_lock_for_15_minutes(store: Store, supervisor: Actor) -> None:
    for n in range(5):
        assert attempt(store, "wrong", T0 + timedelta(minutes=3 * n)) is None
    fifth = T0 + timedelta(minutes=12)
    with pytest.raises(AccountLocked, match="15"):
        attempt(store, "secret1", fifth + timedelta(seconds=1))
    with pytest.raises(AccountLocked, match=" 1 "):
        attempt(store, "secret1", fifth + timedelta(minutes=14, seconds=30))
    with time_machine.travel(fifth + timedelta(minutes=10), tick=False), store.reading() as s:
        assert auth.locked_message(s, "boss") is not None
    assert attempt(store, "secret1", fifth + timedelta(minutes=15, seconds=1)) is not None


def test_wrong_passwords_spread_out_do_not_lock(store: Store, supervisor: Actor) -> None:
    for n in range(10):
        assert attempt(store, "wrong", T0 + timedelta(minutes=4 * n)) is None
    assert attempt(store, "secret1", T0 + timedelta(minutes=41)) is not None


def test_unknown_user_names_lock_nothing(store: Store, supervisor: Actor) -> None:
    for n in range(6):
        with time_machine.travel(T0 + timedelta(minutes=n), tick=False), store.transaction() as s:
            assert auth.authenticate(s, "nobody", "x") is None
    assert attempt(store, "secret1", T0 + timedelta(minutes=7)) is not None
