"""`meetings list`, `export signin|minutes|meetings` and `verify`: JSON contracts, exit codes,
files written whole or not at all.

The demo branch is built once per module (about a second) with the clock frozen on
Friday 2026-11-27, 10:00 in Shanghai, and copied for every test that needs it.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from app import i18n
from app.__main__ import main
from app.db import open_store
from app.services.auth import Actor

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai
LIST_KEYS = {
    "id",
    "kind",
    "kind_label",
    "title",
    "date",
    "start",
    "end",
    "place",
    "host",
    "status",
    "revision",
    "change_reason",
}


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.services.demo import ensure_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    i18n.set_language("zh_CN")  # frozen minutes keep the language they were finalized in
    with time_machine.travel(NOW, tick=False):
        store = open_store(f"sqlite:///{path}")
        with store.transaction() as session:
            ensure_demo(session)
        store.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    return str(path)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`branchdesk --db DB ARGS…` in-process."""

    def run(db: str, *args: str) -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        code = main(["--db", db, *args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    proc = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=30
    )
    return proc.stdout.decode("utf-8")


def meeting_on(cli: Cli, db: str, day: str, kind: str) -> dict[str, Any]:
    listed = cli(db, "meetings", "list", "--from", day, "--to", day, "--json").json
    [found] = [m for m in listed if m["kind"] == kind]
    return found


# --- meetings list ---------------------------------------------------------------------


def test_meetings_list_defaults_to_this_week(cli: Cli, demo_db: str) -> None:
    result = cli(demo_db, "meetings", "list", "--json")
    assert result.code == 0 and result.err == ""
    listed = result.json
    assert all(set(m) >= LIST_KEYS for m in listed)
    days = sorted({m["date"] for m in listed})
    assert days[0] == "2026-11-23" and days[-1] == "2026-11-27"  # Monday to Friday
    mornings = [m for m in listed if m["kind"] == "morning"]
    assert [m["date"] for m in mornings] == [f"2026-11-{d}" for d in range(23, 28)]
    assert {(m["start"], m["end"]) for m in mornings} == {("08:30", "08:50")}
    weekly = next(m for m in listed if m["kind"] == "weekly")
    assert (weekly["date"], weekly["status"], weekly["revision"]) == ("2026-11-23", "finalized", 1)
    assert weekly["kind_label"] == "每周例会" and weekly["host"] and weekly["place"]
    today = [m for m in listed if m["date"] == "2026-11-27"]
    assert {m["status"] for m in today} == {"scheduled"}  # today's are not held yet


def test_meetings_list_holidays_and_text(cli: Cli, store_url: str, supervisor: Actor) -> None:
    result = cli(store_url, "meetings", "list", "--from", "2026-10-01", "--to", "2026-10-09")
    assert result.code == 0
    listed = cli(
        store_url, "meetings", "list", "--from", "2026-10-01", "--to", "2026-10-09", "--json"
    ).json
    # National Day 1–7 October: no morning meeting; back on Thursday the 8th.
    assert [m["date"] for m in listed if m["kind"] == "morning"] == ["2026-10-08", "2026-10-09"]
    lines = result.out.splitlines()
    assert lines[0] == "2026-10-01 至 2026-10-09：共 2 个会议。"
    assert "每日晨会" in result.out and "已安排" in result.out
    only_from = cli(store_url, "meetings", "list", "--from", "2026-10-08", "--json").json
    assert {m["date"] for m in only_from} <= {f"2026-10-{d:02d}" for d in range(8, 15)}


def test_meetings_list_refuses_a_reversed_range(
    cli: Cli, store_url: str, supervisor: Actor
) -> None:
    result = cli(
        store_url, "--lang", "en", "meetings", "list", "--from", "2026-10-09", "--to", "2026-10-01"
    )
    assert result.code == 2 and result.out == ""
    assert "before the start date" in result.err


# --- export signin / minutes ------------------------------------------------------------


def test_export_signin_blank_and_filled(cli: Cli, demo_db: str, tmp_path: Path) -> None:
    weekly = meeting_on(cli, demo_db, "2026-11-23", "weekly")
    blank, filled = tmp_path / "签到表.pdf", tmp_path / "filled.pdf"
    first = cli(demo_db, "export", "signin", "--meeting", str(weekly["id"]), "-o", str(blank))
    assert first.code == 0 and str(blank) in first.out
    second = cli(
        demo_db, "export", "signin", "--meeting", str(weekly["id"]), "-o", str(filled), "--filled"
    )
    assert second.code == 0
    assert blank.read_bytes().startswith(b"%PDF-") and not list(tmp_path.glob("*.part"))
    blank_text, filled_text = pdf_text(blank), pdf_text(filled)
    for text in (blank_text, filled_text):
        assert "会议签到表" in text and "每周例会" in text
        assert "张伟" in text and "孙丽华" in text
    assert "08:" not in blank_text.replace("08:30", "").replace("09:00", "")
    assert "08:2" in filled_text  # arrival times
    assert filled.read_bytes().count(b"/Subtype /Image") >= 10  # the signatures


def test_export_minutes_then_verify(cli: Cli, demo_db: str, tmp_path: Path) -> None:
    weekly = meeting_on(cli, demo_db, "2026-11-23", "weekly")
    out = tmp_path / "纪要.pdf"
    exported = cli(demo_db, "export", "minutes", "--meeting", str(weekly["id"]), "-o", str(out))
    assert exported.code == 0
    text = pdf_text(out)
    assert "会议纪要" in text and "每周例会" in text and "陈静" in text  # the minute-taker

    match = cli(demo_db, "verify", str(out), "--json")
    assert match.code == 0
    assert match.json["verdict"] == "match"
    assert (match.json["meeting_id"], match.json["revision"]) == (weekly["id"], 1)
    assert len(match.json["fingerprint"]) == 64
    assert match.json["fingerprint"] in text.replace("\n", "")
    in_words = cli(demo_db, "verify", str(out))
    assert in_words.code == 0 and in_words.out.startswith("一致")
    assert str(weekly["id"]) in in_words.out

    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(bytes(data))
    altered = cli(demo_db, "verify", str(flipped), "--json")
    assert altered.code == 1 and altered.json["verdict"] == "altered"
    assert altered.json["meeting_id"] == weekly["id"]

    by_revision = tmp_path / "r1.pdf"
    cli(
        demo_db,
        "export",
        "minutes",
        "--meeting",
        str(weekly["id"]),
        "--revision",
        "1",
        "-o",
        str(by_revision),
    )
    assert by_revision.read_bytes() == out.read_bytes()


def test_verify_unknown_and_unusable_files(cli: Cli, demo_db: str, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.pdf"
    weekly = meeting_on(cli, demo_db, "2026-11-23", "weekly")
    cli(demo_db, "export", "signin", "--meeting", str(weekly["id"]), "-o", str(sheet))
    unknown = cli(demo_db, "verify", str(sheet), "--json")
    assert unknown.code == 1
    assert unknown.json == {
        "verdict": "unknown",
        "meeting_id": None,
        "revision": None,
        "fingerprint": None,
    }
    note = tmp_path / "note.txt"
    note.write_text("不是 PDF", encoding="utf-8")
    not_pdf = cli(demo_db, "verify", str(note))
    assert not_pdf.code == 2 and not_pdf.out == "" and "PDF" in not_pdf.err
    as_json = cli(demo_db, "verify", str(note), "--json")
    assert as_json.code == 2 and as_json.json["verdict"] == "not_pdf"
    missing = cli(demo_db, "verify", str(tmp_path / "missing.pdf"), "--json")
    assert missing.code == 2 and missing.out == "" and "missing.pdf" in missing.err


def test_export_refusals_write_nothing(cli: Cli, demo_db: str, tmp_path: Path) -> None:
    morning = meeting_on(cli, demo_db, "2026-11-23", "morning")  # held, minutes not finalized
    weekly = meeting_on(cli, demo_db, "2026-11-23", "weekly")
    out = tmp_path / "x.pdf"
    cases = [
        ("minutes", "--meeting", str(morning["id"]), "no finalized minutes"),
        ("minutes", "--meeting", "999999", "999999"),
        ("signin", "--meeting", "999999", "meetings list"),
        ("minutes", "--meeting", str(weekly["id"]), "--revision", "2", "revision 2"),
    ]
    for *args, reason in cases:
        result = cli(demo_db, "--lang", "en", "export", *args, "-o", str(out))
        assert result.code == 2, args
        assert reason in result.err and result.out == ""
    assert list(tmp_path.iterdir()) == [tmp_path / "demo.sqlite3"]


def test_export_to_a_missing_folder(cli: Cli, demo_db: str, tmp_path: Path) -> None:
    weekly = meeting_on(cli, demo_db, "2026-11-23", "weekly")
    out = tmp_path / "no-such-folder" / "x.pdf"
    result = cli(demo_db, "export", "signin", "--meeting", str(weekly["id"]), "-o", str(out))
    assert result.code == 2 and "x.pdf" in result.err
    assert not out.parent.exists()


# --- export meetings (the monthly report) ---------------------------------------------


def test_export_meeting_report(cli: Cli, demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "月报.pdf"
    result = cli(demo_db, "export", "meetings", "--month", "2026-11", "-o", str(out))
    assert result.code == 0 and "2026年11月" in result.out
    text = pdf_text(out)
    assert "会议月报" in text and "演示网点" in text and "出勤率" in text
    assert "张伟" in text and "孙丽华" in text
    assert "第 1 页 共 2 页" in text or "第 1 页 共 1 页" in text


def test_export_meeting_report_bad_month(
    cli: Cli, store_url: str, supervisor: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", store_url, "export", "meetings", "--month", "2026-13", "-o", "x.pdf"])
    assert exit_info.value.code == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_export_needs_a_document(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "signin" in err or "WHAT" in err


def test_report_month_of_a_store_without_meetings(
    cli: Cli, store_url: str, supervisor: Actor, tmp_path: Path
) -> None:
    out = tmp_path / "r.pdf"
    result = cli(store_url, "export", "meetings", "--month", "2026-06", "-o", str(out))
    assert result.code == 0
    text = pdf_text(out)
    assert "测试网点" in text and "本月没有已点名的会议" in text


def test_listing_dates_are_branch_dates(cli: Cli, store_url: str, supervisor: Actor) -> None:
    # 2026-11-29 20:00 UTC is already Monday the 30th in Shanghai: a new week there.
    with time_machine.travel(datetime(2026, 11, 29, 20, 0, tzinfo=UTC), tick=False):
        listed = cli(store_url, "meetings", "list", "--json").json
    assert min(m["date"] for m in listed) == date(2026, 11, 30).isoformat()
