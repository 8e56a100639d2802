"""The crash dialog: what the user sees when BranchDesk meets an error it did not expect.

`CrashHandler.install()` replaces `sys.excepthook` (and `threading.excepthook`). An error
that is the machine's fault (a full disk, an I/O error, a locked or damaged file:
`app.db.environment_fault`) gets that plain message and no report, since it is not a
bug. Anything else is a bug: every open editor is asked to store its draft first
(widgets with a `save_draft() -> None` method, found through `QApplication.allWidgets()`;
raising means it could not), then a report file goes to the log folder and a dialog says
where it is. The application keeps running: the open windows and forms keep their input.
"""

from __future__ import annotations

import logging
import platform
import re
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, QUrl, Signal, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.config import log_dir
from app.fileio import write_atomically
from app.i18n import _
from app.ui import widgets

log = logging.getLogger("branchdesk.crash")

DRAFT_METHOD = "save_draft"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

# SQLAlchemy puts the statement's values into its messages ("[parameters: ('张三', …)]"):
# names, phone numbers, password hashes. The report keeps the SQL, never the values.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\]$", re.MULTILINE | re.DOTALL)


def save_drafts() -> tuple[int, int]:
    """Ask every widget with `save_draft()` to store its unsaved text: (saved, failed)."""
    saved = failed = 0
    for widget in QApplication.allWidgets():
        method = getattr(widget, DRAFT_METHOD, None)
        if not callable(method):
            continue
        try:
            method()
        except Exception:  # one editor's failure must not stop the others
            log.exception("could not save the draft of %s", type(widget).__name__)
            failed += 1
        else:
            saved += 1
    return saved, failed


def report_text(info: ExcInfo, when: str) -> str:
    """The report: versions, time (UTC) and the traceback; no values of the user's data."""
    exc_type, exc, tb = info
    trace = "".join(traceback.format_exception(exc_type, exc, tb))
    trace = _SQL_PARAMETERS.sub("[parameters: (removed)]", trace)
    home = str(Path.home())
    if len(home) > 1:  # the user's login name is in the path
        trace = trace.replace(home, "~")
    lines = [
        "BranchDesk crash report",
        f"Time (UTC): {when}",
        f"BranchDesk: {__version__}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"Qt: {qVersion()}, PySide6: {pyside_version}",
        f"OS: {platform.platform()}",
        f"Thread: {threading.current_thread().name}",
        "",
        trace,
    ]
    return "\n".join(lines)


def write_report(info: ExcInfo, folder: Path | None = None) -> Path:
    """crash-<UTC stamp>.txt in the log folder, written whole or not at all."""
    from app.services import clock

    now = clock.now_utc()
    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = "crash-" + now.strftime("%Y%m%dT%H%M%SZ")
    path, n = folder / f"{stem}.txt", 1
    while path.exists():  # two crashes within a second
        n += 1
        path = folder / f"{stem}-{n}.txt"
    write_atomically(path, report_text(info, now.isoformat(timespec="seconds")).encode("utf-8"))
    return path


