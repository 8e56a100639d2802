"""Confidentiality at rest (issue 6, item 8): a store and its backups encrypted with SQLCipher.

CI installs the `encryption` extra (sqlcipher3-wheels) with the test extra, so these run
there; the importorskip only spares a development venv without it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app import crypt_store
from app.backup import BackupError, backup_file, describe, make_backup, restore
from app.db import Store, StoreError, copy_aside, environment_fault, open_store, sqlite_problems
from app.services import auth, staff
from app.services.auth import Actor, Role

sqlcipher3 = pytest.importorskip("sqlcipher3")

from tests.conftest import SUPERVISOR_PASSWORD  # noqa: E402

PASSPHRASE = "网点的口令 correct horse"
SECRET_NAME = "欧阳明月"  # a manager's name: its UTF-8 bytes must never reach the disk
SECRET = SECRET_NAME.encode("utf-8")


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def table_digest(path: Path, passphrase: str | None = None) -> str:
    """Every row of every table, hashed: "the data is the same" (audit table included)."""
    conn = crypt_store.connect(path, passphrase) if passphrase else sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in sorted(tables):
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr((table, row)).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def on_disk(path: Path) -> bytes:
    """The store file and its WAL, as an attacker who copies the folder gets them."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def make_encrypted_template(folder: Path, branch_template: Path) -> tuple[Path, str]:
    """The test branch with a manager named SECRET_NAME, encrypted; (path, row digest)."""
    path = folder / "encrypted.sqlite3"
    shutil.copyfile(branch_template, path)
    s = open_store(url_of(path))
    with s.transaction() as session:
        boss = auth.authenticate(session, "boss", SUPERVISOR_PASSWORD)
        assert boss is not None
        rec = staff.add_staff(session, boss, staff.StaffInput("E001", SECRET_NAME))
        auth.create_user(session, boss, "ue001", SECRET_NAME, "pw1234", Role.MANAGER, rec.id)
    s.close()
    digest = table_digest(path)
    kept = crypt_store.encrypt_store(path, PASSPHRASE)
    assert SECRET in kept.read_bytes()  # so the greps below would find the name in plain data
    kept.unlink()
    return path, digest


