"""The audit trail at work: entries written on every flush, read back for the supervisor,
and checked by `branchdesk check` (issue 6). The format lives in app/models/audit.py.

Services say who is acting with `by(session, actor)` (their lookup helpers do it); the
flush listener below then writes one entry per changed row of a watched table — who,
when, the row before and after — in the same transaction as the change, so a change and
its entry are stored together or not at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, UOWTransaction

from app.i18n import N_, _
from app.models import Staff, User, WeeklySummary
from app.models.audit import (
    AUDITED,
    GENESIS,
    AuditEntry,
    Change,
    append,
    entry_hash,
    record_rows,
    record_unrecorded,
    rows_by_id,
)
from app.services import auth, clock

if TYPE_CHECKING:
    from app.services.auth import Actor

ACTOR_KEY = "branchdesk.actor"
SYSTEM = "BranchDesk"
MAX_REPORTED = 20

ENTITY_LABELS = {
    "punch": N_("Punch"),
    "attendance_request": N_("Request"),
    "attendance_appeal": N_("Appeal"),
    "meeting": N_("Meeting"),
    "meeting_attendance": N_("Roll call"),
    "signature": N_("Signature"),
    "minutes_revision": N_("Finalized minutes"),
    "weekly_summary": N_("Weekly summary"),
    "weekly_review_event": N_("Summary review"),
    "app_user": N_("User account"),
    "staff": N_("Staff"),
}
# Field names as the supervisor reads them; others are shown as stored.
FIELD_LABELS = {
    "at": N_("time"),
    "staff_id": N_("staff"),
    "source": N_("source"),
    "note": N_("note"),
    "reason": N_("reason"),
    "void_reason": N_("void reason"),
    "voided_at": N_("voided at"),
    "voided_by": N_("voided by"),
    "created_by": N_("entered by"),
    "created_at": N_("entered at"),
    "status": N_("status"),
    "kind": N_("kind"),
    "leave_type": N_("leave type"),
    "start": N_("start"),
    "end": N_("end"),
    "decided_by": N_("decided by"),
    "decided_at": N_("decided at"),
    "decision_comment": N_("decision comment"),
    "decision": N_("decision"),
    "points_after": N_("points after"),
    "work_date": N_("work date"),
    "role": N_("role"),
    "username": N_("user name"),
    "display_name": N_("display name"),
    "active": N_("active"),
    "password_hash": N_("password"),
    "pin_hash": N_("PIN"),
    "name": N_("name"),
    "phone": N_("phone"),
    "employee_no": N_("employee no."),
    "state": N_("state"),
    "review_comment": N_("review comment"),
    "return_reason": N_("return reason"),
    "reviewed_at": N_("reviewed at"),
    "submitted_at": N_("submitted at"),
    "deadline_at": N_("deadline"),
    "reviewed_by": N_("reviewed by"),
    "finalized_by": N_("finalized by"),
    "by_user": N_("by"),
    "late": N_("late"),
    "revision": N_("revision"),
    "title": N_("title"),
    "day": N_("date"),
    "place": N_("place"),
    "finalized_at": N_("finalized at"),
    "arrival": N_("arrival"),
    "text": N_("text"),
    "png": N_("signature image"),
}
HIDDEN_FIELDS = frozenset({"id", "branch_id", "minute_key"})
USER_FIELDS = frozenset(
    {"created_by", "decided_by", "voided_by", "reviewed_by", "finalized_by", "by_user"}
)


@dataclass(frozen=True)
class _Names:
    """Ids in a record shown as the names they stand for."""

    users: dict[int, str]
    staff: dict[int, str]
    tz: str

    def shown(self, key: str, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            if key in USER_FIELDS:
                return self.users.get(value, value)
            if key == "staff_id":
                return self.staff.get(value, value)
        return _readable(value, self.tz)


ACTION_LABELS = {
    "insert": N_("added"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "baseline": N_("recorded as found"),
}


def by(session: Session, actor: Actor) -> None:
    """Entries written in this session from now on name `actor`."""
    session.info[ACTOR_KEY] = actor


def _who(session: Session) -> tuple[int | None, str]:
    actor = session.info.get(ACTOR_KEY)
    if actor is None:
        return None, SYSTEM
    return actor.user_id, f"{actor.display_name} ({actor.username})"


def _latest_after(session: Session, name: str, ids: list[int]) -> dict[int, str | None]:
    t = AuditEntry.__table__
    latest: dict[int, str | None] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        last = (
            select(t.c.entity_id, t.c.after_json)
            .where(t.c.entity == name, t.c.entity_id.in_(chunk))
            .order_by(t.c.seq)
        )
        for entity_id, after in session.connection().execute(last):
            latest[entity_id] = after  # ordered by seq: the last one wins
    return latest


@event.listens_for(Session, "after_flush")
def _write_entries(session: Session, _context: UOWTransaction) -> None:
    touched: dict[str, dict[int, str]] = defaultdict(dict)
    for action, objects in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            name = getattr(getattr(obj, "__table__", None), "name", None)
            if name in AUDITED and getattr(obj, "id", None) is not None:
                touched[name].setdefault(obj.id, action)
    if not touched:
        return
    changes: list[Change] = []
    for name in AUDITED:  # a fixed order: the chain must not depend on set ordering
        if name not in touched:
            continue
        ids = sorted(touched[name])
        before = _latest_after(session, name, ids)
        after = rows_by_id(session.connection(), name, ids)
        for entity_id in ids:
            old, new = before.get(entity_id), after.get(entity_id)
            if old == new:
                continue  # nothing watched changed (e.g. only a draft field)
            action = "delete" if new is None else ("insert" if old is None else "update")
            changes.append(Change(action, name, entity_id, old, new))
    user_id, user_name = _who(session)
    append(session.connection(), changes, clock.now_utc(), user_id, user_name)


def record_bulk_inserts(session: Session, name: str, ids: Sequence[int]) -> int:
    """Entries for rows written with a Core bulk insert (which bypasses the flush)."""
    user_id, user_name = _who(session)
    return record_rows(session.connection(), name, ids, clock.now_utc(), user_id, user_name)


def record_unrecorded_rows(session: Session) -> int:
    """Entries for every row of the watched tables that has none yet (after bulk work
    such as the demo build)."""
    user_id, user_name = _who(session)
    return record_unrecorded(session.connection(), clock.now_utc(), user_id, user_name, "insert")


# --- checking ------------------------------------------------------------------------------


def _entries(session: Session) -> Iterator[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    yield from session.scalars(query)


def _chain_problems(session: Session, latest: dict[tuple[str, int], str | None]) -> list[str]:
    problems: list[str] = []
    prev, expected = GENESIS, 1
    for entry in _entries(session):
        change = Change(
            entry.action, entry.entity, entry.entity_id, entry.before_json, entry.after_json
        )
        if entry.seq != expected:
            problems.append(
                _("Audit trail: entries {first}–{last} are missing.").format(
                    first=expected, last=entry.seq - 1
                )
            )
        if entry.prev_hash != prev or entry.hash != entry_hash(
            entry.prev_hash, entry.seq, entry.at, entry.user_id, entry.user_name, change
        ):
            problems.append(
                _("Audit trail: entry {seq} was altered or inserted outside the app.").format(
                    seq=entry.seq
                )
            )
        latest[(entry.entity, entry.entity_id)] = entry.after_json
        prev, expected = entry.hash, entry.seq + 1
    return problems


def _differing(recorded: str, current: str) -> list[str]:
    """Watched fields whose values differ; fields added by later versions are ignored."""
    old, new = json.loads(recorded), json.loads(current)
    return sorted(k for k in old if k in new and old[k] != new[k]) or (
        sorted(k for k in old if k not in new)
    )


def problems(session: Session) -> list[str]:
    """The chain is unbroken and every watched row is as its last entry says."""
    latest: dict[tuple[str, int], str | None] = {}
    found = _chain_problems(session, latest)
    for name in AUDITED:
        label = _(ENTITY_LABELS[name])
        current = rows_by_id(session.connection(), name)
        for entity_id, row in current.items():
            recorded = latest.get((name, entity_id))
            if recorded is None:
                found.append(
                    _("{what} {id} is not in the audit trail (added outside the app).").format(
                        what=label, id=entity_id
                    )
                )
            elif fields := _differing(recorded, row):
                found.append(
                    _("{what} {id} was changed outside the app ({fields}).").format(
                        what=label, id=entity_id, fields=", ".join(fields)
                    )
                )
        for (entity, entity_id), recorded in latest.items():
            if entity == name and recorded is not None and entity_id not in current:
                found.append(
                    _("{what} {id} was deleted outside the app.").format(what=label, id=entity_id)
                )
    if len(found) > MAX_REPORTED:
        more = len(found) - MAX_REPORTED
        found = [*found[:MAX_REPORTED], _("… and {n} more.").format(n=more)]
    return found


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class EntryRecord:
    seq: int
    at: datetime  # in the branch's zone
    user_name: str
    action: str
    action_label: str
    entity: str
    entity_label: str
    entity_id: int
    person: str  # whom the record concerns, when it names a staff member
    changes: list[FieldChange]
    hash: str

    @property
    def summary(self) -> str:
        """ "状态: 待审批 → 已批准; …" for a change; "field: value; …" for what a new (or
        deleted) record holds."""
        if self.action == "update":
            parts = (f"{c.field}: {_shown(c.before)} → {_shown(c.after)}" for c in self.changes)
        else:
            parts = (
                f"{c.field}: {_shown(c.after if c.after is not None else c.before)}"
                for c in self.changes
            )
        return "; ".join(parts)


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _readable(value: Any, tz: str) -> Any:
    """Instants (stored UTC, ISO 8601) in the branch's zone, to the minute."""
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            return value
        if instant.tzinfo is not None:
            return clock.to_branch_time(instant, tz).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _field_changes(
    before: dict[str, Any], after: dict[str, Any], names: _Names
) -> list[FieldChange]:
    def change(key: str) -> FieldChange:
        label = _(FIELD_LABELS[key]) if key in FIELD_LABELS else key
        return FieldChange(
            label, names.shown(key, before.get(key)), names.shown(key, after.get(key))
        )

    keys = sorted((set(before) | set(after)) - HIDDEN_FIELDS)
    if not before or not after:  # added, deleted, or recorded as found: what it holds
        held = after or before
        return [change(k) for k in keys if held.get(k) not in (None, "")]
    return [change(k) for k in keys if before.get(k) != after.get(k)]


