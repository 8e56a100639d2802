"""Shared fixtures: every test gets its own user folders, store and fast password hashing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app import i18n
from app.db import Store, open_store
from app.services import auth, setup, staff
from app.services.auth import Actor, Role


@pytest.fixture(autouse=True, scope="session")
def fast_hashing() -> Iterator[None]:
    # Production uses argon2-cffi's defaults; tests need thousands of cheap hashes.
    previous = auth.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    auth.use_hasher(previous)


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """platformdirs and QSettings follow XDG_*: point them at a tmp dir (as qutebrowser does)."""
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "xdg" / var.lower()))
    monkeypatch.delenv("BRANCHDESK_DB", raising=False)
    monkeypatch.delenv("BRANCHDESK_LANG", raising=False)
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.close()


SUPERVISOR_PASSWORD = "secret1"


@pytest.fixture
def supervisor(store: Store) -> Actor:
    """An initialised branch 测试网点 and its supervisor `boss` (password `secret1`)."""
    with store.transaction() as session:
        return setup.initialize(
            session,
            setup.BranchSetup(
                branch_name="测试网点",
                supervisor_username="boss",
                supervisor_display_name="王主管",
                password=SUPERVISOR_PASSWORD,
            ),
        )


@pytest.fixture
def make_manager(store: Store, supervisor: Actor) -> Callable[..., Actor]:
    """Adds a staff member with a manager sign-in (password `pw1234`) and returns their Actor."""

    def make(employee_no: str, name: str) -> Actor:
        with store.transaction() as session:
            rec = staff.add_staff(session, supervisor, staff.StaffInput(employee_no, name))
            user = auth.create_user(
                session, supervisor, f"u{employee_no}", name, "pw1234", Role.MANAGER, rec.id
            )
            return auth.actor_for(user)

    return make
