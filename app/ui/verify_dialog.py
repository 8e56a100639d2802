"""Verify a minutes PDF: is this file an untouched copy of minutes finalized here?

Pick a file or drop one on the dialog; the verdict shows big, in green (match), red
(altered) or grey (unknown, not a PDF), with the meeting and revision when known.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Store
from app.i18n import _
from app.services import meetings, minutes
from app.services.auth import Actor
from app.services.errors import ServiceError
from app.services.minutes import Verdict, Verification
from app.ui import printing, widgets

COLORS = {
    Verdict.MATCH: ("#1e7b34", "#e6f4ea"),
    Verdict.ALTERED: (widgets.ERROR_COLOR, "#fdecea"),
    Verdict.UNKNOWN: ("#4b5563", "#eef0f3"),
    Verdict.NOT_PDF: ("#4b5563", "#eef0f3"),
}
SYMBOLS = {Verdict.MATCH: "✓", Verdict.ALTERED: "✗", Verdict.UNKNOWN: "?", Verdict.NOT_PDF: "?"}


class VerifyDialog(QDialog):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.verification: Verification | None = None
        self._folder = Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or Path.home()
        )
        self.setWindowTitle(_("Verify minutes PDF"))
        self.setAcceptDrops(True)

        intro = widgets.muted(
            _(
                "Checks whether a PDF of the minutes is an untouched copy of a revision "
                "finalized in this branch: the fingerprint at the foot of its pages and the "
                "file's content must both agree."
            ),
            self,
        )
        self.drop_zone = QLabel(_("Drop a PDF here"), self)
        self.drop_zone.setObjectName("dropZone")
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setMinimumHeight(70)
        self.drop_zone.setStyleSheet(
            "QLabel#dropZone { border: 2px dashed #b8bec8; border-radius: 8px;"
            f" color: {widgets.MUTED_COLOR}; }}"
        )
        self.choose_button = QPushButton(_("Choose PDF…"), self)
        self.choose_button.clicked.connect(self.choose_file)

        self.verdict_frame = QFrame(self)
        self.verdict_frame.setObjectName("verdict")
        frame_layout = QVBoxLayout(self.verdict_frame)
        frame_layout.setContentsMargins(18, 14, 18, 14)
        self.verdict = QLabel(self.verdict_frame)
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict.setFont(widgets.scaled_font(self.verdict, 1.45, bold=True))
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel(self.verdict_frame)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        frame_layout.addWidget(self.verdict)
        frame_layout.addWidget(self.details)
        self.verdict_frame.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(widgets.heading(_("Verify minutes PDF"), 1.3, self))
        layout.addWidget(intro)
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.verdict_frame)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    # --- input ------------------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _selected = QFileDialog.getOpenFileName(
            self,
            _("Choose the PDF to verify"),
            str(self._folder),
            _("PDF files (*.pdf);;All files (*)"),
        )
        if name:
            self.verify_file(Path(name))

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return None
        local = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        return Path(local[0]) if len(local) == 1 else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.verify_file(path)

    # --- checking ------------------------------------------------------------------------------
    def verify_file(self, path: Path) -> Verification | None:
        self._folder = path.parent
        try:
            data = path.read_bytes()
        except OSError as exc:
            widgets.show_error(
                self,
                _("{file} could not be read: {reason}").format(
                    file=str(path), reason=printing.describe_os_error(exc)
                ),
            )
            return None
        return self.verify_bytes(path.name, data)

    def verify_bytes(self, name: str, data: bytes) -> Verification | None:
        details = [_("File: {file}").format(file=name)]
        try:
            with self.store.reading() as session:
                result = minutes.verify_pdf(session, self.actor, data)
                if result.meeting_id is not None:
                    meeting = meetings.summary(session, self.actor, result.meeting_id)
                    details.append(
                        _("Meeting: {date} {label}").format(
                            date=meeting.day.isoformat(), label=meeting.label
                        )
                    )
        except ServiceError as exc:
            widgets.show_error(self, str(exc))
            return None
        if result.revision is not None:
            details.append(_("Revision: {rev}").format(rev=result.revision))
        if result.fingerprint:
            details.append(_("Fingerprint: {fingerprint}").format(fingerprint=result.fingerprint))
        self.show_result(result, details)
        return result

    def show_result(self, result: Verification, details: list[str]) -> None:
        self.verification = result
        color, background = COLORS[result.verdict]
        self.verdict_frame.setStyleSheet(
            f"QFrame#verdict {{ background: {background}; border: 1px solid {color};"
            " border-radius: 8px; }"
            f" QFrame#verdict QLabel {{ color: {color}; }}"
        )
        self.verdict.setText(f"{SYMBOLS[result.verdict]}  {result.message()}")
        self.details.setText("\n".join(details))
        self.verdict_frame.show()
        self.adjustSize()
