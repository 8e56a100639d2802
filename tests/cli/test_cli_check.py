"""`branchdesk check`: the demo branch is intact; edits made behind the app's back with
the sqlite3 shell (finalized minutes, a summary's late mark, a dangling punch) are found."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import time_machine

from tests.cli.conftest import Cli

FRIDAY = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai


def test_check_finds_edits_made_outside_the_app(cli: Cli, store_url: str) -> None:
    with time_machine.travel(FRIDAY, tick=True):
        assert cli("demo").code == 0
        clean = cli("check", "--json")
    assert clean.code == 0, clean.out
    assert clean.json == {"ok": True, "problems": []}

    path = Path(store_url.removeprefix("sqlite:///"))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE minutes_revision SET content_json = json_set(content_json, '$.place', '别处')"
            " WHERE id = (SELECT min(id) FROM minutes_revision)"
        )
        conn.execute(
            "UPDATE weekly_summary SET late = 1 - late"
            " WHERE id = (SELECT min(id) FROM weekly_summary WHERE submitted_at IS NOT NULL)"
        )
        conn.execute(
            "INSERT INTO punch (branch_id, staff_id, at, minute_key, source, note, reason,"
            " void_reason, created_at) VALUES (1, 9999, '2026-11-26 01:00:00', 1, 'manual',"
            " '', '', '', '2026-11-26 01:00:00')"
        )
    conn.close()
    with time_machine.travel(FRIDAY, tick=True):
        found = cli("--lang", "en", "check")
    assert found.code == 1
    # each edit is found by its own rule and again by the audit trail
    assert "6 problem(s)" in found.out
    assert "fingerprint" in found.out
    assert "late mark" in found.out
    assert "punch" in found.out and "staff" in found.out
    assert "Finalized minutes 1 was changed outside the app (content_json)" in found.out
    assert "Weekly summary 1 was changed outside the app (late)" in found.out
    assert "not in the audit trail (added outside the app)" in found.out


def test_check_finds_a_changed_punch_and_a_changed_finalized_meeting(
    cli: Cli, store_url: str
) -> None:
    """Done-when of issue 6: edits with the sqlite3 shell to a punch or a finalized meeting."""
    with time_machine.travel(FRIDAY, tick=True):
        assert cli("demo").code == 0
    path = Path(store_url.removeprefix("sqlite:///"))
    conn = sqlite3.connect(path)
    with conn:
        punch = conn.execute("SELECT min(id) FROM punch").fetchone()[0]
        meeting = conn.execute(
            "SELECT min(id) FROM meeting WHERE finalized_at IS NOT NULL"
        ).fetchone()[0]
        conn.execute("UPDATE punch SET at = datetime(at, '-20 minutes') WHERE id = ?", (punch,))
        conn.execute("UPDATE meeting SET place = '别处' WHERE id = ?", (meeting,))
    conn.close()
    with time_machine.travel(FRIDAY, tick=True):
        found = cli("check", "--json")
    assert found.code == 1
    assert sorted(found.json["problems"]) == sorted(
        [
            f"打卡 {punch} 在程序之外被修改（外部修改：at）。",
            f"会议 {meeting} 在程序之外被修改（外部修改：place）。",
        ]
    )
