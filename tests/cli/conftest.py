"""The in-process CLI runner the CLI tests share: `branchdesk --db <the test store> ARGS…`."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.__main__ import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], store_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Same parser, same code as the real command, in milliseconds."""

    def run(*args: str, stdin: str = "", db: str | None = None) -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--db", db or store_url, *args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run
