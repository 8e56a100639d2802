"""File → Check data: everything `branchdesk check` checks, off the GUI thread."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.db import Store, environment_fault
from app.i18n import _
from app.ui import widgets
from app.ui.operations import BackgroundOp


class CheckDialog(QDialog):
    """Runs the check when shown; the findings are plain text, selectable and copyable."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.problems: list[str] | None = None
        self.setWindowTitle(_("Check data"))
        self.resize(640, 400)
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(_("Check data"), 1.3, self))
        layout.addWidget(
            widgets.muted(
                _(
                    "Checks the data file page by page, the links between records, and the "
                    "rules: for example that finalized minutes still match their fingerprint."
                ),
                self,
            )
        )
        self.status = QLabel(_("Checking the data…"), self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: SQLite does not say how far it is
        layout.addWidget(self.progress)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.hide()
        layout.addWidget(self.report, 1)
        buttons = QDialogButtonBox(self)
        self.copy_button = buttons.addButton(_("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        self.copy_button.setEnabled(False)
        self.close_button = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)

    def start(self) -> None:
        from app.services.integrity import check_store

        store = self.store
        BackgroundOp(self, lambda _report: check_store(store)).success(self.finished_check).failure(
            self.check_failed
        ).run()

    def finished_check(self, problems: list[str]) -> None:
        self.problems = problems
        self.progress.hide()
        if problems:
            self.status.setText(
                _("{n} problem(s) found. Copy the list for whoever looks after the data:").format(
                    n=len(problems)
                )
            )
            self.report.setPlainText("\n".join(problems))
            self.report.show()
        else:
            self.status.setText(_("No problems found: the data file is intact."))
        self.copy_button.setEnabled(True)

    def check_failed(self, exc: Exception) -> None:
        fault = environment_fault(exc)
        if fault is None and "malformed" not in str(exc):
            raise exc
        self.finished_check([_("The check could not run: {reason}").format(reason=exc)])

    def copy(self) -> None:
        text = self.report.toPlainText() if self.problems else self.status.text()
        QGuiApplication.clipboard().setText(text)


def open_check(parent: QWidget, store: Store) -> CheckDialog:
    dialog = CheckDialog(store, parent)
    widgets.open_dialog(parent, dialog, lambda: None)
    dialog.start()
    return dialog
