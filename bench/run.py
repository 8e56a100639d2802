"""BranchDesk benchmarks: each figure printed beside its goal.

    ./scripts/bench                 # sets up .venv, then runs this
    .venv/bin/python bench/run.py [--runs 7] [--json] [--soak]

--soak also runs bench/bench_kill_soak.py (1,000 SIGKILLs of the write path; 3-6 minutes,
hence opt-in).

Figures (the goals are the product's promises on an ordinary office PC):
  startup_to_login    spawn `python -m app` -> the login window is on screen (the GUI prints
                      `login-window-shown` and exits when BRANCHDESK_EXIT_WHEN_SHOWN=1)
  cli_staff_list      `python -m app staff list --json` on the demo branch, wall time
  main_window_rss     resident memory of a process showing the main window on the demo branch
                      (MB = 1,000,000 bytes)

Every process runs with QT_QPA_PLATFORM=offscreen and its user folders in a temporary
directory, so a benchmark never touches the real data or settings. Each timed command is
run once unmeasured first (Python byte-compiles on the first run). The exit status is 0
even when a goal is missed: this is a report; a figure that cannot be measured yet says
"not available" and why.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOWN_MARKER = "login-window-shown"
TIMEOUT_S = 60.0
MB = 1_000_000


@dataclass
class Figure:
    name: str
    unit: str
    goal: float
    value: float | None = None
    note: str = ""

    @property
    def status(self) -> str:
        if self.value is None:
            return "not available"
        return "OK" if self.value <= self.goal else "MISSED"

    def line(self) -> str:
        goal_value = f"{self.goal:.2f}" if self.unit == "s" else f"{self.goal:.0f}"
        goal = f"goal <= {goal_value} {self.unit}"
        if self.value is None:
            return f"{self.name:<18} {'-':>8}        {goal:<20} not available: {self.note}"
        value = f"{self.value:.2f}" if self.unit == "s" else f"{self.value:.0f}"
        return f"{self.name:<18} {value:>8} {self.unit:<5}  {goal:<20} {self.status:<6} {self.note}"


class Unavailable(Exception):
    """The thing to measure does not exist (yet) or failed; the message says why."""


def bench_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp / "xdg" / var.lower())
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("BRANCHDESK_DB", None)
    env.pop("BRANCHDESK_EXIT_WHEN_SHOWN", None)  # only the start-up figure sets it
    env["PYTHONPATH"] = str(ROOT)  # the checkout's app, whether or not it is pip-installed
    return env


def last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else "(no output)"


def app_command(store: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "app", "--db", str(store), *args]


def make_demo_store(tmp: Path, env: dict[str, str]) -> Path:
    store = tmp / "demo.sqlite3"
    proc = subprocess.run(
        app_command(store, "demo"),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 4,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise Unavailable(
            f"`python -m app demo` failed (exit {proc.returncode}): {last_line(proc.stderr)}"
        )
    return store


def time_until_shown(store: Path, env: dict[str, str]) -> float:
    """Seconds from spawning the GUI to its `login-window-shown` line."""
    env = {**env, "BRANCHDESK_EXIT_WHEN_SHOWN": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        app_command(store),
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    shown_at = None
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if line.strip() == SHOWN_MARKER:
                shown_at = time.perf_counter()
                break
        _, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise Unavailable(f"the GUI did not exit within {TIMEOUT_S:.0f} s") from None
    if shown_at is None:
        raise Unavailable(
            f"the GUI exited ({proc.returncode}) without printing {SHOWN_MARKER!r}: "
            f"{last_line(err)}"
        )
    return shown_at - start


def time_command(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise Unavailable(f"exit {proc.returncode}: {last_line(proc.stderr)}")
    try:
        json.loads(proc.stdout)
    except ValueError:
        raise Unavailable(f"the output is not JSON: {last_line(proc.stdout)}") from None
    return elapsed


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, str]:
    measure()  # warm-up: byte-compiling and the OS file cache
    samples = [measure() for _ in range(runs)]
    note = f"(median of {runs}; min {min(samples):.2f}, max {max(samples):.2f})"
    return statistics.median(samples), note


def main_window_rss(store: Path, env: dict[str, str]) -> float:
    helper = Path(__file__).resolve().parent / "main_window_rss.py"
    proc = subprocess.run(
        [sys.executable, str(helper), str(store)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 2,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise Unavailable(last_line(proc.stderr))
    try:
        return json.loads(last_line(proc.stdout))["rss_bytes"] / MB
    except (ValueError, KeyError):
        raise Unavailable(f"unexpected output: {last_line(proc.stdout)}") from None


def run_all(runs: int) -> list[Figure]:
    startup = Figure("startup_to_login", "s", 0.5)
    staff_list = Figure("cli_staff_list", "s", 0.4)
    rss = Figure("main_window_rss", "MB", 120)
    with tempfile.TemporaryDirectory(prefix="branchdesk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = bench_env(tmp)
        try:
            store = make_demo_store(tmp, env)
        except (Unavailable, subprocess.TimeoutExpired) as exc:
            for fig in (startup, staff_list, rss):
                fig.note = f"no demo store: {exc}"
            return [startup, staff_list, rss]

        try:
            startup.value, startup.note = median_of(runs, lambda: time_until_shown(store, env))
        except (Unavailable, subprocess.TimeoutExpired) as exc:
            startup.note = str(exc)

        cmd = app_command(store, "staff", "list", "--json")
        try:
            staff_list.value, staff_list.note = median_of(runs, lambda: time_command(cmd, env))
        except (Unavailable, subprocess.TimeoutExpired) as exc:
            staff_list.note = str(exc)

        try:
            rss.value = main_window_rss(store, env)
            rss.note = "(demo branch, window shown offscreen)"
        except (Unavailable, subprocess.TimeoutExpired) as exc:
            rss.note = str(exc)
    return [startup, staff_list, rss]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (default 7)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--soak", action="store_true", help="also the 1,000-kill soak (bench_kill_soak.py, minutes)"
    )
    args = parser.parse_args(argv)
    figures = run_all(max(1, args.runs))
    if args.json:
        print(
            json.dumps(
                [{**asdict(f), "status": f.status} for f in figures], ensure_ascii=False, indent=2
            )
        )
    else:
        print(f"BranchDesk benchmarks — Python {sys.version.split()[0]}, {sys.platform}")
        for fig in figures:
            print(fig.line())
    # The meeting documents' figures, each in its own process: they time first imports.
    for script in (
        "bench_pdf.py",
        "bench_click_to_pdf.py",
        "bench_attendance.py",
        "bench_attendance_sheet.py",
        "bench_weekly_import.py",
        "bench_weekly_rollup.py",
    ):
        extra = ["--json"] if args.json else []
        subprocess.run([sys.executable, str(Path(__file__).parent / script), *extra], check=False)
    if args.soak:
        extra = ["--json"] if args.json else []
        soak = str(Path(__file__).parent / "bench_kill_soak.py")
        subprocess.run([sys.executable, soak, *extra], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
