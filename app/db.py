"""The ONLY module that knows whether the store is SQLite or PostgreSQL.

It builds the engine (with SQLite's durability pragmas), hands out sessions,
tells a BranchDesk store from any other file, and applies Alembic migrations
at start-up, copying an existing SQLite file aside first.
"""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
import sys
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from app.i18n import _

log = logging.getLogger("branchdesk.db")

# The newest Alembic revision this build knows. Kept here so that opening an
# up-to-date store never has to import Alembic (0.5 s); tests check it against
# the migration scripts.
HEAD_REVISION = "0008"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """A store that cannot be used as it is; the message is meant for the user."""


@dataclass
class Store:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    # The branch passphrase of an encrypted (SQLCipher) store, for its backups; None: plain.
    passphrase: str | None = field(default=None, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    def location(self) -> str:
        """Where the data is, for the status bar; never shows a password."""
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action = one transaction: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @property
    def changes(self) -> int:
        """Commits made through this store since it was opened (automatic backups ask
        whether anything changed since the last one)."""
        return _COMMITS.get(self.engine, 0)

    @property
    def read_only(self) -> bool:
        """Opened read-only (a damaged file, until it is restored)."""
        return self.engine in _READ_ONLY

    def close(self) -> None:
        self.engine.dispose()


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


# Commits per engine, for Store.changes (an Engine takes no attributes of ours).
_COMMITS: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()


def _count_commit(conn: Connection) -> None:
    _COMMITS[conn.engine] = _COMMITS.get(conn.engine, 0) + 1


def make_engine(url: str, passphrase: str | None = None) -> Engine:
    engine = _make_engine(url, passphrase)
    event.listen(engine, "commit", _count_commit)
    return engine


def _make_engine(url: str, passphrase: str | None = None) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if passphrase is not None:
            engine = _encrypted_engine(url, path, passphrase)
        else:
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _encrypted_engine(url: str, path: Path, passphrase: str) -> Engine:
    """SQLCipher connections (app/crypt_store.py), keyed before our pragmas run."""
    from app import crypt_store

    def connect() -> object:
        # check_same_thread=False: what SQLAlchemy's pysqlite dialect passes for a file.
        return crypt_store.connect(
            path, passphrase, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    return create_engine(url, module=crypt_store.dbapi(), creator=connect)


def open_store(
    url: str, *, migrate: bool = True, read_only: bool = False, passphrase: str | None = None
) -> Store:
    """Open (and by default create or upgrade) the store at `url`.

    Raises StoreError, with a message for the user, for a file that is not a
    BranchDesk store, one made by a newer version, or one that cannot be opened.
    `read_only` (an existing SQLite file, e.g. a damaged one): no migration, no
    pragma that writes, and every write fails.
    `passphrase` opens an encrypted (SQLCipher) file; a plain file ignores it.
    """
    path = sqlite_path(url)
    if path is not None and path.exists() and path.is_dir():
        raise StoreError(_("{path} is a folder, not a BranchDesk data file.").format(path=path))
    if read_only:
        return _open_read_only(url, path, passphrase)
    key = None
    if path is not None and path.exists():
        # Look before the engine's pragmas touch it: WAL mode would rewrite a stranger's file.
        key = _encryption_key(path, passphrase)
        if key is None:
            _probe_sqlite_file(path)
    engine = make_engine(url, key)
    try:
        revision = _current_revision(engine, path)
        if revision != HEAD_REVISION:
            if not migrate:
                raise StoreError(_("The data file needs an upgrade before it can be used."))
            _upgrade(engine, url, path, revision, key)
    except StoreError:
        engine.dispose()
        raise
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        raise StoreError(
            _("Cannot open the data at {where}: {reason}").format(
                where=path or url, reason=_describe_db_error(exc)
            )
        ) from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Store(url=url, engine=engine, sessions=sessions, passphrase=key)


def _encryption_key(path: Path, passphrase: str | None) -> str | None:
    """The passphrase to open the file at `path` with; None for a plain SQLite file (or
    one that is no database at all: the probe says so). Checks the passphrase and that
    the file is ours, without writing to it."""
    from app import crypt_store

    if not crypt_store.is_encrypted(path):
        return None
    if passphrase is None:
        if not crypt_store.available():
            return None  # cannot tell an encrypted file from garbage: "not a database"
        raise crypt_store.PassphraseRequired(crypt_store.required_message(path))
    conn = crypt_store.connect(path, passphrase, read_only=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    if tables and "alembic_version" not in tables:
        raise _foreign(path)
    return passphrase


_READ_ONLY: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines of read-only stores


def _open_read_only(url: str, path: Path | None, passphrase: str | None = None) -> Store:
    if path is None or not path.is_file():
        raise StoreError(_("There is no data file at {path}.").format(path=path or url))
    key = _encryption_key(path, passphrase)
    cipher: dict[str, object] = {}
    if key is not None:
        from app import crypt_store

        cipher["module"] = crypt_store.dbapi()

    def connect() -> sqlite3.Connection:
        if key is not None:
            conn: sqlite3.Connection = crypt_store.connect(
                path, key, read_only=True, check_same_thread=False
            )
        else:
            # A copy in memory: the pages still readable can be shown and the screens that
            # write as they open (meetings generated for the week) keep working, while the
            # damaged file itself is never written. What is changed now is lost on close:
            # the main window says so.
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            conn.deserialize(_snapshot(path))
        conn.execute("PRAGMA foreign_keys=ON")  # as _sqlite_pragmas, minus WAL mode (a write)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    # One connection for all: each would otherwise hold its own in-memory copy.
    engine = create_engine(url, creator=connect, poolclass=StaticPool, **cipher)  # type: ignore[arg-type]
    _READ_ONLY.add(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Store(url=url, engine=engine, sessions=sessions, passphrase=key)


def _snapshot(path: Path) -> bytes:
    """The file's content with its write-ahead log applied, read from a copy, so the
    damaged original is not touched (opening it read-only fails in WAL mode without its
    -shm file, and recovering the log would write to it)."""
    with tempfile.TemporaryDirectory(prefix="branchdesk-ro-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        conn = sqlite3.connect(copy)
        try:
            data = bytearray(conn.serialize())
        finally:
            conn.close()
    # An in-memory database cannot be in WAL mode: header bytes 18-19 (the file format's
    # write/read versions) say 2 for WAL, 1 for a rollback journal. Set here rather than
    # with PRAGMA journal_mode, which would need a write to a damaged file.
    data[18] = data[19] = 1
    return bytes(data)


def quick_check(store: Store) -> list[str]:
    """SQLite's quick_check (every start: pages and records, not indexes); empty if good.
    A file too damaged to run it yields the error as the one problem."""
    if not store.is_sqlite:
        return []
    try:
        with store.engine.connect() as conn:
            lines = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check")]
    except DatabaseError as exc:
        return [_("Integrity check: {line}").format(line=exc.orig)]
    return [_("Integrity check: {line}").format(line=line) for line in lines if line != "ok"]


def _describe_db_error(exc: Exception) -> str:
    msg = str(getattr(exc, "orig", exc))
    if "file is not a database" in msg or "not a database" in msg:
        return _("the file is not a BranchDesk data file (not a database).")
    if "locked" in msg:
        return _("the data file is locked by another program.")
    if "unable to open" in msg:
        return _("the file cannot be opened (check the folder exists and is writable).")
    return msg


def environment_fault(exc: BaseException) -> str | None:
    """A message for the user when `exc` is the machine's fault, not a bug: a full disk,
    an I/O error, a read-only or locked file, a file that is not a database. None for
    anything else (a bug: the crash dialog's business). The transaction that met the
    fault was rolled back, so the message can promise the data is as it was."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError) and not isinstance(orig, sqlite3.Error):
        if orig.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            reason = _("the disk is full")
        elif orig.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            reason = _("the file or folder is read-only")
        elif orig.errno == errno.EIO:
            reason = _("the disk reported an error (I/O error)")
        else:
            return None
    elif isinstance(orig, _database_errors()):
        msg = str(orig).lower()
        if "full" in msg:
            reason = _("the disk is full")
        elif "i/o error" in msg or "disk i/o" in msg:
            reason = _("the disk reported an error (I/O error)")
        elif "readonly" in msg or "read-only" in msg:
            reason = _("the data file is open read-only")
        elif "locked" in msg or "busy" in msg:
            reason = _("the data file is locked by another program")
        elif "not a database" in msg or "malformed" in msg or "corrupt" in msg:
            reason = _("the data file is damaged")
        else:
            return None
    else:
        return None
    return _(
        "Could not save: {reason}. Nothing was changed; the data is as it was before. "
        "Free some space or check the drive, then try again."
    ).format(reason=reason)


def _database_errors() -> tuple[type[Exception], ...]:
    # sqlcipher3's errors do not derive from sqlite3's; it is loaded only for an encrypted store.
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    return (sqlite3.DatabaseError, cipher.DatabaseError) if cipher else (sqlite3.DatabaseError,)


def _probe_sqlite_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database, or not ours, without writing to it."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            _("Cannot open the data at {where}: {reason}").format(
                where=path, reason=_describe_db_error(exc)
            )
        ) from exc
    if tables and "alembic_version" not in tables:
        raise _foreign(path)


def _foreign(where: object) -> StoreError:
    return StoreError(
        _(
            "{where} holds data that does not belong to BranchDesk. "
            "Choose another file; this one was left unchanged."
        ).format(where=where)
    )


def _current_revision(engine: Engine, path: Path | None) -> str | None:
    """The store's Alembic revision; None for an empty store. Refuses foreign files."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise _foreign(path or make_url(str(engine.url)).render_as_string(hide_password=True))
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def _alembic_config(connection: object) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {rev.revision for rev in script.walk_revisions()}


def script_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def _upgrade(
    engine: Engine, url: str, path: Path | None, revision: str | None, passphrase: str | None
) -> None:
    from alembic import command

    if revision is not None and revision not in known_revisions():
        raise StoreError(
            _(
                "This data file was made by a newer version of BranchDesk "
                "(schema {revision}). Please update the app; the file was left unchanged."
            ).format(revision=revision)
        )
    if revision is not None and path is not None:
        backup = copy_aside(path, f"before-{HEAD_REVISION}", passphrase=passphrase)
        log.info("store copied aside to %s before migrating from %s", backup, revision)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")  # type: ignore[arg-type]
        if revision is not None:
            _enter_rows_in_audit_trail(conn)


def _enter_rows_in_audit_trail(conn: Connection) -> None:
    """Rows the audit trail has not seen (a store from before it, an old backup) are
    entered as found, so that from now on a change behind the app's back shows."""
    from app.models.audit import record_unrecorded

    entered = record_unrecorded(conn, datetime.now(UTC), None, "BranchDesk (upgrade)")
    if entered:
        log.info("%d existing rows entered in the audit trail", entered)


def sqlite_problems(store: Store) -> list[str]:
    """SQLite's own checks of the file: page integrity and foreign keys (empty: all good)."""
    if not store.is_sqlite:
        return []
    problems: list[str] = []
    with store.engine.connect() as conn:
        for (line,) in conn.exec_driver_sql("PRAGMA integrity_check"):
            if line != "ok":
                problems.append(_("Integrity check: {line}").format(line=line))
        for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(
                _("Row {rowid} of {table} points at a missing row of {parent}.").format(
                    rowid=rowid, table=table, parent=parent
                )
            )
    return problems


def copy_aside(path: Path, label: str, *, passphrase: str | None = None) -> Path:
    """A consistent copy of a live SQLite file through the backup API, never a file copy.
    An encrypted store (with its passphrase) gives a copy encrypted with the same key."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.{label}.{stamp}{path.suffix}")
    if passphrase is not None:
        from app import crypt_store

        if crypt_store.is_encrypted(path):
            return _copy_encrypted(path, target, passphrase)
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            _check_copy(dst, path, target)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def _check_copy(copy: Any, path: Path, target: Path) -> None:
    """A copy counts only if it passes integrity_check (a damaged store is not upgraded:
    the copy taken first would not be a way back)."""
    try:
        verdict = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    except Exception as exc:  # sqlite3's or sqlcipher3's DatabaseError: too damaged to check
        verdict = [str(exc)]
    if verdict != ["ok"]:
        copy.close()
        target.unlink(missing_ok=True)
        raise StoreError(
            _(
                "{path} failed its integrity check ({verdict}), so it was not upgraded and "
                "nothing was changed. Restore a backup (File → Backups and restore)."
            ).format(path=path, verdict="; ".join(verdict[:3]))
        )


def _copy_encrypted(path: Path, target: Path, passphrase: str) -> Path:
    from app import crypt_store

    src = crypt_store.connect(path, passphrase)
    try:
        dst = crypt_store.connect(target, passphrase, salt=crypt_store.salt_of(path))
        try:
            src.backup(dst)
            _check_copy(dst, path, target)
        finally:
            dst.close()
    finally:
        src.close()
    return target
