"""The store: pragmas, migrations, and refusing files that are not ours."""

from __future__ import annotations

import errno
import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from app import db
from app.config import resolve_store_url
from app.db import StoreError, environment_fault, open_store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_head_constant_matches_the_migration_scripts() -> None:
    assert db.script_head() == db.HEAD_REVISION


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """Autogenerate against a migrated store finds nothing: no model change lacks a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.models import Base

    store = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == []


def test_new_store_is_migrated_with_durable_pragmas(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'new' / 's.sqlite3'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == db.BUSY_TIMEOUT_MS
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == db.HEAD_REVISION
        )
    assert store.location().endswith("s.sqlite3")
    store.close()


def test_store_from_the_previous_revision_is_copied_aside_and_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "0001")  # type: ignore[arg-type]
        conn.execute(
            text(
                "INSERT INTO branch (id, name, address, timezone, rules_template, created_at) "
                "VALUES (1, '老网点', '', 'Asia/Shanghai', 'office', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()

    store = open_store(f"sqlite:///{path}")
    with store.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == db.HEAD_REVISION
        )
        assert conn.execute(text("SELECT name FROM branch")).scalar() == "老网点"
        conn.execute(text("SELECT count(*) FROM calendar_day")).scalar()
    store.close()
    (copy,) = tmp_path.glob(f"old.before-{db.HEAD_REVISION}.*.sqlite3")
    with sqlite3.connect(copy) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT name FROM branch").fetchone() == ("老网点",)


def test_a_store_made_by_a_newer_version_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = digest(path)
    with pytest.raises(StoreError, match="9999"):
        open_store(f"sqlite:///{path}")
    assert digest(path) == before


def test_someone_elses_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('x')")
    before = digest(path)
    with pytest.raises(StoreError, match="不属于网点管家"):
        open_store(f"sqlite:///{path}")
    assert digest(path) == before


@pytest.mark.parametrize(
    "content", [b"this is a spreadsheet, honest\n" * 200, b"\x00\x01garbage" * 500]
)
def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="不是数据库"):
        open_store(f"sqlite:///{path}")
    assert path.read_bytes() == content


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{tmp_path}")


def test_store_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = resolve_store_url()
    assert default.startswith("sqlite:///") and default.endswith("BranchDesk/branchdesk.sqlite3")
    assert str(tmp_path) in default  # the XDG folders point into the test's tmp dir
    monkeypatch.setenv("BRANCHDESK_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_store_url() == f"sqlite:///{tmp_path / 'env.sqlite3'}"
    assert resolve_store_url(str(tmp_path / "cli.sqlite3")).endswith("cli.sqlite3")
    url = "postgresql+psycopg://u:pw@server/branchdesk"
    assert resolve_store_url(url) == url
    # an SQLite URL to a link names the real file, as a plain path does
    real = tmp_path / "real.sqlite3"
    real.touch()
    (tmp_path / "link.sqlite3").symlink_to(real)
    assert resolve_store_url(f"sqlite:///{tmp_path / 'link.sqlite3'}") == f"sqlite:///{real}"
    assert resolve_store_url("sqlite:///:memory:") == "sqlite:///:memory:"


def test_store_counts_commits_for_automatic_backups(store_url: str) -> None:
    store = open_store(store_url)
    try:
        before = store.changes
        with store.transaction() as session:
            session.execute(text("SELECT 1"))
        assert store.changes == before + 1
    finally:
        store.close()


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (sqlite3.OperationalError("database or disk is full"), "磁盘已满"),
        (sqlite3.OperationalError("disk I/O error"), "I/O"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "只读"),
        (sqlite3.OperationalError("database is locked"), "锁定"),
        (sqlite3.DatabaseError("database disk image is malformed"), "损坏"),
        (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
    ],
)
def test_environment_faults_get_a_message_that_says_nothing_changed(
    exc: BaseException, words: str
) -> None:
    message = environment_fault(exc)
    assert message is not None and words in message and "没有任何更改" in message


@pytest.mark.parametrize(
    "exc",
    [ValueError("bug"), sqlite3.OperationalError("no such table: x"), OSError(errno.ENOENT, "x")],
)
def test_bugs_are_not_taken_for_environment_faults(exc: BaseException) -> None:
    assert environment_fault(exc) is None


def test_a_damaged_store_is_not_upgraded(store_url: str) -> None:
    """The copy taken before a migration must pass integrity_check, or nothing happens."""
    from tests.test_autobackup import damage

    open_store(store_url).close()
    path = Path(store_url.removeprefix("sqlite:///"))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TABLE audit_entry")
        conn.execute("UPDATE alembic_version SET version_num = '0007'")
    conn.close()
    damage(path, "calendar_day")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="完整性检查"):
        open_store(store_url)
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.before-*"))
