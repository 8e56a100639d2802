"""A page whose feature arrives in a later version: says what it will do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.i18n import _
from app.ui import widgets


class PlaceholderPage(QWidget):
    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        layout.addWidget(widgets.heading(title, parent=self))
        card = widgets.Card(self)
        coming = widgets.heading(_("Coming soon"), 1.15, card)
        card.body.addWidget(coming)
        text = widgets.muted(description, card)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        card.body.addWidget(text)
        layout.addWidget(card)
        layout.addStretch(1)
