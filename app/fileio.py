"""Files the app writes for the user (PDFs, spreadsheets): whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, fsync, then rename over it: a full disk or a crash never
    leaves half a file, and an older file of the same name survives a failed write."""
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
