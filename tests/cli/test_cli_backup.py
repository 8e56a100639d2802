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
