"""Fuzzing `verify` (app.services.minutes.verify_pdf, `branchdesk verify FILE.pdf`): one
changed byte anywhere in finalized minutes is always caught, and no file makes it fail.
"""

from __future__ import annotations

import functools
import json
import random
import shutil
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.__main__ import main
from app.db import Store, open_store
from app.models import MinutesRevision
from app.services import auth, meetings, minutes, rollcall, staff
from app.services.auth import Actor
from app.services.meetings import MeetingKind
from app.services.minutes import Verdict
from tests.conftest import SUPERVISOR_PASSWORD, TEST_BRANCH
from tests.fuzz.conftest import FUZZ_SCALE, SEEDS, corrupt, fuzz_settings


def _png(width: int = 40, height: int = 12) -> bytes:
    raw = b"".join(
        b"\x00" + bytes(0 if y == x % height else 255 for x in range(width)) for y in range(height)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass
class Finalized:
    store: Store
    actor: Actor
    pdf: bytes


@pytest.fixture(scope="module")
def finalized(
    store_templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Finalized]:
    """A branch whose weekly meeting of 30 Nov 2026 has finalized minutes, and their PDF.

    verify_pdf re-renders the revision when the hash differs (to accept a reprint); the
    rendering is a pure function of the stored content, so it is memoized here, otherwise
    each of the thousands of altered copies would cost a full PDF rendering.
    """
    path = tmp_path_factory.mktemp("verify") / "store.sqlite3"
    shutil.copyfile(store_templates["branch"], path)
    store = open_store(f"sqlite:///{path}")
    with store.transaction() as session:
        actor = auth.authenticate(session, TEST_BRANCH.supervisor_username, SUPERVISOR_PASSWORD)
        assert actor is not None
        team = [
            staff.add_staff(session, actor, staff.StaffInput(f"A00{i}", name)).id
            for i, name in enumerate(["张三", "李四", "王五"], 1)
        ]
    day = date(2026, 11, 30)
    with store.transaction() as session:
        [mid] = [
            m.id
            for m in meetings.list_meetings(session, actor, day, day)
            if m.kind == MeetingKind.WEEKLY
        ]
        meetings.set_people(session, actor, mid, minute_taker_staff_id=team[0])
        png = _png()
        for sid in team:
            rollcall.mark(session, actor, mid, sid, "present", arrival=time(8, 25))
            rollcall.save_signature(session, actor, mid, "attendee", png, sid)
        rollcall.save_signature(session, actor, mid, "host", png)
        rollcall.save_signature(session, actor, mid, "minute_taker", png)
        draft = minutes.load_draft(session, actor, mid)
        draft.sections[0].text = "传达总行第四季度营销文件。\n- 重点产品：理财"
        draft.decisions = ["本周完成存量客户回访"]
        minutes.save_draft(session, actor, mid, draft)
        minutes.finalize(session, actor, mid)
        pdf = minutes.minutes_pdf(session, actor, mid)
    real_render = minutes._render

    @functools.lru_cache(maxsize=8)
    def render(content: str, fingerprint: str, draft: bool) -> bytes:
        return real_render(json.loads(content), fingerprint, draft)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            minutes,
            "_render",
            lambda content, fingerprint, draft=False: render(
                json.dumps(content, sort_keys=True), fingerprint, draft
            ),
        )
        yield Finalized(store, actor, pdf)
    store.close()


def verdict(session: Session, actor: Actor, data: bytes) -> Verdict:
    return minutes.verify_pdf(session, actor, data).verdict


def test_the_untouched_pdf_matches(finalized: Finalized) -> None:
    with finalized.store.reading() as session:
        assert verdict(session, finalized.actor, finalized.pdf) is Verdict.MATCH
        # the memoized re-rendering gives what the store gave out
        row = session.scalar(select(MinutesRevision))
        assert row is not None
        assert minutes._render(json.loads(row.content_json), row.fingerprint) == finalized.pdf


