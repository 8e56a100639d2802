"""From "click" to a saved sign-in sheet PDF, in a fresh process.

    .venv/bin/python bench/bench_click_to_pdf.py [--runs 5] [--json]

The first PDF after start-up is the slow one: reportlab is imported lazily and the CJK
font is loaded on first use, so each run is a new Python process. It first gets what
the running app has when the supervisor clicks "Print sign-in sheet" (its store open,
the meeting services imported, someone signed in); the clock starts just before the
first PDF call (which imports the PDF modules and reportlab and loads the font) and
stops when the filled sign-in sheet of the demo branch's latest finalized weekly meeting
(twelve signatures) is on disk, written as the CLI writes it (a `.part` file, then a
rename). Printed beside it: the same with the meeting services' import included, and
the time from spawning the process. Every process runs with its user folders in a
temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 300.0
TIMEOUT_S = 120.0

CHILD = r"""
import json, os, sys, time
begun = time.perf_counter()
db, meeting_id, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
# What the running app already has when the supervisor clicks: its store open, the
# meeting services imported (the Meetings page lists through them), someone signed in.
from app.db import open_store
store = open_store(f"sqlite:///{db}")
services = time.perf_counter()
from app.services import auth, minutes
with store.reading() as session:
    actor = auth.actor_for(auth.find_user(session, "demo"))
    # The click: the sheet's PDF modules, reportlab and the font load on first use.
    click = time.perf_counter()
    pdf = minutes.signin_sheet_pdf(session, actor, meeting_id, filled=True)
part = out + ".part"
with open(part, "wb") as fh:
    fh.write(pdf)
    fh.flush()
    os.fsync(fh.fileno())
os.replace(part, out)
done = time.perf_counter()
print(json.dumps({"ms": (done - click) * 1000, "with_services_ms": (done - services) * 1000,
                  "bytes": len(pdf)}), flush=True)
print("saved", flush=True)
store.close()
"""

LIBREOFFICE_NOTE = (
    "for comparison (not measured): filling a .docx template and converting it with "
    "LibreOffice (soffice --headless --convert-to pdf) must first start LibreOffice, "
    "which alone usually takes seconds on an office PC"
)


class Unavailable(Exception):
    """The thing to measure could not be set up; the message says why."""


def bench_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp / "xdg" / var.lower())
    env.pop("BRANCHDESK_DB", None)
    env["PYTHONPATH"] = str(ROOT)
    return env


def make_demo_store(tmp: Path, env: dict[str, str]) -> Path:
    store = tmp / "demo.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(store), "demo"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise Unavailable(f"`python -m app demo` failed (exit {proc.returncode}): {proc.stderr}")
    return store


def latest_weekly_meeting(store: Path) -> int:
    with sqlite3.connect(store) as db:
        row = db.execute(
            "SELECT id FROM meeting WHERE kind = 'weekly' AND status = 'finalized' "
            "ORDER BY day DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise Unavailable("the demo branch has no finalized weekly meeting")
    return int(row[0])


def one_run(
    store: Path, meeting_id: int, out: Path, env: dict[str, str]
) -> tuple[float, float, float]:
    """ms to the saved file: from the click, from the services' import, from spawning."""
    out.unlink(missing_ok=True)
    spawned = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store), str(meeting_id), str(out)],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    figures, saved_at = None, None
    for line in proc.stdout:
        if line.startswith("{"):
            figures = json.loads(line)
        elif line.strip() == "saved":
            saved_at = time.perf_counter()
            break
    _rest, err = proc.communicate(timeout=TIMEOUT_S)
    if proc.returncode != 0 or figures is None or saved_at is None:
        raise Unavailable(f"the child failed (exit {proc.returncode}): {err.strip()[-500:]}")
    if not out.read_bytes().startswith(b"%PDF-"):
        raise Unavailable("the saved file is not a PDF")
    return figures["ms"], figures["with_services_ms"], (saved_at - spawned) * 1000


def measure(runs: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="branchdesk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = bench_env(tmp)
        store = make_demo_store(tmp, env)
        meeting_id = latest_weekly_meeting(store)
        out = tmp / "签到表.pdf"
        one_run(store, meeting_id, out, env)  # warm-up: byte-compiling, the OS file cache
        samples = [one_run(store, meeting_id, out, env) for _ in range(runs)]
    clicks = [s[0] for s in samples]
    return {
        "ms": statistics.median(clicks),
        "min_ms": min(clicks),
        "max_ms": max(clicks),
        "with_services_ms": statistics.median(s[1] for s in samples),
        "from_spawn_ms": statistics.median(s[2] for s in samples),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figure as JSON")
    args = parser.parse_args(argv)
    try:
        figures = measure(max(1, args.runs))
    except (Unavailable, subprocess.TimeoutExpired, OSError) as exc:
        print(f"click_to_saved_pdf   -   goal <= {GOAL_MS:.0f} ms   not available: {exc}")
        return 0
    status = "OK" if figures["ms"] <= GOAL_MS else "MISSED"
    if args.json:
        print(
            json.dumps(
                {"name": "click_to_saved_pdf", "goal_ms": GOAL_MS, "status": status, **figures}
            )
        )
        return 0
    print(
        f"click_to_saved_pdf   {figures['ms']:.0f} ms   goal <= {GOAL_MS:.0f} ms   {status}"
        f"   (median of {figures['runs']} fresh processes; min {figures['min_ms']:.0f}, "
        f"max {figures['max_ms']:.0f})"
    )
    print(
        f"  with the meeting services' first import {figures['with_services_ms']:.0f} ms; "
        f"from spawning the process {figures['from_spawn_ms']:.0f} ms"
    )
    print(f"  note: {LIBREOFFICE_NOTE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
