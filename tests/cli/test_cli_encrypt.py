"""`branchdesk encrypt|decrypt`, and the passphrase for every command on an encrypted store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app import crypt_store
from app.db import Store
from app.services.auth import Actor
from tests.cli.conftest import Cli

pytest.importorskip("sqlcipher3")

PASSPHRASE = "分行口令 2026 spring"
NAME = "欧阳明月"


@pytest.fixture
def plain(
    store: Store,
    supervisor: Actor,
    make_manager: Callable[..., Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    make_manager("E001", NAME)
    store.close()
    monkeypatch.delenv(crypt_store.ENV_PASSPHRASE, raising=False)
    assert store.path is not None
    return store.path


def test_encrypt_then_every_command_needs_the_passphrase(
    cli: Cli, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(crypt_store.ENV_PASSPHRASE, "short")
    refused = cli("encrypt")
    assert refused.code == 2 and "8" in refused.err
    assert not crypt_store.is_encrypted(plain)

    monkeypatch.setenv(crypt_store.ENV_PASSPHRASE, PASSPHRASE)
    done = cli("encrypt")
    assert done.code == 0, done.err
    assert crypt_store.is_encrypted(plain)
    assert NAME.encode() not in plain.read_bytes()
    kept = [p for p in plain.parent.iterdir() if "before-encrypt" in p.name]
    assert len(kept) == 1 and str(kept[0]) in done.out  # the plain copy is named, to delete

    assert cli("encrypt").code == 2  # already encrypted

    monkeypatch.delenv(crypt_store.ENV_PASSPHRASE)
    without = cli("staff", "list")  # stdin is not a terminal: no prompt, a clear refusal
    assert without.code == 2 and crypt_store.ENV_PASSPHRASE in without.err
    monkeypatch.setenv(crypt_store.ENV_PASSPHRASE, "not the passphrase")
    wrong = cli("staff", "list")
    assert wrong.code == 2 and str(plain) in wrong.err
    monkeypatch.setenv(crypt_store.ENV_PASSPHRASE, PASSPHRASE)
    listed = cli("staff", "list", "--json")
    assert listed.code == 0, listed.err
    assert NAME in listed.out
    assert cli("check").code == 0


def test_backup_restore_and_decrypt_of_an_encrypted_store(
    cli: Cli, plain: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(crypt_store.ENV_PASSPHRASE, PASSPHRASE)
    assert cli("encrypt").code == 0
    copy = tmp_path / "usb" / "copy.sqlite3"
    backed = cli("backup", "-o", str(copy))
    assert backed.code == 0, backed.err
    assert crypt_store.is_encrypted(copy) and NAME.encode() not in copy.read_bytes()

    restored = cli("restore", str(copy))
    assert restored.code == 0, restored.err
    safety = list((plain.parent / "backups").iterdir())
    assert safety and all(crypt_store.is_encrypted(p) for p in safety)

    monkeypatch.delenv(crypt_store.ENV_PASSPHRASE)
    assert cli("backup").code == 2  # no passphrase: refused, nothing written
    assert len(list((plain.parent / "backups").iterdir())) == len(safety)

    monkeypatch.setenv(crypt_store.ENV_PASSPHRASE, PASSPHRASE)
    decrypted = cli("decrypt")
    assert decrypted.code == 0, decrypted.err
    assert not crypt_store.is_encrypted(plain)
    assert cli("decrypt").code == 2  # not encrypted any more
    monkeypatch.delenv(crypt_store.ENV_PASSPHRASE)
    listed = cli("staff", "list", "--json")
    assert listed.code == 0 and NAME in listed.out


def test_encrypt_is_refused_while_the_app_holds_the_store(
    cli: Cli, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.storelock import acquire_writer

    monkeypatch.setenv(crypt_store.ENV_PASSPHRASE, PASSPHRASE)
    lock = acquire_writer(plain)
    try:
        refused = cli("encrypt")
    finally:
        lock.release()
    assert refused.code == 2
    assert not crypt_store.is_encrypted(plain)
