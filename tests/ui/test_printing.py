"""Printing our PDFs (pages rendered by PDFium) and saving them atomically."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QColor, QImage, QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app import fileio
from app.ui import printing

if TYPE_CHECKING:
    from tests.ui.conftest import Messages

A4_ASPECT = 842 / 595


def two_page_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for n in (1, 2):
        pdf.setFont("Helvetica-Bold", 48)
        pdf.drawString(72, 700, f"Page {n}")
        pdf.rect(72, 72, 451, 600, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


PDF = two_page_pdf()


def test_render_pages_gives_one_a4_image_per_page(qtbot: QtBot) -> None:
    pages = printing.render_pages(PDF, dpi=72)
    assert len(pages) == 2
    for image in pages:
        assert image.height() / image.width() == pytest.approx(A4_ASPECT, rel=0.01)
        assert image.pixelColor(2, 2) == QColor("white")
        assert image.pixelColor(image.width() // 2, image.height() // 2) == QColor("black")
    hi = printing.render_pages(PDF, dpi=144)[0]
    assert hi.width() == pytest.approx(2 * pages[0].width(), abs=1)
    with pytest.raises(printing.PdfError):
        printing.render_pages(b"%PDF-1.4 broken")


def test_fit_rect_keeps_the_aspect() -> None:
    got = printing.fit_rect(QSizeF(100, 200), QRectF(0, 0, 400, 400))
    assert (got.x(), got.y(), got.width(), got.height()) == (100, 0, 200, 400)


def test_paint_pdf_on_a_printer_prints_every_page(tmp_path: Path, qtbot: QtBot) -> None:
    printer = printing.make_printer(PDF, "测试")
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)
    assert printing.paint_pdf(printer, PDF) == 2
    printed = pdfium.PdfDocument((tmp_path / "printed.pdf").read_bytes())
    assert len(printed) == 2
    width, height = printed.get_page_size(0)
    assert height / width == pytest.approx(A4_ASPECT, rel=0.01)


def test_paint_pdf_on_an_image_draws_the_first_page(qtbot: QtBot) -> None:
    image = QImage(300, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert printing.paint_pdf(image, PDF) == 1
    assert image.pixelColor(150, 150) == QColor("black")  # the page's black box
    assert image.pixelColor(2, 150) == QColor("red")  # A4 is narrower: centred with room


def test_print_pdf_shows_a_preview_and_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    seen: list[int] = []

    def user_prints(dialog: QPrintPreviewDialog) -> int:
        printer = dialog.printer()
        assert dialog.windowTitle() == "打印预览：会议纪要"
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "out.pdf"))
        printer.setResolution(100)
        dialog.paintRequested.emit(printer)
        seen.append(printer.pageLayout().pageSize().id())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintPreviewDialog, "exec", user_prints)
    assert printing.print_pdf(None, PDF, "会议纪要")
    assert seen == [QPageSize.PageSizeId.A4]
    assert len(pdfium.PdfDocument((tmp_path / "out.pdf").read_bytes())) == 2


def test_a_damaged_pdf_is_not_printed(messages: Messages) -> None:
    assert not printing.print_pdf(None, b"%PDF-1.7 nothing here", "坏文件")
    assert "坏文件" in messages.errors[0]


def test_save_pdf_writes_the_file_and_adds_the_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    asked: list[str] = []

    def dialog(_parent: object, _caption: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "会议纪要 2026-11-30"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    saved = printing.save_pdf(None, PDF, "会议纪要 2026/11/30")
    assert saved == tmp_path / "会议纪要 2026-11-30.pdf"
    assert saved.read_bytes() == PDF
    assert Path(asked[0]).name == "会议纪要 2026_11_30.pdf"
    assert list(tmp_path.glob("*.part")) == []
    # the next dialog starts in the folder used last
    printing.save_pdf(None, PDF, "again")
    assert Path(asked[1]).parent == tmp_path


def test_save_pdf_cancelled(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a: ("", "")))
    assert printing.save_pdf(None, PDF, "x") is None


def test_a_failed_write_names_the_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    target = tmp_path / "gone" / "纪要.pdf"  # the folder does not exist
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a: (str(target), "")))
    assert printing.save_pdf(None, PDF, "纪要") is None
    (error,) = messages.errors
    assert str(target) in error and "文件夹不存在" in error

    existing = tmp_path / "old.pdf"
    existing.write_bytes(b"old")

    def full_disk(_path: Path, _data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a: (str(existing), ""))
    )
    monkeypatch.setattr(fileio.os, "fsync", lambda _fd: full_disk(existing, b""))
    assert printing.save_pdf(None, PDF, "old") is None
    assert "磁盘已满" in messages.errors[1]
    assert existing.read_bytes() == b"old" and list(tmp_path.glob("*.part")) == []
