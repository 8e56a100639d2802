"""The signature pad: mouse, pen and touch strokes; undo, clear; a small cropped PNG."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QInputDevice, QMouseEvent, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.signature_pad import MAX_PEN_WIDTH, MIN_PEN_WIDTH, SignatureCanvas, SignaturePad

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def mouse(canvas: SignatureCanvas, kind: QEvent.Type, x: float, y: float) -> None:
    pressed = kind != QEvent.Type.MouseButtonRelease
    event = QMouseEvent(
        kind,
        QPointF(x, y),
        QPointF(canvas.mapToGlobal(QPoint(round(x), round(y)))),
        Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton,
        Qt.MouseButton.LeftButton if pressed else Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas, event)


def draw(canvas: SignatureCanvas, points: Sequence[tuple[float, float]]) -> None:
    """One mouse stroke through `points` (QTest.mouseMove cannot hold a button down)."""
    (x0, y0), *rest = points
    mouse(canvas, QEvent.Type.MouseButtonPress, x0, y0)
    for x, y in rest:
        mouse(canvas, QEvent.Type.MouseMove, x, y)
    mouse(canvas, QEvent.Type.MouseButtonRelease, *points[-1])


def zigzag(x0: float, y0: float, n: int = 12) -> list[tuple[float, float]]:
    return [(x0 + 12 * i, y0 + (18 if i % 2 else 0)) for i in range(n)]


@pytest.fixture
def pad(qtbot: QtBot) -> SignaturePad:
    widget = SignaturePad()
    qtbot.addWidget(widget)
    widget.resize(600, 260)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_new_pad_is_empty_and_says_where_to_sign(pad: SignaturePad) -> None:
    assert pad.is_empty() and pad.strokes == []
    assert not pad.undo_button.isEnabled() and not pad.clear_button.isEnabled()
    with pytest.raises(ValueError):
        pad.to_png()
    # the hint is painted in grey on white: some non-white pixels above the baseline
    image = pad.canvas.grab().toImage()
    assert image.pixelColor(5, 5).name() == "#ffffff"


def test_mouse_strokes_make_a_cropped_png(pad: SignaturePad) -> None:
    draw(pad.canvas, zigzag(60, 60))
    draw(pad.canvas, [(80, 130), (200, 132), (320, 128)])
    assert len(pad.strokes) == 2 and not pad.is_empty()
    assert pad.undo_button.isEnabled() and pad.clear_button.isEnabled()
    png = pad.to_png()
    assert png.startswith(PNG_MAGIC) and len(png) < 60_000
    image = QImage.fromData(png, "PNG")
    assert not image.isNull()
    assert image.width() <= 600 and image.height() <= 200
    # cropped to the ink: much wider than tall, like the strokes (260 x 90 plus margins)
    assert image.width() > image.height() * 1.8
    corners = [image.pixelColor(0, 0), image.pixelColor(image.width() - 1, 0)]
    assert all(c.name() == "#ffffff" for c in corners)
    dark = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixelColor(x, y).lightness() < 100
    )
    assert dark > 50


def test_undo_removes_the_last_stroke_and_clear_empties(pad: SignaturePad) -> None:
    changes: list[bool] = []
    pad.changed.connect(lambda: changes.append(True))
    draw(pad.canvas, zigzag(40, 40))
    draw(pad.canvas, zigzag(40, 120, 6))
    first = pad.strokes[0]
    pad.undo_button.click()
    assert pad.strokes == [first]
    draw(pad.canvas, zigzag(200, 100))
    pad.clear_button.click()
    assert pad.is_empty() and not pad.clear_button.isEnabled()
    assert len(changes) == 5


def test_keyboard_shortcuts(qtbot: QtBot, pad: SignaturePad) -> None:
    draw(pad.canvas, zigzag(40, 40))
    draw(pad.canvas, zigzag(40, 120))
    pad.activateWindow()
    pad.undo_button.setFocus()
    QTest.keyClick(pad.undo_button, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(pad.strokes) == 1
    QTest.keyClick(pad.undo_button, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert pad.is_empty()
    assert pad.clear_button.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_a_single_click_is_a_dot(pad: SignaturePad) -> None:
    draw(pad.canvas, [(100, 100)])
    assert len(pad.strokes) == 1
    assert QImage.fromData(pad.to_png(), "PNG").width() > 0


def _pen() -> QPointingDevice:
    return QPointingDevice(
        "test pen",
        4242,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        3,
    )


def test_pen_pressure_sets_the_width(pad: SignaturePad) -> None:
    pen = _pen()
    canvas = pad.canvas
    steps = [
        (QEvent.Type.TabletPress, 50, 0.1),
        (QEvent.Type.TabletMove, 90, 0.5),
        (QEvent.Type.TabletMove, 130, 1.0),
        (QEvent.Type.TabletRelease, 130, 0.0),
    ]
    for kind, x, pressure in steps:
        pos = QPointF(x, 80)
        event = QTabletEvent(
            kind,
            pen,
            pos,
            QPointF(canvas.mapToGlobal(pos.toPoint())),
            pressure,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            Qt.KeyboardModifier.NoModifier,
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton
            if kind != QEvent.Type.TabletRelease
            else Qt.MouseButton.NoButton,
        )
        QApplication.sendEvent(canvas, event)
    (stroke,) = pad.strokes
    assert len(stroke.points) == 3
    thin, _mid, thick = stroke.widths
    assert thin == pytest.approx(MIN_PEN_WIDTH + (MAX_PEN_WIDTH - MIN_PEN_WIDTH) * 0.1)
    assert thick == pytest.approx(MAX_PEN_WIDTH)


def test_a_finger_draws_too(pad: SignaturePad) -> None:
    screen = QTest.createTouchDevice()
    canvas = pad.canvas
    assert canvas.testAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
    QTest.touchEvent(canvas, screen).press(0, QPoint(40, 60), canvas).commit()
    for x in range(60, 200, 20):
        QTest.touchEvent(canvas, screen).move(0, QPoint(x, 60 + x // 10), canvas).commit()
    QTest.touchEvent(canvas, screen).release(0, QPoint(200, 80), canvas).commit()
    assert len(pad.strokes) == 1
    assert len(pad.strokes[0].points) >= 6


def ink_in(pad: SignaturePad, top: int, bottom: int) -> int:
    image = pad.canvas.grab().toImage()
    return sum(
        1
        for x in range(30, image.width() - 30, 3)
        for y in range(top, bottom, 3)
        if image.pixelColor(x, y).lightness() < 80
    )


def test_what_is_shown_follows_undo_and_clear(pad: SignaturePad) -> None:
    draw(pad.canvas, zigzag(60, 20))  # ink in the band y 20..38
    draw(pad.canvas, zigzag(60, 150, 8))  # and in 150..168
    assert ink_in(pad, 15, 45) > 0 and ink_in(pad, 145, 175) > 0
    pad.undo()
    assert ink_in(pad, 15, 45) > 0 and ink_in(pad, 145, 175) == 0
    pad.clear()
    assert ink_in(pad, 15, 45) == 0
