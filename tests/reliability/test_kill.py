"""Durability, proven (issue 6, item 1): SIGKILL the real write path at least 100 times.

See kill_harness.py for the method. Bounded to ~20 s on 2 cores: the children fork from
a forkserver that imported the app once (~50 ms each instead of ~0.8 s for a fresh
interpreter). The 1,000-kill soak is bench/bench_kill_soak.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kill_harness import ROWS_PER_BATCH, check, prepare, run_kills

KILLS = 100


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_committed_transaction(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    prepare(path)
    stats = run_kills(path, KILLS, seed=6, max_delay=0.15)
    assert stats.ok, (
        stats.summary(),
        f"lost {stats.lost[:10]}",
        f"half-present {stats.partial[:10]}",
        stats.damaged[:10],
    )
    assert stats.kills == KILLS
    # The kills landed while transactions were being made, not only before the first.
    assert stats.committed > KILLS // 2
    per_batch, problems = check(path)
    assert not problems
    assert set(per_batch.values()) == {ROWS_PER_BATCH}
    assert stats.present == stats.committed + stats.unreported
    print(stats.summary())