def _in_branch(
    entry: AuditEntry, data: dict[str, Any], branch_id: int, summaries: set[int]
) -> bool:
    if "branch_id" in data:
        return bool(data["branch_id"] == branch_id)
    if entry.entity == "weekly_review_event":
        return data.get("summary_id") in summaries
    return True


def list_entries(
    session: Session,
    actor: Actor,
    *,
    entity: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    tz: str = clock.DEFAULT_TZ,
) -> list[EntryRecord]:
    """The branch's entries, newest first (supervisor only)."""
    auth.require_supervisor(actor)
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    staff_names = {row[0]: row[1] for row in session.execute(select(Staff.id, Staff.name))}
    users = {row[0]: row[1] for row in session.execute(select(User.id, User.display_name))}
    names = _Names(users, staff_names, tz)
    summaries = set(
        session.scalars(select(WeeklySummary.id).where(WeeklySummary.branch_id == actor.branch_id))
    )
    records: list[EntryRecord] = []
    for entry in session.scalars(query.execution_options(yield_per=2000)):
        before = json.loads(entry.before_json) if entry.before_json else {}
        after = json.loads(entry.after_json) if entry.after_json else {}
        if not _in_branch(entry, after or before, actor.branch_id, summaries):
            continue
        data = after or before
        staff_id = data.get("staff_id") or (data.get("id") if entry.entity == "staff" else None)
        records.append(
            EntryRecord(
                seq=entry.seq,
                at=clock.to_branch_time(entry.at, tz),
                user_name=entry.user_name,
                action=entry.action,
                action_label=_(ACTION_LABELS.get(entry.action, entry.action)),
                entity=entry.entity,
                entity_label=_(ENTITY_LABELS.get(entry.entity, entry.entity)),
                entity_id=entry.entity_id,
                person=staff_names.get(staff_id, "") if isinstance(staff_id, int) else "",
                changes=_field_changes(before, after, names),
                hash=entry.hash,
            )
        )
        if limit is not None and len(records) >= limit:
            break
    return records


def export_xlsx(
    session: Session,
    actor: Actor,
    *,
    entity: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> bytes:
    """The branch's trail (of one kind of record, or all) as a workbook (supervisor only)."""
    from app.models import Branch
    from app.reports.audit_xlsx import render_audit_xlsx

    branch = session.get(Branch, actor.branch_id)
    tz = branch.timezone if branch is not None else clock.DEFAULT_TZ
    entries = list_entries(session, actor, entity=entity, since=since, until=until, tz=tz)
    title = "{} · {}".format(_("Audit trail"), branch.name if branch is not None else "")
    return render_audit_xlsx(entries, title)
