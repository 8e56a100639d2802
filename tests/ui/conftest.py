"""GUI test fixtures: QSettings in a tmp dir, background work inline, message boxes recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.ui import widgets
from app.ui.operations import BackgroundOp

# The offscreen platform plugin (QT_QPA_PLATFORM=offscreen) cannot pass a top-level
# window's size hints to a window system, and says so for every dialog with a layout.
# It is about the test platform, not our code, so only that exact message is ignored.
OFFSCREEN_NOISE = r"^This plugin does not support propagateSizeHints\(\)$"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path: Path) -> Iterator[Path]:
    """QSettings reads XDG_CONFIG_HOME once per process; point it at this test's tmp dir."""
    folder = tmp_path / "qsettings"
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def inline_background_ops() -> Iterator[None]:
    previous = BackgroundOp.inline
    BackgroundOp.inline = True
    yield
    BackgroundOp.inline = previous


@dataclass
class Messages:
    """What the message boxes would have said; `answer` is the user's reply to questions."""

    errors: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    answer: bool = True


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    record = Messages()

    def show_error(_parent: QWidget | None, text: str, title: str | None = None) -> None:
        record.errors.append(text)

    def show_info(_parent: QWidget | None, text: str, title: str | None = None) -> None:
        record.infos.append(text)

    def confirm(_parent: QWidget | None, text: str, title: str | None = None) -> bool:
        record.questions.append(text)
        return record.answer

    monkeypatch.setattr(widgets, "show_error", show_error)
    monkeypatch.setattr(widgets, "show_info", show_info)
    monkeypatch.setattr(widgets, "confirm", confirm)
    return record


@pytest.fixture
def type_text() -> Callable[[QWidget, str], None]:
    """Chinese arrives through the input method, as one committed string (QTest cannot type it)."""

    def commit(widget: QWidget, text: str) -> None:
        widget.setFocus()
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)

    return commit
