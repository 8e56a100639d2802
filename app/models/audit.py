"""The audit trail: an append-only log of changes to the records that decide pay and
discipline, each entry carrying a SHA-256 chained to the one before (issue 6).

This module fixes the trail's *format* — which tables and columns are watched, how a row
is written down (canonical JSON), how an entry is hashed — and appends entries with
SQLAlchemy Core only, so the migration that starts the trail (0008) and the services
share one definition. Who did it and when comes from the caller.

Why chained: an entry's hash covers the previous entry's hash, so editing, inserting or
deleting an entry in the file breaks every hash after it. Why the rows are compared too:
the last entry for a row records the row as the app left it, so a row edited behind the
app's back (the sqlite3 shell) no longer matches its entry, and `branchdesk check` says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import Connection, Index, Integer, String, Table, Text, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity", "entity", "entity_id"),)

    # Not autoincrement: the writer takes max(seq) + 1, so two writers racing for the same
    # place in the chain collide on the primary key instead of forking the chain.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None]  # no foreign key: the log must never block a change
    user_name: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(16))  # insert | update | delete | baseline
    entity: Mapped[str] = mapped_column(String(40))  # table name
    entity_id: Mapped[int]
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# Watched tables -> columns left out. Left out: drafts being typed (autosaved every few
# seconds; a meeting's draft minutes, a summary's text before review) and sign-in
# bookkeeping. Secrets (password and PIN hashes) and files are written down as their
# SHA-256, so a changed password shows without the hash itself being copied.
AUDITED: dict[str, frozenset[str]] = {
    "punch": frozenset(),
    "attendance_request": frozenset(),
    "attendance_appeal": frozenset(),
    "meeting": frozenset({"draft_json", "draft_saved_at"}),
    "meeting_attendance": frozenset(),
    "signature": frozenset(),
    "minutes_revision": frozenset(),
    "weekly_summary": frozenset(
        {
            "services",
            "needs_trends",
            "campaign_response",
            "problems",
            "suggestions",
            "next_week_plan",
            "updated_at",
        }
    ),
    "weekly_review_event": frozenset(),
    "app_user": frozenset({"last_login_at", "failed_logins", "first_failed_at", "locked_until"}),
    "staff": frozenset({"updated_at"}),
}
DIGESTED = frozenset({"password_hash", "pin_hash"})


_PLAIN = (type(None), bool, int, float, str)


def _value(column: str, value: Any) -> Any:
    if type(value) in _PLAIN and column not in DIGESTED:
        return value
    if isinstance(value, bytes | bytearray | memoryview | str):  # files, secrets: a fingerprint
        data = value.encode() if isinstance(value, str) else bytes(value)
        return "sha256:" + hashlib.sha256(data).hexdigest()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def table(name: str) -> Table:
    return Base.metadata.tables[name]


@cache
def watched_columns(name: str) -> tuple[str, ...]:
    """The watched columns of a table, sorted (the order the JSON is written in)."""
    return tuple(sorted(c.name for c in table(name).columns if c.name not in AUDITED[name]))


def _dump(columns: tuple[str, ...], values: tuple[Any, ...]) -> str:
    """A row as the trail writes it down: its watched columns, sorted, as compact JSON."""
    pairs = {col: _value(col, v) for col, v in zip(columns, values, strict=True)}
    return json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))


CHUNK = 5000  # ids per IN (...): SQLite allows 32,766 bound parameters since 3.32


def rows_by_id(conn: Connection, name: str, ids: Iterable[int] | None = None) -> dict[int, str]:
    """Canonical JSON of rows of a watched table (all of them, or these ids)."""
    t = table(name)
    columns = watched_columns(name)
    query = select(*(t.c[c] for c in columns))
    at = columns.index("id")
    if ids is None:
        return {row[at]: _dump(columns, tuple(row)) for row in conn.execute(query)}
    found: dict[int, str] = {}
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), CHUNK):
        chunk = wanted[i : i + CHUNK]
        if chunk[-1] - chunk[0] + 1 == len(chunk):  # a run of new ids: a range is quicker
            where = t.c.id.between(chunk[0], chunk[-1])
        else:
            where = t.c.id.in_(chunk)
        for row in conn.execute(query.where(where)):
            found[row[at]] = _dump(columns, tuple(row))
    return found


@dataclass(frozen=True)
class Change:
    action: str
    entity: str
    entity_id: int
    before: str | None
    after: str | None


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    user_id: int | None,
    user_name: str,
    change: Change,
) -> str:
    fields = [
        prev_hash,
        seq,
        at.isoformat(),
        user_id,
        user_name,
        change.action,
        change.entity,
        change.entity_id,
        change.before,
        change.after,
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def head(conn: Connection) -> tuple[int, str]:
    """The chain's last (seq, hash); (0, GENESIS) for an empty trail."""
    t = AuditEntry.__table__
    row = conn.execute(select(t.c.seq, t.c.hash).order_by(t.c.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def append(
    conn: Connection,
    changes: Sequence[Change],
    at: datetime,
    user_id: int | None,
    user_name: str,
) -> None:
    """Append entries for `changes`, in order, to the end of the chain."""
    if not changes:
        return
    at = at.astimezone(UTC)  # hashed as written back: UTC
    seq, prev = head(conn)
    rows = []
    for change in changes:
        seq += 1
        digest = entry_hash(prev, seq, at, user_id, user_name, change)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "user_id": user_id,
                "user_name": user_name,
                "action": change.action,
                "entity": change.entity,
                "entity_id": change.entity_id,
                "before_json": change.before,
                "after_json": change.after,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    conn.execute(insert(AuditEntry.__table__), rows)  # type: ignore[arg-type]


def recorded_ids(conn: Connection, name: str) -> set[int]:
    t = AuditEntry.__table__
    return set(conn.scalars(select(t.c.entity_id).where(t.c.entity == name).distinct()))


def record_unrecorded(
    conn: Connection,
    at: datetime,
    user_id: int | None,
    user_name: str,
    action: str = "baseline",
    names: Iterable[str] | None = None,
) -> int:
    """Enter every row of the watched tables that has no entry yet, as it is now.

    For rows written before the trail existed (action "baseline", at the upgrade to 0008)
    and rows a bulk job wrote with Core inserts that bypass the ORM (the demo)."""
    count = 0
    for name in names if names is not None else AUDITED:
        known = recorded_ids(conn, name)
        fresh = [i for i in sorted(_all_ids(conn, name)) if i not in known]
        if not fresh:
            continue
        count += record_rows(conn, name, fresh, at, user_id, user_name, action)
    return count


def record_rows(
    conn: Connection,
    name: str,
    ids: Sequence[int],
    at: datetime,
    user_id: int | None,
    user_name: str,
    action: str = "insert",
) -> int:
    """Enter these rows of a watched table as they are now (e.g. just bulk-inserted)."""
    rows = rows_by_id(conn, name, ids)
    changes = [Change(action, name, i, None, rows[i]) for i in ids if i in rows]
    append(conn, changes, at, user_id, user_name)
    return len(changes)


def _all_ids(conn: Connection, name: str) -> list[int]:
    return list(conn.scalars(select(table(name).c.id)))


def entry_count(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(AuditEntry.__table__)) or 0
