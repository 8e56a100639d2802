from __future__ import annotations

import pytest

from app.db import Store
from app.services import settings
from app.services.auth import Actor
from app.services.errors import PermissionDenied, ValidationError


def test_defaults_and_changes(store: Store, supervisor: Actor) -> None:
    with store.reading() as session:
        assert settings.get_all(session, supervisor.branch_id)["idle_lock_minutes"] == 10
    with store.transaction() as session:
        settings.set_value(session, supervisor, "idle_lock_minutes", 3)
    with store.transaction() as session:
        settings.set_value(session, supervisor, "idle_lock_minutes", 5)
    with store.reading() as session:
        assert settings.get(session, supervisor.branch_id, "idle_lock_minutes") == 5


@pytest.mark.parametrize("value", [0, 241, "10", 2.5])
def test_out_of_range_or_wrong_type_is_refused(
    store: Store, supervisor: Actor, value: object
) -> None:
    with pytest.raises(ValidationError, match="1 到 240"), store.transaction() as session:
        settings.set_value(session, supervisor, "idle_lock_minutes", value)
    with store.reading() as session:
        assert settings.get(session, supervisor.branch_id, "idle_lock_minutes") == 10


def test_manager_cannot_change_settings(store: Store, make_manager) -> None:  # type: ignore[no-untyped-def]
    zhang = make_manager("A001", "张三")
    with pytest.raises(PermissionDenied), store.transaction() as session:
        settings.set_value(session, zhang, "idle_lock_minutes", 3)
