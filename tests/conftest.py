"""Shared fixtures: every test gets its own user folders, store and fast password hashing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# matplotlib builds a font cache per config dir; one per run, not one per test's XDG dir.
os.environ.setdefault(
    "MPLCONFIGDIR", os.path.join(os.path.expanduser("~"), ".cache", "branchdesk-tests-mpl")
)

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


SUPERVISOR_PASSWORD = "secret1"
TEST_BRANCH = setup.BranchSetup(
    branch_name="测试网点",
    supervisor_username="boss",
    supervisor_display_name="王主管",
    password=SUPERVISOR_PASSWORD,
)


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Migrating and seeding a store costs ~0.15 s; do it once and copy the closed file."""
    i18n.set_language("zh_CN")  # set-up stores some names (agenda items) in the UI language
    folder = tmp_path_factory.mktemp("templates")
    empty, branch = folder / "empty.sqlite3", folder / "branch.sqlite3"
    open_store(f"sqlite:///{empty}").close()
    shutil.copyfile(empty, branch)
    s = open_store(f"sqlite:///{branch}")
    with s.transaction() as session:
        setup.initialize(session, TEST_BRANCH)
    s.close()
    return {"empty": empty, "branch": branch}


@pytest.fixture
def store(
    store_url: str, store_templates: dict[str, Path], request: pytest.FixtureRequest
) -> Iterator[Store]:
    path = Path(store_url.removeprefix("sqlite:///"))
    wants_branch = "supervisor" in request.fixturenames
    shutil.copyfile(store_templates["branch" if wants_branch else "empty"], path)
    s = open_store(store_url)
    yield s
    s.close()


@pytest.fixture
def supervisor(store: Store) -> Actor:
    """An initialised branch 测试网点 and its supervisor `boss` (password `secret1`).

    The `store` fixture copied it from a template; this only signs the supervisor in.
    """
    with store.transaction() as session:
        actor = auth.authenticate(session, TEST_BRANCH.supervisor_username, SUPERVISOR_PASSWORD)
    assert actor is not None
    return actor


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
