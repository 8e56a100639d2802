"""`branchdesk backup [-o FILE]`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.services.auth import Actor
from tests.cli.conftest import Cli


def users(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM app_user").fetchone()[0]


def test_cli_backup(cli: Cli, supervisor: Actor, tmp_path: Path) -> None:
    out = tmp_path / "manual.sqlite3"
    result = cli("backup", "-o", str(out))
    assert result.code == 0, result.err
    assert users(out) == 1
    default = cli("backup")
    assert default.code == 0, default.err
    assert "backups" in default.out


def test_cli_backup_without_a_store(cli: Cli, tmp_path: Path) -> None:
    result = cli("backup", "-o", str(tmp_path / "x.sqlite3"), db=str(tmp_path / "none.sqlite3"))
    assert result.code == 2
    assert not (tmp_path / "x.sqlite3").exists()


def test_restore_brings_the_backup_back_and_keeps_the_current_data(
    cli: Cli, supervisor: Actor, make_manager: object, tmp_path: Path, store_url: str
) -> None:
    saved = tmp_path / "saved.sqlite3"
    assert cli("backup", "-o", str(saved)).code == 0
    make_manager("A001", "张三")  # type: ignore[operator]
    result = cli("--lang", "zh_CN", "restore", str(saved))
    assert result.code == 0, result.err
    assert "测试网点" in result.out
    store_file = Path(store_url.removeprefix("sqlite:///"))
    assert users(store_file) == 1  # the manager's sign-in is gone again
    [safety] = (store_file.parent / "backups").glob("branchdesk-*.sqlite3")
    assert users(safety) == 2  # …and kept in the backup made before the restore


def test_restore_refuses_a_damaged_or_foreign_file(
    cli: Cli, supervisor: Actor, tmp_path: Path, store_url: str
) -> None:
    import hashlib

    store_file = Path(store_url.removeprefix("sqlite:///"))
    before = hashlib.sha256(store_file.read_bytes()).hexdigest()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 500)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (x)")
    for bad in (junk, foreign, tmp_path / "missing.sqlite3"):
        result = cli("restore", str(bad))
        assert result.code == 2, bad
        assert bad.name in result.err
    assert hashlib.sha256(store_file.read_bytes()).hexdigest() == before
    assert not (store_file.parent / "backups").exists()
