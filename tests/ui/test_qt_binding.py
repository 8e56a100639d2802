"""The Qt binding itself must not lose references to None.

PySide6 6.12.0 on Python 3.11 drops one reference to None per call of a method that
returns nothing; a signature pad or a busy page then aborts the whole app with
"Fatal Python error: none_dealloc". pyproject.toml keeps that release out.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QPainterPath


def test_void_methods_keep_none_alive() -> None:
    path = QPainterPath()
    before = sys.getrefcount(None)
    for i in range(2000):
        path.lineTo(i, i)
    # Other threads may touch None meanwhile; a leak shows as ~2000 lost references.
    assert before - sys.getrefcount(None) < 100