class CrashDialog(QDialog):
    """What happened, where the report is (copyable, "Open folder"), that work was kept."""

    def __init__(
        self, report: Path | None, drafts: tuple[int, int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.report = report
        self.repeats = 0
        self.setWindowTitle(_("BranchDesk — Unexpected error"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(widgets.heading(_("Something went wrong"), 1.3, self))
        text = _(
            "BranchDesk met an error it did not expect and could not finish what it was "
            "doing. This is a fault in BranchDesk, not something you did."
        )
        if drafts[1]:  # (saved, failed)
            kept = _(
                "Some unsaved text could not be stored: it is still on screen, copy it "
                "somewhere safe before closing BranchDesk."
            )
        else:
            kept = _(
                "Your unsaved work was kept: open drafts were saved and the open windows "
                "keep what you typed. You can carry on, or restart BranchDesk to be safe."
            )
        self.message = QLabel(text + "\n\n" + kept, self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)

        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.copy_button = QPushButton(_("Copy"), self)
        self.copy_button.clicked.connect(self.copy_path)
        self.open_button = QPushButton(_("Open folder"), self)
        self.open_button.clicked.connect(self.open_folder)
        if report is not None:
            layout.addWidget(
                widgets.muted(
                    _(
                        "A report for the people who maintain BranchDesk was written "
                        "(no passwords or personal data in it). Please send it to them:"
                    ),
                    self,
                )
            )
            self.path_edit.setText(str(report))
            row = QHBoxLayout()
            row.addWidget(self.path_edit, 1)
            row.addWidget(self.copy_button)
            row.addWidget(self.open_button)
            layout.addLayout(row)
        else:
            layout.addWidget(widgets.muted(_("The report file could not be written."), self))
            for w in (self.path_edit, self.copy_button, self.open_button):
                w.hide()
        self.repeat_label = widgets.muted("", self)
        self.repeat_label.hide()
        layout.addWidget(self.repeat_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_path(self) -> None:
        QGuiApplication.clipboard().setText(self.path_edit.text())

    def open_folder(self) -> None:
        if self.report is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report.parent)))

    def note_repeat(self) -> None:
        """Another error while this dialog is open: counted here, not a second dialog."""
        self.repeats += 1
        self.repeat_label.setText(
            _("{n} more error(s) happened since; they are in the log.").format(n=self.repeats)
        )
        self.repeat_label.show()


class CrashHandler(QObject):
    """Installs itself as `sys.excepthook`/`threading.excepthook`; one dialog at a time."""

    # An error on another thread, carried to the GUI thread (dialogs live there).
    _crashed = Signal(object)

    def __init__(self, parent: QObject | None = None, folder: Callable[[], Path] = log_dir) -> None:
        super().__init__(parent)
        self.folder = folder
        self.dialog: CrashDialog | None = None
        self.reports: list[Path] = []
        self._handling = False
        self._previous_hook: Callable[..., object] | None = None
        self._previous_thread_hook: Callable[..., object] | None = None
        self._crashed.connect(self._on_crashed, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook and self._previous_hook is not None:
            sys.excepthook = self._previous_hook  # type: ignore[assignment]
        if threading.excepthook == self.thread_excepthook and self._previous_thread_hook:
            threading.excepthook = self._previous_thread_hook  # type: ignore[assignment]

    # --- the hooks ---------------------------------------------------------------------

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if threading.current_thread() is not threading.main_thread():
            self._crashed.emit((exc_type, exc, tb))
            return
        self.handle((exc_type, exc, tb))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self._crashed.emit((args.exc_type, args.exc_value, args.exc_traceback))

    def _on_crashed(self, info: object) -> None:
        self.handle(info)  # type: ignore[arg-type]

    # --- what happens ------------------------------------------------------------------

    def handle(self, info: ExcInfo) -> None:
        log.error("unhandled error", exc_info=info)
        if self._handling:
            return  # an error inside the handler itself: logged above, nothing more
        self._handling = True
        try:
            self._handle(info)
        except BaseException:
            # The handler broke: say so the plain way rather than loop.
            sys.__excepthook__(*info)
            traceback.print_exc()
        finally:
            self._handling = False

    def _handle(self, info: ExcInfo) -> None:
        from app.db import environment_fault

        parent = QApplication.activeWindow()
        fault = environment_fault(info[1])
        if fault is not None:
            # The machine's fault, not a bug: no report, the reason in plain words.
            widgets.show_error(parent, fault, _("BranchDesk"))
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.note_repeat()
            return
        drafts = save_drafts()
        try:
            report: Path | None = write_report(info, self.folder())
        except OSError:
            log.exception("could not write the crash report")
            report = None
        if report is not None:
            self.reports.append(report)
        self.dialog = CrashDialog(report, drafts, parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dialog.destroyed.connect(self._dialog_gone)
        self.dialog.open()

    def _dialog_gone(self) -> None:
        self.dialog = None
