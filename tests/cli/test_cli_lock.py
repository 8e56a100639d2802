"""One writer per store from the CLI: writing commands take the writer lock, and are
refused while the app (or another writing command) holds it; a store on a network share
needs --accept-network-risk; links to the store are followed, broken ones refused."""

from __future__ import annotations

import argparse
import hashlib
import inspect
import os
import sqlite3
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli as cli_module
from app import i18n, storelock
from app.__main__ import build_parser
from app.services.auth import Actor
from app.storelock import acquire_writer
from tests.cli.conftest import Cli, Result

Part = namedtuple("Part", "device mountpoint fstype opts")


@pytest.fixture(autouse=True)
def english(isolated_user_folders: None) -> Iterator[None]:
    with i18n.using("en"):
        yield


@pytest.fixture
def cli(cli: Cli) -> Cli:
    """tests/cli/conftest.py's runner, with English messages (main() sets the language)."""

    def run(*args: str, stdin: str = "", db: str | None = None) -> Result:
        return cli("--lang", "en", *args, stdin=stdin, db=db)

    return run


@pytest.fixture
def store_file(store_url: str) -> Path:
    return Path(store_url.removeprefix("sqlite:///"))


def digest(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        rows = [
            (table, conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall())
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
    conn.close()
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def users(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        count: int = conn.execute("SELECT count(*) FROM app_user").fetchone()[0]
    conn.close()
    return count


def test_restore_is_refused_while_the_app_is_open(
    cli: Cli, supervisor: Actor, store_file: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "saved.sqlite3"
    assert cli("backup", "-o", str(saved)).code == 0  # backup runs beside the app
    before = digest(store_file)
    with acquire_writer(store_file):  # what the GUI holds while it runs
        result = cli("restore", str(saved))
        assert result.code == 2
        assert "BranchDesk is already open on this data file" in result.err
        assert f"process {os.getpid()}" in result.err and "Close it first" in result.err
        assert digest(store_file) == before
        assert not (store_file.parent / "backups").exists()  # not even the safety backup
    assert cli("restore", str(saved)).code == 0  # once the app is closed


def test_writing_commands_are_refused_and_reading_ones_run(
    cli: Cli, supervisor: Actor, store_file: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名\nA001,张三\n", encoding="utf-8")
    before = digest(store_file)
    with acquire_writer(store_file):
        for words in (
            ["demo"],
            ["staff", "import", str(roster)],
            ["rules", "set", "--rules", "bar"],
            ["meetings", "list"],  # generating the scheduled meetings writes
        ):
            result = cli(*words)
            assert result.code == 2, words
            assert "already open" in result.err, words
        assert digest(store_file) == before
        for words in (
            ["check"],
            ["staff", "list"],
            ["rules", "list"],
            ["staff", "import", str(roster), "--dry-run"],
            ["backup", "-o", str(tmp_path / "b.sqlite3")],
        ):
            result = cli(*words)
            assert result.code == 0, (words, result.err)
    assert cli("staff", "import", str(roster)).code == 0


def test_two_writing_commands_exclude_each_other(
    cli: Cli, supervisor: Actor, store_file: Path
) -> None:
    """The CLI's own lock: held only while the command runs, then free for the next."""
    assert cli("rules", "set", "--rules", "bar").code == 0
    assert not storelock.info_path(store_file).exists()  # the folder is left as it was
    assert not storelock.lock_path(store_file).exists()
    with acquire_writer(store_file):
        assert cli("rules", "set", "--rules", "office").code == 2
    assert cli("rules", "set", "--rules", "office").code == 0


def handlers(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from handlers(sub, (*words, name))
    handler = parser.get_default("handler")
    if handler is not None and words:
        yield " ".join(words), handler


def test_read_only_commands_really_only_read() -> None:
    """A command added to READ_ONLY_COMMANDS must not commit: it runs beside the app."""
    found = dict(handlers(build_parser()))
    assert set(found) >= cli_module.READ_ONLY_COMMANDS, "a name in the set is not a command"
    for name in cli_module.READ_ONLY_COMMANDS:
        source = inspect.getsource(found[name])
        for writing in ("transaction()", "commit()", "_apply_import", "restore("):
            assert writing not in source, (name, writing)
    assert {"restore", "demo", "init", "import punches", "import weekly"} <= (
        set(found) - cli_module.READ_ONLY_COMMANDS
    )


def test_store_on_a_network_share_needs_an_explicit_yes(
    cli: Cli, supervisor: Actor, store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = Part("//nas/office", str(store_file.parent.resolve()), "cifs", "rw")
    monkeypatch.setattr(storelock, "_partitions", lambda: [Part("/dev/sda1", "/", "ext4", "rw")])
    assert cli("rules", "set", "--rules", "bar").code == 0  # a local disk: no question
    monkeypatch.setattr(storelock, "_partitions", lambda: [share])
    before = digest(store_file)
    refused = cli("rules", "set", "--rules", "office")
    assert refused.code == 2
    for needle in ("cifs", "corrupt", "postgresql+psycopg://", "--accept-network-risk"):
        assert needle in refused.err
    assert digest(store_file) == before
    assert cli("check").code == 0  # reading is not refused
    accepted = cli("--accept-network-risk", "rules", "set", "--rules", "office")
    assert accepted.code == 0, accepted.err


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_link_to_the_store_uses_the_real_file(cli: Cli, supervisor: Actor, tmp_path: Path) -> None:
    real = tmp_path / "real" / "branchdesk.sqlite3"
    real.parent.mkdir()
    assert cli("backup", "-o", str(real)).code == 0  # a copy of the test store
    link = tmp_path / "desktop" / "branchdesk.sqlite3"
    link.parent.mkdir()
    link.symlink_to(real)
    assert cli("rules", "set", "--rules", "bar", db=str(link)).code == 0
    assert not list(link.parent.glob("*.lock*"))  # the lock was beside the real file
    saved = tmp_path / "saved.sqlite3"
    assert cli("backup", "-o", str(saved), db=str(link)).code == 0
    assert cli("backup", db=str(link)).code == 0
    assert list((real.parent / "backups").glob("branchdesk-*.sqlite3"))
    assert not (link.parent / "backups").exists()  # backups beside the real file
    with acquire_writer(real):  # the app opened through the real name…
        assert cli("restore", str(saved), db=str(link)).code == 2  # …blocks the link's name
    result = cli("restore", str(saved), db=str(link))
    assert result.code == 0, result.err
    assert link.is_symlink() and link.resolve() == real.resolve()  # the link survives
    assert users(real) >= 1
    assert not list(link.parent.glob("*.lock*"))  # nothing is made beside the link


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_broken_link_is_refused(cli: Cli, tmp_path: Path) -> None:
    """Following it would make a new, empty store where the link points (or the folders
    of an unplugged drive on the system disk)."""
    link = tmp_path / "branchdesk.sqlite3"
    link.symlink_to(tmp_path / "usb-stick" / "branchdesk.sqlite3")
    (tmp_path / "here").mkdir()
    to_nothing = tmp_path / "desktop.sqlite3"
    to_nothing.symlink_to(tmp_path / "here" / "branchdesk.sqlite3")  # the folder is there
    for db in (link, to_nothing):
        for words in (["demo"], ["check"], ["backup"]):
            result = cli(*words, db=str(db))
            assert result.code == 2, words
            assert "does not exist" in result.err and str(db) in result.err
    assert not (tmp_path / "usb-stick").exists()
    assert not list((tmp_path / "here").iterdir())


def test_refused_command_leaves_no_folder_behind(cli: Cli, tmp_path: Path) -> None:
    result = cli("rules", "set", "--rules", "bar", db=str(tmp_path / "nowhere" / "x.sqlite3"))
    assert result.code == 2 and "no data file" in result.err
    assert not (tmp_path / "nowhere").exists()
