"""A signature pad: sign with the mouse, a pen tablet (pressure sets the width) or a finger.

Strokes are kept as points, drawn as smooth curves (quadratic segments through the
midpoints), and exported cropped to the ink as a small white-background PNG that the
meeting PDFs print.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QShortcut,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.i18n import _
from app.ui import widgets

INK = QColor("#14161a")
PAPER = QColor("white")
GUIDE = QColor("#b8bec8")
HINT = QColor("#9aa1ac")

MOUSE_WIDTH = 2.6
TOUCH_WIDTH = 3.0
MIN_PEN_WIDTH, MAX_PEN_WIDTH = 1.0, 4.6
MIN_STEP = 0.75  # points closer than this to the last one add nothing but size

PNG_MAX = QSize(600, 200)
PNG_MARGIN = 12  # pixels of white around the ink (before scaling)


@dataclass
class Stroke:
    """One pen-down-to-pen-up line: points in widget coordinates and the width at each."""

    points: list[QPointF] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)

    def add(self, point: QPointF, width: float) -> bool:
        if self.points:
            last = self.points[-1]
            if abs(point.x() - last.x()) + abs(point.y() - last.y()) < MIN_STEP:
                return False
        self.points.append(QPointF(point))
        self.widths.append(width)
        return True

    def bounds(self) -> QRectF:
        xs = [p.x() for p in self.points]
        ys = [p.y() for p in self.points]
        half = max(self.widths) / 2
        return QRectF(
            min(xs) - half,
            min(ys) - half,
            max(xs) - min(xs) + 2 * half,
            max(ys) - min(ys) + 2 * half,
        )


def paint_stroke(painter: QPainter, stroke: Stroke) -> None:
    """Quadratic curves from midpoint to midpoint with the real points as control points:
    smooth even when the mouse only reports a point every few pixels."""
    pts, widths = stroke.points, stroke.widths
    if not pts:
        return
    if len(pts) == 1:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(INK)
        painter.drawEllipse(pts[0], widths[0] / 2, widths[0] / 2)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return
    pen = QPen(
        INK, widths[0], Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    start = pts[0]
    for i in range(1, len(pts)):
        end = pts[i] if i == len(pts) - 1 else (pts[i] + pts[i + 1]) / 2
        path = QPainterPath(start)
        if i == len(pts) - 1:
            path.lineTo(end)
        else:
            path.quadTo(pts[i], end)
        pen.setWidthF((widths[i - 1] + widths[i]) / 2)
        painter.setPen(pen)
        painter.drawPath(path)
        start = end


class SignatureCanvas(QWidget):
    """The white drawing surface with a baseline; emits `changed` when the ink changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[Stroke] = []
        self._cache: QPixmap | None = None
        self._current: Stroke | None = None
        # Which input drew the stroke in progress: the others are ignored until it ends,
        # so a touch or a pen does not also draw through the mouse events synthesized from it.
        self._source: str | None = None
        self._touch_id: int | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(360, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("Signature area"))
        self.setAccessibleDescription(_("Sign here with the mouse, a pen or a finger."))

    # --- the ink ------------------------------------------------------------------------
    @property
    def strokes(self) -> list[Stroke]:
        return list(self._strokes)

    def is_empty(self) -> bool:
        return not self._strokes

    def clear(self) -> None:
        if self._strokes or self._current is not None:
            self._strokes.clear()
            self._cache = None
            self._end_stroke(keep=False)
            self.update()
            self.changed.emit()

    def undo(self) -> None:
        if self._strokes:
            self._strokes.pop()
            self._cache = None
            self.update()
            self.changed.emit()

    def ink_bounds(self) -> QRectF:
        rect = QRectF()
        for stroke in self._strokes:
            rect = rect.united(stroke.bounds())
        return rect

    def to_png(self) -> bytes:
        """The signature cropped to the ink plus a margin, scaled to fit 600×200, grey PNG."""
        if self.is_empty():
            raise ValueError("the signature pad is empty")
        ink = self.ink_bounds().adjusted(-PNG_MARGIN, -PNG_MARGIN, PNG_MARGIN, PNG_MARGIN)
        # Drawn again as vectors at the target scale (up to 2× for a crisp print), not a
        # screenshot scaled down.
        scale = min(2.0, PNG_MAX.width() / ink.width(), PNG_MAX.height() / ink.height())
        size = QSize(max(1, round(ink.width() * scale)), max(1, round(ink.height() * scale)))
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(PAPER)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(-ink.topLeft())
        for stroke in self._strokes:
            paint_stroke(painter, stroke)
        painter.end()
        gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        gray.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; only str works
        buffer.close()
        return bytes(data.data())

    # --- drawing ------------------------------------------------------------------------
    def _begin_stroke(self, source: str, point: QPointF, width: float) -> None:
        self._source = source
        self._current = Stroke()
        self._current.add(point, width)
        self.update()

    def _extend_stroke(self, point: QPointF, width: float) -> None:
        if self._current is not None and self._current.add(point, width):
            self.update()

    def _end_stroke(self, keep: bool = True) -> None:
        stroke, self._current, self._source, self._touch_id = self._current, None, None, None
        if keep and stroke is not None and stroke.points:
            self._strokes.append(stroke)
            self._paint_on_cache([stroke])
            self.update()
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._source is None:
            self._begin_stroke("mouse", event.position(), MOUSE_WIDTH)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._source == "mouse" and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position(), MOUSE_WIDTH)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._source == "mouse" and event.button() == Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position(), MOUSE_WIDTH)
            self._end_stroke()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        pressure = event.pressure()
        width = MIN_PEN_WIDTH + (MAX_PEN_WIDTH - MIN_PEN_WIDTH) * max(0.0, min(1.0, pressure))
        kind = event.type()
        if kind == QEvent.Type.TabletPress and self._source is None:
            self._begin_stroke("tablet", event.position(), width)
        elif kind == QEvent.Type.TabletMove and self._source == "tablet":
            self._extend_stroke(event.position(), width)
        elif kind == QEvent.Type.TabletRelease and self._source == "tablet":
            self._end_stroke()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (
            QEvent.Type.TouchBegin,
            QEvent.Type.TouchUpdate,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            assert isinstance(event, QTouchEvent)
            self._touch(event)
            event.accept()
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        if event.type() == QEvent.Type.TouchCancel:
            if self._source == "touch":
                self._end_stroke(keep=False)
            return
        points = event.points()
        if not points:
            return
        if self._source is None and event.type() == QEvent.Type.TouchBegin:
            first = points[0]
            self._begin_stroke("touch", first.position(), TOUCH_WIDTH)
            self._touch_id = first.id()
            return
        if self._source != "touch":
            return
        point = next((p for p in points if p.id() == self._touch_id), None)
        if point is None:
            return
        self._extend_stroke(point.position(), TOUCH_WIDTH)
        if event.type() == QEvent.Type.TouchEnd or point.state() == point.State.Released:
            self._end_stroke()

    # --- showing --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(GUIDE, 1))
        painter.setBrush(PAPER)
        painter.drawRoundedRect(rect, 6, 6)
        baseline = rect.top() + rect.height() * 0.74
        left, right = rect.left() + 24, rect.right() - 24
        painter.setPen(QPen(GUIDE, 1.2))
        painter.drawLine(QPointF(left + 22, baseline), QPointF(right, baseline))
        cross = 10  # the "×" that marks where to sign on paper forms
        painter.drawLine(QPointF(left, baseline - cross - 4), QPointF(left + cross, baseline - 4))
        painter.drawLine(QPointF(left, baseline - 4), QPointF(left + cross, baseline - cross - 4))
        if self.is_empty() and self._current is None:
            painter.setPen(HINT)
            painter.setFont(widgets.scaled_font(self, 1.6))
            hint_rect = QRectF(left, rect.top(), right - left, baseline - rect.top() - 8)
            painter.drawText(
                hint_rect,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                _("Please sign here"),
            )
        painter.drawPixmap(0, 0, self._ink())
        if self._current is not None:
            paint_stroke(painter, self._current)
        painter.end()

    def _ink(self) -> QPixmap:
        """The finished strokes, drawn once: while a stroke is drawn only it is repainted
        at each move, not the whole signature again."""
        ratio = self.devicePixelRatioF()
        size = QSize(round(self.width() * ratio), round(self.height() * ratio))
        if self._cache is None or self._cache.size() != size:
            self._cache = QPixmap(size)
            self._cache.setDevicePixelRatio(ratio)
            self._cache.fill(Qt.GlobalColor.transparent)
            self._paint_on_cache(self._strokes)
        return self._cache

    def _paint_on_cache(self, strokes: list[Stroke]) -> None:
        if self._cache is None:
            return
        painter = QPainter(self._cache)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in strokes:
            paint_stroke(painter, stroke)
        painter.end()

    def sizeHint(self) -> QSize:
        return QSize(560, 210)


class SignaturePad(QWidget):
    """The canvas with its Undo and Clear buttons (also Ctrl+Z and Ctrl+Delete)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = SignatureCanvas(self)
        self.undo_button = QPushButton(_("Undo stroke"), self)
        self.undo_button.setToolTip(_("Remove the last stroke (Ctrl+Z)"))
        self.clear_button = QPushButton(_("Clear"), self)
        self.clear_button.setToolTip(_("Start the signature again (Ctrl+Delete)"))
        self.undo_button.clicked.connect(self.undo)
        self.clear_button.clicked.connect(self.clear)
        for keys, slot in (("Ctrl+Z", self.undo), ("Ctrl+Delete", self.clear)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.canvas.changed.connect(self._changed)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(buttons)
        self._changed()

    @property
    def strokes(self) -> list[Stroke]:
        return self.canvas.strokes

    def is_empty(self) -> bool:
        return self.canvas.is_empty()

    def clear(self) -> None:
        self.canvas.clear()

    def undo(self) -> None:
        self.canvas.undo()

    def to_png(self) -> bytes:
        return self.canvas.to_png()

    def _changed(self) -> None:
        empty = self.canvas.is_empty()
        self.undo_button.setEnabled(not empty)
        self.clear_button.setEnabled(not empty)
        self.changed.emit()