@pytest.fixture(scope="session")
def encrypted_template(
    store_templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    # Encrypted once per run; every copy has the same salt, so the key is derived once.
    return make_encrypted_template(tmp_path_factory.mktemp("encrypted"), store_templates["branch"])


@pytest.fixture
def encrypted(encrypted_template: tuple[Path, str], store_url: str) -> tuple[Path, str]:
    """A copy of the encrypted template where the test's store lives; (path, row digest)."""
    path = Path(store_url.removeprefix("sqlite:///"))
    shutil.copyfile(encrypted_template[0], path)
    return path, encrypted_template[1]


def test_an_encrypted_store_has_no_plaintext_on_disk(encrypted: tuple[Path, str]) -> None:
    path, digest = encrypted
    assert path.read_bytes()[:16] != crypt_store.SQLITE_HEADER
    assert SECRET not in on_disk(path)
    assert table_digest(path, PASSPHRASE) == digest  # every row made it across

    s = open_store(url_of(path), passphrase=PASSPHRASE)
    try:
        with s.transaction() as session:  # written through the WAL, encrypted too
            session.execute(
                text("UPDATE staff SET name = :n WHERE employee_no = 'E001'"),
                {"n": SECRET_NAME + "二"},
            )
        assert path.with_name(path.name + "-wal").stat().st_size > 0
        assert SECRET not in on_disk(path)
    finally:
        s.close()


def test_opening_needs_the_passphrase_and_a_wrong_one_changes_nothing(
    encrypted: tuple[Path, str],
) -> None:
    path, _digest = encrypted
    before = path.read_bytes()
    with pytest.raises(crypt_store.PassphraseRequired, match=r"加密|encrypted"):
        open_store(url_of(path))
    with pytest.raises(crypt_store.WrongPassphrase, match=re.escape(str(path))):
        open_store(url_of(path), passphrase="not the passphrase")
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()


def test_the_encrypted_store_keeps_our_sqlite_settings(encrypted: tuple[Path, str]) -> None:
    path, _digest = encrypted
    s = open_store(url_of(path), passphrase=PASSPHRASE)
    try:
        assert s.passphrase == PASSPHRASE
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("SELECT json_extract('{\"a\": 7}', '$.a')").scalar() == 7
        assert sqlite_problems(s) == []
    finally:
        s.close()


def test_a_standard_sqlcipher_tool_opens_it_with_the_passphrase(
    encrypted: tuple[Path, str],
) -> None:
    """We hand SQLCipher a raw key, derived as SQLCipher 4 derives it from `PRAGMA key`:
    so `PRAGMA key = '<passphrase>'` in the sqlcipher shell or DB Browser opens the file."""
    path, _digest = encrypted
    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
        names = [r[0] for r in conn.execute("SELECT name FROM staff")]
    finally:
        conn.close()
    assert SECRET_NAME in names


def test_backups_are_encrypted_and_need_the_passphrase(
    encrypted: tuple[Path, str], tmp_path: Path
) -> None:
    path, digest = encrypted
    with pytest.raises(BackupError, match=r"passphrase|口令"):
        backup_file(path, tmp_path / "b.sqlite3")
    assert not (tmp_path / "b.sqlite3").exists()

    made = make_backup(path, tmp_path / "backups", passphrase=PASSPHRASE)
    assert SECRET not in made.read_bytes()
    assert made.read_bytes()[:16] == path.read_bytes()[:16]  # same salt: same passphrase
    with pytest.raises(BackupError, match=r"passphrase|口令"):
        describe(made)
    with pytest.raises(BackupError):
        describe(made, passphrase="wrong wrong")
    info = describe(made, passphrase=PASSPHRASE)
    assert info.branches == ["测试网点"]

    s = open_store(url_of(path), passphrase=PASSPHRASE)
    with s.transaction() as session:
        session.execute(text("UPDATE staff SET name = '别人' WHERE employee_no = 'E001'"))
    s.close()
    assert table_digest(path, PASSPHRASE) != digest

    _info, safety = restore(made, path, tmp_path / "backups", passphrase=PASSPHRASE)
    assert safety is not None and SECRET not in safety.read_bytes()
    assert table_digest(path, PASSPHRASE) == digest
    assert path.read_bytes()[:16] != crypt_store.SQLITE_HEADER
    open_store(url_of(path), passphrase=PASSPHRASE).close()


def test_restoring_an_encrypted_backup_where_there_is_no_store(
    encrypted: tuple[Path, str], tmp_path: Path
) -> None:
    path, digest = encrypted
    made = backup_file(path, tmp_path / "copy.sqlite3", passphrase=PASSPHRASE)
    fresh = tmp_path / "new" / "store.sqlite3"
    restore(made, fresh, tmp_path / "new" / "backups", passphrase=PASSPHRASE)
    assert crypt_store.is_encrypted(fresh)
    assert table_digest(fresh, PASSPHRASE) == digest


def test_a_copy_aside_before_a_migration_is_encrypted_too(encrypted: tuple[Path, str]) -> None:
    path, digest = encrypted
    copy = copy_aside(path, "before-test", passphrase=PASSPHRASE)
    assert SECRET not in copy.read_bytes()
    assert table_digest(copy, PASSPHRASE) == digest


def test_decrypt_round_trips(encrypted: tuple[Path, str]) -> None:
    path, digest = encrypted
    kept = crypt_store.decrypt_store(path, PASSPHRASE)
    assert path.read_bytes()[:16] == crypt_store.SQLITE_HEADER
    assert crypt_store.is_encrypted(kept) and SECRET not in kept.read_bytes()
    assert table_digest(path) == digest
    s = open_store(url_of(path))
    s.close()
    with pytest.raises(crypt_store.CryptError):
        crypt_store.decrypt_store(path, PASSPHRASE)  # not encrypted any more


HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("UPDATE branch SET address = '人民路 1 号'")  # left in the WAL
print("ready", flush=True)
sys.stdin.readline()
"""


def test_encrypt_refuses_a_store_another_process_has_open(
    store: Store, supervisor: Actor, tmp_path: Path
) -> None:
    """Another process (SQLite in one process is shared by both drivers: POSIX locks are
    per process, so this needs a second one) with changes still in the WAL."""
    store.close()
    assert store.path is not None
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        before = store.path.read_bytes()
        with pytest.raises(crypt_store.CryptError, match=r"BranchDesk|网点管家"):
            crypt_store.encrypt_store(store.path, PASSPHRASE)
        assert store.path.read_bytes() == before
    finally:
        holder.communicate("\n", timeout=10)
    assert not crypt_store.is_encrypted(store.path)
    assert [p.name for p in tmp_path.iterdir() if "before-" in p.name or ".part" in p.name] == []
    with pytest.raises(crypt_store.CryptError):
        crypt_store.encrypt_store(store.path, "short")


def test_a_failed_encryption_leaves_the_store_unchanged(
    store: Store, supervisor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.close()
    assert store.path is not None
    before = store.path.read_bytes()

    def broken(*_args: object) -> None:
        raise crypt_store.CryptError("the new file failed its integrity check (test)")

    monkeypatch.setattr(crypt_store, "_verify", broken)
    with pytest.raises(crypt_store.CryptError, match="test"):
        crypt_store.encrypt_store(store.path, PASSPHRASE)
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == [store.path.name]


def test_without_the_driver_plain_stores_work_and_encryption_says_how(
    encrypted: tuple[Path, str],
    store_templates: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _digest = encrypted
    monkeypatch.setattr(crypt_store, "_driver", lambda: None)
    assert not crypt_store.available()
    with pytest.raises(StoreError, match=r"not a database|不是数据库|BranchDesk"):
        open_store(url_of(path))  # cannot tell it from any other non-database file
    with pytest.raises(crypt_store.EncryptionUnavailable, match="encryption"):
        open_store(url_of(path), passphrase=PASSPHRASE)
    plain = tmp_path / "plain.sqlite3"
    plain.write_bytes(store_templates["branch"].read_bytes())
    open_store(url_of(plain)).close()
    with pytest.raises(crypt_store.EncryptionUnavailable, match="encryption"):
        crypt_store.encrypt_store(plain, PASSPHRASE)


def test_a_passphrase_for_a_plain_store_is_ignored(store: Store, supervisor: Actor) -> None:
    store.close()
    s = open_store(store.url, passphrase=PASSPHRASE)
    try:
        assert s.passphrase is None
        with s.reading() as session:
            assert session.execute(text("SELECT count(*) FROM branch")).scalar() == 1
    finally:
        s.close()


def test_garbage_is_still_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"hello, this is not a store\n")
    with pytest.raises(StoreError) as excinfo:
        open_store(url_of(junk))
    assert not isinstance(excinfo.value, crypt_store.PassphraseRequired)


def test_sqlcipher_errors_are_environment_faults_too() -> None:
    """sqlcipher3's exceptions do not derive from sqlite3's: a full disk is still one."""
    crypt_store.dbapi()
    assert environment_fault(sqlcipher3.dbapi2.OperationalError("database or disk is full"))
    assert environment_fault(sqlcipher3.dbapi2.OperationalError("no such table: x")) is None


def test_a_damaged_encrypted_store_can_open_read_only(encrypted: tuple[Path, str]) -> None:
    path, _digest = encrypted
    with pytest.raises(crypt_store.PassphraseRequired):
        open_store(url_of(path), read_only=True)
    s = open_store(url_of(path), read_only=True, passphrase=PASSPHRASE)
    try:
        assert s.read_only and s.passphrase == PASSPHRASE
        with s.reading() as session:
            assert session.execute(text("SELECT count(*) FROM branch")).scalar() == 1
        with (
            pytest.raises(Exception, match=r"readonly|read-only|read only"),
            s.transaction() as session,
        ):
            session.execute(text("UPDATE branch SET address = 'x'"))
    finally:
        s.close()
