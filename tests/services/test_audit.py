"""The audit trail: who changed what, chained by SHA-256, and edits behind the app's back found."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from app.db import Store
from app.models import AuditEntry, Punch
from app.services import attendance, audit
from app.services.auth import Actor
from app.services.errors import PermissionDenied
from app.services.integrity import check_store

NOON = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def _path(store: Store) -> Path:
    assert store.path is not None
    return store.path


def _punch(store: Store, actor: Actor, staff_id: int, hour: int = 1) -> int:
    with time_machine.travel(NOON, tick=False), store.transaction() as session:
        result = attendance.add_punch(
            session, actor, staff_id, NOON.replace(hour=hour), "manual", reason="忘记打卡"
        )
        return result.punch_id


def _entries(store: Store) -> list[AuditEntry]:
    with store.reading() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


@pytest.fixture
def manager(make_manager: Callable[..., Actor]) -> Actor:
    return make_manager("A001", "张三")


def test_a_change_is_entered_with_who_when_before_and_after(
    store: Store, supervisor: Actor, manager: Actor
) -> None:
    assert manager.staff_id is not None
    punch_id = _punch(store, supervisor, manager.staff_id)
    with time_machine.travel(NOON, tick=False), store.transaction() as session:
        attendance.void_punch(session, supervisor, punch_id, "打错了")
    added, voided = [e for e in _entries(store) if e.entity == "punch"]
    assert (added.action, voided.action) == ("insert", "update")
    assert added.before_json is None and voided.before_json == added.after_json
    after = json.loads(voided.after_json or "{}")
    assert after["void_reason"] == "打错了" and after["staff_id"] == manager.staff_id
    assert voided.user_id == supervisor.user_id and "王主管" in voided.user_name
    assert voided.at == NOON
    assert voided.prev_hash == added.hash
    assert check_store(store) == []


def test_changes_to_unwatched_fields_write_nothing(store: Store, supervisor: Actor) -> None:
    before = len(_entries(store))
    with store.transaction() as session:  # a sign-in only touches last_login_at
        from app.services import auth

        assert auth.authenticate(session, "boss", "secret1") is not None
    assert len(_entries(store)) == before


def test_a_rolled_back_action_leaves_no_entry(
    store: Store, supervisor: Actor, manager: Actor
) -> None:
    before = len(_entries(store))
    assert manager.staff_id is not None
    with pytest.raises(RuntimeError), store.transaction() as session:
        attendance.add_punch(session, supervisor, manager.staff_id, NOON, "manual", reason="x")
        raise RuntimeError("the user's action failed later")
    assert len(_entries(store)) == before


def _tamper(store: Store, sql: str) -> list[str]:
    conn = sqlite3.connect(_path(store))
    with conn:
        conn.execute(sql)
    conn.close()
    return check_store(store)


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE punch SET at = '2026-11-26 00:30:00'", ["打卡", "外部修改", "at"]),
        ("DELETE FROM punch", ["打卡", "外部删除"]),
        (
            "INSERT INTO punch (branch_id, staff_id, at, minute_key, source, note, reason,"
            " void_reason, created_at) SELECT branch_id, staff_id, '2026-11-26 02:00:00', 7,"
            " 'manual', '', '', '', created_at FROM punch",
            ["打卡", "不在审计记录中"],
        ),
        ("UPDATE audit_entry SET user_name = '别人' WHERE entity = 'punch'", ["审计记录", "条目"]),
        ("DELETE FROM audit_entry WHERE seq = 1", ["审计记录", "缺失"]),
        ("UPDATE app_user SET role = 'supervisor' WHERE username = 'uA001'", ["用户账号", "role"]),
    ],
)
def test_edits_behind_the_apps_back_are_found(
    store: Store, supervisor: Actor, manager: Actor, sql: str, words: list[str]
) -> None:
    assert manager.staff_id is not None
    _punch(store, supervisor, manager.staff_id)
    assert check_store(store) == []
    found = "\n".join(_tamper(store, sql))
    assert all(w in found for w in words), found


def test_rows_from_before_the_trail_are_entered_at_upgrade(
    store: Store, supervisor: Actor, manager: Actor
) -> None:
    """A store made by an older version: the upgrade enters its rows as found."""
    assert manager.staff_id is not None
    _punch(store, supervisor, manager.staff_id)
    path = _path(store)
    store.close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TABLE audit_entry")
        conn.execute("UPDATE alembic_version SET version_num = '0007'")
    conn.close()
    from app.db import open_store

    upgraded = open_store(f"sqlite:///{path}")
    try:
        entries = _entries(upgraded)
        assert entries and {e.action for e in entries} == {"baseline"}
        assert {"punch", "staff", "app_user"} <= {e.entity for e in entries}
        assert check_store(upgraded) == []
    finally:
        upgraded.close()


def test_bulk_imported_punches_are_entered(
    store: Store, supervisor: Actor, manager: Actor, tmp_path: Path
) -> None:
    from app.importers.punches import read_punches

    clock_file = tmp_path / "clock.csv"
    clock_file.write_text(
        "工号,姓名,打卡时间\nA001,张三,2026-11-25 08:55\nA001,张三,2026-11-25 18:01\n",
        encoding="utf-8",
    )
    with time_machine.travel(NOON, tick=False), store.transaction() as session:
        attendance.import_punches(session, supervisor, read_punches(clock_file).good)
    punches = [e for e in _entries(store) if e.entity == "punch"]
    assert len(punches) == 2 and all(e.user_id == supervisor.user_id for e in punches)
    assert check_store(store) == []


def test_the_supervisor_reads_the_trail_newest_first_and_a_manager_cannot(
    store: Store, supervisor: Actor, manager: Actor
) -> None:
    assert manager.staff_id is not None
    punch_id = _punch(store, supervisor, manager.staff_id)
    with time_machine.travel(NOON, tick=False), store.transaction() as session:
        attendance.void_punch(session, supervisor, punch_id, "打错了")
    with store.reading() as session:
        records = audit.list_entries(session, supervisor, entity="punch")
        with pytest.raises(PermissionDenied):
            audit.list_entries(session, manager)
    voided, added = records
    assert voided.seq > added.seq
    assert voided.entity_label == "打卡" and voided.action_label == "修改"
    assert voided.person == "张三"
    assert voided.at.utcoffset() is not None and voided.at.hour == 12
    assert "作废原因: — → 打错了" in voided.summary
    assert "时间: 2026-11-26 09:00" in added.summary  # 01:00 UTC, in Shanghai


def test_the_demo_branch_is_entered_whole(store: Store) -> None:
    from app.services import demo

    with time_machine.travel(NOON, tick=True), store.transaction() as session:
        demo.build_demo(session)
    assert check_store(store) == []
    with store.reading() as session:
        people = {
            e.user_name
            for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "punch"))
        }
        assert session.scalar(select(Punch.id).limit(1)) is not None
    assert people == {"林主管 (demo)"}