@fuzz_settings(1500)
@given(where=st.integers(min_value=0, max_value=2**31), to=st.integers(min_value=1, max_value=255))
def test_one_changed_byte_is_always_caught(finalized: Finalized, where: int, to: int) -> None:
    data = bytearray(finalized.pdf)
    i = where % len(data)
    data[i] ^= to  # never 0: the byte really changes
    with finalized.store.reading() as session:
        got = verdict(session, finalized.actor, bytes(data))
    assert got is not Verdict.MATCH
    expected = {Verdict.ALTERED, Verdict.UNKNOWN} if i >= 5 else {Verdict.NOT_PDF}
    assert got in expected


# Every position costs ~0.5 ms (the store is asked, the file hashed twice): the whole
# ~55 KB PDF takes about 30 s, too long for every CI run. A run sweeps every SWEEP_STRIDE-th
# position; BRANCHDESK_FUZZ_SCALE >= SWEEP_STRIDE sweeps them all.
SWEEP_STRIDE = 1 if FUZZ_SCALE >= 8 else 8


def test_every_byte_position_of_a_real_pdf(finalized: Finalized) -> None:
    """The sweep: each position once, with a replacement that varies by position."""
    pdf = finalized.pdf
    seen: dict[Verdict, int] = {}
    positions = range(0, len(pdf), SWEEP_STRIDE)
    with finalized.store.reading() as session:
        for i in positions:
            data = bytearray(pdf)
            data[i] = (data[i] + 1 + (i * 37) % 255) % 256
            got = verdict(session, finalized.actor, bytes(data))
            assert got is not Verdict.MATCH, i
            seen[got] = seen.get(got, 0) + 1
    assert seen.get(Verdict.ALTERED, 0) > len(positions) // 2
    assert sum(seen.values()) == len(positions)


# --- anything else is "not a PDF", "unknown" or "altered", never an error ------------------------


def malformed(rnd: random.Random, pdf: bytes) -> bytes:
    kind = rnd.choice(["random", "pdf-head", "truncated", "corrupt", "appended", "empty"])
    if kind == "random":
        return rnd.randbytes(rnd.randint(0, 2000))
    if kind == "pdf-head":
        return b"%PDF-1." + rnd.randbytes(rnd.randint(0, 500))
    if kind == "truncated":
        return pdf[: rnd.randint(0, len(pdf) - 1)]
    if kind == "appended":
        return pdf + rnd.choice([b"\n", b"%%EOF\n", b"trailer<<>>", rnd.randbytes(40)])
    if kind == "empty":
        return b""
    return corrupt(rnd, pdf)


@fuzz_settings(500)
@given(seed=SEEDS)
def test_malformed_files_get_a_verdict(finalized: Finalized, seed: int) -> None:
    rnd = random.Random(seed)
    with finalized.store.reading() as session:
        for _ in range(4):
            data = malformed(rnd, finalized.pdf)
            got = verdict(session, finalized.actor, data)
            assert got is not Verdict.MATCH or data == finalized.pdf
            if not data.startswith(b"%PDF-"):
                assert got is Verdict.NOT_PDF


@pytest.mark.parametrize(
    ("make", "code", "word"),
    [
        (lambda pdf: pdf, 0, "match"),
        (lambda pdf: pdf[:-200], 1, "altered"),
        (lambda pdf: pdf.replace(b"/Producer", b"/Pro-ucer", 1), 1, "altered"),
        (lambda pdf: pdf[:4000], 1, None),
        (lambda pdf: b"\x00" * 100, 2, "not_pdf"),
        (lambda pdf: b"", 2, "not_pdf"),
    ],
    ids=["untouched", "cut", "edited", "first-4k", "zeros", "empty"],
)
def test_the_cli_verdicts(
    finalized: Finalized,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Any,
    code: int,
    word: str | None,
) -> None:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(make(finalized.pdf))
    url = finalized.store.url
    assert main(["--db", url, "verify", str(path), "--json"]) == code
    result = json.loads(capsys.readouterr().out)
    assert result["verdict"] in ("match", "altered", "unknown", "not_pdf")
    if word is not None:
        assert result["verdict"] == word
