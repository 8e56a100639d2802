"""The newcomer path: entry point, version, shipped font, and the README's promises."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app import __version__
from app.__main__ import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(markdown: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def test_pyproject_declares_the_name_and_the_branchdesk_command() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "branchdesk"
    assert project["scripts"]["branchdesk"] == "app.__main__:main"
    assert "version" in project["dynamic"]


def test_python_m_app_prints_the_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"branchdesk {__version__}"


def test_the_cjk_font_ships_with_its_licence() -> None:
    fonts = ROOT / "resources" / "fonts"
    assert (fonts / "wqy-microhei.ttc").stat().st_size > 1_000_000
    assert (fonts / "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8").strip()


def test_quick_start_is_exactly_the_two_commands() -> None:
    blocks = re.findall(r"```\w*\n(.*?)```", section(README, "Quick start"), re.S)
    assert blocks, "Quick start has no code block"
    commands = [line.split("#")[0].strip() for line in blocks[0].splitlines()]
    assert [c for c in commands if c] == ["./scripts/run", "./scripts/test"]


@pytest.mark.parametrize("script", ["scripts/run", "scripts/test", "scripts/bench", ".ci/run"])
def test_scripts_are_executable_bash(script: str) -> None:
    path = ROOT / script
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & stat.S_IXUSR, f"chmod +x {script}"


def test_ci_runs_the_readme_test_command() -> None:
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert "exec ./scripts/test" in lines


def readme_cli_examples() -> list[list[str]]:
    """The `branchdesk ...` commands in the README's table, with sample values filled in."""
    samples = {"NAME": "网点", "USER": "boss", "Y": "2026", "FILE": "staff.csv"}
    examples = []
    for cmd in re.findall(r"^\| `branchdesk ([^`]+)`", section(README, "Command line"), re.M):
        cmd = re.sub(r"\\\|[\w-]+", "", cmd)  # office\|bar\|foot-spa -> office
        words = cmd.replace("[", "").replace("]", "").split()
        examples.append([samples.get(w.split(".")[0], w) if w.isupper() else w for w in words])
    return examples


def test_readme_cli_table_matches_the_parser() -> None:
    examples = readme_cli_examples()
    assert len(examples) >= 8
    parser = build_parser()
    for words in examples:
        if words == ["--version"]:
            continue
        args = parser.parse_args(words)  # argparse exits (SystemExit) on a wrong README line
        assert args.command == words[0], words


def test_readme_mentions_where_the_data_lives() -> None:
    text = section(README, "Where the data lives")
    for needle in ("branchdesk.sqlite3", "--db", "BRANCHDESK_DB", "WAL", "PostgreSQL"):
        assert needle in text
