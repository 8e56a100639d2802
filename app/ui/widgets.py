"""Small widgets and helpers shared by the windows and pages.

Kept free of the store and the services so that the login window can use them
before the ORM is imported.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QKeySequence, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.i18n import _

ORGANIZATION = APP_NAME
ERROR_COLOR = "#c0392b"
MUTED_COLOR = "#6b7280"
ACCENT_COLOR = "#1f6feb"


def ui_settings() -> QSettings:
    """The per-user settings of this PC (window geometry, language, last user name).

    Named explicitly rather than through QCoreApplication so that tests, which run
    under pytest-qt's unnamed QApplication, read and write the same place.
    """
    return QSettings(ORGANIZATION, APP_NAME)


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def heading(text: str, factor: float = 1.5, parent: QWidget | None = None) -> QLabel:
    """A page or section title: larger and bold, scaled from the user's own font size."""
    label = QLabel(text, parent)
    label.setFont(scaled_font(label, factor, bold=True))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def muted(text: str, parent: QWidget | None = None) -> QLabel:
    """Explanatory text under a title or a field."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED_COLOR};")
    return label


class ErrorLabel(QLabel):
    """A red message beside the inputs it is about; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOR};")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_error(self) -> None:
        self.setText("")
        self.hide()


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """A red frame around the input that an error message is about."""
    widget.setStyleSheet(f"border: 1px solid {ERROR_COLOR};" if invalid else "")


class Banner(QFrame):
    """A yellow warning strip with an optional action button (e.g. calendar warnings)."""

    def __init__(self, button_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setStyleSheet(
            "QFrame#banner { background: #fff4c2; border: 1px solid #e0b400;"
            " border-radius: 6px; } QFrame#banner QLabel { color: #5c4400; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(12)
        self.icon = QLabel("⚠", self)
        self.icon.setFont(scaled_font(self.icon, 1.6))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.icon)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label, 1)
        self.button = QPushButton(button_text, self)
        self.button.setVisible(bool(button_text))
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)

    def set_messages(self, messages: list[str]) -> None:
        self.label.setText("\n\n".join(messages))
        self.setVisible(bool(messages))


class Card(QFrame):
    """A light panel grouping related facts on a page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet(
            "QFrame#card { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
        )
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(18, 16, 18, 16)
        self.body.setSpacing(6)


def app_icon() -> QIcon:
    """The window icon, drawn rather than shipped: a blue tile with 网."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(ACCENT_COLOR))
        painter.drawRoundedRect(0, 0, size, size, size * 0.2, size * 0.2)
        font = QFont()
        font.setPixelSize(max(8, int(size * 0.62)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "网")
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def padlock_pixmap(size: int = 56) -> QPixmap:
    """A drawn padlock: emoji fonts are missing on many office PCs."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(ACCENT_COLOR)
    pen = QPen(color, size * 0.09)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    shackle = QRectF(size * 0.28, size * 0.08, size * 0.44, size * 0.5)
    painter.drawArc(shackle, 0, 180 * 16)
    painter.drawLine(
        QPointF(shackle.left(), shackle.center().y()), QPointF(shackle.left(), size * 0.45)
    )
    painter.drawLine(
        QPointF(shackle.right(), shackle.center().y()), QPointF(shackle.right(), size * 0.45)
    )
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(size * 0.16, size * 0.42, size * 0.68, size * 0.52), 5, 5)
    painter.setBrush(QColor("white"))
    painter.drawEllipse(QPointF(size * 0.5, size * 0.64), size * 0.07, size * 0.07)
    painter.drawRect(QRectF(size * 0.47, size * 0.66, size * 0.06, size * 0.14))
    painter.end()
    return pixmap


# --- message boxes: one place, so that tests can stand in for the user ---------------


def show_error(parent: QWidget | None, text: str, title: str | None = None) -> None:
    QMessageBox.warning(parent, title or _("BranchDesk"), text)


def show_info(parent: QWidget | None, text: str, title: str | None = None) -> None:
    QMessageBox.information(parent, title or _("BranchDesk"), text)


def page_action(
    owner: QWidget,
    text: str,
    slot: Callable[[], object],
    shortcut: QKeySequence.StandardKey | str | None = None,
) -> QAction:
    """An action of a page or view: its shortcut works only while the page has focus
    (other pages may use the same keys) and is shown in the tooltip. The caller adds it
    to `owner` (or not, when the user may not use it)."""
    action = QAction(text, owner)
    action.triggered.connect(lambda _checked=False: slot())
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.rstrip('…')} ({keys})")
    return action


def confirm(parent: QWidget | None, text: str, title: str | None = None) -> bool:
    answer = QMessageBox.question(
        parent,
        title or _("BranchDesk"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def open_dialog(owner: QWidget, dialog: QDialog, on_accepted: Callable[[], object]) -> None:
    """Open a window-modal dialog without blocking; tests find it as `owner.current_dialog`."""
    owner.current_dialog = dialog  # type: ignore[attr-defined]
    dialog.accepted.connect(on_accepted)

    def finished(_result: int) -> None:
        if getattr(owner, "current_dialog", None) is dialog:
            owner.current_dialog = None  # type: ignore[attr-defined]
        dialog.deleteLater()

    dialog.finished.connect(finished)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
