"""The one bridge for background work (after Anki's CollectionOp).

    BackgroundOp(parent, work).success(on_done).failure(on_error).run()

`work(report)` runs on a worker thread and may call `report(done, total)` for the
progress dialog (it returns False once the user pressed Cancel). Only signals cross
threads: `on_done(result)` / `on_error(exc)` always run on the GUI thread.
Tests set `BackgroundOp.inline = True` to run everything synchronously.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.i18n import _

Report = Callable[[int, int], bool]


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, work: Callable[[Report], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals
        self.cancelled = False

    def report(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self.cancelled

    def run(self) -> None:
        try:
            try:
                result = self.work(self.report)
            except Exception as exc:  # handed to the GUI thread, which decides what to show
                self.signals.failed.emit(exc)
            else:
                self.signals.done.emit(result)
        except RuntimeError:
            # The window that asked went away (the app is closing): nobody to tell.
            pass


class BackgroundOp:
    inline: ClassVar[bool] = False
    _running: ClassVar[set[BackgroundOp]] = set()

    def __init__(
        self, parent: QWidget | None, work: Callable[[Report], Any], label: str | None = None
    ) -> None:
        self.parent = parent
        self.work = work
        self.label = label
        self._success: Callable[[Any], None] = lambda _result: None
        self._failure: Callable[[Exception], None] | None = None

    def success(self, callback: Callable[[Any], None]) -> BackgroundOp:
        self._success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> BackgroundOp:
        self._failure = callback
        return self

    def _fail(self, exc: Exception) -> None:
        if self._failure is None:
            raise exc
        self._failure(exc)

    def run(self) -> None:
        if self.inline:
            try:
                result = self.work(lambda _done, _total: True)
            except Exception as exc:
                self._fail(exc)
            else:
                self._success(result)
            return
        signals = _Signals()
        task = _Task(self.work, signals)
        dialog = None
        if self.label:
            dialog = QProgressDialog(self.label, _("Cancel"), 0, 0, self.parent)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)  # quick work never flashes a dialog
            dialog.canceled.connect(lambda: setattr(task, "cancelled", True))

            def on_progress(done: int, total: int) -> None:
                dialog.setMaximum(total)
                dialog.setValue(done)

            signals.progress.connect(on_progress)

        def finish() -> None:
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            BackgroundOp._running.discard(self)

        def on_done(result: Any) -> None:
            finish()
            self._success(result)

        def on_failed(exc: Exception) -> None:
            finish()
            self._fail(exc)

        signals.done.connect(on_done)
        signals.failed.connect(on_failed)
        self._signals = signals  # kept alive until the task reports back
        BackgroundOp._running.add(self)
        QThreadPool.globalInstance().start(task)
